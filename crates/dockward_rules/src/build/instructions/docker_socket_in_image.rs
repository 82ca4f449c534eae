use super::util::{literal, runtime_chain, runtime_commands, stage_insts};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a final image that is built to hold a container engine's API socket:
    /// `VOLUME /var/run/docker.sock`, a `COPY`/`ADD` to that path, or a RUN that links it
    /// (`ln -s … /var/run/docker.sock`). Besides Docker's socket it knows containerd's,
    /// Podman's and CRI-O's.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the Docker socket can start a privileged container that mounts
    /// the host's root file system: the socket is root on the host. An image that
    /// declares it as a volume is meant to be run with `-v
    /// /var/run/docker.sock:/var/run/docker.sock`, which hands that power to every
    /// process in the container and to anyone who compromises it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache docker-cli
    /// VOLUME /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache docker-cli
    /// # talk to a socket proxy that allows only the API calls the tool needs
    /// ENV DOCKER_HOST=tcp://docker-socket-proxy:2375
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.32: ensure that the Docker socket is not mounted inside
    ///   any containers
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    pub static META = {
        code: "DW108",
        name: "docker-socket-in-image",
        category: Image,
        severity: High,
        summary: "the image is built to hold the Docker socket",
        references: ["cis-1.6:5.32", "cwe:250", "cwe:668"],
        fix: None,
        models: [Build],
    };
}

/// The API socket a path names, if any.
fn socket_of(path: &str) -> Option<&'static str> {
    let path = path.trim_end_matches('/');
    let file = path.rsplit('/').next().unwrap_or(path);
    match file {
        "docker.sock" => Some("Docker"),
        "containerd.sock" => Some("containerd"),
        "podman.sock" => Some("Podman"),
        "crio.sock" => Some("CRI-O"),
        _ => None,
    }
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in runtime_chain(cx.build) {
        for inst in stage_insts(cx, stage) {
            let instruction = inst.instruction;
            let targets: &[dockward_dockerfile::Word] = match instruction.keyword {
                Keyword::Volume => instruction.args.words(),
                Keyword::Copy | Keyword::Add => match instruction.args.words().split_last() {
                    Some((dest, _)) => std::slice::from_ref(dest),
                    None => continue,
                },
                _ => continue,
            };
            for word in targets {
                let Some(value) = inst.value(word) else { continue };
                let Some(engine) = socket_of(&value) else { continue };
                let message = match instruction.keyword {
                    Keyword::Volume => format!(
                        "VOLUME declares the {engine} socket: the image expects to be given control of the host's container engine"
                    ),
                    _ => format!(
                        "{} puts a file at the {engine} socket path",
                        instruction.keyword.as_str()
                    ),
                };
                out.push(cx.finding(&META, word.range, message).with_help(
                    "do not give containers the engine socket; if a tool needs the API, use a filtering socket proxy or rootless engine",
                ));
            }
        }
    }
    for (_, script, cmd) in runtime_commands(cx) {
        if cmd.name() != Some("ln") {
            continue;
        }
        for word in cmd.args() {
            let Some(value) = literal(word) else { continue };
            if value.starts_with('-') {
                continue;
            }
            if let Some(engine) = socket_of(value) {
                out.push(cx.finding(
                    &META,
                    script.to_source(word.raw),
                    format!("RUN links the {engine} socket into the image: it expects to be given control of the host's container engine"),
                ));
                break;
            }
        }
    }
}
