use super::command_util::{
    CURL, PIP, WGET, command_name, is_verification, parse_args, pip_args, runs, tokens, value_at,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports downloads over plain `http://`: `curl` and `wget` URLs, `git clone`, pip
    /// package indexes (`--index-url`, `--extra-index-url`, `--find-links`) and `ADD`
    /// sources. Downloads checked in the same RUN (`sha256sum -c`, `gpg --verify`) or by
    /// `ADD --checksum`, and local addresses (`localhost`, `127.0.0.1`), are not reported.
    ///
    /// ## Why is this bad?
    /// Plain HTTP has no integrity: any proxy, mirror or attacker on the network path can
    /// replace the file, and what they serve runs in your build or ships in your image.
    /// Nearly every download site offers HTTPS.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLo /usr/local/bin/tool http://downloads.example.com/tool-1.4.2-linux-amd64
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLo /usr/local/bin/tool https://downloads.example.com/tool-1.4.2-linux-amd64
    /// ```
    ///
    /// ## References
    /// - CWE-319: Cleartext Transmission of Sensitive Information
    /// - CWE-494: Download of Code Without Integrity Check
    pub static META = {
        code: "DW154",
        name: "insecure-http-download",
        category: Image,
        severity: Low,
        summary: "a file is downloaded over plain HTTP",
        references: ["cwe:319", "cwe:494"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for (_, si) in cx.instructions() {
        let instruction = si.instruction;
        if instruction.keyword != Keyword::Add || instruction.flag("checksum").is_some() {
            continue;
        }
        let words = instruction.args.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        for source in sources {
            let value = si.vars.expand(&source.unquoted());
            if !value.unknown && is_plain_http(&value.text) {
                out.push(cx.finding(&META, source.range, message("ADD", &value.text)));
            }
        }
    }
    for run in runs(cx) {
        let mut found = Vec::new();
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(name) = command_name(c) else { continue };
            let (tool, toks) = match name {
                "curl" | "wget" | "git" => (name, tokens(c.args(), run.vars())),
                _ => match pip_args(c) {
                    Some(words) => ("pip", tokens(words, run.vars())),
                    None => continue,
                },
            };
            let urls: Vec<(&str, usize)> = match tool {
                "curl" => parse_args(&toks, &CURL)
                    .iter()
                    .filter_map(|a| match a.operand() {
                        Some(url) => Some((url, a.at())),
                        None if a.is_long("--url") => value_at(&toks, a),
                        None => None,
                    })
                    .collect(),
                "wget" => parse_args(&toks, &WGET)
                    .iter()
                    .filter_map(|a| a.operand().map(|url| (url, a.at())))
                    .collect(),
                "git" => {
                    if toks.first().is_none_or(|t| t.text != "clone") {
                        continue;
                    }
                    toks.iter().enumerate().skip(1).map(|(i, t)| (&*t.text, i)).collect()
                }
                _ => parse_args(&toks, &PIP)
                    .iter()
                    .filter(|a| {
                        a.is_short(b'i')
                            || a.is_short(b'f')
                            || a.is_long("--index-url")
                            || a.is_long("--extra-index-url")
                            || a.is_long("--find-links")
                    })
                    .filter_map(|a| value_at(&toks, a))
                    .collect(),
            };
            for (url, at) in urls {
                let Some(tok) = toks.get(at) else { continue };
                if tok.known && is_plain_http(url) {
                    found.push(cx.finding(&META, cmd.source(tok.word.raw), message(tool, url)));
                }
            }
        }
        // A checksum or signature checked in the same RUN covers what came over HTTP.
        if !found.is_empty() && !run.any_command(is_verification) {
            out.append(&mut found);
        }
    }
}

fn message(tool: &str, url: &str) -> String {
    format!("`{tool}` fetches `{url}` over plain HTTP; anyone on the network path can change it")
}

/// `http://` with a host that is not this machine.
fn is_plain_http(url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|s| s.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().map_or(host, |h| &host[..h.len() + 1])
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let host = host.to_ascii_lowercase();
    !(host.is_empty()
        || host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "[::1]"
        || host.contains('$'))
}
