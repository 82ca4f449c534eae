//! Invariants every parse result must satisfy, whatever the input.

#![allow(dead_code)]

use dockward_core::TextRange;
use dockward_shell::ShellScript;

/// Every range lies within `text` and on char boundaries.
#[track_caller]
pub fn check_ranges(text: &str, s: &ShellScript) {
    let ok = |r: TextRange| {
        r.start <= r.end
            && (r.end as usize) <= text.len()
            && text.is_char_boundary(r.start as usize)
            && text.is_char_boundary(r.end as usize)
    };
    for c in &s.commands {
        assert!(ok(c.range), "command range {:?} in {text:?}", c.range);
        for w in c.assignments.iter().chain(c.words.iter()) {
            assert!(ok(w.raw), "word {:?} range {:?} in {text:?}", w.value, w.raw);
        }
        for r in &c.redirects {
            assert!(ok(r.range), "redirect range {:?} in {text:?}", r.range);
            assert!(ok(r.target.raw), "redirect target {:?} in {text:?}", r.target.raw);
            if let Some(b) = r.heredoc_body {
                assert!(ok(b), "heredoc body {b:?} in {text:?}");
            }
        }
        if let Some(p) = c.pipeline {
            assert!(p.index < p.len && p.len >= 2, "pipeline {p:?}");
        }
    }
    for d in &s.diagnostics {
        assert!(ok(d.range), "diagnostic {:?} in {text:?}", d);
    }
}
