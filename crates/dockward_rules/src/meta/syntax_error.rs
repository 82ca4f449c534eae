use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid syntax for its file kind: a Dockerfile line that
    /// BuildKit would reject, an unterminated heredoc, an exec-form array holding
    /// something other than strings.
    ///
    /// ## Why is this bad?
    /// The build fails, or — worse — a lenient tool reads the file differently from
    /// the builder, so its checks judge something that will not run. dockward keeps
    /// checking the rest of the file, and — as hadolint does — a file that does not parse
    /// fails the run at the default `--fail-on` (high).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD [ "echo", [ "nested" ] ]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD [ "echo", "nested" ]
    /// ```
    ///
    /// ## References
    /// - Dockerfile reference: <https://docs.docker.com/reference/dockerfile/>
    pub static SYNTAX_ERROR = {
        code: "DW001",
        name: "syntax-error",
        category: Meta,
        severity: High,
        summary: "the file does not parse",
        references: [],
        fix: None,
        models: [Meta],
    };
}
