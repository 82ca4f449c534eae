use super::util::{is_ascii_digits, runtime_chain_of};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports the last `USER` of a stage when it names the user instead of giving a
    /// numeric uid (`USER app` rather than `USER 10001`). Values taken from a build
    /// argument or variable (`USER $APP_UID`) are not judged, nor is `USER root`: that
    /// one is uid 0 everywhere, and running as root is DW101's concern. Windows images
    /// (`ContainerUser`, `ContainerAdministrator`, Windows base images) have no uids and are
    /// left alone.
    ///
    /// Off by default (select it with `--extend-select DW275`): most images set a named
    /// user, and it only matters where the platform checks the uid.
    ///
    /// ## Why is this bad?
    /// A user name means something only inside the image's `/etc/passwd`. Tools outside
    /// it see the name and cannot tell the uid: Kubernetes' `runAsNonRoot` refuses to start
    /// a container whose image user is not numeric (it cannot verify that it is not root),
    /// and file ownership on mounted volumes and in security policies is by number. A
    /// numeric uid (and gid) says exactly who the process is.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -S -u 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -S -u 10001 app
    /// USER 10001
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/>
    /// - <https://docs.docker.com/reference/dockerfile/#user>
    pub static META = {
        code: "DW275",
        name: "user-not-numeric",
        category: Image,
        severity: Info,
        summary: "USER names the user instead of a numeric uid",
        references: ["hadolint:DL3066"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let Some(user) = &stage.user else { continue };
        if user.inherited {
            continue;
        }
        let written = cx
            .text
            .get(user.range.start as usize..user.range.end as usize)
            .unwrap_or("");
        if written.contains('$') || user.value.unknown {
            continue;
        }
        let name = user.value.text.split(':').next().unwrap_or("").trim();
        if name.is_empty() || is_ascii_digits(name) || name == "root" || is_windows(cx, stage, name) {
            continue;
        }
        out.push(
            cx.finding(
                &META,
                user.range,
                format!("USER `{name}` is a name; tools outside the image cannot tell its uid"),
            )
            .with_help("give the numeric uid (and gid) the image creates for this user, e.g. `USER 10001:10001`"),
        );
    }
}

/// Windows accounts have security identifiers, not uids: the built-in container accounts,
/// or any user of a stage whose chain starts from a Windows base image.
fn is_windows(cx: &BuildCx<'_>, stage: &dockward_model::build::Stage<'_>, name: &str) -> bool {
    if name.eq_ignore_ascii_case("ContainerUser") || name.eq_ignore_ascii_case("ContainerAdministrator") {
        return true;
    }
    let root = runtime_chain_of(cx.build, stage.index)
        .first()
        .copied()
        .unwrap_or(stage);
    let path = root.base.path.to_ascii_lowercase();
    ["windows/", "nanoserver", "servercore"]
        .iter()
        .any(|w| path.contains(w))
}
