//! The one rule the emitters' unit tests report: a runtime rule on the container model.

use dockward_core::{Category, FixAvailability, ModelKind, RuleMeta, Severity};

pub(crate) static RULE: RuleMeta = RuleMeta {
    code: "DW999",
    name: "test-rule",
    category: Category::Runtime,
    severity: Severity::High,
    summary: "a test rule",
    explanation: "",
    references: &[],
    fix: FixAvailability::None,
    models: &[ModelKind::Container],
    opt_in: false,
};
