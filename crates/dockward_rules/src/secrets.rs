//! Recognising secrets by name and by value, shared by every rule that looks for them.
//!
//! Names are split into words (`DB_PASSWORD` → `db`, `password`; `apiKey` → `api`, `key`)
//! and judged on those words, so `PASSWORD_FILE` (a path) and `GPG_KEY` (a public key
//! fingerprint, everywhere in official images) are not mistaken for secrets. Values are
//! matched against the fixed prefixes of well-known credential formats with plain byte
//! checks, no regular expressions.

/// Words that make a variable name a secret on their own.
const SECRET_WORDS: [&str; 10] = [
    "password",
    "passwd",
    "pword",
    "pass",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "privatekey",
];

/// `key` is a secret only next to one of these (`API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`).
const KEY_QUALIFIERS: [&str; 8] = [
    "api",
    "private",
    "access",
    "secret",
    "encryption",
    "signing",
    "master",
    "client",
];

/// Words that say the variable holds something about a secret rather than the secret:
/// where it is, its name, its public half.
const NOT_A_SECRET: [&str; 24] = [
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "id",
    "name",
    "user",
    "username",
    "length",
    "len",
    "size",
    "version",
    "type",
    "location",
    "public",
    "pub",
    "gpg",
    "pgp",
    "fingerprint",
    "keyserver",
    "header",
    "config",
    "helper",
];

/// Whether a literal value is a file system path rather than secret material
/// (`/run/secrets/db`, `~/.config/gcloud/creds.json`).
pub fn is_path_value(value: &str) -> bool {
    value.starts_with('/') || value.starts_with("~/") || value.starts_with("./")
}

/// Splits `DB_PASSWORD`, `dbPassword`, `db-password` into lower-case words.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Whether a variable name says it holds a secret.
pub fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    if words.iter().any(|w| NOT_A_SECRET.contains(&w.as_str())) {
        return false;
    }
    words.iter().enumerate().any(|(i, w)| {
        SECRET_WORDS.contains(&w.as_str())
            || (w == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str()))
            || (w == "auth" && words.get(i + 1).is_some_and(|n| n == "token" || n == "key"))
    })
}

/// Names the credential format a value has, when it has a well-known one.
pub fn known_token_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum_run = |s: &str, n: usize| s.len() >= n && s.bytes().take(n).all(|b| b.is_ascii_alphanumeric());
    if v.match_indices('-')
        .any(|(i, _)| v.as_bytes()[i..].starts_with(b"-----BEGIN"))
        && v.contains("PRIVATE KEY")
    {
        return Some("a private key");
    }
    if let Some(rest) = v.strip_prefix("AKIA").or_else(|| v.strip_prefix("ASIA"))
        && rest.len() >= 16
        && rest
            .bytes()
            .take(16)
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("an AWS access key id");
    }
    // Slack tokens are dash-separated numbers and a random tail: `xoxb-2047…-1873…-Hq8Z…`.
    if let Some(rest) = v
        .strip_prefix("xoxb-")
        .or_else(|| v.strip_prefix("xoxp-"))
        .or_else(|| v.strip_prefix("xoxa-"))
        && rest.len() >= 20
        && rest.bytes().take(20).all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && rest.bytes().filter(|b| b.is_ascii_alphanumeric()).count() >= 20
    {
        return Some("a Slack token");
    }
    for (prefix, kind) in [
        ("ghp_", "a GitHub token"),
        ("gho_", "a GitHub token"),
        ("ghs_", "a GitHub token"),
        ("ghu_", "a GitHub token"),
        ("github_pat_", "a GitHub token"),
        ("glpat-", "a GitLab token"),
        ("sk_live_", "a Stripe secret key"),
        ("rk_live_", "a Stripe restricted key"),
        ("glrt-", "a GitLab runner token"),
        ("gldt-", "a GitLab deploy token"),
        ("glptt-", "a GitLab pipeline trigger token"),
        ("npm_", "an npm token"),
        ("AIza", "a Google API key"),
        ("hf_", "a Hugging Face token"),
    ] {
        if let Some(rest) = v.strip_prefix(prefix)
            && alnum_run(rest, 20)
        {
            return Some(kind);
        }
    }
    if is_jwt(v) {
        return Some("a JSON Web Token");
    }
    if v.contains("hooks.slack.com/services/T") {
        return Some("a Slack webhook URL");
    }
    if let Some(at) = v.find("AccountKey=") {
        let key = &v[at + "AccountKey=".len()..];
        let key = key.split(';').next().unwrap_or(key);
        if key.len() >= 80 && key.ends_with("==") {
            return Some("an Azure storage account key");
        }
    }
    if let Some(rest) = v.strip_prefix("SG.")
        && let Some((id, secret)) = rest.split_once('.')
        && id.len() == 22
        && secret.len() == 43
    {
        return Some("a SendGrid API key");
    }
    None
}

/// `header.payload.signature`, each base64url, the first two JSON objects (`eyJ` is `{"`).
fn is_jwt(v: &str) -> bool {
    let mut parts = v.split('.');
    let (Some(h), Some(p), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let b64url = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    h.starts_with("eyJ")
        && p.starts_with("eyJ")
        && h.len() >= 10
        && p.len() >= 10
        && sig.len() >= 16
        && b64url(h)
        && b64url(p)
        && b64url(sig)
}

/// Whether a value is a URL with a literal password (`postgres://app:s3cret@db/app`).
pub fn credential_in_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b)) {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((_, password)) => {
            !password.is_empty() && !password.starts_with('$') && password != "*" && password != "<password>"
        }
        None => false,
    }
}

/// Values that configure a secret rather than being one (`MYSQL_ALLOW_EMPTY_PASSWORD=yes`).
pub fn is_flag_value(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "yes"
            | "no"
            | "true"
            | "false"
            | "on"
            | "off"
            | "0"
            | "1"
            | "y"
            | "n"
            | "none"
            | "null"
            | "disabled"
            | "enabled"
    )
}

/// Documentation placeholders (`<password>`, `YOUR_TOKEN`, `${...}` written literally,
/// `***`): not a secret, and not worth a finding.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('{') && v.ends_with('}'))
        || (v.starts_with('[') && v.ends_with(']'))
        || lower.starts_with("your_")
        || lower.starts_with("your-")
        || lower.starts_with("<your")
        || v.bytes().all(|b| b == b'*' || b == b'x' || b == b'X' || b == b'.')
}

/// What a literal `NAME=value` setting holds when it is a secret, for messages that never
/// quote the value: "what looks like a GitHub token", "a URL with a password in it", "a
/// secret value". `None` for values that configure a secret rather than being one (paths,
/// flags, placeholders) and for names and values that do not look secret. The one verdict
/// image configurations, image history and environment files share.
pub fn secret_setting(name: &str, value: &str) -> Option<String> {
    if value.is_empty() || value.starts_with('$') {
        return None;
    }
    if let Some(kind) = known_token_kind(value) {
        return Some(format!("what looks like {kind}"));
    }
    if credential_in_url(value) {
        return Some("a URL with a password in it".to_string());
    }
    (is_secret_name(name) && !is_path_value(value) && !is_flag_value(value) && !is_placeholder(value))
        .then(|| "a secret value".to_string())
}

/// What kind of credential a credential file's content holds, judged by its format:
/// `.npmrc` auth tokens, `.pypirc` passwords, AWS shared credentials, Docker `auths`,
/// PEM private keys, secrets in `.env` files. `None` when the file holds no credential
/// (an `.npmrc` that only names a registry, a Docker config with a credential helper).
pub fn credential_in_file(path: &str, content: &[u8]) -> Option<&'static str> {
    let text = String::from_utf8_lossy(content);
    let file = path.rsplit('/').next().unwrap_or(path);
    let assignments = || {
        text.lines().filter_map(|l| {
            let l = l.trim();
            if l.starts_with('#') || l.starts_with(';') {
                return None;
            }
            let (k, v) = l.split_once('=').or_else(|| l.split_once(':'))?;
            let v = v.trim().trim_matches(['"', '\'']);
            Some((k.trim().trim_start_matches("export ").trim(), v))
        })
    };
    if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") {
        return Some("a private key");
    }
    match file {
        ".npmrc" => assignments()
            .any(|(k, v)| {
                (k.ends_with("_authToken") || k.ends_with("_auth") || k.ends_with("_password"))
                    && !v.is_empty()
                    && !v.starts_with("${")
            })
            .then_some("an npm registry token"),
        ".pypirc" => assignments()
            .any(|(k, v)| k == "password" && !v.is_empty() && !v.starts_with("${") && !is_placeholder(v))
            .then_some("a package index password"),
        "credentials" if path.contains("/.aws/") => assignments()
            .any(|(k, v)| k == "aws_secret_access_key" && !v.is_empty())
            .then_some("an AWS secret access key"),
        "config.json" if path.contains("/.docker/") => {
            let json: serde_json::Value = serde_json::from_slice(content).ok()?;
            json.get("auths")?
                .as_object()?
                .values()
                .any(|a| {
                    ["auth", "identitytoken", "password"]
                        .iter()
                        .any(|k| a.get(k).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty()))
                })
                .then_some("Docker registry credentials")
        }
        ".netrc" | "_netrc" => text
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0] == "password" && !w[1].starts_with('$'))
            .then_some("a .netrc password"),
        ".git-credentials" => text.lines().any(credential_in_url).then_some("stored git credentials"),
        ".pgpass" => text
            .lines()
            .any(|l| !l.starts_with('#') && l.split(':').nth(4).is_some_and(|p| !p.is_empty()))
            .then_some("a PostgreSQL password"),
        _ if file == ".env" || file.starts_with(".env.") => assignments()
            .any(|(k, v)| secret_setting(k, v).is_some())
            .then_some("secrets in an environment file"),
        _ => text
            .split(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '=')
            .find_map(known_token_kind),
    }
}

/// A credential of a well-known format found in a text: what it looks like and where
/// (1-based line, and column in bytes). The value itself is not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSecret {
    pub kind: &'static str,
    pub line: u32,
    pub column: u32,
}

/// The fixed parts of the formats [`known_token_kind`] knows: only where one of them occurs
/// is a text looked at closely (one pass for all of them).
const KEYWORDS: [&str; 24] = [
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glpat-",
    "glrt-",
    "gldt-",
    "glptt-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "sk_live_",
    "rk_live_",
    "npm_",
    "AIza",
    "hf_",
    "AKIA",
    "ASIA",
    "eyJ",
    "SG.",
    "-----BEGIN",
    "hooks.slack.com/services/T",
    "AccountKey=",
];

fn keyword_finder() -> &'static aho_corasick::AhoCorasick {
    static FINDER: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    FINDER.get_or_init(|| aho_corasick::AhoCorasick::new(KEYWORDS).expect("fixed keywords"))
}

/// Bytes that end a token in code and configuration files.
fn ends_token(b: u8) -> bool {
    b.is_ascii_whitespace() || b"\"'`<>,()[]{}\\|".contains(&b)
}

/// Example values and placeholders written in a token's format: `AKIAIOSFODNN7EXAMPLE`,
/// `ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`, `sk_live_000000000000000000000000`. A real
/// token's body is random: among its first 20 characters, many differ.
fn is_example_token(token: &str, keyword: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if lower.contains("example") || lower.contains("xxxxxx") || lower.contains("dummy") || lower.contains("fake") {
        return true;
    }
    let body = token.strip_prefix(keyword).unwrap_or(token);
    let mut seen = [false; 256];
    let distinct = body
        .bytes()
        .take(20)
        .filter(|&b| !std::mem::replace(&mut seen[b as usize], true))
        .count();
    distinct < 8
}

/// A PEM private key starting at `text` (`-----BEGIN … PRIVATE KEY-----`): its header, a
/// base64 body and the matching footer. A header alone — a PEM parser's constant, a
/// message — is not a key.
fn is_pem_private_key(text: &[u8]) -> bool {
    let window = &text[..text.len().min(16 * 1024)];
    let line_end = window.iter().position(|&b| b == b'\n').unwrap_or(window.len());
    let header = &window[..line_end];
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    if !has(header, b"PRIVATE KEY-----") {
        return false;
    }
    let rest = &window[line_end..];
    let Some(end) = rest.windows(8).position(|w| w == b"-----END") else {
        return false;
    };
    let body = &rest[..end];
    let base64 = body
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    let footer = &rest[end..rest.len().min(end + 80)];
    base64 >= 64 && has(footer, b"PRIVATE KEY")
}

/// Credentials of well-known formats in a text (a source or configuration file of an
/// image): provider tokens (GitHub, GitLab, Slack, Stripe, npm, Google, Hugging Face,
/// AWS key ids, SendGrid, Azure storage keys, Slack webhooks), JSON Web Tokens and PEM
/// private keys. A keyword pass finds where a format's fixed part occurs; only there is
/// the token cut out and judged by [`known_token_kind`]. Example values and placeholders
/// are left out. No generic `password = …` assignments: outside the credential files
/// whose format says what a line means, those are mostly code and documentation.
pub fn secrets_in_text(text: &[u8]) -> Vec<TextSecret> {
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut line_start = 0usize;
    let mut counted = 0usize;
    let mut after = 0usize;
    for m in keyword_finder().find_iter(text) {
        let start = m.start();
        if start < after {
            continue;
        }
        let keyword = KEYWORDS[m.pattern().as_usize()];
        let standalone = start == 0 || !(text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_');
        let kind = if keyword == "-----BEGIN" {
            is_pem_private_key(&text[start..]).then_some("a private key")
        } else if !standalone && !matches!(keyword, "hooks.slack.com/services/T" | "AccountKey=") {
            // `xghp_…`, `MSG.…`: the keyword is inside a longer word.
            None
        } else {
            let len = text[start..]
                .iter()
                .position(|&b| ends_token(b))
                .unwrap_or(text.len() - start);
            let token = String::from_utf8_lossy(&text[start..start + len.min(4096)]);
            let token = token.trim_end_matches(['.', ';', ':']);
            known_token_kind(token).filter(|_| !is_example_token(token, keyword))
        };
        let Some(kind) = kind else { continue };
        for (i, &b) in text[counted..start].iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = counted + i + 1;
            }
        }
        counted = start;
        out.push(TextSecret {
            kind,
            line,
            column: (start - line_start + 1) as u32,
        });
        // One hit per token.
        after = start
            + text[start..]
                .iter()
                .position(|&b| ends_token(b))
                .unwrap_or(text.len() - start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "NPM_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "apiKey",
            "API_KEY",
            "GITHUB_AUTH_TOKEN",
            "MYSQL_ROOT_PASSWORD",
            "PRIVATE_KEY",
            "REDIS_PASS",
        ] {
            assert!(is_secret_name(yes), "{yes}");
        }
        for no in [
            "GPG_KEY",
            "GPG_KEYS",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "KEY",
            "PYTHON_GPG_KEY",
            "SECRET_KEY_BASE_PATH",
            "DOCKER_CREDENTIAL_GCR_CONFIG",
            "NODE_VERSION",
            "PUBLIC_KEY",
            "KEY_ID",
            "PASSPORT_VERSION",
            "MONKEY",
        ] {
            assert!(!is_secret_name(no), "{no}");
        }
    }

    #[test]
    fn credential_files_by_content() {
        let npmrc = b"registry=https://npm.example.com/\n//npm.example.com/:_authToken=abcdef0123456789\n";
        assert_eq!(credential_in_file("/root/.npmrc", npmrc), Some("an npm registry token"));
        assert_eq!(
            credential_in_file("/root/.npmrc", b"//r/:_authToken=${NPM_TOKEN}\n"),
            None
        );
        let docker = br#"{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}"#;
        assert_eq!(
            credential_in_file("/root/.docker/config.json", docker),
            Some("Docker registry credentials")
        );
        assert_eq!(
            credential_in_file(
                "/root/.docker/config.json",
                br#"{"credsStore":"pass","auths":{"x":{}}}"#
            ),
            None
        );
        assert_eq!(
            credential_in_file("/app/.env", b"PORT=3000\nDB_PASSWORD=s3cret\n"),
            Some("secrets in an environment file")
        );
        assert_eq!(credential_in_file("/app/.env", b"PORT=3000\nDB_PASSWORD=\n"), None);
        assert_eq!(
            secret_setting("DB_PASSWORD", "changeme"),
            Some("a secret value".to_string())
        );
        assert_eq!(secret_setting("DB_PASSWORD_FILE", "/run/secrets/db"), None);
        assert_eq!(secret_setting("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"), None);
    }

    #[test]
    fn secrets_in_text_files() {
        let text = b"# settings\nGITHUB_TOKEN=ghp_4fT9qLm2Xw8ZrB7nK1vC3pH6sD0yJ5eA2uQo\n\
            const stripe = 'sk_live_51HxQ2kLmN8pRt4VwYz6BcDfGh';\n\
            aws = AKIAIOSFODNN7EXAMPLE\n\
            token: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\
            not_a_token = xghp_4fT9qLm2Xw8ZrB7nK1vC3pH6sD0yJ5eA2uQo\n\
            PEM_HEADER = \"-----BEGIN RSA PRIVATE KEY-----\"\n";
        let found = secrets_in_text(text);
        assert_eq!(
            found,
            [
                TextSecret {
                    kind: "a GitHub token",
                    line: 2,
                    column: 14
                },
                TextSecret {
                    kind: "a Stripe secret key",
                    line: 3,
                    column: 17
                },
            ]
        );
        let key = "-----BEGIN OPENSSH PRIVATE KEY-----\n\
            b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n\
            QyNTUxOQAAACDmYb2m1sT5Xq7bq5Q0m4o8ZQ2y3Ck3Yh2Lq9p8v6rB0wAAAJhVb3kZVW95\n\
            -----END OPENSSH PRIVATE KEY-----\n";
        let text = format!("line one\n  {key}");
        assert_eq!(
            secrets_in_text(text.as_bytes()),
            [TextSecret {
                kind: "a private key",
                line: 2,
                column: 3
            }]
        );
        assert_eq!(
            secrets_in_text(b"SLACK_BOT = 'xoxb-2047391822-1873649201-Hq8ZrT2mXv4LbN7kPw1Cs9Dy'")[0].kind,
            "a Slack token"
        );
        assert!(secrets_in_text(b"").is_empty());
        assert!(secrets_in_text(b"ghp_").is_empty());
    }

    #[test]
    fn token_formats_and_urls() {
        assert_eq!(known_token_kind("AKIAIOSFODNN7EXAMPLE"), Some("an AWS access key id"));
        assert_eq!(
            known_token_kind("ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
            Some("a GitHub token")
        );
        assert_eq!(known_token_kind("ghp_short"), None);
        assert_eq!(
            known_token_kind(
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ),
            Some("a JSON Web Token")
        );
        assert_eq!(known_token_kind("eyJhbGciOiJIUzI1NiJ9.notjson.sig"), None);
        assert_eq!(
            known_token_kind("https://hooks.slack.com/services/T000/B000/XXXXXXXX"),
            Some("a Slack webhook URL")
        );
        assert_eq!(known_token_kind("hello"), None);
        assert!(credential_in_url("postgres://orders:orders@db:5432/orders"));
        assert!(!credential_in_url("postgres://orders@db/orders"));
        assert!(!credential_in_url("postgres://u:$PASS@db/x"));
        assert!(!credential_in_url("https://example.com/a:b@c"));
    }
}
