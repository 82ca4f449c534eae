//! CycloneDX 1.6 JSON.

use super::Subject;
use crate::inventory::Inventory;
use serde_json::{Value, json};

/// The CycloneDX 1.6 document of `inventory`.
pub fn cyclonedx(inventory: &Inventory, subject: &Subject) -> Value {
    let mut components = Vec::new();
    let mut refs = Vec::new();
    if let Some(os) = &inventory.os {
        let mut os_component = json!({
            "bom-ref": "os",
            "type": "operating-system",
            "name": os.id,
        });
        if !os.version_id.is_empty() {
            os_component["version"] = json!(os.version_id);
        }
        if !os.pretty_name.is_empty() {
            os_component["description"] = json!(os.pretty_name);
        }
        components.push(os_component);
        refs.push(json!("os"));
    }
    for (n, pkg) in inventory.packages.iter().enumerate() {
        if pkg.name.is_empty() {
            continue;
        }
        let bom_ref = format!("pkg-{n}");
        let mut c = json!({
            "bom-ref": bom_ref,
            "type": "library",
            "name": pkg.name,
            "version": pkg.version,
        });
        if let Some(purl) = crate::purl::purl(pkg, inventory.os.as_ref()) {
            c["purl"] = json!(purl);
        }
        if let Some(license) = &pkg.license {
            c["licenses"] = json!([{ "license": { "name": license } }]);
        }
        let mut properties = vec![
            json!({ "name": "dockward:package:type", "value": pkg.kind.as_str() }),
            json!({ "name": "dockward:location", "value": pkg.location.path }),
        ];
        if let Some(source) = &pkg.source_name {
            properties.push(json!({ "name": "dockward:package:source-name", "value": source }));
        }
        if let Some(source) = &pkg.source_version {
            properties.push(json!({ "name": "dockward:package:source-version", "value": source }));
        }
        if let Some((digest, created_by)) = pkg.layer.and_then(|l| subject.layers.get(l as usize)) {
            // The layer that added the package (trivy names it `LayerDiffID`).
            properties.push(json!({ "name": "dockward:layer:diff-id", "value": digest }));
            if !created_by.is_empty() {
                properties.push(json!({ "name": "dockward:layer:created-by", "value": created_by }));
            }
        }
        c["properties"] = Value::Array(properties);
        components.push(c);
        refs.push(json!(bom_ref));
    }
    let mut root = json!({
        "bom-ref": "root",
        "type": "application",
        "name": subject.name,
    });
    if let Some(purl) = &subject.image_purl {
        root["type"] = json!("container");
        root["purl"] = json!(purl);
    }
    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", subject.uuid),
        "version": 1,
        "metadata": {
            "timestamp": subject.timestamp,
            "tools": {
                "components": [{
                    "type": "application",
                    "name": "dockward",
                    "version": env!("CARGO_PKG_VERSION"),
                }]
            },
            "component": root,
        },
        "components": components,
        "dependencies": [{ "ref": "root", "dependsOn": refs }],
    })
}
