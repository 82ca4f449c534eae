//! Inputs for dockward's criterion benchmarks (`benches/`), all taken from the shared
//! corpus (`DOCKWARD_CORPUS`, default `../shared/corpus`).
//!
//! Run them with `cargo bench -p dockward_bench` (see `docs/benchmarks.md`). Where the
//! corpus is absent every bench says so and measures nothing; it never fails for that.
//!
//! The peer comparison (dockward vs hadolint and checkov, start-up, the generated
//! monorepo) is `bench/run.sh`, not this crate: it measures whole processes.

use dockward_core::testing::{corpus_dir, files_under};
use dockward_dockerfile::{Arguments, Keyword};
use dockward_shell::Word;
use std::path::{Path, PathBuf};

/// One corpus file, read once before measuring.
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// The Dockerfiles of `<corpus>/dockerfiles`, or `None` (after saying why) when the corpus
/// is absent.
pub fn dockerfiles() -> Option<Vec<Source>> {
    let dir = corpus_dir()?.join("dockerfiles");
    Some(read_all(&dir, |_| true))
}

/// The Compose files (`*.yml`, `*.yaml`) of `<corpus>/compose`, or `None`.
pub fn compose_files() -> Option<Vec<Source>> {
    let dir = corpus_dir()?.join("compose");
    Some(read_all(&dir, |p| {
        matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
    }))
}

fn read_all(dir: &Path, keep: impl Fn(&Path) -> bool) -> Vec<Source> {
    if !dir.is_dir() {
        eprintln!("SKIPPED: {} is missing", dir.display());
        return Vec::new();
    }
    files_under(dir)
        .into_iter()
        .filter(|p| keep(p))
        .filter_map(|path| {
            let bytes = std::fs::read(&path).ok()?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Some(Source { path, text })
        })
        .collect()
}

/// Total size of the texts, for `Throughput::Bytes`.
pub fn total_bytes<S: AsRef<str>>(texts: impl IntoIterator<Item = S>) -> u64 {
    texts.into_iter().map(|t| t.as_ref().len() as u64).sum()
}

/// The shell scripts dockward's build lowering hands to `dockward_shell::parse_shell`:
/// the logical (continuation-joined) text of every shell-form `RUN`, and every `RUN`
/// heredoc body. Exec-form `RUN`s are left out (they are one command, not shell code).
pub fn run_scripts(dockerfiles: &[Source]) -> Vec<String> {
    let mut out = Vec::new();
    for file in dockerfiles {
        let parsed = dockward_dockerfile::parse(&file.text);
        let onbuild = parsed.instructions.iter().filter_map(|i| i.onbuild.as_deref());
        for instruction in parsed.instructions.iter().chain(onbuild) {
            if instruction.keyword != Keyword::Run {
                continue;
            }
            if let Arguments::Shell(text) = &instruction.args {
                out.push(text.as_str().to_string());
            }
            out.extend(instruction.heredocs.iter().map(|h| h.body.clone()));
        }
    }
    out
}

/// The argv (assignments excluded) of every simple command in `scripts`: what a rule
/// looking for `docker run` lines would hand to `dockward_shell::parse_docker_cli`.
pub fn command_words(scripts: &[String]) -> Vec<Vec<Word>> {
    scripts
        .iter()
        .flat_map(|s| dockward_shell::parse_shell(s).commands)
        .map(|c| c.words)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Representative container command lines (docker, podman; run, create, service create),
/// from the plain to the heavily flagged, for the docker argv parser.
pub const DOCKER_COMMAND_LINES: &[&str] = &[
    "docker run nginx",
    "docker run -d -p 80:80 --name web nginx:1.25",
    "docker run -it --rm ubuntu:22.04 bash -lc 'apt-get update && apt-get install -y curl'",
    "docker run --privileged -v /:/host --pid=host --net=host alpine chroot /host",
    "docker run -d --restart unless-stopped -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16",
    "docker run --rm -u 1000:1000 -w /app -v \"$PWD\":/app node:20 npm test",
    "docker run -m 512m --memory-swap 1g --cpus 1.5 --pids-limit 100 --ulimit nofile=1024:2048 app",
    "docker run --cap-drop ALL --cap-add NET_BIND_SERVICE --security-opt no-new-privileges --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m app",
    "docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined --device /dev/fuse app",
    "docker run -v /var/run/docker.sock:/var/run/docker.sock docker:cli docker ps",
    "docker run --mount type=bind,source=/etc,target=/etc,readonly --mount type=volume,src=data,dst=/data app",
    "docker run --health-cmd 'curl -f http://localhost/ || exit 1' --health-interval 30s --health-retries 3 app",
    "docker run --log-driver json-file --log-opt max-size=10m --log-opt max-file=3 app",
    "docker run -h myhost --add-host db:10.0.0.2 --dns 8.8.8.8 --network backend --network-alias web app",
    "docker run --entrypoint /bin/sh app -c 'echo hi'",
    "docker run -P --expose 8080 --label com.example.team=payments --env-file .env app:${TAG:-latest}",
    "sudo docker run --rm -it --gpus all --shm-size 1g nvcr.io/nvidia/pytorch:24.01-py3 python train.py",
    "docker container run --rm -p 127.0.0.1:5432:5432 postgres",
    "docker create --name data -v /data busybox",
    "docker service create --name web --replicas 3 --publish published=8080,target=80 --mount type=volume,source=v,target=/data nginx",
    "podman run --rm --userns=keep-id -v ./src:/src:Z registry.fedoraproject.org/fedora:40 make",
    "podman create --pod mypod --cap-add SYS_ADMIN quay.io/podman/stable",
    "docker run --userns=host --cgroupns host --ipc=host --uts=host app",
    "docker run --sysctl net.ipv4.ip_forward=1 --sysctl net.core.somaxconn=1024 app",
];

/// The argv of each of [`DOCKER_COMMAND_LINES`], as the shell parser splits them.
pub fn docker_command_words() -> Vec<Vec<Word>> {
    DOCKER_COMMAND_LINES
        .iter()
        .flat_map(|line| dockward_shell::parse_shell(line).commands)
        .map(|c| c.words)
        .collect()
}
