use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `RUN --security=insecure`.
    ///
    /// ## Why is this bad?
    /// The step runs like `docker run --privileged`: all capabilities, no seccomp or
    /// AppArmor profile, access to the build host's devices. Anything the step executes,
    /// including downloaded code, can take over the build host and every other build on
    /// it. BuildKit only allows it with the `security.insecure` entitlement; builds that
    /// need it should run on an isolated, single-purpose builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN --security=insecure mount -t tmpfs none /mnt && ./build.sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN --mount=type=tmpfs,target=/mnt ./build.sh
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#run---security>
    pub static META = {
        code: "DW503",
        name: "run-security-insecure",
        category: Runtime,
        severity: High,
        summary: "RUN runs privileged (--security=insecure)",
        references: ["cwe:250"],
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
        for flag in instruction.flags_named("security") {
            if flag
                .value
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("insecure"))
            {
                out.push(
                    cx.finding(&META, flag.range, "RUN --security=insecure runs this step with full privileges on the build host")
                        .with_help("remove the flag; use `--mount=type=tmpfs`/`type=cache` or a dedicated isolated builder instead"),
                );
            }
        }
    }
}
