//! Parsers for the values of docker CLI options, following the docker CLI / daemon rules
//! (so a model built from a `docker run` line means what docker would do with it). Pure
//! functions over the option's value text; the caller checks for expansions first.

use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

/// Why a value does not parse (what docker would say, roughly).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueError {
    pub message: String,
}

impl ValueError {
    fn new(message: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
        }
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ValueError {}

/// Go's `strconv.ParseBool` (what pflag uses for `--flag=value`).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// -p / --publish

/// An inclusive port range (`start == end` for a single port).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PortRange {
    pub start: u16,
    pub end: u16,
}

impl PortRange {
    pub fn single(p: u16) -> Self {
        PortRange { start: p, end: p }
    }
}

/// One `-p` value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortMapping {
    /// `None`: all interfaces (the daemon's default bind address).
    pub host_ip: Option<String>,
    /// `None`: an ephemeral host port is chosen.
    pub host_port: Option<PortRange>,
    pub container_port: PortRange,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// Long syntax / swarm only: `ingress` or `host`.
    pub mode: Option<String>,
}

impl PortMapping {
    /// Published on every interface (no host IP, or `0.0.0.0` / `::`).
    pub fn binds_all_interfaces(&self) -> bool {
        match self.host_ip.as_deref() {
            None => true,
            Some(ip) => matches!(ip.parse::<IpAddr>(), Ok(a) if a.is_unspecified()),
        }
    }
}

/// Parses every `-p` form: `8080`, `80:80`, `127.0.0.1:80:80`, `[::1]:80:80`,
/// `0.0.0.0::80`, `8000-8010:8000-8010/udp`, `80/tcp`, and the long syntax
/// `published=8080,target=80,protocol=udp,mode=host`.
pub fn parse_publish(s: &str) -> Result<PortMapping, ValueError> {
    if s.contains('=') {
        return parse_publish_long(s);
    }
    // Split from the right, as docker does: the last part is the container port, the one
    // before it the host port, everything before that the IP (which may hold colons).
    let parts: Vec<&str> = s.split(':').collect();
    let n = parts.len();
    let (ip, host, container) = match n {
        1 => ("".to_string(), "", parts[0]),
        2 => ("".to_string(), parts[0], parts[1]),
        _ => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let (container, proto) = match container.split_once('/') {
        Some((c, p)) if !p.is_empty() => (c, p.to_ascii_lowercase()),
        Some((c, _)) => (c, "tcp".to_string()),
        None => (container, "tcp".to_string()),
    };
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        return Err(ValueError::new(format!("invalid protocol `{proto}`")));
    }
    if container.is_empty() {
        return Err(ValueError::new(format!("no container port in `{s}`")));
    }
    let container_port = parse_port_range(container)?;
    let host_port = if host.is_empty() {
        None
    } else {
        Some(parse_port_range(host)?)
    };
    let host_ip = if ip.is_empty() {
        None
    } else {
        let bare = ip.strip_prefix('[').and_then(|x| x.strip_suffix(']')).unwrap_or(&ip);
        if bare.parse::<IpAddr>().is_err() {
            return Err(ValueError::new(format!("invalid IP address `{bare}`")));
        }
        Some(bare.to_string())
    };
    if let Some(h) = host_port {
        let hl = h.end - h.start;
        let cl = container_port.end - container_port.start;
        if hl != cl && cl != 0 {
            return Err(ValueError::new(format!(
                "host and container port ranges differ in size in `{s}`"
            )));
        }
    }
    Ok(PortMapping {
        host_ip,
        host_port,
        container_port,
        protocol: proto,
        mode: None,
    })
}

fn parse_publish_long(s: &str) -> Result<PortMapping, ValueError> {
    let mut published = None;
    let mut target = None;
    let mut protocol = "tcp".to_string();
    let mut mode = None;
    let mut host_ip = None;
    for field in s.split(',') {
        let Some((k, v)) = field.split_once('=') else {
            return Err(ValueError::new(format!(
                "invalid publish field `{field}` (expected name=value)"
            )));
        };
        match k.to_ascii_lowercase().as_str() {
            "published" => published = Some(parse_port_range(v)?),
            "target" => target = Some(parse_port_range(v)?),
            "protocol" => protocol = v.to_ascii_lowercase(),
            "mode" => mode = Some(v.to_string()),
            "host_ip" | "host-ip" => host_ip = Some(v.to_string()),
            _ => return Err(ValueError::new(format!("unknown publish field `{k}`"))),
        }
    }
    let container_port = target.ok_or_else(|| ValueError::new("publish long syntax needs `target=`"))?;
    Ok(PortMapping {
        host_ip,
        host_port: published,
        container_port,
        protocol,
        mode,
    })
}

/// `80` or `8000-8010`.
pub fn parse_port_range(s: &str) -> Result<PortRange, ValueError> {
    let port = |p: &str| {
        p.parse::<u16>()
            .map_err(|_| ValueError::new(format!("invalid port `{p}`")))
    };
    match s.split_once('-') {
        Some((a, b)) => {
            let (start, end) = (port(a)?, port(b)?);
            if end < start {
                return Err(ValueError::new(format!("invalid port range `{s}`")));
            }
            Ok(PortRange { start, end })
        }
        None => Ok(PortRange::single(port(s)?)),
    }
}

// ---------------------------------------------------------------------------------------
// -v / --volume

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum VolumeKind {
    /// A host path (`/x`, `./x`, `~/x`, `C:\x`, `\\.\pipe\x`).
    Bind,
    /// A named volume.
    Named,
    /// `-v /ctr`: an anonymous volume.
    Anonymous,
}

/// One `-v` value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VolumeSpec {
    pub kind: VolumeKind,
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// `shared`, `rshared`, `slave`, `rslave`, `private`, `rprivate`.
    pub propagation: Option<String>,
    /// SELinux relabel: `z` (shared) or `Z` (private).
    pub selinux_label: Option<char>,
    pub nocopy: bool,
    /// Every mode option, as written (includes podman's `U`, `O`, `noexec` …).
    pub options: Vec<String>,
}

const PROPAGATIONS: &[&str] = &["shared", "rshared", "slave", "rslave", "private", "rprivate"];

/// Parses `-v` values: `/host:/ctr:ro,z`, `name:/ctr`, `/ctr`, `C:\x:/y`. Colons after a
/// single drive letter belong to the path, as in the docker CLI.
pub fn parse_volume(s: &str) -> Result<VolumeSpec, ValueError> {
    if s.is_empty() {
        return Err(ValueError::new("empty volume spec"));
    }
    let mut sections: Vec<&str> = Vec::with_capacity(3);
    if s.len() <= 2 {
        sections.push(s);
    } else {
        let b = s.as_bytes();
        let mut start = 0;
        for i in 0..b.len() {
            if b[i] != b':' {
                continue;
            }
            // `C:` followed by a path: a Windows drive, not a separator.
            if i - start == 1 && b[start].is_ascii_alphabetic() {
                continue;
            }
            sections.push(&s[start..i]);
            start = i + 1;
        }
        sections.push(&s[start..]);
    }
    if sections.iter().any(|p| p.is_empty()) {
        return Err(ValueError::new(format!("empty section between colons in `{s}`")));
    }
    let (source, target, mode) = match sections.as_slice() {
        [t] => (None, *t, None),
        [src, t] => (Some(*src), *t, None),
        [src, t, m] => (Some(*src), *t, Some(*m)),
        _ => return Err(ValueError::new(format!("too many colons in `{s}`"))),
    };
    let mut spec = VolumeSpec {
        kind: match source {
            None => VolumeKind::Anonymous,
            Some(src) if is_file_path(src) => VolumeKind::Bind,
            Some(_) => VolumeKind::Named,
        },
        source: source.map(str::to_string),
        target: target.to_string(),
        read_only: false,
        propagation: None,
        selinux_label: None,
        nocopy: false,
        options: Vec::new(),
    };
    for opt in mode.into_iter().flat_map(|m| m.split(',')).filter(|o| !o.is_empty()) {
        match opt {
            "ro" => spec.read_only = true,
            "rw" => spec.read_only = false,
            "z" => spec.selinux_label = Some('z'),
            "Z" => spec.selinux_label = Some('Z'),
            "nocopy" => spec.nocopy = true,
            p if PROPAGATIONS.contains(&p) => spec.propagation = Some(p.to_string()),
            _ => {}
        }
        spec.options.push(opt.to_string());
    }
    Ok(spec)
}

fn is_file_path(source: &str) -> bool {
    let b = source.as_bytes();
    match b.first() {
        Some(b'.' | b'/' | b'~') => return true,
        None => return false,
        _ => {}
    }
    if source.starts_with(r"\\") {
        return true; // Windows named pipe
    }
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

// ---------------------------------------------------------------------------------------
// --mount

/// One `--mount` value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    /// `bind`, `volume` (the default), `tmpfs`, `npipe`, `image`, `cluster`.
    pub kind: String,
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
    pub bind_propagation: Option<String>,
    /// Every field in order, keys lower-cased, as `(key, value)`.
    pub fields: Vec<(String, Option<String>)>,
}

/// Parses `--mount type=bind,source=/x,target=/y,readonly,bind-propagation=shared`. The
/// value is one CSV record (Go's `encoding/csv`): fields may be double-quoted, with `""`
/// for a quote.
pub fn parse_mount_csv(s: &str) -> Result<MountSpec, ValueError> {
    let fields = parse_csv_record(s)?;
    let mut m = MountSpec {
        kind: "volume".to_string(),
        source: None,
        target: None,
        read_only: false,
        bind_propagation: None,
        fields: Vec::with_capacity(fields.len()),
    };
    for field in fields {
        let (key, val) = match field.split_once('=') {
            Some((k, v)) => (k.to_ascii_lowercase(), Some(v.to_string())),
            None => (field.to_ascii_lowercase(), None),
        };
        match (key.as_str(), val.as_deref()) {
            ("readonly" | "ro", None) => m.read_only = true,
            ("readonly" | "ro", Some(v)) => {
                m.read_only =
                    parse_bool(v).ok_or_else(|| ValueError::new(format!("invalid value for {key}: `{v}`")))?;
            }
            (
                "volume-nocopy" | "bind-nonrecursive" | "bind-recursive" | "bind-create-mountpoint" | "volume-subpath",
                None,
            ) => {}
            (_, None) => {
                return Err(ValueError::new(format!(
                    "invalid field `{key}`: must be a key=value pair"
                )));
            }
            ("type", Some(v)) => m.kind = v.to_ascii_lowercase(),
            ("source" | "src", Some(v)) => m.source = Some(v.to_string()),
            ("target" | "dst" | "destination", Some(v)) => m.target = Some(v.to_string()),
            ("bind-propagation", Some(v)) => m.bind_propagation = Some(v.to_ascii_lowercase()),
            _ => {}
        }
        m.fields.push((key, val));
    }
    Ok(m)
}

/// One record of Go's `encoding/csv` with default settings (comma separator, no lazy
/// quotes, no leading-space trimming).
pub fn parse_csv_record(s: &str) -> Result<Vec<String>, ValueError> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        if let Some(after) = rest.strip_prefix('"') {
            let mut field = String::new();
            let mut r = after;
            loop {
                match r.find('"') {
                    None => return Err(ValueError::new("extraneous or missing \" in quoted field")),
                    Some(k) => {
                        field.push_str(&r[..k]);
                        r = &r[k + 1..];
                        if let Some(r2) = r.strip_prefix('"') {
                            field.push('"');
                            r = r2;
                            continue;
                        }
                        break;
                    }
                }
            }
            out.push(field);
            if r.is_empty() {
                return Ok(out);
            }
            match r.strip_prefix(',') {
                Some(r2) => rest = r2,
                None => return Err(ValueError::new("extraneous or missing \" in quoted field")),
            }
        } else {
            let (field, next) = match rest.find(',') {
                Some(k) => (&rest[..k], Some(&rest[k + 1..])),
                None => (rest, None),
            };
            if field.contains('"') {
                return Err(ValueError::new("bare \" in non-quoted field"));
            }
            out.push(field.to_string());
            match next {
                Some(n) => rest = n,
                None => return Ok(out),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// --security-opt

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SecurityOpt {
    /// `no-new-privileges`, `no-new-privileges:true|false`, `no-new-privileges=…`.
    NoNewPrivileges(bool),
    /// `seccomp=unconfined`, `seccomp=builtin`, or a profile path.
    Seccomp(String),
    /// `apparmor=unconfined` or a profile name.
    Apparmor(String),
    /// `label=disable`, `label=type:…`, `label=user:…`, …
    Label(String),
    /// `systempaths=unconfined`.
    SystemPaths(String),
    /// Anything else (`mask=…`, `unmask=…`, `proc-opts=…`, …).
    Other { key: String, value: String },
}

/// Parses `--security-opt`: `key=value` or the legacy `key:value`, as the docker CLI
/// splits it; `no-new-privileges` alone means true.
pub fn parse_security_opt(s: &str) -> Result<SecurityOpt, ValueError> {
    let (key, value) = match s.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None if s == "no-new-privileges" => (s, None),
        None => match s.split_once(':') {
            Some((k, v)) => (k, Some(v)),
            None => (s, None),
        },
    };
    if key == "no-new-privileges" {
        return match value {
            None => Ok(SecurityOpt::NoNewPrivileges(true)),
            Some(v) => parse_bool(v)
                .map(SecurityOpt::NoNewPrivileges)
                .ok_or_else(|| ValueError::new(format!("invalid no-new-privileges value `{v}`"))),
        };
    }
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Err(ValueError::new(format!("invalid --security-opt `{s}`")));
    };
    let v = value.to_string();
    Ok(match key {
        "seccomp" => SecurityOpt::Seccomp(v),
        "apparmor" => SecurityOpt::Apparmor(v),
        "label" => SecurityOpt::Label(v),
        "systempaths" => SecurityOpt::SystemPaths(v),
        _ => SecurityOpt::Other {
            key: key.to_string(),
            value: v,
        },
    })
}

// ---------------------------------------------------------------------------------------
// sizes and ulimits

/// Docker's `RAMInBytes`: `512m`, `1g`, `1.5g`, `1073741824`, `64MiB`, `10 kb` (binary
/// multiples; units case-insensitive; an optional `i` and `b` after the unit).
pub fn parse_memory_size(s: &str) -> Result<u64, ValueError> {
    let err = || ValueError::new(format!("invalid size `{s}`"));
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    let num = &s[..i];
    if num.is_empty() || !num.as_bytes()[0].is_ascii_digit() || num.ends_with('.') {
        return Err(err());
    }
    let n: f64 = num.parse().map_err(|_| err())?;
    let mut rest = &s[i..];
    rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut unit = 0u32;
    if let Some(c) = rest.chars().next() {
        let k = match c.to_ascii_lowercase() {
            'k' => 1,
            'm' => 2,
            'g' => 3,
            't' => 4,
            'p' => 5,
            _ => 0,
        };
        if k > 0 {
            unit = k;
            rest = &rest[1..];
        }
    }
    rest = rest.strip_prefix(['i', 'I']).unwrap_or(rest);
    rest = rest.strip_prefix(['b', 'B']).unwrap_or(rest);
    if !rest.is_empty() {
        return Err(err());
    }
    let bytes = n * 1024f64.powi(unit as i32);
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(err());
    }
    Ok(bytes as u64)
}

/// One `--ulimit` value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    /// Equals `soft` when not given. `-1` means unlimited.
    pub hard: i64,
}

const ULIMIT_NAMES: &[&str] = &[
    "core",
    "cpu",
    "data",
    "fsize",
    "locks",
    "memlock",
    "msgqueue",
    "nice",
    "nofile",
    "nproc",
    "rss",
    "rtprio",
    "rttime",
    "sigpending",
    "stack",
];

/// `nofile=1024:2048`, `nproc=512`, `core=-1`.
pub fn parse_ulimit(s: &str) -> Result<Ulimit, ValueError> {
    let Some((name, limits)) = s.split_once('=') else {
        return Err(ValueError::new(format!(
            "invalid ulimit `{s}` (expected name=soft[:hard])"
        )));
    };
    if !ULIMIT_NAMES.contains(&name) {
        return Err(ValueError::new(format!("invalid ulimit type `{name}`")));
    }
    let num = |x: &str| {
        x.parse::<i64>()
            .map_err(|_| ValueError::new(format!("invalid ulimit value `{x}`")))
    };
    let (soft, hard) = match limits.split_once(':') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let v = num(limits)?;
            (v, v)
        }
    };
    if hard != -1 && soft > hard {
        return Err(ValueError::new(format!(
            "ulimit soft limit {soft} is greater than hard limit {hard}"
        )));
    }
    Ok(Ulimit {
        name: name.to_string(),
        soft,
        hard,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pm(s: &str) -> PortMapping {
        parse_publish(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn publish_forms() {
        let p = pm("8080");
        assert_eq!(
            (
                p.host_ip.as_deref(),
                p.host_port,
                p.container_port.start,
                p.protocol.as_str()
            ),
            (None, None, 8080, "tcp")
        );
        assert!(p.binds_all_interfaces());
        let p = pm("80:8080");
        assert_eq!(p.host_port, Some(PortRange::single(80)));
        assert_eq!(p.container_port, PortRange::single(8080));
        let p = pm("127.0.0.1:80:80");
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert!(!p.binds_all_interfaces());
        let p = pm("[::1]:80:80");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = pm("::1:80:80");
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
        let p = pm("0.0.0.0::80");
        assert_eq!(p.host_ip.as_deref(), Some("0.0.0.0"));
        assert_eq!(p.host_port, None);
        assert!(p.binds_all_interfaces());
        let p = pm("8000-8010:8000-8010/udp");
        assert_eq!(p.host_port, Some(PortRange { start: 8000, end: 8010 }));
        assert_eq!(p.container_port, PortRange { start: 8000, end: 8010 });
        assert_eq!(p.protocol, "udp");
        let p = pm("80/tcp");
        assert_eq!((p.host_port, p.container_port.start), (None, 80));
        let p = pm("127.0.0.1:5000-5010:5000/sctp");
        assert_eq!(p.protocol, "sctp");
        let p = pm("published=8080,target=80,protocol=udp,mode=host");
        assert_eq!(p.host_port, Some(PortRange::single(8080)));
        assert_eq!(p.container_port, PortRange::single(80));
        assert_eq!(p.mode.as_deref(), Some("host"));
    }

    #[test]
    fn publish_errors() {
        for bad in [
            "",
            "80:",
            "abc",
            "1.2.3:80:80",
            "80/icmp",
            "127.0.0.1:80",
            "70000",
            "90-80",
            "8000-8010:80-81",
        ] {
            assert!(parse_publish(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn volume_forms() {
        let v = parse_volume("/host:/ctr:ro,z").unwrap();
        assert_eq!(v.kind, VolumeKind::Bind);
        assert_eq!(v.source.as_deref(), Some("/host"));
        assert_eq!(v.target, "/ctr");
        assert!(v.read_only);
        assert_eq!(v.selinux_label, Some('z'));
        let v = parse_volume("data:/var/lib/data").unwrap();
        assert_eq!((v.kind, v.source.as_deref()), (VolumeKind::Named, Some("data")));
        assert!(!v.read_only);
        let v = parse_volume("/ctr").unwrap();
        assert_eq!(
            (v.kind, v.source, v.target.as_str()),
            (VolumeKind::Anonymous, None, "/ctr")
        );
        let v = parse_volume(r"C:\x:/y").unwrap();
        assert_eq!(
            (v.kind, v.source.as_deref(), v.target.as_str()),
            (VolumeKind::Bind, Some(r"C:\x"), "/y")
        );
        let v = parse_volume(r"c:\src:c:\dst:ro").unwrap();
        assert_eq!(
            (v.source.as_deref(), v.target.as_str(), v.read_only),
            (Some(r"c:\src"), r"c:\dst", true)
        );
        let v = parse_volume("/var/run/docker.sock:/var/run/docker.sock").unwrap();
        assert_eq!(v.kind, VolumeKind::Bind);
        let v = parse_volume("./app:/app:rshared,Z,nocopy").unwrap();
        assert_eq!(v.propagation.as_deref(), Some("rshared"));
        assert_eq!(v.selinux_label, Some('Z'));
        assert!(v.nocopy);
        let v = parse_volume("~/.ssh:/root/.ssh:ro").unwrap();
        assert_eq!(v.kind, VolumeKind::Bind);
        assert!(parse_volume("/a:/b:ro:x").is_err());
        assert!(parse_volume("/a::/b").is_err());
        assert!(parse_volume("").is_err());
    }

    #[test]
    fn mount_csv() {
        let m = parse_mount_csv("type=bind,source=/x,target=/y,readonly,bind-propagation=shared").unwrap();
        assert_eq!(m.kind, "bind");
        assert_eq!(m.source.as_deref(), Some("/x"));
        assert_eq!(m.target.as_deref(), Some("/y"));
        assert!(m.read_only);
        assert_eq!(m.bind_propagation.as_deref(), Some("shared"));
        let m = parse_mount_csv("src=vol,dst=/data,ro=false").unwrap();
        assert_eq!(m.kind, "volume");
        assert!(!m.read_only);
        let m = parse_mount_csv(r#"type=bind,"source=/a,b",target=/c"#).unwrap();
        assert_eq!(m.source.as_deref(), Some("/a,b"));
        let m = parse_mount_csv(r#"type=volume,"volume-opt=o=""x""",dst=/d"#).unwrap();
        assert_eq!(m.fields[1].1.as_deref(), Some(r#"o="x""#));
        assert!(parse_mount_csv("type=bind,bogus").is_err());
        assert!(parse_mount_csv(r#"type=bind,source=/a"b"#).is_err());
        assert!(parse_mount_csv(r#""type=bind"x"#).is_err());
        assert!(parse_mount_csv("readonly=maybe").is_err());
    }

    #[test]
    fn security_opts() {
        use SecurityOpt::*;
        let cases: &[(&str, SecurityOpt)] = &[
            ("no-new-privileges", NoNewPrivileges(true)),
            ("no-new-privileges:true", NoNewPrivileges(true)),
            ("no-new-privileges:false", NoNewPrivileges(false)),
            ("no-new-privileges=true", NoNewPrivileges(true)),
            ("seccomp=unconfined", Seccomp("unconfined".into())),
            ("seccomp:unconfined", Seccomp("unconfined".into())),
            ("seccomp=/etc/p.json", Seccomp("/etc/p.json".into())),
            ("apparmor=unconfined", Apparmor("unconfined".into())),
            ("label=disable", Label("disable".into())),
            ("label:disable", Label("disable".into())),
            ("label=type:svirt_apache_t", Label("type:svirt_apache_t".into())),
            ("systempaths=unconfined", SystemPaths("unconfined".into())),
            (
                "mask=/proc/x",
                Other {
                    key: "mask".into(),
                    value: "/proc/x".into(),
                },
            ),
        ];
        for (s, want) in cases {
            assert_eq!(&parse_security_opt(s).unwrap(), want, "{s}");
        }
        for bad in ["seccomp", "seccomp=", "no-new-privileges=maybe", "bogus"] {
            assert!(parse_security_opt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn memory_sizes() {
        let cases = [
            ("512m", 512 << 20),
            ("1g", 1 << 30),
            ("1G", 1 << 30),
            ("1073741824", 1_073_741_824),
            ("1.5g", 1_610_612_736),
            ("64MiB", 64 << 20),
            ("10 kb", 10 << 10),
            ("100b", 100),
            ("2t", 2 << 40),
        ];
        for (s, want) in cases {
            assert_eq!(parse_memory_size(s).unwrap(), want, "{s}");
        }
        for bad in ["", "m", "-1", "1.2.3g", "12x", "1gg", ".5g", "5.g"] {
            assert!(parse_memory_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ulimits() {
        assert_eq!(
            parse_ulimit("nofile=1024:2048").unwrap(),
            Ulimit {
                name: "nofile".into(),
                soft: 1024,
                hard: 2048
            }
        );
        assert_eq!(parse_ulimit("nproc=512").unwrap().hard, 512);
        assert_eq!(parse_ulimit("core=-1").unwrap().soft, -1);
        assert_eq!(parse_ulimit("nofile=100:-1").unwrap().hard, -1);
        for bad in ["nofile", "bogus=1", "nofile=2:1", "nofile=x"] {
            assert!(parse_ulimit(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }
}
