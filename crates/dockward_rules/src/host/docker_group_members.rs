use crate::declare_rule;
use crate::host::HostCx;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Lists the members of the `docker` group: the users `/etc/group` names on the
    /// group's line, and the users whose primary group it is in `/etc/passwd`. Whether
    /// each is trusted is for a person to decide; the finding says who to ask about.
    /// Users and groups from a directory service (LDAP, SSSD) are not in these files and
    /// are not seen.
    ///
    /// ## Why is this bad?
    /// A member of `docker` can use the Docker socket without `sudo`, and `docker run
    /// --privileged -v /:/host` is a root shell on the host: the group is root in all but
    /// name, and nothing logs which member did what. Members should be the administrators
    /// who would have root anyway; others are better served by rootless Docker.
    ///
    /// ## Example
    /// ```console
    /// $ getent group docker
    /// docker:x:998:alice,deploy
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ getent group docker
    /// docker:x:998:
    /// ```
    /// with administrators using `sudo docker …`, or only trusted administrators listed.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 1.1.2: only trusted users are allowed to control the Docker daemon
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - <https://docs.docker.com/engine/security/rootless/>
    pub static META = {
        code: "DW905",
        name: "host-docker-group-members",
        category: Host,
        severity: Low,
        summary: "users in the docker group control the daemon: check that each is trusted",
        references: ["cis-1.6:1.1.2", "cwe:250"],
        fix: None,
        models: [Host],
    };
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    let Some(group) = cx.spec.docker_group.as_set() else {
        return;
    };
    if group.members.is_empty() {
        return;
    }
    let names: Vec<String> = group
        .members
        .iter()
        .map(|m| {
            if m.primary {
                format!("{} (primary group)", m.name)
            } else {
                m.name.clone()
            }
        })
        .collect();
    let (count, verb) = match names.len() {
        1 => ("1 user".to_string(), "is"),
        n => (format!("{n} users"), "are"),
    };
    out.push(
        Finding::new(
            &META,
            group.at.clone(),
            format!(
                "{count} {verb} in the `docker` group and so control the Docker daemon, which is root on this host: {}",
                names.join(", ")
            ),
        )
        .with_help(
            "make sure each is an administrator who may be root; remove others with `gpasswd -d USER docker` \
             (CIS Docker Benchmark 1.6.0, 1.1.2), or give them rootless Docker",
        ),
    );
}
