//! Helpers shared by the instruction-level rules: which stages end up in the image, ONBUILD
//! triggers, resolving words with the stage's variables, and what packages a stage keeps.

use crate::BuildCx;
use dockward_core::TextRange;
use dockward_dockerfile::{Arguments, Instruction, Keyword, Word};
use dockward_model::build::{BuildSpec, RunScript, Stage, StageInstruction};
use dockward_shell::SimpleCommand;
use std::collections::{HashMap, HashSet};

/// The stages whose files and settings are the image that runs: the final stage and every
/// stage it is built `FROM`, base first. Stages only copied from (`COPY --from`) are build
/// stages: what they install stays behind.
pub(crate) fn runtime_chain<'b, 'a>(build: &'b BuildSpec<'a>) -> Vec<&'b Stage<'a>> {
    match build.final_stage {
        Some(i) => runtime_chain_of(build, i),
        None => Vec::new(),
    }
}

/// Stage `index` and the stages it is built `FROM`, base first.
pub(crate) fn runtime_chain_of<'b, 'a>(build: &'b BuildSpec<'a>, index: usize) -> Vec<&'b Stage<'a>> {
    let mut chain = Vec::new();
    let mut next = Some(index);
    while let Some(i) = next {
        // A stage can only be built from an earlier one, so this terminates; the guard
        // keeps it so even for a malformed model.
        if chain.len() > build.stages.len() {
            break;
        }
        let Some(stage) = build.stages.get(i) else { break };
        chain.push(stage);
        next = stage.base_stage.filter(|b| *b < i);
    }
    chain.reverse();
    chain
}

/// Whether `stage` is part of [`runtime_chain`].
pub(crate) fn is_runtime_stage(cx: &BuildCx<'_>, stage: &Stage<'_>) -> bool {
    let runtime = cx.runtime_stages.get_or_init(|| {
        let mut runtime = vec![false; cx.build.stages.len()];
        for s in runtime_chain(cx.build) {
            runtime[s.index] = true;
        }
        runtime
    });
    runtime.get(stage.index).copied().unwrap_or(false)
}

/// One instruction of a stage, or the instruction an `ONBUILD` of that stage wraps (which
/// runs in every image built `FROM` this one, with variables we cannot know).
#[derive(Clone, Copy)]
pub(crate) struct Inst<'a> {
    pub stage: &'a Stage<'a>,
    pub si: &'a StageInstruction<'a>,
    pub instruction: &'a Instruction,
    pub onbuild: bool,
    /// The file's escape character (`\\`, or `` ` `` after `# escape=`).
    pub escape: char,
}

impl Inst<'_> {
    /// A word's value with quotes removed and the stage's ARG/ENV substituted; `None` when
    /// it depends on a value we cannot know (or on a child build's, for ONBUILD triggers).
    pub fn value(&self, word: &Word) -> Option<String> {
        // Exec-form (JSON) words are already decoded.
        if matches!(self.instruction.args, Arguments::Exec(_)) {
            return self.resolve(&word.text);
        }
        self.resolve(&word.unquoted_with_escape(self.escape))
    }

    /// Like [`Inst::value`] for text that is already unquoted.
    pub fn resolve(&self, text: &str) -> Option<String> {
        if !text.contains('$') {
            return Some(text.to_string());
        }
        if self.onbuild {
            return None;
        }
        let expanded = self.si.vars.expand(text);
        (!expanded.unknown).then_some(expanded.text)
    }
}

/// Every instruction of every stage plus the instructions wrapped by ONBUILD. The model
/// already lists RUN, ADD and COPY triggers as instructions of their own (marked
/// `onbuild_trigger`); the other triggers (EXPOSE, WORKDIR, …) are added here.
pub(crate) fn instructions_with_onbuild<'a>(cx: &BuildCx<'a>) -> impl Iterator<Item = Inst<'a>> + 'a {
    let escape = cx.build.dockerfile.escape;
    cx.instructions().flat_map(move |(stage, si)| {
        let outer = Inst {
            stage,
            si,
            instruction: si.instruction,
            onbuild: si.onbuild_trigger,
            escape,
        };
        let inner = si
            .instruction
            .onbuild
            .as_deref()
            .filter(|i| !matches!(i.keyword, Keyword::Run | Keyword::Add | Keyword::Copy))
            .map(|instruction| Inst {
                stage,
                si,
                instruction,
                onbuild: true,
                escape,
            });
        std::iter::once(outer).chain(inner)
    })
}

/// The instructions of `stage` alone (no ONBUILD triggers).
pub(crate) fn stage_insts<'a>(cx: &BuildCx<'a>, stage: &'a Stage<'a>) -> impl Iterator<Item = Inst<'a>> + 'a {
    let escape = cx.build.dockerfile.escape;
    stage
        .instructions
        .iter()
        .filter(|si| !si.onbuild_trigger)
        .map(move |si| Inst {
            stage,
            si,
            instruction: si.instruction,
            onbuild: false,
            escape,
        })
}

/// Whether `s` is a non-empty run of ASCII digits.
pub(crate) fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A word of a RUN command as the program sees it, when that is known.
pub(crate) fn literal(word: &dockward_shell::Word) -> Option<&str> {
    (!word.has_expansion).then_some(word.value.as_str())
}

// ---------------------------------------------------------------------------------------
// Packages installed by OS package managers.
// ---------------------------------------------------------------------------------------

/// A package a stage installs and does not remove again.
#[derive(Clone, Debug)]
pub(crate) struct KeptPackage {
    /// Lower-cased, without version or architecture (`gcc`, `openssh-server`).
    pub name: String,
    /// The package word in the file.
    pub range: TextRange,
    /// `apt-get`, `apk`, `yum`, …
    pub manager: &'static str,
    /// The RUN instruction that installed it.
    pub run: TextRange,
    /// An apk `--virtual` group the package was installed in.
    group: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pacman,
}

enum PackageOp<'w> {
    Install {
        manager: &'static str,
        packages: Vec<&'w dockward_shell::Word>,
        group: Option<String>,
    },
    Remove {
        family: Family,
        names: Vec<String>,
        /// `--auto-remove` / `autoremove`: also removes what is marked automatic.
        auto: bool,
    },
    AptMarkAuto,
}

fn manager_of(name: &str) -> Option<(Family, &'static str)> {
    Some(match name {
        "apt-get" => (Family::Apt, "apt-get"),
        "apt" => (Family::Apt, "apt"),
        "aptitude" => (Family::Apt, "aptitude"),
        "apk" => (Family::Apk, "apk"),
        "yum" => (Family::Rpm, "yum"),
        "dnf" => (Family::Rpm, "dnf"),
        "microdnf" => (Family::Rpm, "microdnf"),
        "tdnf" => (Family::Rpm, "tdnf"),
        "zypper" => (Family::Zypper, "zypper"),
        "pacman" => (Family::Pacman, "pacman"),
        _ => return None,
    })
}

/// Options that take the next word as their value, per family.
fn takes_value(family: Family, option: &str) -> bool {
    match family {
        Family::Apt => matches!(
            option,
            "-o" | "-t" | "-c" | "--option" | "--target-release" | "--config-file"
        ),
        Family::Apk => matches!(
            option,
            "-t" | "--virtual" | "-X" | "--repository" | "-p" | "--root" | "--arch" | "--keys-dir" | "--cache-dir"
        ),
        Family::Rpm => matches!(
            option,
            "-c" | "--config"
                | "--installroot"
                | "--releasever"
                | "-x"
                | "--exclude"
                | "--enablerepo"
                | "--disablerepo"
                | "--repo"
                | "--setopt"
                | "-d"
                | "-e"
        ),
        Family::Zypper => matches!(option, "-r" | "--repo" | "--from" | "-t" | "--type"),
        Family::Pacman => matches!(option, "--root" | "-r" | "--dbpath" | "-b" | "--config"),
    }
}

fn classify(cmd: &SimpleCommand) -> Option<PackageOp<'_>> {
    let name = cmd.name()?;
    let args = cmd.args();
    if name == "apt-mark" {
        return args
            .first()
            .is_some_and(|w| w.value == "auto")
            .then_some(PackageOp::AptMarkAuto);
    }
    let (family, manager) = manager_of(name)?;
    // Split options from operands; the first operand is the sub-command (except pacman).
    let mut operands: Vec<&dockward_shell::Word> = Vec::new();
    let mut group = None;
    let mut auto = false;
    let mut pacman_op: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        let v = w.value.as_str();
        if v.starts_with('-') && v.len() > 1 && !w.has_expansion {
            if v == "--auto-remove" || v == "--autoremove" {
                auto = true;
            }
            if family == Family::Pacman && !v.starts_with("--") && pacman_op.is_none() {
                pacman_op = Some(v.to_string());
            }
            if takes_value(family, v) {
                if family == Family::Apk && (v == "-t" || v == "--virtual") {
                    group = args.get(i + 1).and_then(|g| literal(g)).map(str::to_string);
                }
                i += 2;
                continue;
            }
            if let Some(g) = v.strip_prefix("--virtual=").filter(|_| family == Family::Apk) {
                group = Some(g.to_string());
            }
            i += 1;
            continue;
        }
        operands.push(w);
        i += 1;
    }
    let (verb, rest): (String, &[&dockward_shell::Word]) = match family {
        Family::Pacman => (pacman_op.unwrap_or_default(), &operands[..]),
        _ => match operands.split_first() {
            Some((verb, rest)) => (verb.value.clone(), rest),
            None => return None,
        },
    };
    let verb = verb.as_str();
    let install = match family {
        Family::Apt => verb == "install",
        Family::Apk => verb == "add",
        Family::Rpm => matches!(verb, "install" | "groupinstall" | "in"),
        Family::Zypper => matches!(verb, "install" | "in"),
        Family::Pacman => verb.starts_with("-S") && !verb.contains('c') && !verb.contains('s') && !verb.contains('i'),
    };
    let remove = match family {
        Family::Apt => matches!(verb, "remove" | "purge" | "autoremove"),
        Family::Apk => verb == "del",
        Family::Rpm => matches!(verb, "remove" | "erase" | "autoremove"),
        Family::Zypper => matches!(verb, "remove" | "rm"),
        Family::Pacman => verb.starts_with("-R"),
    };
    if install {
        return Some(PackageOp::Install {
            manager,
            packages: rest.to_vec(),
            group,
        });
    }
    if remove {
        return Some(PackageOp::Remove {
            family,
            names: rest
                .iter()
                .filter(|w| !w.has_expansion)
                .map(|w| package_name(&w.value))
                .collect(),
            auto: auto || verb == "autoremove",
        });
    }
    None
}

/// `gcc=4:12.2`, `gcc:amd64`, `gcc~1`, `gcc>1`, `gcc/bookworm` → `gcc`.
pub(crate) fn package_name(word: &str) -> String {
    let end = word.find(['=', '~', '<', '>', ':', '/']).unwrap_or(word.len());
    word[..end].to_ascii_lowercase()
}

/// Whether an installed package name is `wanted`, allowing an rpm-style version suffix
/// (`gcc-11.3.1` is `gcc`).
pub(crate) fn package_is(name: &str, wanted: &str) -> bool {
    name == wanted
        || name
            .strip_prefix(wanted)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The OS packages the image keeps: installed in any stage of the [`runtime_chain`] and
/// not removed later in that chain (in the same RUN or a later one). An apk `--virtual`
/// group removed with `apk del` takes its packages with it; `apt-mark auto` followed by an
/// auto-removing purge (the official images' idiom) removes the apt packages that RUN
/// installed.
pub(crate) fn kept_packages(build: &BuildSpec<'_>) -> Vec<KeptPackage> {
    let mut kept: Vec<KeptPackage> = Vec::new();
    for stage in runtime_chain(build) {
        for si in &stage.instructions {
            let Some(run) = &si.run else { continue };
            let mut marked_auto = false;
            for script in &run.scripts {
                for cmd in &script.script.commands {
                    match classify(cmd) {
                        Some(PackageOp::AptMarkAuto) => marked_auto = true,
                        Some(PackageOp::Install {
                            manager,
                            packages,
                            group,
                        }) => {
                            for word in packages {
                                let Some(value) = literal(word) else { continue };
                                if value.ends_with(".deb") || value.ends_with(".rpm") || value.starts_with('@') {
                                    continue;
                                }
                                kept.push(KeptPackage {
                                    name: package_name(value),
                                    range: script.to_source(word.raw),
                                    manager,
                                    run: si.instruction.range,
                                    group: group.clone(),
                                });
                            }
                        }
                        Some(PackageOp::Remove { family, names, auto }) => {
                            if family == Family::Apt && auto && marked_auto {
                                // `apt-mark auto '.*'` then `apt-mark manual $savedAptMark`:
                                // what this RUN installed goes, what was there before stays.
                                let run = si.instruction.range;
                                kept.retain(|p| !(p.run == run && matches!(p.manager, "apt-get" | "apt" | "aptitude")));
                                continue;
                            }
                            kept.retain(|p| {
                                !names
                                    .iter()
                                    .any(|n| package_is(&p.name, n) || p.group.as_deref() == Some(n.as_str()))
                            });
                        }
                        None => {}
                    }
                }
            }
        }
    }
    kept
}

/// The RUN commands of the runtime chain, with their script (for ranges).
pub(crate) fn runtime_commands<'a>(
    cx: &BuildCx<'a>,
) -> impl Iterator<Item = (&'a Stage<'a>, &'a RunScript<'a>, &'a SimpleCommand)> + 'a {
    let runtime: Vec<usize> = runtime_chain(cx.build).iter().map(|s| s.index).collect();
    cx.run_commands()
        .filter(move |rc| runtime.contains(&rc.stage.index))
        .map(|rc| (rc.stage, rc.script, rc.command))
}

/// Instructions of `keyword` in `stage` that a later one of the same keyword replaces
/// (CMD, ENTRYPOINT, HEALTHCHECK: only the last counts). ONBUILD triggers do not count.
pub(crate) fn overridden_in_stage<'a>(stage: &'a Stage<'a>, keyword: &Keyword) -> Vec<&'a Instruction> {
    let all: Vec<&Instruction> = stage
        .instructions
        .iter()
        .map(|si| si.instruction)
        .filter(|i| &i.keyword == keyword)
        .collect();
    match all.split_last() {
        Some((_, earlier)) => earlier.to_vec(),
        None => Vec::new(),
    }
}

/// An image the build pulls: a stage's base, or a `COPY --from` / `RUN --mount=from=` that
/// names no stage.
pub(crate) struct PulledImage {
    pub image: dockward_model::ImageRef,
    pub range: TextRange,
    /// `FROM` (true) or `--from` (false).
    pub is_base: bool,
}

/// Every image the build pulls whose reference is known (variables resolved), except
/// `scratch`. ONBUILD triggers are left out: they run in another build.
pub(crate) fn pulled_images(cx: &BuildCx<'_>) -> Vec<PulledImage> {
    let mut out = Vec::new();
    for stage in &cx.build.stages {
        if !(stage.base_unknown || stage.base_stage.is_some() || stage.base.is_scratch() || stage.base_raw.is_empty()) {
            out.push(PulledImage {
                image: stage.base.clone(),
                range: stage.base_range,
                is_base: true,
            });
        }
    }
    for r in from_refs(cx) {
        if cx.build.stage_named(&r.value).is_some() || is_ascii_digits(&r.value) {
            continue;
        }
        let image = dockward_model::ImageRef::parse(&r.value);
        if !image.is_scratch() {
            out.push(PulledImage {
                image,
                range: r.range,
                is_base: false,
            });
        }
    }
    out
}

/// A stage reference made by `COPY --from=…` or `RUN --mount=…,from=…`.
pub(crate) struct FromRef<'a> {
    pub inst: Inst<'a>,
    /// The value with variables resolved.
    pub value: String,
    pub range: TextRange,
}

/// Every `COPY --from` / `ADD --from` and `RUN --mount=from=` of the stages (not ONBUILD
/// triggers) whose value is known.
pub(crate) fn from_refs<'a>(cx: &BuildCx<'a>) -> Vec<FromRef<'a>> {
    let mut out = Vec::new();
    for stage in &cx.build.stages {
        for inst in stage_insts(cx, stage) {
            let instruction = inst.instruction;
            let mut push = |value: Option<&str>, range: Option<TextRange>| {
                let (Some(value), Some(range)) = (value, range) else {
                    return;
                };
                if let Some(value) = inst.resolve(value).filter(|v| !v.is_empty()) {
                    out.push(FromRef { inst, value, range });
                }
            };
            match instruction.keyword {
                Keyword::Copy | Keyword::Add => {
                    if let Some(flag) = instruction.flag("from") {
                        push(flag.value.as_deref(), flag.value_range);
                    }
                }
                Keyword::Run => {
                    for flag in instruction.flags_named("mount") {
                        if let Some(option) = flag.option("from") {
                            push(option.value.as_deref(), option.value_range);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Levenshtein distance of two short ASCII-ish strings (stage names).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// One `LABEL` pair with its key and value resolved (`None` where unknown).
pub(crate) struct LabelPair<'a> {
    pub key: Option<String>,
    pub value: Option<String>,
    pub pair: &'a dockward_dockerfile::KeyValue,
}

/// The `LABEL` pairs of one stage, in order.
pub(crate) fn stage_labels<'a>(cx: &BuildCx<'a>, stage: &'a Stage<'a>) -> Vec<LabelPair<'a>> {
    let mut out = Vec::new();
    for inst in stage_insts(cx, stage) {
        if inst.instruction.keyword != Keyword::Label {
            continue;
        }
        for pair in inst.instruction.args.key_values() {
            out.push(LabelPair {
                key: inst.value(&pair.key),
                value: inst.value(&pair.value),
                pair,
            });
        }
    }
    out
}

/// Groups kept packages matching `wanted` by the RUN that installed them: (first package
/// word, names).
pub(crate) fn kept_by_run(kept: &[KeptPackage], wanted: impl Fn(&str) -> bool) -> Vec<(TextRange, Vec<String>)> {
    // Indexed by RUN and by (RUN, name): one install line can name thousands of packages.
    let mut groups: Vec<(TextRange, Vec<String>)> = Vec::new();
    let mut group_of: HashMap<TextRange, usize> = HashMap::new();
    let mut seen: HashSet<(TextRange, &str)> = HashSet::new();
    for p in kept.iter().filter(|p| wanted(&p.name)) {
        let group = *group_of.entry(p.run).or_insert_with(|| {
            groups.push((p.range, Vec::new()));
            groups.len() - 1
        });
        if seen.insert((p.run, p.name.as_str())) {
            groups[group].1.push(p.name.clone());
        }
    }
    groups
}

/// The image the runtime chain starts from (`None` when it is unknown or `scratch`).
pub(crate) fn root_base<'b>(build: &'b BuildSpec<'_>) -> Option<&'b dockward_model::ImageRef> {
    let first = *runtime_chain(build).first()?;
    (!first.base_unknown && first.base_stage.is_none() && !first.base.is_scratch()).then_some(&first.base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names() {
        assert_eq!(package_name("gcc=4:12.2.0-3"), "gcc");
        assert_eq!(package_name("Sudo"), "sudo");
        assert_eq!(package_name("libc6:amd64"), "libc6");
        assert!(package_is("gcc-11.3.1", "gcc"));
        assert!(!package_is("gcc-c++", "gcc"));
        assert!(package_is("gcc", "gcc"));
    }
}
