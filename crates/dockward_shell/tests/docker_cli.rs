//! `docker run`-like command lines, parsed as the docker CLI (pflag) does.

use dockward_shell::{DockerInvocation, Subcommand, Tool, parse_docker_cli, parse_shell};

/// Parses the first docker invocation found in `line`.
fn invocation(line: &str) -> Option<DockerInvocation> {
    let s = parse_shell(line);
    s.commands.iter().find_map(|c| parse_docker_cli(&c.words))
}

/// `name=value` or `name` (no value) for each option, in order.
fn opts(inv: &DockerInvocation) -> Vec<String> {
    inv.options
        .iter()
        .map(|o| match &o.value {
            Some(v) => format!("{}={}", o.name, v),
            None => o.name.clone(),
        })
        .collect()
}

/// (line, options, image, command)
type Case = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [&'static str],
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("docker run nginx", &[], "nginx", &[]),
    ("docker run -d -p 80:80 nginx:1.25", &["detach", "publish=80:80"], "nginx:1.25", &[]),
    ("docker run -it --rm ubuntu:22.04 bash", &["interactive", "tty", "rm"], "ubuntu:22.04", &["bash"]),
    ("docker run -itd --name web nginx", &["interactive", "tty", "detach", "name=web"], "nginx", &[]),
    ("docker run --privileged -v /:/host alpine chroot /host", &["privileged", "volume=/:/host"], "alpine", &["chroot", "/host"]),
    ("docker run -p8080:80 -eFOO=1 nginx", &["publish=8080:80", "env=FOO=1"], "nginx", &[]),
    ("docker run -p=8080:80 nginx", &["publish=8080:80"], "nginx", &[]),
    ("docker run --publish=127.0.0.1:8080:80 --publish 443:443 nginx", &["publish=127.0.0.1:8080:80", "publish=443:443"], "nginx", &[]),
    ("docker run -e A=1 -e B=2 --env C=3 --env=D=4 busybox env", &["env=A=1", "env=B=2", "env=C=3", "env=D=4"], "busybox", &["env"]),
    ("docker run --rm=false --read-only=true alpine", &["rm=false", "read-only=true"], "alpine", &[]),
    ("docker run -u 1000:1000 -w /app node:20 npm start", &["user=1000:1000", "workdir=/app"], "node:20", &["npm", "start"]),
    ("docker run --user=root alpine id", &["user=root"], "alpine", &["id"]),
    ("docker run -m 512m --memory-swap 1g --cpus 1.5 app", &["memory=512m", "memory-swap=1g", "cpus=1.5"], "app", &[]),
    ("docker run -m512m app", &["memory=512m"], "app", &[]),
    ("docker run --pids-limit 100 --ulimit nofile=1024:2048 app", &["pids-limit=100", "ulimit=nofile=1024:2048"], "app", &[]),
    ("docker run --cap-add SYS_ADMIN --cap-drop ALL app", &["cap-add=SYS_ADMIN", "cap-drop=ALL"], "app", &[]),
    ("docker run --cap-add=NET_ADMIN --cap-add=NET_RAW app", &["cap-add=NET_ADMIN", "cap-add=NET_RAW"], "app", &[]),
    ("docker run --security-opt no-new-privileges app", &["security-opt=no-new-privileges"], "app", &[]),
    ("docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined app", &["security-opt=seccomp=unconfined", "security-opt=apparmor=unconfined"], "app", &[]),
    ("docker run --security-opt label=disable app", &["security-opt=label=disable"], "app", &[]),
    ("docker run --net=host --pid=host --ipc=host --uts=host app", &["network=host", "pid=host", "ipc=host", "uts=host"], "app", &[]),
    ("docker run --network host app", &["network=host"], "app", &[]),
    ("docker run --userns=host --cgroupns host app", &["userns=host", "cgroupns=host"], "app", &[]),
    ("docker run -v /var/run/docker.sock:/var/run/docker.sock docker:cli docker ps", &["volume=/var/run/docker.sock:/var/run/docker.sock"], "docker:cli", &["docker", "ps"]),
    ("docker run -v data:/data:ro -v $(pwd):/src app", &["volume=data:/data:ro", "volume=$(pwd):/src"], "app", &[]),
    ("docker run --mount type=bind,source=/etc,target=/etc,readonly app", &["mount=type=bind,source=/etc,target=/etc,readonly"], "app", &[]),
    ("docker run --tmpfs /tmp:rw,noexec,nosuid,size=64m app", &["tmpfs=/tmp:rw,noexec,nosuid,size=64m"], "app", &[]),
    ("docker run --device /dev/fuse --device=/dev/kvm app", &["device=/dev/fuse", "device=/dev/kvm"], "app", &[]),
    ("docker run --restart unless-stopped -d app", &["restart=unless-stopped", "detach"], "app", &[]),
    ("docker run --restart=always app", &["restart=always"], "app", &[]),
    ("docker run --health-cmd 'curl -f http://localhost/' --health-interval 30s app", &["health-cmd=curl -f http://localhost/", "health-interval=30s"], "app", &[]),
    ("docker run --no-healthcheck app", &["no-healthcheck"], "app", &[]),
    ("docker run --log-driver json-file --log-opt max-size=10m app", &["log-driver=json-file", "log-opt=max-size=10m"], "app", &[]),
    ("docker run --sysctl net.ipv4.ip_forward=1 app", &["sysctl=net.ipv4.ip_forward=1"], "app", &[]),
    ("docker run --entrypoint /bin/sh app -c 'echo hi'", &["entrypoint=/bin/sh"], "app", &["-c", "echo hi"]),
    ("docker run --entrypoint= app", &["entrypoint="], "app", &[]),
    ("docker run -h myhost --add-host db:10.0.0.2 --dns 8.8.8.8 app", &["hostname=myhost", "add-host=db:10.0.0.2", "dns=8.8.8.8"], "app", &[]),
    ("docker run --dns-opt ndots:1 --net-alias web app", &["dns-option=ndots:1", "network-alias=web"], "app", &[]),
    ("docker run -P --expose 8080 app", &["publish-all", "expose=8080"], "app", &[]),
    ("docker run --init --oom-kill-disable --oom-score-adj -500 app", &["init", "oom-kill-disable", "oom-score-adj=-500"], "app", &[]),
    ("docker run -a stdout -a stderr app", &["attach=stdout", "attach=stderr"], "app", &[]),
    ("docker run --gpus all nvidia/cuda:12.2.0-base nvidia-smi", &["gpus=all"], "nvidia/cuda:12.2.0-base", &["nvidia-smi"]),
    ("docker run --platform linux/amd64 --pull always app", &["platform=linux/amd64", "pull=always"], "app", &[]),
    ("docker run -l com.example.a=1 --label-file labels.txt app", &["label=com.example.a=1", "label-file=labels.txt"], "app", &[]),
    ("docker run --env-file .env app", &["env-file=.env"], "app", &[]),
    ("docker run -c 512 app", &["cpu-shares=512"], "app", &[]),
    ("docker run --shm-size=2g --ipc=shareable app", &["shm-size=2g", "ipc=shareable"], "app", &[]),
    ("docker run --read-only --tmpfs /run app", &["read-only", "tmpfs=/run"], "app", &[]),
    ("docker run --rm alpine sh -c 'apk add curl && curl x'", &["rm"], "alpine", &["sh", "-c", "apk add curl && curl x"]),
    ("docker run --rm alpine -- ls", &["rm"], "alpine", &["--", "ls"]),
    ("docker run --rm -- alpine ls", &["rm"], "alpine", &["ls"]),
    ("docker run -d app --port 8080 --verbose", &["detach"], "app", &["--port", "8080", "--verbose"]),
    ("docker run -e TOKEN=\"$TOKEN\" -e 'PASSWORD=s3cr3t' app", &["env=TOKEN=$TOKEN", "env=PASSWORD=s3cr3t"], "app", &[]),
    ("docker run --volumes-from data --link db:db app", &["volumes-from=data", "link=db:db"], "app", &[]),
    ("docker run --runtime=runsc --isolation default app", &["runtime=runsc", "isolation=default"], "app", &[]),
    ("docker run --sig-proxy=false --detach-keys ctrl-x app", &["sig-proxy=false", "detach-keys=ctrl-x"], "app", &[]),
    ("docker run --stop-signal SIGTERM --stop-timeout 30 app", &["stop-signal=SIGTERM", "stop-timeout=30"], "app", &[]),
    ("docker run --cgroup-parent /x --cpuset-cpus 0-3 --blkio-weight 300 app", &["cgroup-parent=/x", "cpuset-cpus=0-3", "blkio-weight=300"], "app", &[]),
    ("docker run --group-add docker --device-cgroup-rule 'c 1:3 mr' app", &["group-add=docker", "device-cgroup-rule=c 1:3 mr"], "app", &[]),
    ("docker container run -d redis:7", &["detach"], "redis:7", &[]),
    ("docker create --name c1 -v /srv:/srv app", &["name=c1", "volume=/srv:/srv"], "app", &[]),
    ("docker container create --use-api-socket app", &["use-api-socket"], "app", &[]),
    ("sudo docker run -d --privileged app", &["detach", "privileged"], "app", &[]),
    ("sudo -E docker -H tcp://10.0.0.1:2376 --tlsverify run --rm app", &["rm"], "app", &[]),
    ("docker --context prod run -p 80:80 app", &["publish=80:80"], "app", &[]),
    ("/usr/bin/docker -D run -it app", &["interactive", "tty"], "app", &[]),
    ("docker service create --name web --replicas 3 -p 80:80 --mount type=volume,src=v,dst=/d nginx", &["name=web", "replicas=3", "publish=80:80", "mount=type=volume,src=v,dst=/d"], "nginx", &[]),
    ("docker service create --cap-add NET_ADMIN --read-only --limit-memory 512M -d app", &["cap-add=NET_ADMIN", "read-only", "limit-memory=512M", "detach"], "app", &[]),
    ("docker service create --with-registry-auth --constraint node.role==manager app", &["with-registry-auth", "constraint=node.role==manager"], "app", &[]),
    ("podman run --userns=keep-id -v ./src:/src:Z fedora", &["userns=keep-id", "volume=./src:/src:Z"], "fedora", &[]),
    ("podman run --security-opt label=disable --rm -it fedora bash", &["security-opt=label=disable", "rm", "interactive", "tty"], "fedora", &["bash"]),
    ("podman container run --pod mypod --systemd=always --tls-verify=false img", &["pod=mypod", "systemd=always", "tls-verify=false"], "img", &[]),
    ("podman create --replace --name x --read-only-tmpfs img", &["replace", "name=x", "read-only-tmpfs"], "img", &[]),
    ("podman --remote --connection prod run -d img", &["detach"], "img", &[]),
];

#[test]
fn table_of_run_lines() {
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    for (line, want_opts, image, cmd) in CASES {
        let inv = invocation(line).unwrap_or_else(|| panic!("not recognised: {line}"));
        assert_eq!(opts(&inv), *want_opts, "options of: {line}");
        assert_eq!(
            inv.image.as_ref().map(|w| w.value.as_str()),
            Some(*image),
            "image of: {line}"
        );
        let got_cmd: Vec<&str> = inv.command.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(got_cmd, *cmd, "command of: {line}");
        assert!(!inv.has_unknown_args, "{line}");
        assert!(inv.options.iter().all(|o| o.known), "{line}: {:?}", inv.options);
        assert!(inv.diagnostics.is_empty(), "{line}: {:?}", inv.diagnostics);
    }
}

#[test]
fn tool_and_subcommand() {
    let cases = [
        ("docker run x", Tool::Docker, Subcommand::Run, "run"),
        ("docker create x", Tool::Docker, Subcommand::Create, "create"),
        ("docker container run x", Tool::Docker, Subcommand::Run, "container run"),
        (
            "docker container create x",
            Tool::Docker,
            Subcommand::Create,
            "container create",
        ),
        (
            "docker service create x",
            Tool::Docker,
            Subcommand::ServiceCreate,
            "service create",
        ),
        ("podman run x", Tool::Podman, Subcommand::Run, "run"),
        ("podman create x", Tool::Podman, Subcommand::Create, "create"),
        ("podman container run x", Tool::Podman, Subcommand::Run, "container run"),
        (
            "podman container create x",
            Tool::Podman,
            Subcommand::Create,
            "container create",
        ),
    ];
    for (line, tool, sub, sub_text) in cases {
        let inv = invocation(line).unwrap();
        assert_eq!((inv.tool, inv.subcommand), (tool, sub), "{line}");
        assert_eq!(inv.subcommand_range.slice(line), sub_text);
        assert_eq!(inv.range.slice(line), line);
    }
}

#[test]
fn not_a_container_creation() {
    for line in [
        "docker build -t x .",
        "docker ps",
        "docker compose run web",
        "docker exec -it c sh",
        "docker service ls",
        "podman service create x",
        "ls run",
        "docker",
        "$DOCKER run x",
        "docker $SUBCOMMAND x",
    ] {
        assert!(invocation(line).is_none(), "{line}");
    }
}

#[test]
fn exact_ranges() {
    let line = "docker run -itd -p 8080:80 --name=web -v /a:/b nginx:latest sh -c 'x'";
    let inv = invocation(line).unwrap();
    let r: Vec<(&str, &str, Option<&str>)> = inv
        .options
        .iter()
        .map(|o| {
            (
                o.name_range.slice(line),
                o.range.slice(line),
                o.value_range.map(|v| v.slice(line)),
            )
        })
        .collect();
    assert_eq!(
        r,
        vec![
            ("-i", "-i", None),
            ("t", "t", None),
            ("d", "d", None),
            ("-p", "-p 8080:80", Some("8080:80")),
            ("--name", "--name=web", Some("web")),
            ("-v", "-v /a:/b", Some("/a:/b")),
        ]
    );
    assert_eq!(inv.image.as_ref().unwrap().raw.slice(line), "nginx:latest");
    assert_eq!(&line[inv.insert_at as usize..], "nginx:latest sh -c 'x'");
    // Clustered flag with attached value.
    let line = "docker run -itp8080:80 x";
    let inv = invocation(line).unwrap();
    let p = &inv.options[2];
    assert_eq!((p.name.as_str(), p.name_range.slice(line)), ("publish", "p"));
    assert_eq!(inv.options[0].name_range.slice(line), "-i");
    assert_eq!(p.value_range.unwrap().slice(line), "8080:80");
    // Quoted value: the range is the quoted word.
    let line = "docker run -e \"A=b c\" x";
    let inv = invocation(line).unwrap();
    assert_eq!(inv.options[0].value_range.unwrap().slice(line), "\"A=b c\"");
    assert_eq!(inv.options[0].value.as_deref(), Some("A=b c"));
}

#[test]
fn ranges_inside_a_script() {
    let text =
        "#!/bin/sh\nset -e\nif [ \"$1\" = up ]; then\n  sudo docker run -d --privileged \\\n    -v /:/host app\nfi\n";
    let s = parse_shell(text);
    let inv = s.commands.iter().find_map(|c| parse_docker_cli(&c.words)).unwrap();
    let p = inv.options.iter().find(|o| o.name == "privileged").unwrap();
    assert_eq!(p.range.slice(text), "--privileged");
    assert_eq!(
        inv.range.slice(text),
        "docker run -d --privileged \\\n    -v /:/host app"
    );
}

#[test]
fn expansions_hide_options() {
    let inv = invocation("docker run $DOCKER_OPTS -d app").unwrap();
    assert!(inv.has_unknown_args);
    assert_eq!(opts(&inv), vec!["detach"]);
    assert_eq!(inv.image.unwrap().value, "app");

    let inv = invocation("docker run -d $EXTRA_ARGS app cmd").unwrap();
    assert!(inv.has_unknown_args);
    assert_eq!(inv.image.unwrap().value, "app");

    let inv = invocation("docker run -d $IMAGE").unwrap();
    assert!(inv.has_unknown_args, "unquoted: may split into flags and image");
    assert_eq!(inv.image.unwrap().value, "$IMAGE");

    let inv = invocation("docker run -d \"$IMAGE\" --flag").unwrap();
    assert!(!inv.has_unknown_args, "quoted: exactly one word, the image");
    assert_eq!(inv.image.unwrap().value, "$IMAGE");
    assert_eq!(inv.command[0].value, "--flag");

    let inv = invocation("docker run \"${ARGS[@]}\" app").unwrap();
    assert!(inv.has_unknown_args, "a quoted array expansion is still many words");
    assert_eq!(inv.image.unwrap().value, "app");

    let inv = invocation("docker $GLOBAL_OPTS run app").unwrap();
    assert!(inv.has_unknown_args);

    let inv = invocation("docker run -p ${PORT}:80 -e \"X=$(id -u)\" app").unwrap();
    assert!(!inv.has_unknown_args);
    assert!(inv.options.iter().all(|o| o.value_has_expansion));
    let inv = invocation("docker run -p [::1]:80:80 app").unwrap();
    assert!(!inv.options[0].value_has_expansion, "a glob-looking value is literal");
}

#[test]
fn unknown_flags_are_guessed() {
    let inv = invocation("docker run --brand-new x -p 80:80 app").unwrap();
    assert_eq!(opts(&inv), vec!["brand-new=x", "publish=80:80"]);
    assert!(!inv.options[0].known);
    assert_eq!(inv.image.as_ref().unwrap().value, "app");
    assert_eq!(inv.diagnostics.len(), 1);

    let inv = invocation("docker run --brand-new-bool app sh").unwrap();
    assert_eq!(opts(&inv), vec!["brand-new-bool"]);
    assert_eq!(inv.image.as_ref().unwrap().value, "app");

    let inv = invocation("docker run --brand-new=v -Z app").unwrap();
    assert_eq!(opts(&inv), vec!["brand-new=v", "Z"]);
    assert_eq!(inv.diagnostics.len(), 2);
}

#[test]
fn booleans_and_missing_values() {
    let inv = invocation("docker run --privileged=false --rm=true --init=maybe app").unwrap();
    assert!(!inv.flag_is_set("privileged"));
    assert!(inv.flag_is_set("rm"));
    assert_eq!(inv.last_option("init").unwrap().bool_value(), None);
    assert_eq!(inv.diagnostics.len(), 1);

    let inv = invocation("docker run --privileged --privileged=false app").unwrap();
    assert!(!inv.flag_is_set("privileged"), "the last occurrence wins");

    let inv = invocation("docker run -d=false app").unwrap();
    assert_eq!(opts(&inv), vec!["detach=false"]);

    let inv = invocation("docker run -p").unwrap();
    assert!(inv.image.is_none());
    assert!(inv.diagnostics.iter().any(|d| d.message.contains("needs an argument")));

    // A valued flag takes the next word even when it starts with a dash.
    let inv = invocation("docker run --name -d app").unwrap();
    assert_eq!(opts(&inv), vec!["name=-d"]);
    assert_eq!(inv.image.unwrap().value, "app");

    let inv = invocation("docker run").unwrap();
    assert!(inv.image.is_none());
    assert_eq!(inv.insert_at, 10);
}

#[test]
fn options_named_and_service_short_flags() {
    let inv = invocation("docker run -v /a:/a -v /b:/b --volume=/c:/c app").unwrap();
    let v: Vec<_> = inv
        .options_named("volume")
        .map(|o| o.value.as_deref().unwrap())
        .collect();
    assert_eq!(v, vec!["/a:/a", "/b:/b", "/c:/c"]);
    // `-h` is --hostname for run, but not a service create flag.
    let inv = invocation("docker service create -h x app").unwrap();
    assert!(!inv.options[0].known);
}

#[test]
fn docker_lines_inside_sh_c_and_ci_style_scripts() {
    let text = "bash -c \"docker run --rm -v $PWD:/w -w /w golang:1.22 go test ./...\"";
    let s = parse_shell(text);
    let inv = s.commands.iter().find_map(|c| parse_docker_cli(&c.words)).unwrap();
    assert_eq!(inv.image.as_ref().unwrap().raw.slice(text), "golang:1.22");
    let v = inv.last_option("volume").unwrap();
    assert_eq!(v.value_range.unwrap().slice(text), "$PWD:/w");
    assert!(v.value_has_expansion);
}
