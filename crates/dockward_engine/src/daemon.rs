//! A running daemon as its Engine API describes itself (`/info`, and the default bridge
//! network's options), lowered into the `DaemonSpec` the daemon rules read.
//!
//! `/info` reports some of the daemon's settings (user namespaces, rootless, seccomp
//! profile, no-new-privileges, live restore, logging driver, debug, experimental, insecure
//! registries, authorization plugins) and not others (listeners, TLS, `userland-proxy`,
//! `iptables`, the log level): those are `Unknown`, so no rule guesses about them. Each
//! known field points at its JSON pointer in `/info`.

use crate::lower::escape_pointer_token;
use dockward_core::Provenance;
use dockward_model::Sourced;
use dockward_model::daemon::{DaemonSource, DaemonSpec};
use serde_json::Value;

/// Lowers `/info` (and, when given, `/networks/bridge`) of the daemon named `object`.
pub fn lower_daemon_info(object: &str, info: &Value, bridge: Option<&Value>) -> DaemonSpec {
    let at = |pointer: &str| Provenance::Engine {
        object: object.to_string(),
        pointer: pointer.to_string(),
    };
    let mut spec = DaemonSpec::unset(
        DaemonSource::Engine {
            object: object.to_string(),
        },
        at(""),
    );

    let options: Vec<&str> = info["SecurityOptions"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let option = |name: &str| {
        options.iter().position(|o| {
            o.split(',')
                .any(|part| part.strip_prefix("name=").is_some_and(|n| n == name))
        })
    };
    let option_at = |i: usize| at(&format!("/SecurityOptions/{i}"));
    if options.is_empty() {
        // An engine that does not report its security options tells nothing about them.
        spec.userns_remap.unknown_if_unset();
        spec.rootless.unknown_if_unset();
        spec.no_new_privileges.unknown_if_unset();
        spec.seccomp_profile.unknown_if_unset();
        spec.selinux_enabled.unknown_if_unset();
    } else {
        if let Some(i) = option("userns") {
            spec.userns_remap = Sourced::set("default".to_string(), option_at(i));
        }
        spec.rootless = match option("rootless") {
            Some(i) => Sourced::set(true, option_at(i)),
            None => Sourced::set(false, at("/SecurityOptions")),
        };
        if let Some(i) = option("no-new-privileges") {
            spec.no_new_privileges = Sourced::set(true, option_at(i));
        }
        spec.seccomp_profile = match option("seccomp") {
            Some(i) => {
                let profile = options[i]
                    .split(',')
                    .find_map(|part| part.strip_prefix("profile="))
                    .unwrap_or("builtin");
                Sourced::set(profile.to_string(), option_at(i))
            }
            // Built without seccomp, or the kernel lacks it: not a profile choice.
            None => Sourced::unknown(at("/SecurityOptions")),
        };
        spec.selinux_enabled = Sourced::set(option("selinux").is_some(), at("/SecurityOptions"));
    }

    let boolean = |key: &str| info[key].as_bool().map(|b| Sourced::set(b, at(&format!("/{key}"))));
    spec.live_restore = boolean("LiveRestoreEnabled").unwrap_or_else(|| Sourced::unknown(at("")));
    spec.experimental = boolean("ExperimentalBuild").unwrap_or_else(|| Sourced::unknown(at("")));
    spec.debug = boolean("Debug").unwrap_or_else(|| Sourced::unknown(at("")));
    let string = |key: &str| {
        info[key]
            .as_str()
            .map(|s| Sourced::set(s.to_string(), at(&format!("/{key}"))))
            .unwrap_or_else(|| Sourced::unknown(at("")))
    };
    spec.log_driver = string("LoggingDriver");
    spec.storage_driver = string("Driver");

    // Registries reached without TLS: CIDRs besides loopback (which Docker always treats so)
    // and named registries marked not secure.
    if let Some(cidrs) = info["RegistryConfig"]["InsecureRegistryCIDRs"].as_array() {
        for (i, cidr) in cidrs.iter().enumerate() {
            if let Some(cidr) = cidr.as_str().filter(|c| !matches!(*c, "127.0.0.0/8" | "::1/128")) {
                let pointer = format!("/RegistryConfig/InsecureRegistryCIDRs/{i}");
                spec.insecure_registries
                    .push(Sourced::set(cidr.to_string(), at(&pointer)));
            }
        }
    }
    if let Some(index) = info["RegistryConfig"]["IndexConfigs"].as_object() {
        for (name, config) in index {
            if config["Secure"].as_bool() == Some(false) {
                let pointer = format!("/RegistryConfig/IndexConfigs/{}/Secure", escape_pointer_token(name));
                spec.insecure_registries.push(Sourced::set(name.clone(), at(&pointer)));
            }
        }
    }
    if let Some(plugins) = info["Plugins"]["Authorization"].as_array() {
        for (i, plugin) in plugins.iter().enumerate() {
            if let Some(name) = plugin.as_str() {
                let pointer = format!("/Plugins/Authorization/{i}");
                spec.authorization_plugins
                    .push(Sourced::set(name.to_string(), at(&pointer)));
            }
        }
    }

    // The default bridge's options say whether containers on it may talk to each other.
    spec.icc = bridge
        .and_then(|b| b["Options"]["com.docker.network.bridge.enable_icc"].as_str())
        .map_or_else(
            || Sourced::unknown(at("")),
            |v| Sourced::set(v == "true", at("/Options/com.docker.network.bridge.enable_icc")),
        );

    // Not in `/info`: read from daemon.json or the command line instead.
    for field in [
        &mut spec.tls,
        &mut spec.tls_verify,
        &mut spec.userland_proxy,
        &mut spec.iptables,
    ] {
        field.unknown_if_unset();
    }
    for field in [
        &mut spec.tls_ca_cert,
        &mut spec.tls_cert,
        &mut spec.tls_key,
        &mut spec.ip,
        &mut spec.log_level,
        &mut spec.cgroup_parent,
        &mut spec.config_file,
    ] {
        field.unknown_if_unset();
    }
    spec.has_unknown_settings = true;
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_info_reports() {
        let info = json!({
            "SecurityOptions": ["name=apparmor", "name=seccomp,profile=unconfined", "name=rootless"],
            "LiveRestoreEnabled": false,
            "LoggingDriver": "none",
            "Debug": true,
            "ExperimentalBuild": false,
            "RegistryConfig": {
                "InsecureRegistryCIDRs": ["127.0.0.0/8", "10.0.0.0/8"],
                "IndexConfigs": {"reg.internal:5000": {"Secure": false}, "docker.io": {"Secure": true}}
            },
            "Plugins": {"Authorization": ["authz-broker"]}
        });
        let spec = lower_daemon_info("engine unix:///x", &info, None);
        assert_eq!(spec.seccomp_profile.get().map(String::as_str), Some("unconfined"));
        assert_eq!(spec.rootless.get(), Some(&true));
        assert!(spec.userns_remap.value.is_unset());
        assert!(spec.no_new_privileges.value.is_unset());
        assert_eq!(spec.live_restore.get(), Some(&false));
        let registries: Vec<&str> = spec
            .insecure_registries
            .iter()
            .filter_map(|r| r.get().map(String::as_str))
            .collect();
        assert_eq!(registries, ["10.0.0.0/8", "reg.internal:5000"]);
        assert_eq!(spec.authorization_plugins.len(), 1);
        assert!(spec.tls.value.is_unknown() && spec.icc.value.is_unknown());
        let Provenance::Engine { pointer, .. } = &spec.seccomp_profile.at else {
            panic!()
        };
        assert_eq!(pointer, "/SecurityOptions/1");
    }

    #[test]
    fn bridge_options_tell_icc() {
        let bridge = json!({"Options": {"com.docker.network.bridge.enable_icc": "false"}});
        let spec = lower_daemon_info("e", &json!({}), Some(&bridge));
        assert_eq!(spec.icc.get(), Some(&false));
        assert!(spec.seccomp_profile.value.is_unknown(), "no options reported: unknown");
    }
}
