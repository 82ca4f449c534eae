//! Profiles: services that declare `profiles:` run only when one of them is enabled.

use std::collections::BTreeMap;

use crate::yaml::Node;

/// The profiles a service declares (`profiles: [debug]`).
pub(crate) fn service_profiles(service: &Node) -> Vec<String> {
    service
        .get("profiles")
        .map(|p| {
            p.seq_or_single()
                .into_iter()
                .filter_map(|n| n.scalar_text().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Enabled profiles: the caller's list plus `COMPOSE_PROFILES` (comma separated), which
/// `docker compose` reads from the environment and from `.env`.
pub(crate) fn enabled_profiles(requested: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
    let mut enabled: Vec<String> = requested.to_vec();
    if let Some(list) = env.get("COMPOSE_PROFILES") {
        enabled.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    enabled.sort();
    enabled.dedup();
    enabled
}

/// Whether a service with `profiles` runs when `enabled` are on (`*` enables all).
pub(crate) fn is_active(profiles: &[String], enabled: &[String]) -> bool {
    profiles.is_empty() || enabled.iter().any(|e| e == "*") || profiles.iter().any(|p| enabled.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity() {
        let none: Vec<String> = vec![];
        assert!(is_active(&none, &none));
        assert!(!is_active(&["debug".into()], &none));
        assert!(is_active(&["debug".into()], &["debug".into()]));
        assert!(is_active(&["debug".into()], &["*".into()]));
        let mut env = BTreeMap::new();
        env.insert("COMPOSE_PROFILES".into(), "a, b".into());
        assert_eq!(enabled_profiles(&["c".into()], &env), vec!["a", "b", "c"]);
    }
}
