use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `RUN --network=host`.
    ///
    /// ## Why is this bad?
    /// The step runs in the build host's network namespace: it can reach services bound
    /// to the host's loopback (a local Docker API, databases, cloud metadata proxies) and
    /// listen on the host's interfaces. Whatever the step downloads or runs — a package's
    /// install script included — gets that access too. BuildKit only allows it with the
    /// `network.host` entitlement, which a shared builder should not grant.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --network=host pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install -r requirements.txt
    /// RUN --network=none python -m compileall /app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#run---network>
    pub static META = {
        code: "DW502",
        name: "run-network-host",
        category: Network,
        severity: Medium,
        summary: "RUN uses the host's network",
        references: ["cwe:668"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let all = cx
        .build
        .dockerfile
        .instructions
        .iter()
        .flat_map(|i| std::iter::once(i).chain(i.onbuild.as_deref()));
    for instruction in all {
        if instruction.keyword != Keyword::Run {
            continue;
        }
        for flag in instruction.flags_named("network") {
            if flag.value.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("host")) {
                out.push(
                    cx.finding(
                        &META,
                        flag.range,
                        "RUN --network=host gives this step the build host's network",
                    )
                    .with_help(
                        "drop the flag; if the step needs a local service, run it as a build container or pass it in",
                    ),
                );
            }
        }
    }
}
