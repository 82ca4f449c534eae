use super::util::stage_labels;
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, LabelType};

declare_rule! {
    /// ## What it does
    /// Checks labels named in the configuration's label schema against the form given
    /// there: `semver` values must be semantic versions (`1.4.2`, `2.0.0-rc.1+build.5`)
    /// and `email` values RFC 5322 addresses (`team@example.com`). Values that depend on
    /// unknown build arguments are not judged. Without a schema the rule does nothing:
    ///
    /// ```toml
    /// [image]
    /// label-schema = { version = "semver", maintainer = "email" }
    /// ```
    ///
    /// The type names are hadolint's, so a hadolint `label-schema` carries over for these
    /// two types.
    ///
    /// ## Why is this bad?
    /// A team that agrees on labels usually has tools that read them: release automation
    /// that compares versions, inventories that page the maintainer. A value of the wrong
    /// form (`v1.2`, `latest`, `John Smith`) breaks them silently.
    ///
    /// ## Example
    /// With `label-schema = { version = "semver", maintainer = "email" }`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL version="v1.2" maintainer="Platform team"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL version="1.2.0" maintainer="platform@example.com"
    /// ```
    ///
    /// ## References
    /// - <https://semver.org/spec/v2.0.0.html>
    /// - <https://www.rfc-editor.org/rfc/rfc5322#section-3.4.1>
    pub static META = {
        code: "DW276",
        name: "label-value-schema",
        category: Build,
        severity: Info,
        summary: "a label's value does not have the form the label schema requires",
        references: ["hadolint:DL3056", "hadolint:DL3058"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let schema = &cx.settings.label_schema;
    if schema.is_empty() {
        return;
    }
    for stage in &cx.build.stages {
        for label in stage_labels(cx, stage) {
            let (Some(key), Some(value)) = (label.key.as_deref(), label.value.as_deref()) else {
                continue;
            };
            let Some(kind) = schema.get(key) else { continue };
            let value = value.trim();
            let message = match kind {
                LabelType::Semver if !is_semver(value) => {
                    format!("label `{key}` is not a semantic version (`1.2.3`): `{value}`")
                }
                LabelType::Email if !is_email(value) => format!("label `{key}` is not an e-mail address: `{value}`"),
                _ => continue,
            };
            out.push(cx.finding(&META, label.pair.value.range, message));
        }
    }
}

/// Semantic Versioning 2.0.0: `MAJOR.MINOR.PATCH`, no leading zeros, optional
/// `-prerelease` and `+build` parts of dot-separated identifiers.
pub(crate) fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    let identifier = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let core: Vec<&str> = core.split('.').collect();
    core.len() == 3
        && core.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.')
                .all(|id| identifier(id) && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id)))
        })
        && build.is_none_or(|build| build.split('.').all(identifier))
}

/// An RFC 5322 `addr-spec`: a dot-atom or quoted local part, `@`, and a dot-atom domain
/// or a `[domain literal]`. Display names (`Jane <jane@example.com>`) and comments are not
/// addresses.
pub(crate) fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
    let dot_atom = |s: &str| !s.is_empty() && s.split('.').all(|a| !a.is_empty() && a.bytes().all(atext));
    let quoted = |s: &str| {
        s.len() >= 2
            && s.starts_with('"')
            && s.ends_with('"')
            && s[1..s.len() - 1].bytes().all(|b| (b' '..=b'~').contains(&b))
    };
    let literal = |s: &str| {
        s.len() >= 2
            && s.starts_with('[')
            && s.ends_with(']')
            && s[1..s.len() - 1]
                .bytes()
                .all(|b| (b'!'..=b'~').contains(&b) && !b"[]\\".contains(&b))
    };
    (dot_atom(local) || quoted(local)) && (dot_atom(domain) || literal(domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semantic_versions() {
        for ok in [
            "0.0.0",
            "1.4.2",
            "10.20.30",
            "1.0.0-rc.1",
            "1.0.0-alpha-1+build.5",
            "1.0.0+20240501",
        ] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "v1.2.3",
            "01.2.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3+",
            "1.2.3-a..b",
            "latest",
            "1.2.3.4",
        ] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn email_addresses() {
        for ok in [
            "team@example.com",
            "a.b+tag@mail.example.org",
            "\"john smith\"@example.com",
            "x@[192.0.2.1]",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "team",
            "@example.com",
            "team@",
            "a..b@example.com",
            "Jane <jane@example.com>",
            "team @example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
