use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports restart policies without a bound: `always`, `unless-stopped`, and
    /// `on-failure` without a maximum retry count.
    ///
    /// ## Why is this bad?
    /// A container that crashes on start is restarted forever: the crash loop hides the
    /// failure, burns CPU, fills logs and, for a container that is being exploited, gives
    /// the attacker unlimited attempts. `on-failure:5` restarts real failures and then
    /// stops so someone looks.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --restart always acme/worker:5
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --restart on-failure:5 acme/worker:5
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.15: ensure that the 'on-failure' container restart policy is set to '5'
    /// - <https://docs.docker.com/engine/containers/start-containers-automatically/>
    pub static META = {
        code: "DW314",
        name: "restart-policy-unbounded",
        category: Runtime,
        severity: Low,
        summary: "the container is restarted without a retry limit",
        references: ["cis-1.6:5.15", "cwe:400", "kics:2fc99041-ddad-49d5-853f-e35e70a48391"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    // One-shot `--rm` containers (CI steps, tool runs) are not services.
    if cx.spec.auto_remove {
        return;
    }
    let restart = &cx.spec.restart;
    let Some(policy) = restart.get() else { return };
    let policy = policy.trim();
    let (name, count) = policy.split_once(':').map_or((policy, None), |(n, c)| (n, Some(c)));
    let message = match name.to_ascii_lowercase().as_str() {
        "always" | "unless-stopped" => format!("{} restarts the container forever (`{policy}`)", cx.subject()),
        "on-failure" if count.is_none_or(|c| c.trim().parse::<u32>().is_ok_and(|n| n == 0)) => {
            format!("{} restarts a failing container without a retry limit", cx.subject())
        }
        _ => return,
    };
    out.push(cx.finding(&META, &restart.at, message).with_help(format!(
        "bound the retries: {}",
        cx.spell("`--restart on-failure:5`", "`restart: on-failure:5`")
    )));
}
