//! A `dockerd …` command line → [`DaemonSpec`], every flag located at its bytes.
//!
//! Flags are read as dockerd's flag parser (pflag) reads them: `--flag=value` and `--flag
//! value` (the next word is the value even when it starts with `-`); booleans never take
//! the next word but accept `--flag=false`; short flags cluster (`-DH fd://`), and a short
//! flag that takes a value takes the rest of its word (`-Hfd://`, `-H=fd://`) or else the
//! next word. dockerd takes no positional arguments, so an unknown flag followed by a word
//! that is not a flag took it as its value.
//!
//! A setting the command line does not give is `Unknown`: dockerd also reads a
//! configuration file (`/etc/docker/daemon.json` unless `--config-file` says otherwise) that
//! may set it. [`super::merge_daemon`] resolves that once the file is known. An unquoted
//! expansion where flags are read (`$DOCKER_OPTS`) may hold any flag: it sets
//! [`DaemonSpec::has_unknown_flags`].

use super::{BOOL_KEYS, DaemonKey, DaemonSource, DaemonSpec, KeyOrigin, Said};
use crate::known::Sourced;
use dockward_core::{FileId, Provenance, TextRange};
use dockward_shell::values::parse_bool;
use dockward_shell::{Word, effective_argv};

/// One dockerd flag: its long and short names, whether it takes a value, and the
/// `daemon.json` key it sets (list flags use the plural: `--host` sets `hosts`).
struct Flag {
    long: &'static str,
    short: Option<u8>,
    value: bool,
    key: &'static str,
}

const fn boolean(long: &'static str, short: Option<u8>) -> Flag {
    Flag {
        long,
        short,
        value: false,
        key: long,
    }
}

const fn valued(long: &'static str, short: Option<u8>, key: &'static str) -> Flag {
    Flag {
        long,
        short,
        value: true,
        key,
    }
}

/// dockerd's flags (`dockerd --help` of current releases, plus removed ones still found in
/// old units: `--graph`, `--cluster-store`, `--disable-legacy-registry`).
const FLAGS: &[Flag] = &[
    boolean("debug", Some(b'D')),
    boolean("tls", None),
    boolean("tlsverify", None),
    boolean("icc", None),
    boolean("iptables", None),
    boolean("ip6tables", None),
    boolean("ip-forward", None),
    boolean("ip-forward-no-drop", None),
    boolean("ip-masq", None),
    boolean("ipv6", None),
    boolean("live-restore", None),
    boolean("no-new-privileges", None),
    boolean("rootless", None),
    boolean("selinux-enabled", None),
    boolean("userland-proxy", None),
    boolean("experimental", None),
    boolean("init", None),
    boolean("raw-logs", None),
    boolean("validate", None),
    boolean("version", Some(b'v')),
    boolean("help", None),
    boolean("cri-containerd", None),
    boolean("disable-legacy-registry", None),
    valued("host", Some(b'H'), "hosts"),
    valued("add-runtime", None, "runtimes"),
    valued(
        "allow-nondistributable-artifacts",
        None,
        "allow-nondistributable-artifacts",
    ),
    valued("api-cors-header", None, "api-cors-header"),
    valued("authorization-plugin", None, "authorization-plugins"),
    valued("bip", None, "bip"),
    valued("bip6", None, "bip6"),
    valued("bridge", Some(b'b'), "bridge"),
    valued("bridge-accept-fwmark", None, "bridge-accept-fwmark"),
    valued("cdi-spec-dir", None, "cdi-spec-dirs"),
    valued("cgroup-parent", None, "cgroup-parent"),
    valued("cluster-advertise", None, "cluster-advertise"),
    valued("cluster-store", None, "cluster-store"),
    valued("cluster-store-opt", None, "cluster-store-opts"),
    valued("config-file", None, "config-file"),
    valued("containerd", None, "containerd"),
    valued("containerd-namespace", None, "containerd-namespace"),
    valued("containerd-plugins-namespace", None, "containerd-plugins-namespace"),
    valued("cpu-rt-period", None, "cpu-rt-period"),
    valued("cpu-rt-runtime", None, "cpu-rt-runtime"),
    valued("data-root", None, "data-root"),
    valued("default-address-pool", None, "default-address-pools"),
    valued("default-cgroupns-mode", None, "default-cgroupns-mode"),
    valued("default-gateway", None, "default-gateway"),
    valued("default-gateway-v6", None, "default-gateway-v6"),
    valued("default-ipc-mode", None, "default-ipc-mode"),
    valued("default-network-opt", None, "default-network-opts"),
    valued("default-runtime", None, "default-runtime"),
    valued("default-shm-size", None, "default-shm-size"),
    valued("default-ulimit", None, "default-ulimits"),
    valued("dns", None, "dns"),
    valued("dns-opt", None, "dns-opts"),
    valued("dns-search", None, "dns-search"),
    valued("exec-opt", None, "exec-opts"),
    valued("exec-root", None, "exec-root"),
    valued("feature", None, "features"),
    valued("firewall-backend", None, "firewall-backend"),
    valued("fixed-cidr", None, "fixed-cidr"),
    valued("fixed-cidr-v6", None, "fixed-cidr-v6"),
    valued("graph", Some(b'g'), "graph"),
    valued("group", Some(b'G'), "group"),
    valued("host-gateway-ip", None, "host-gateway-ips"),
    valued("http-proxy", None, "http-proxy"),
    valued("https-proxy", None, "https-proxy"),
    valued("init-path", None, "init-path"),
    valued("insecure-registry", None, "insecure-registries"),
    valued("ip", None, "ip"),
    valued("label", None, "labels"),
    valued("log-driver", None, "log-driver"),
    valued("log-format", None, "log-format"),
    valued("log-level", Some(b'l'), "log-level"),
    valued("log-opt", None, "log-opts"),
    valued("max-concurrent-downloads", None, "max-concurrent-downloads"),
    valued("max-concurrent-uploads", None, "max-concurrent-uploads"),
    valued("max-download-attempts", None, "max-download-attempts"),
    valued("metrics-addr", None, "metrics-addr"),
    valued("mtu", None, "mtu"),
    valued("network-control-plane-mtu", None, "network-control-plane-mtu"),
    valued("network-diagnostic-port", None, "network-diagnostic-port"),
    valued("no-proxy", None, "no-proxy"),
    valued("node-generic-resource", None, "node-generic-resources"),
    valued("oom-score-adjust", None, "oom-score-adjust"),
    valued("pidfile", Some(b'p'), "pidfile"),
    valued("registry-mirror", None, "registry-mirrors"),
    valued("seccomp-profile", None, "seccomp-profile"),
    valued("shutdown-timeout", None, "shutdown-timeout"),
    valued("storage-driver", Some(b's'), "storage-driver"),
    valued("storage-opt", None, "storage-opts"),
    valued("swarm-default-advertise-addr", None, "swarm-default-advertise-addr"),
    valued("swarm-raft-election-tick", None, "swarm-raft-election-tick"),
    valued("swarm-raft-heartbeat-tick", None, "swarm-raft-heartbeat-tick"),
    valued("tlscacert", None, "tlscacert"),
    valued("tlscert", None, "tlscert"),
    valued("tlskey", None, "tlskey"),
    valued("userland-proxy-path", None, "userland-proxy-path"),
    valued("userns-remap", None, "userns-remap"),
];

/// Whether `key` is the `daemon.json` key of a dockerd flag.
pub(crate) fn is_flag_key(key: &str) -> bool {
    FLAGS.iter().any(|f| f.key == key)
}

/// Programs that run dockerd with the arguments that follow.
const DOCKERD_PROGRAMS: &[&str] = &["dockerd", "dockerd-rootless.sh"];

/// Lowers a whole argv when it runs dockerd (`dockerd …`, `/usr/bin/dockerd …`,
/// `sudo dockerd …`, `exec dockerd …`, `dockerd-rootless.sh …`); `None` for any other
/// command. `map` turns a range of the text the words were parsed from into a range of
/// `file` (the identity for a plain script). The spec's origin is the command word.
pub fn lower_dockerd_args(file: FileId, words: &[Word], map: &dyn Fn(TextRange) -> TextRange) -> Option<DaemonSpec> {
    let argv = effective_argv(words);
    let program = argv.first()?;
    if program.has_expansion {
        return None;
    }
    let name = program.value.rsplit('/').next().unwrap_or("");
    if !DOCKERD_PROGRAMS.contains(&name) {
        return None;
    }
    let origin = Provenance::text(file, map(program.raw));
    let mut spec = lower_dockerd_flags(file, &argv[1..], origin.clone(), &program.value, map);
    // The script runs dockerd inside RootlessKit, which makes it rootless whatever the
    // flags say (an explicit `--rootless=false` aside).
    if name == "dockerd-rootless.sh" && spec.rootless.get() != Some(&false) {
        spec.rootless = Sourced::set(true, origin);
    }
    Some(spec)
}

/// Lowers dockerd's arguments without the command word: for a `docker:dind` service whose
/// `command:` holds only flags (the image's entrypoint adds `dockerd`). `origin` is where
/// the spec as a whole is reported; `program` names it in messages.
pub fn lower_dockerd_flags(
    file: FileId,
    args: &[Word],
    origin: Provenance,
    program: &str,
    map: &dyn Fn(TextRange) -> TextRange,
) -> DaemonSpec {
    let mut spec = DaemonSpec::unset(
        DaemonSource::CommandLine {
            program: program.to_string(),
        },
        origin,
    );
    let mut parser = Parser {
        args,
        out: Vec::new(),
        unknown: false,
    };
    parser.parse();
    for flag in parser.out {
        let at = Provenance::text(file, map(flag.range));
        spec.keys.push(DaemonKey {
            name: flag.key.clone(),
            origin: KeyOrigin::Flag,
            at: at.clone(),
            text: flag.text.clone(),
        });
        let said = match (&flag.value, flag.value_unknown) {
            (_, true) => Said::Unknown,
            (None, false) if BOOL_KEYS.contains(&flag.key.as_str()) => Said::Bool(true),
            (None, false) => Said::Unknown,
            (Some(v), false) if BOOL_KEYS.contains(&flag.key.as_str()) => {
                parse_bool(v).map_or(Said::Unknown, Said::Bool)
            }
            (Some(v), false) => Said::Text(v.clone()),
        };
        spec.apply(&flag.key, said, at);
    }
    spec.has_unknown_flags = parser.unknown;
    // The configuration file dockerd reads may set everything the flags do not.
    spec.mark_unset_as_unknown();
    spec
}

/// One flag as read.
struct Parsed {
    /// The `daemon.json` key it sets (the long name for a flag dockward does not know).
    key: String,
    /// For a boolean, `Some` only when written `--flag=value`.
    value: Option<String>,
    value_unknown: bool,
    /// The flag and its value.
    range: TextRange,
    /// As written, for messages (`-H fd://`).
    text: String,
}

struct Parser<'w> {
    args: &'w [Word],
    out: Vec<Parsed>,
    /// An expansion may stand for flags dockward cannot see.
    unknown: bool,
}

impl Parser<'_> {
    fn parse(&mut self) {
        let mut i = 0;
        while i < self.args.len() {
            let w = &self.args[i];
            let v = w.value.as_str();
            if w.may_split() {
                self.unknown = true;
                i += 1;
                continue;
            }
            if v == "--" {
                // dockerd takes no positional arguments: nothing after this is a flag.
                return;
            }
            i = if let Some(body) = v.strip_prefix("--").filter(|b| !b.is_empty()) {
                self.long(i, body)
            } else if v.len() > 1 && v.starts_with('-') {
                self.short_cluster(i)
            } else {
                i + 1
            };
        }
    }

    fn long(&mut self, i: usize, body: &str) -> usize {
        let w = &self.args[i];
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let flag = FLAGS.iter().find(|f| f.long == name);
        let name_range = w.sub_range(0, 2 + name.len());
        if let Some(value) = inline {
            let value_range = w.sub_range(3 + name.len(), w.value.len());
            let key = flag.map_or(name, |f| f.key);
            self.push(
                key,
                Some(value),
                w.has_substitution(),
                name_range.cover(value_range),
                w.value.clone(),
            );
            return i + 1;
        }
        let takes_value = match flag {
            Some(f) => f.value,
            None => self.args.get(i + 1).is_some_and(|n| !n.value.starts_with('-')),
        };
        let key = flag.map_or(name, |f| f.key);
        self.flag_then_value(i, key, takes_value, name_range, &w.value.clone())
    }

    /// `-D`, `-DH fd://`, `-Hfd://`, `-H=fd://`, `-l debug`.
    fn short_cluster(&mut self, i: usize) -> usize {
        let w = &self.args[i];
        let v = w.value.clone();
        let bytes = v.as_bytes();
        let mut k = 1;
        while k < bytes.len() {
            let c = bytes[k];
            let name_range = w.sub_range(if k == 1 { 0 } else { k }, k + 1);
            let rest = &v[k + 1..];
            let flag = FLAGS.iter().find(|f| f.short == Some(c));
            match flag {
                Some(f) if f.value => {
                    if rest.is_empty() {
                        return self.flag_then_value(i, f.key, true, name_range, &format!("-{}", c as char));
                    }
                    let skip = usize::from(rest.starts_with('='));
                    let range = name_range.cover(w.sub_range(k + 1 + skip, v.len()));
                    self.push(
                        f.key,
                        Some(&rest[skip..]),
                        w.has_substitution(),
                        range,
                        format!("-{}{rest}", c as char),
                    );
                    return i + 1;
                }
                Some(f) => {
                    if let Some(value) = rest.strip_prefix('=') {
                        let range = name_range.cover(w.sub_range(k + 2, v.len()));
                        self.push(
                            f.key,
                            Some(value),
                            w.has_substitution(),
                            range,
                            format!("-{}{rest}", c as char),
                        );
                        return i + 1;
                    }
                    self.push(f.key, None, false, name_range, format!("-{}", c as char));
                }
                // An unknown shorthand: dockerd refuses it; skip the word.
                None => return i + 1,
            }
            k += 1;
        }
        i + 1
    }

    /// A flag whose value, if it takes one, is the next word.
    fn flag_then_value(
        &mut self,
        i: usize,
        key: &str,
        takes_value: bool,
        name_range: TextRange,
        written: &str,
    ) -> usize {
        if !takes_value {
            self.push(key, None, false, name_range, written.to_string());
            return i + 1;
        }
        match self.args.get(i + 1) {
            Some(next) => {
                let text = format!("{written} {}", next.value);
                self.push(
                    key,
                    Some(&next.value.clone()),
                    next.has_substitution(),
                    name_range.cover(next.raw),
                    text,
                );
                i + 2
            }
            None => {
                // `-H` at the end: dockerd refuses; the value is not knowable.
                self.push(key, None, true, name_range, written.to_string());
                i + 1
            }
        }
    }

    fn push(&mut self, key: &str, value: Option<&str>, value_unknown: bool, range: TextRange, text: String) {
        self.out.push(Parsed {
            key: key.to_string(),
            value: value.map(str::to_string),
            value_unknown,
            range,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::ListenerKind;
    use dockward_shell::{parse_shell, split_words_lenient};

    fn lower(text: &str) -> DaemonSpec {
        let script = parse_shell(text);
        script
            .commands
            .iter()
            .find_map(|c| lower_dockerd_args(FileId(0), &c.words, &|r| r))
            .expect("a dockerd command")
    }

    fn slice<'t>(text: &'t str, at: &Provenance) -> &'t str {
        at.as_text().unwrap().1.slice(text)
    }

    #[test]
    fn every_flag_form_is_read_with_its_bytes() {
        let text = "sudo /usr/bin/dockerd -H unix:///var/run/docker.sock --host=tcp://0.0.0.0:2375 -Hfd:// \
            --tlsverify --tls=false --tlscacert /etc/docker/ca.pem --icc=false --userns-remap default \
            --live-restore --userland-proxy=false --no-new-privileges --seccomp-profile=unconfined \
            --insecure-registry registry.lan:5000 --registry-mirror https://m.example --log-driver none \
            -l debug -D --iptables=false --experimental --authorization-plugin=opa \
            --selinux-enabled --default-ulimit nofile=1024:2048 --log-opt max-size=10m \
            --config-file /etc/docker/custom.json --storage-driver overlay2";
        let s = lower(text);
        assert_eq!(
            s.source,
            DaemonSource::CommandLine {
                program: "/usr/bin/dockerd".into()
            }
        );
        assert_eq!(slice(text, &s.origin), "/usr/bin/dockerd");
        let kinds: Vec<ListenerKind> = s.hosts.iter().map(|h| h.get().unwrap().kind).collect();
        assert_eq!(kinds, [ListenerKind::Unix, ListenerKind::Tcp, ListenerKind::Fd]);
        assert_eq!(slice(text, &s.hosts[0].at), "-H unix:///var/run/docker.sock");
        assert_eq!(slice(text, &s.hosts[1].at), "--host=tcp://0.0.0.0:2375");
        assert_eq!(slice(text, &s.hosts[2].at), "-Hfd://");
        assert_eq!(s.tls_verify.get(), Some(&true));
        assert_eq!(slice(text, &s.tls_verify.at), "--tlsverify");
        assert_eq!(s.tls.get(), Some(&false));
        assert_eq!(s.tls_ca_cert.get().map(String::as_str), Some("/etc/docker/ca.pem"));
        assert_eq!(s.icc.get(), Some(&false));
        assert_eq!(slice(text, &s.icc.at), "--icc=false");
        assert_eq!(s.userns_remap.get().map(String::as_str), Some("default"));
        assert_eq!(s.live_restore.get(), Some(&true));
        assert_eq!(s.userland_proxy.get(), Some(&false));
        assert_eq!(s.no_new_privileges.get(), Some(&true));
        assert_eq!(s.seccomp_profile.get().map(String::as_str), Some("unconfined"));
        assert_eq!(s.insecure_registries.len(), 1);
        assert_eq!(s.registry_mirrors.len(), 1);
        assert_eq!(s.log_driver.get().map(String::as_str), Some("none"));
        assert_eq!(s.log_level.get().map(String::as_str), Some("debug"));
        assert_eq!(slice(text, &s.log_level.at), "-l debug");
        assert_eq!(s.debug.get(), Some(&true));
        assert_eq!(s.iptables.get(), Some(&false));
        assert_eq!(s.experimental.get(), Some(&true));
        assert_eq!(s.authorization_plugins[0].get().map(String::as_str), Some("opa"));
        assert_eq!(s.selinux_enabled.get(), Some(&true));
        assert_eq!(s.default_ulimits[0].get().map(String::as_str), Some("nofile=1024:2048"));
        assert_eq!(s.log_opts[0].get(), Some(&("max-size".into(), "10m".into())));
        assert_eq!(s.config_file.get().map(String::as_str), Some("/etc/docker/custom.json"));
        assert_eq!(s.storage_driver.get().map(String::as_str), Some("overlay2"));
        // Flags are named by their daemon.json keys.
        let key = s.key("hosts").unwrap();
        assert_eq!(
            (key.origin, key.text.as_str()),
            (KeyOrigin::Flag, "-H unix:///var/run/docker.sock")
        );
        assert!(s.key("insecure-registries").is_some() && s.key("log-opts").is_some());
        // What the flags do not say, the configuration file may.
        assert!(s.cgroup_parent.value.is_unknown() && s.rootless.value.is_unknown());
        assert!(s.has_unknown_settings && !s.has_unknown_flags);
    }

    #[test]
    fn clusters_and_short_values() {
        let text = "dockerd -DH tcp://127.0.0.1:2375 -l=warn -G docker";
        let s = lower(text);
        assert_eq!(s.debug.get(), Some(&true));
        assert_eq!(slice(text, &s.debug.at), "-D");
        assert_eq!(slice(text, &s.hosts[0].at), "H tcp://127.0.0.1:2375");
        assert_eq!(s.log_level.get().map(String::as_str), Some("warn"));
        assert!(s.key("group").is_some());
    }

    #[test]
    fn booleans_never_take_the_next_word_and_values_always_do() {
        let s = lower("dockerd --icc false --log-level --debug");
        assert_eq!(s.icc.get(), Some(&true));
        // pflag gives `--debug` to --log-level as its value; dockerd then refuses it.
        assert_eq!(s.log_level.get().map(String::as_str), Some("--debug"));
        assert!(s.debug.value.is_unknown());
        let s = lower("dockerd --icc=maybe");
        assert!(s.icc.value.is_unknown());
    }

    #[test]
    fn expansions_are_unknown() {
        let s = lower("exec dockerd -H \"$DOCKER_HOST\" --icc=$ICC $DOCKER_OPTS --new-flag x --live-restore");
        assert!(s.hosts[0].value.is_unknown());
        assert!(s.icc.value.is_unknown());
        assert!(s.has_unknown_flags);
        assert_eq!(s.live_restore.get(), Some(&true));
        // An unknown flag took `x` as its value and is named for conflict checks.
        assert!(s.key("new-flag").is_some());
    }

    #[test]
    fn only_dockerd_commands_are_lowered() {
        for text in [
            "docker run alpine",
            "dockerd-rootless-setuptool.sh install",
            "$DOCKERD -H fd://",
            "echo dockerd",
        ] {
            let script = parse_shell(text);
            assert!(
                lower_dockerd_args(FileId(0), &script.commands[0].words, &|r| r).is_none(),
                "{text}"
            );
        }
        let s = lower("dockerd-rootless.sh --experimental");
        assert_eq!(s.rootless.get(), Some(&true));
        assert_eq!(s.experimental.get(), Some(&true));
    }

    #[test]
    fn systemd_exec_start_words_and_a_map() {
        let line = "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock";
        let offset = "ExecStart=".len() as u32;
        let words = split_words_lenient(&line[offset as usize..]);
        let s = lower_dockerd_args(FileId(7), &words, &|r| r.shifted(offset)).unwrap();
        assert_eq!(slice(line, &s.hosts[0].at), "-H fd://");
        assert_eq!(s.hosts[0].at.as_text().unwrap().0, FileId(7));
    }

    #[test]
    fn dind_command_flags_without_the_program() {
        let words = split_words_lenient("--host=tcp://0.0.0.0:2375 --tls=false");
        let origin = Provenance::text(FileId(0), TextRange::new(0, 0));
        let s = lower_dockerd_flags(FileId(0), &words, origin, "dockerd", &|r| r);
        assert!(s.hosts[0].get().unwrap().binds_all_interfaces());
        assert_eq!(s.tls.get(), Some(&false));
    }
}
