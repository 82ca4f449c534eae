use super::util::{literal, stage_insts};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, TextRange};
use dockward_dockerfile::Keyword;
use dockward_shell::SimpleCommand;

declare_rule! {
    /// ## What it does
    /// Reports a local tar archive (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2`,
    /// `.tar.xz`/`.txz`) that is copied into a stage with `COPY` and then unpacked by a
    /// later `RUN` of the same stage (`tar -x…`, or `gunzip`/`zcat`/`bunzip2`/`unxz` on it).
    ///
    /// Extractions that `ADD` cannot do are left alone: `tar --strip-components`,
    /// `--exclude`, or naming only some members of the archive. Zip files are not counted:
    /// `ADD` does not unpack them. Archives copied from another stage (`COPY --from`) are
    /// not counted either.
    ///
    /// ## Why is this bad?
    /// `ADD` unpacks a local tar archive (plain, gzip, bzip2 or xz) into the destination
    /// folder by itself. Copying the archive and unpacking it in a `RUN` keeps the archive
    /// in the `COPY` layer for good, even when the `RUN` deletes it, so the image carries
    /// the data twice, and it needs `tar` in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12-slim
    /// COPY dist/app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12-slim
    /// ADD dist/app.tar.gz /opt/
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#adding-local-tar-archives>
    pub static META = {
        code: "DW272",
        name: "copied-archive-extracted",
        category: Build,
        severity: Info,
        summary: "a copied tar archive is unpacked by a later RUN; ADD would unpack it",
        references: ["hadolint:DL3010"],
        fix: None,
        models: [Build],
    };
}

/// File name endings of the archives `ADD` unpacks (tar, optionally gzip/bzip2/xz).
const TAR_ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz",
];

fn is_tar_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TAR_ARCHIVES
        .iter()
        .any(|ext| lower.len() > ext.len() && lower.ends_with(ext))
}

fn basename(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

/// An archive a COPY brought into the stage.
struct Copied {
    /// Its file name in the image.
    name: String,
    /// The source word to report.
    range: TextRange,
    reported: bool,
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let mut copied: Vec<Copied> = Vec::new();
        for inst in stage_insts(cx, stage) {
            let instruction = inst.instruction;
            match instruction.keyword {
                Keyword::Copy if instruction.flag("from").is_none() => {
                    let words = instruction.args.words();
                    let Some((dest, sources)) = words.split_last() else {
                        continue;
                    };
                    let dest = inst.value(dest).unwrap_or_default();
                    for source in sources {
                        let Some(value) = inst.value(source) else { continue };
                        // `COPY app.tgz /tmp/app.tar.gz` names the file by its destination.
                        let name = if is_tar_archive(basename(&dest)) && !dest.ends_with('/') {
                            basename(&dest)
                        } else if is_tar_archive(basename(&value)) && !value.contains(['*', '?', '[']) {
                            basename(&value)
                        } else {
                            continue;
                        };
                        copied.push(Copied {
                            name: name.to_string(),
                            range: source.range,
                            reported: false,
                        });
                    }
                }
                Keyword::Run if !copied.is_empty() => {
                    let Some(body) = &inst.si.run else { continue };
                    for script in &body.scripts {
                        for command in &script.script.commands {
                            let Some(extracted) = extracted_archives(command) else {
                                continue;
                            };
                            for c in copied.iter_mut().filter(|c| !c.reported) {
                                if extracted.iter().any(|e| basename(e) == c.name) {
                                    c.reported = true;
                                    out.push(
                                        cx.finding(
                                            &META,
                                            c.range,
                                            format!("`{}` is copied here and unpacked by a later RUN", c.name),
                                        )
                                        .with_help("`ADD <archive> <folder>/` unpacks a local tar archive in one step"),
                                    );
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// The files a command unpacks the way `ADD` would: `tar -x` of whole archives, or a
/// decompressor reading a tar archive. `None` when the command does neither.
fn extracted_archives(command: &SimpleCommand) -> Option<Vec<String>> {
    let args = command.args();
    match command.name()? {
        "tar" => {
            let mut extract = false;
            let mut files = Vec::new();
            let mut operands = 0;
            let mut i = 0;
            while i < args.len() {
                let Some(arg) = literal(&args[i]) else {
                    // An unknown word could be any option or member name.
                    return None;
                };
                i += 1;
                if let Some(long) = arg.strip_prefix("--") {
                    let (name, value) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v)));
                    match name {
                        "extract" | "get" => extract = true,
                        // What ADD cannot do: leave out parts, or rewrite paths.
                        "strip-components" | "strip" | "exclude" | "exclude-from" | "wildcards" | "transform"
                        | "xform" | "files-from" => return None,
                        "file" => match value {
                            Some(v) => files.push(v.to_string()),
                            None => {
                                files.extend(args.get(i).and_then(literal).map(str::to_string));
                                i += 1;
                            }
                        },
                        "directory" | "owner" | "group" | "mode" | "use-compress-program" if value.is_none() => {
                            i += 1;
                        }
                        _ => {}
                    }
                } else if arg.starts_with('-')
                    || (i == 1 && !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_alphabetic()))
                {
                    // A short option cluster; the first word may omit the dash (`tar xzf a.tgz`).
                    let cluster = arg.trim_start_matches('-');
                    for (at, flag) in cluster.char_indices() {
                        match flag {
                            'x' => extract = true,
                            // `-f` takes the rest of the cluster or the next word.
                            'f' | 'C' | 'T' | 'X' | 'I' => {
                                let rest = &cluster[at + 1..];
                                let value = if !rest.is_empty() && arg.starts_with('-') {
                                    Some(rest.to_string())
                                } else {
                                    let v = args.get(i).and_then(literal).map(str::to_string);
                                    i += 1;
                                    v
                                };
                                if matches!(flag, 'T' | 'X') {
                                    return None;
                                }
                                if flag == 'f' {
                                    files.extend(value);
                                }
                                if !rest.is_empty() && arg.starts_with('-') {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                } else {
                    operands += 1;
                }
            }
            // Naming members (operands) extracts only part of the archive.
            (extract && operands == 0 && !files.is_empty()).then_some(files)
        }
        "gunzip" | "zcat" | "gzcat" | "bunzip2" | "bzcat" | "unxz" | "xzcat" => {
            let files: Vec<String> = args
                .iter()
                .filter_map(literal)
                .filter(|a| !a.starts_with('-') && is_tar_archive(basename(a)))
                .map(str::to_string)
                .collect();
            (!files.is_empty()).then_some(files)
        }
        _ => None,
    }
}
