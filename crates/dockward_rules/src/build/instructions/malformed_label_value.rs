use super::util::stage_labels;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a standard label (OCI `org.opencontainers.image.*` or the older
    /// `org.label-schema.*`) whose value does not have the form the specification
    /// requires: an empty value, a `…url`/`…source`/`…documentation`/`vcs-url` that is
    /// not a URL, or a `created`/`build-date` that is not an RFC 3339 timestamp. Values
    /// that depend on unknown build arguments are not judged.
    ///
    /// ## Why is this bad?
    /// These labels are read by machines: registries link the source repository,
    /// scanners and SBOM tools record them, and update bots show release notes from
    /// them. A malformed value is silently dropped or, worse, misleads.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app" \
    ///       org.opencontainers.image.created="May 1st 2024"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG BUILD_DATE
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app" \
    ///       org.opencontainers.image.created=$BUILD_DATE
    /// ```
    ///
    /// ## References
    /// - <https://github.com/opencontainers/image-spec/blob/main/annotations.md>
    /// - <https://www.rfc-editor.org/rfc/rfc3339>
    pub static META = {
        code: "DW268",
        name: "malformed-label-value",
        category: Build,
        severity: Info,
        summary: "a standard label's value has the wrong format",
        references: ["hadolint:DL3051", "hadolint:DL3052", "hadolint:DL3053"],
        fix: None,
        models: [Build],
    };
}

enum Kind {
    Url,
    Timestamp,
    Any,
}

fn kind_of(key: &str) -> Option<Kind> {
    let suffix = key
        .strip_prefix("org.opencontainers.image.")
        .or_else(|| key.strip_prefix("org.label-schema."))?;
    Some(match suffix {
        "url" | "source" | "documentation" | "vcs-url" | "usage" => Kind::Url,
        "created" | "build-date" => Kind::Timestamp,
        _ => Kind::Any,
    })
}

fn is_url(value: &str) -> bool {
    if value.starts_with("git@") && value.contains(':') {
        return true;
    }
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !value.contains(char::is_whitespace)
}

/// `2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.123+02:00` (`t`/space separators too).
fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let mut i = 19;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()),
        _ => false,
    }
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        for label in stage_labels(cx, stage) {
            let (Some(key), Some(value)) = (label.key.as_deref(), label.value.as_deref()) else {
                continue;
            };
            let Some(kind) = kind_of(&key.to_ascii_lowercase()) else {
                continue;
            };
            let value = value.trim();
            let problem = if value.is_empty() {
                "is empty"
            } else {
                match kind {
                    Kind::Url if !is_url(value) => "is not a URL",
                    Kind::Timestamp if !is_rfc3339(value) => "is not an RFC 3339 timestamp (`2024-05-01T12:00:00Z`)",
                    _ => continue,
                }
            };
            let message = if value.is_empty() {
                format!("label `{key}` is empty")
            } else {
                format!("label `{key}` {problem}: `{value}`")
            };
            out.push(cx.finding(&META, label.pair.value.range, message));
        }
    }
}
