use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a setting given both as a dockerd flag and in the configuration file
    /// dockerd reads: `-H fd://` in the systemd unit and `"hosts"` in `daemon.json` is the
    /// classic case. Seen when a command line and its configuration file are checked
    /// together. (`runtimes` / `--add-runtime` may be given both ways: dockerd merges
    /// them.)
    ///
    /// ## Why is this bad?
    /// dockerd refuses to start ("the following directives are specified both as a flag
    /// and in the configuration file"), whatever the two values are: the change that added
    /// the key takes the daemon down at the next restart, often a host reboot. Keep each
    /// setting in one place; for `hosts` with systemd, override `ExecStart` in a drop-in
    /// without `-H`.
    ///
    /// ## Example
    /// `docker.service` starts dockerd with `-H`:
    /// ```ini
    /// [Service]
    /// ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
    /// ```
    /// and `/etc/docker/daemon.json` adds a listener:
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
    ///   "tlsverify": true
    /// }
    /// ```
    ///
    /// Use instead: a drop-in that starts dockerd without `-H`
    /// ```ini
    /// [Service]
    /// ExecStart=
    /// ExecStart=/usr/bin/dockerd --containerd=/run/containerd/containerd.sock
    /// ```
    /// and the listeners in one place:
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376"],
    ///   "tlsverify": true
    /// }
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/daemon/#configuration-file>
    /// - <https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file>
    pub static META = {
        code: "DW715",
        name: "daemon-option-set-twice",
        category: Daemon,
        severity: High,
        summary: "a setting is given both as a flag and in the file: dockerd refuses to start",
        references: [],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    for conflict in &cx.spec.conflicts {
        out.push(
            cx.finding(
                &META,
                &conflict.file,
                format!(
                    "`{}` is set here and by the dockerd flag `{}`: dockerd refuses to start when a setting is given both ways",
                    conflict.key, conflict.flag_text
                ),
            )
            .with_help("keep the setting in one place: remove the key here, or the flag from the command line"),
        );
    }
}
