use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `# dockward:` comment that is not a valid pragma: an unknown verb, an
    /// unclosed `[`, an empty rule list.
    ///
    /// ## Why is this bad?
    /// The author meant to silence something and did not; the finding they expected to
    /// hide still shows, or the typo hides the intent from reviewers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # dockward: ignor[DW101]
    /// USER nobody
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// USER nobody
    /// ```
    pub static INVALID_SUPPRESSION = {
        code: "DW003",
        name: "invalid-suppression",
        category: Meta,
        severity: Low,
        summary: "a dockward pragma that cannot be read",
        references: [],
        fix: None,
        models: [Meta],
    };
}
