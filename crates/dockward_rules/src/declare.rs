//! `declare_rule!`: one place for a rule's metadata and its documentation.
//!
//! The doc comment written above the rule *is* its explanation: rustdoc shows it, `dockward
//! rule CODE` prints it, docs/rules/*.md are generated from it, and the examples in it run
//! as tests (bad examples must trigger the rule, good ones must not).

/// Declares a rule's `META` static from its doc comment and fields.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     pub static META = {
///         code: "DW101", name: "final-stage-runs-as-root", category: Image, severity: High,
///         summary: "…", references: ["hadolint:DL3002"], fix: None, models: [Build],
///     };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal,
            references: [$($reference:literal),* $(,)?],
            fix: $fix:ident,
            models: [$($model:ident),* $(,)?]
            $(, opt_in: $opt_in:literal)?
            $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::RuleMeta = $crate::RuleMeta {
            code: $code,
            name: $rule_name,
            category: $crate::Category::$category,
            severity: $crate::Severity::$severity,
            summary: $summary,
            explanation: concat!($($doc, "\n"),*),
            references: &[$($reference),*],
            fix: $crate::FixAvailability::$fix,
            models: &[$($crate::ModelKind::$model),*],
            opt_in: $crate::declare_rule!(@opt_in $($opt_in)?),
        };
    };
    (@opt_in) => { false };
    (@opt_in $value:literal) => { $value };
}

/// A rule's explanation as Markdown: the doc comment with rustdoc's one-space indent removed.
pub fn explanation_markdown(meta: &crate::RuleMeta) -> String {
    let mut out = String::with_capacity(meta.explanation.len());
    for line in meta.explanation.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// A fenced code block from a rule's explanation, and whether it is a bad example (before
/// "Use instead") or a good one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocExample {
    /// The fence's info string: `dockerfile`, `yaml`, `sh`.
    pub lang: String,
    pub code: String,
    pub bad: bool,
}

/// The examples of the `## Example` section.
pub fn doc_examples(meta: &crate::RuleMeta) -> Vec<DocExample> {
    let markdown = explanation_markdown(meta);
    let mut examples = Vec::new();
    let mut in_example_section = false;
    let mut bad = true;
    let mut fence: Option<(String, String)> = None;
    for line in markdown.lines() {
        if let Some((lang, code)) = &mut fence {
            if line.trim_start().starts_with("```") {
                examples.push(DocExample {
                    lang: std::mem::take(lang),
                    code: std::mem::take(code),
                    bad,
                });
                fence = None;
            } else {
                code.push_str(line);
                code.push('\n');
            }
            continue;
        }
        if let Some(heading) = line.strip_prefix("## ") {
            in_example_section = heading.trim().eq_ignore_ascii_case("example");
            bad = true;
            continue;
        }
        if !in_example_section {
            continue;
        }
        if line.trim_start().to_ascii_lowercase().starts_with("use instead") {
            bad = false;
        } else if let Some(info) = line.trim_start().strip_prefix("```") {
            fence = Some((info.trim().to_string(), String::new()));
        }
    }
    examples
}
