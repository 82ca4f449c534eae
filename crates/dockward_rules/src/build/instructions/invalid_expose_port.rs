use super::util::{instructions_with_onbuild, is_ascii_digits};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` entry that is not a valid port: not a number, above 65535,
    /// a range whose end is before its start, a protocol other than `tcp`, `udp` or
    /// `sctp`, or a `host:container` mapping (which `EXPOSE` cannot do). Values from ARG
    /// and ENV are resolved first; unknown values are left alone.
    ///
    /// ## Why is this bad?
    /// Docker refuses to build the image, or silently ignores the part it cannot use: the
    /// documented port and the port the service really uses drift apart, and tools that
    /// read the image's exposed ports (Compose `-P`, scanners) get it wrong.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080/tcp
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#expose>
    pub static META = {
        code: "DW251",
        name: "invalid-expose-port",
        category: Build,
        severity: Medium,
        summary: "EXPOSE names an invalid port",
        references: ["hadolint:DL3011", "trivy:DS-0008", "kics:71bf8cf8-f0a1-42fa-b9d2-d10525e0a38e", "cwe:1286"],
        fix: None,
        models: [Build],
    };
}

/// What is wrong with one EXPOSE entry, if anything.
pub(crate) fn problem(entry: &str) -> Option<String> {
    let (ports, protocol) = match entry.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (entry, None),
    };
    if let Some(proto) = protocol
        && !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp")
    {
        return Some(format!("`{proto}` is not a protocol EXPOSE knows (tcp, udp, sctp)"));
    }
    if ports.contains(':') {
        return Some("EXPOSE cannot map a host port; publish ports with `docker run -p` or Compose `ports:`".into());
    }
    let (start, end) = match ports.split_once('-') {
        Some((a, b)) => (a, b),
        None => (ports, ports),
    };
    let mut parsed = [0u32; 2];
    for (i, p) in [start, end].into_iter().enumerate() {
        if !is_ascii_digits(p) {
            return Some(format!("`{p}` is not a port number"));
        }
        let n: u32 = p.parse().unwrap_or(u32::MAX);
        if n > 65535 {
            return Some(format!("port {p} is outside 0-65535"));
        }
        parsed[i] = n;
    }
    (parsed[0] > parsed[1]).then(|| format!("the range {ports} ends before it starts"))
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for inst in instructions_with_onbuild(cx) {
        if inst.instruction.keyword != Keyword::Expose {
            continue;
        }
        for word in inst.instruction.args.words() {
            let Some(value) = inst.value(word) else { continue };
            // One word may expand to several entries (`EXPOSE $PORTS`).
            for entry in value.split_whitespace() {
                if let Some(problem) = problem(entry) {
                    out.push(cx.finding(&META, word.range, format!("invalid EXPOSE entry `{entry}`: {problem}")));
                }
            }
        }
    }
}
