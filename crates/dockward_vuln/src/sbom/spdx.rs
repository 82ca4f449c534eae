//! SPDX 2.3 JSON.

use super::Subject;
use crate::inventory::Inventory;
use serde_json::{Value, json};

fn package(id: &str, name: &str, version: Option<&str>) -> Value {
    let mut p = json!({
        "SPDXID": id,
        "name": name,
        "downloadLocation": "NOASSERTION",
        "filesAnalyzed": false,
        "licenseConcluded": "NOASSERTION",
        "licenseDeclared": "NOASSERTION",
        "copyrightText": "NOASSERTION",
    });
    if let Some(version) = version.filter(|v| !v.is_empty()) {
        p["versionInfo"] = json!(version);
    }
    p
}

/// The SPDX 2.3 document of `inventory`. Licences are kept as comments: package
/// metadata holds free text that is often not a valid SPDX expression.
pub fn spdx(inventory: &Inventory, subject: &Subject) -> Value {
    let mut packages = Vec::new();
    let mut relationships = vec![json!({
        "spdxElementId": "SPDXRef-DOCUMENT",
        "relationshipType": "DESCRIBES",
        "relatedSpdxElement": "SPDXRef-Root",
    })];
    let mut root = package("SPDXRef-Root", &subject.name, None);
    root["primaryPackagePurpose"] = json!("APPLICATION");
    if let Some(purl) = &subject.image_purl {
        root["primaryPackagePurpose"] = json!("CONTAINER");
        root["externalRefs"] = json!([{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": purl,
        }]);
    }
    packages.push(root);
    let mut contains = |id: &str| {
        relationships.push(json!({
            "spdxElementId": "SPDXRef-Root",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": id,
        }));
    };
    if let Some(os) = &inventory.os {
        let mut p = package("SPDXRef-OperatingSystem", &os.id, Some(&os.version_id));
        p["primaryPackagePurpose"] = json!("OPERATING-SYSTEM");
        packages.push(p);
        contains("SPDXRef-OperatingSystem");
    }
    for (n, pkg) in inventory.packages.iter().enumerate() {
        if pkg.name.is_empty() {
            continue;
        }
        let id = format!("SPDXRef-Package-{n}");
        let mut p = package(&id, &pkg.name, Some(&pkg.version));
        p["primaryPackagePurpose"] = json!("LIBRARY");
        if let Some(purl) = crate::purl::purl(pkg, inventory.os.as_ref()) {
            p["externalRefs"] = json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": purl,
            }]);
        }
        if let Some(license) = &pkg.license {
            p["licenseComments"] = json!(format!("declared by the package: {license}"));
        }
        p["sourceInfo"] = json!(format!("{} package read from {}", pkg.kind.as_str(), pkg.location.path));
        packages.push(p);
        contains(&id);
    }
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": subject.name,
        "documentNamespace": format!("https://dockward.invalid/spdx/{}", subject.uuid),
        "creationInfo": {
            "created": subject.timestamp,
            "creators": [format!("Tool: dockward-{}", env!("CARGO_PKG_VERSION"))],
        },
        "packages": packages,
        "relationships": relationships,
    })
}
