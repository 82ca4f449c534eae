//! The image exposes a remote-administration or database port: DW501, seen in a built
//! image's `ExposedPorts`. Database ports are left alone in an image whose name or
//! command says it is that database.

use super::ImageCx;
pub use crate::build::instructions::sensitive_port_exposed::META;
use crate::build::instructions::sensitive_port_exposed::PORTS;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let config = &cx.spec.config;
    // What the image is: its name and what it runs.
    let mut identity = cx.spec.name.to_ascii_lowercase();
    for list in [&config.entrypoint, &config.cmd] {
        for word in list.get().into_iter().flatten() {
            identity.push(' ');
            identity.push_str(&word.to_ascii_lowercase());
        }
    }
    for exposed in &config.exposed_ports {
        let Some(port) = exposed.get() else { continue };
        if port.protocol != "tcp" {
            continue;
        }
        let Some(known) = PORTS.iter().find(|p| p.port == u32::from(port.port)) else {
            continue;
        };
        if known.own_image.iter().any(|w| identity.contains(w)) {
            continue;
        }
        let message = if known.own_image.is_empty() {
            format!("the image exposes port {} ({})", port.port, known.service)
        } else {
            format!(
                "the image exposes port {} ({}) but does not run that database",
                port.port, known.service
            )
        };
        out.push(cx.finding(&META, &exposed.at, message).with_severity(known.severity));
    }
}
