use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a container whose logging driver is `none` (`--log-driver none`, Compose
    /// `logging: {driver: none}`).
    ///
    /// ## Why is this bad?
    /// Its output is thrown away: `docker logs` shows nothing, and neither incident
    /// response nor debugging has a record of what the container did.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --log-driver none acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --log-driver local acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/logging/configure/>
    pub static META = {
        code: "DW801",
        name: "logging-disabled",
        category: Logging,
        severity: Low,
        summary: "the container's logs are discarded",
        references: ["cwe:778"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let driver = &cx.spec.log_driver;
    if driver.get().is_some_and(|d| d.eq_ignore_ascii_case("none")) {
        out.push(cx.finding(
            &META,
            &driver.at,
            format!("{} discards the container's logs (logging driver `none`)", cx.subject()),
        ));
    }
}
