use super::util::{Inst, literal, runtime_chain, stage_insts};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity};
use dockward_dockerfile::Keyword;
use dockward_model::build::RunBody;

declare_rule! {
    /// ## What it does
    /// Reports a final image that gives a file the setuid or setgid bit: `chmod u+s`,
    /// `chmod g+s`, `chmod +s`, a numeric mode such as `4755`, `2755` or `6755` (in
    /// `chmod`, `install -m`, `mkdir -m` or `COPY --chmod`). Setting only setgid is
    /// reported at low severity, and not at all on directories (created by `mkdir` or
    /// `install -d` in the same RUN, or written with a trailing `/`): there it just makes
    /// new files inherit the group. Build stages are not reported.
    ///
    /// In a built image (`dockward image`): every setuid or setgid file in the image's layers; the programs distributions ship that way (`su`, `passwd`, `mount`, …) at low severity.
    ///
    /// ## Why is this bad?
    /// A setuid-root program runs as root whoever starts it. Any bug in it, or an option
    /// that reads files or runs commands, turns a process that dropped its privileges
    /// (`USER app`) back into root inside the container, one step from the host. Images
    /// should hold as few such files as possible, and none added by you.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// COPY tools/backup /usr/local/bin/backup
    /// RUN chmod u+s /usr/local/bin/backup
    /// USER 1000
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// COPY tools/backup /usr/local/bin/backup
    /// RUN chmod 0755 /usr/local/bin/backup && chmod u-s /usr/bin/newgrp
    /// USER 1000
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.8: ensure setuid and setgid permissions are removed
    /// - <https://man7.org/linux/man-pages/man2/execve.2.html>
    pub static META = {
        code: "DW107",
        name: "setuid-setgid-bit",
        category: Image,
        severity: Medium,
        summary: "a file is given the setuid or setgid bit",
        references: ["cis-1.6:4.8", "dockle:CIS-DI-0008", "cwe:250"],
        fix: None,
        models: [Build, Image],
    };
}

/// Which special bits a mode adds.
#[derive(Default, Clone, Copy)]
struct Bits {
    setuid: bool,
    setgid: bool,
}

/// `4755`, `02775`: the digit before the last three holds setuid (4) and setgid (2).
fn numeric_bits(mode: &str) -> Option<Bits> {
    if mode.is_empty() || !mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return None;
    }
    let d = if mode.len() >= 4 {
        mode.as_bytes()[mode.len() - 4] - b'0'
    } else {
        0
    };
    Some(Bits {
        setuid: d & 4 != 0,
        setgid: d & 2 != 0,
    })
}

/// `u+s`, `ug+s,o-w`, `+s`, `a=rwxs`: clauses that add `s`.
fn symbolic_bits(mode: &str) -> Bits {
    let mut bits = Bits::default();
    for clause in mode.split(',') {
        let Some(op) = clause.find(['+', '=']) else { continue };
        let (who, rest) = clause.split_at(op);
        if !who.bytes().all(|b| b"ugoa".contains(&b)) {
            continue;
        }
        // `u+s-x`: only the part up to the next `-` adds.
        let added = rest[1..].split('-').next().unwrap_or("");
        if !added.contains('s') {
            continue;
        }
        let all = who.is_empty() || who.contains('a');
        bits.setuid |= all || who.contains('u');
        bits.setgid |= all || who.contains('g');
    }
    bits
}

fn mode_bits(mode: &str) -> Bits {
    numeric_bits(mode).unwrap_or_else(|| symbolic_bits(mode))
}

/// Reports the bits a mode adds. Setgid alone on directories (`on_dirs`) is left alone.
fn report(
    cx: &BuildCx<'_>,
    out: &mut Vec<Finding>,
    bits: Bits,
    on_dirs: bool,
    range: dockward_core::TextRange,
    what: &str,
) {
    if bits.setuid {
        let which = if bits.setgid {
            "setuid and setgid bits"
        } else {
            "setuid bit"
        };
        out.push(
            cx.finding(&META, range, format!("{what} sets the {which} in the final image"))
                .with_help("drop the bit; if the program needs a privilege, grant a single capability with `setcap` or run a helper as root at start-up"),
        );
    } else if bits.setgid && !on_dirs {
        out.push(
            cx.finding(&META, range, format!("{what} sets the setgid bit in the final image"))
                .with_severity(Severity::Low)
                .with_help("fine on a shared directory; on an executable it runs with the file's group"),
        );
    }
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in runtime_chain(cx.build) {
        for si in &stage.instructions {
            if let Some(run) = &si.run {
                check_run(cx, out, run);
            }
        }
        for inst in stage_insts(cx, stage) {
            copy_chmod(cx, out, &inst);
        }
    }
}

fn check_run(cx: &BuildCx<'_>, out: &mut Vec<Finding>, run: &RunBody<'_>) {
    let commands = || {
        run.scripts
            .iter()
            .flat_map(|s| s.script.commands.iter().map(move |c| (s, c)))
    };
    // Directories this RUN creates: setgid on them only makes new files inherit the group.
    let made_dirs: Vec<&str> = commands()
        .filter(|(_, c)| c.name() == Some("mkdir"))
        .flat_map(|(_, c)| {
            c.args()
                .iter()
                .filter(|w| !w.value.starts_with('-'))
                .map(|w| w.value.as_str())
        })
        .collect();
    for (script, cmd) in commands() {
        let Some(name) = cmd.name() else { continue };
        let args = cmd.args();
        let operands = || args.iter().filter(|w| !w.value.starts_with('-'));
        match name {
            "chmod" => {
                // The mode is the first argument that is not an option; `-s`, `-x` are
                // symbolic modes that remove bits and add nothing.
                let Some(mode) = operands().find(|w| !w.value.is_empty()) else {
                    continue;
                };
                let Some(value) = literal(mode) else { continue };
                let on_dirs = operands()
                    .skip(1)
                    .all(|t| t.value.ends_with('/') || made_dirs.contains(&t.value.trim_end_matches('/')));
                report(cx, out, mode_bits(value), on_dirs, script.to_source(mode.raw), "chmod");
            }
            "install" => {
                if let Some((Some(value), at)) = (0..args.len()).find_map(|i| install_mode(args, i)) {
                    let on_dirs = args.iter().any(|w| {
                        w.value == "--directory"
                            || (w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('d'))
                    });
                    report(
                        cx,
                        out,
                        mode_bits(value),
                        on_dirs,
                        script.to_source(at.raw),
                        "install -m",
                    );
                }
            }
            "mkdir" => {
                let mode = args.iter().enumerate().find_map(|(i, w)| match w.value.as_str() {
                    "-m" | "--mode" => args.get(i + 1).and_then(|n| literal(n).map(|v| (v, n))),
                    v => v.strip_prefix("--mode=").map(|m| (m, w)),
                });
                if let Some((value, at)) = mode {
                    report(cx, out, mode_bits(value), true, script.to_source(at.raw), "mkdir -m");
                }
            }
            _ => {}
        }
    }
}

/// The mode given to `install` by the option at `i` (`-m 4755`, `-m4755`, `-Dm4755`,
/// `--mode=4755`), with the word that holds it.
fn install_mode(args: &[dockward_shell::Word], i: usize) -> Option<(Option<&str>, &dockward_shell::Word)> {
    let w = &args[i];
    let v = w.value.as_str();
    if let Some(mode) = v.strip_prefix("--mode=") {
        return Some((literal(w).map(|_| mode), w));
    }
    if v == "--mode" {
        let next = args.get(i + 1)?;
        return Some((literal(next), next));
    }
    let cluster = v.strip_prefix('-').filter(|c| !c.starts_with('-'))?;
    let m = cluster.find('m')?;
    // Options before `m` in the cluster must be flags without values.
    if cluster[..m].bytes().any(|b| b"ogtS".contains(&b)) {
        return None;
    }
    let rest = &cluster[m + 1..];
    if rest.is_empty() {
        let next = args.get(i + 1)?;
        Some((literal(next), next))
    } else {
        Some((literal(w).map(|_| rest), w))
    }
}

fn copy_chmod(cx: &BuildCx<'_>, out: &mut Vec<Finding>, inst: &Inst<'_>) {
    if !matches!(inst.instruction.keyword, Keyword::Copy | Keyword::Add) {
        return;
    }
    let Some(flag) = inst.instruction.flag("chmod") else {
        return;
    };
    let Some(value) = flag.value.as_deref().and_then(|v| inst.resolve(v)) else {
        return;
    };
    let what = format!("{} --chmod", inst.instruction.keyword.as_str());
    report(
        cx,
        out,
        mode_bits(&value),
        false,
        flag.value_range.unwrap_or(flag.range),
        &what,
    );
}
