use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# dockward: ignore[…]` comment that silenced nothing.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for; left in place it will
    /// silently hide the next, unrelated finding on that line. Peer pragmas
    /// (`# hadolint ignore=`) are not reported: they may name checks dockward does not
    /// have.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockward: ignore[DW205]
    /// COPY app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /app
    /// ```
    pub static UNUSED_SUPPRESSION = {
        code: "DW002",
        name: "unused-suppression",
        category: Meta,
        severity: Low,
        summary: "a suppression comment that suppresses nothing",
        references: [],
        fix: Always,
        models: [Meta],
    };
}
