//! Package managers, downloads and the software supply chain inside RUN.
//!
//! Supply chain and integrity (DW150–DW199, category Image) and package-manager hygiene
//! (DW200–DW249, category Build). Every rule reads RUN bodies through the parsed shell;
//! `command_util` holds what they share: recognising commands, walking their options,
//! expanding `$VAR` arguments.

pub(crate) mod add_remote_without_checksum;
pub(crate) mod apk_cache_not_cleaned;
mod apk_package_unpinned;
mod apt_get_installs_recommends;
mod apt_get_missing_yes;
mod apt_instead_of_apt_get;
pub(crate) mod apt_lists_not_deleted;
mod apt_package_unpinned;
mod cd_instead_of_workdir;
mod command_util;
mod dist_upgrade_in_build;
pub(crate) mod dnf_cache_not_cleaned;
mod dnf_missing_yes;
mod dnf_package_unpinned;
mod gem_package_unpinned;
mod go_install_unpinned;
mod insecure_http_download;
mod npm_package_unpinned;
mod package_signature_verification_disabled;
mod package_update_alone;
pub(crate) mod pip_install_keeps_cache;
mod pip_package_unpinned;
mod pipe_without_pipefail;
mod pointless_command_in_run;
pub(crate) mod remote_script_execution;
mod rpm_cache;
mod rpm_missing_yes;
mod sudo_in_run;
mod tls_verification_disabled;
mod useradd_high_uid;
mod wget_and_curl;
mod wget_without_progress;
pub(crate) mod yarn_cache_not_cleaned;
pub(crate) mod yum_cache_not_cleaned;
mod yum_missing_yes;
mod yum_package_unpinned;
pub(crate) mod zypper_cache_not_cleaned;
mod zypper_missing_non_interactive;
mod zypper_package_unpinned;

use crate::BuildRule;

macro_rules! rules {
    ($($rule:ident),* $(,)?) => {
        pub(crate) static RULES: &[BuildRule] = &[
            $(BuildRule { meta: &$rule::META, check: $rule::check },)*
        ];
    };
}

// In code order.
rules![
    remote_script_execution,                 // DW150
    add_remote_without_checksum,             // DW151
    tls_verification_disabled,               // DW152
    package_signature_verification_disabled, // DW153
    insecure_http_download,                  // DW154
    sudo_in_run,                             // DW155
    apt_get_missing_yes,                     // DW200
    apt_get_installs_recommends,             // DW201
    apt_lists_not_deleted,                   // DW202
    package_update_alone,                    // DW203
    dist_upgrade_in_build,                   // DW204
    apt_instead_of_apt_get,                  // DW205
    apt_package_unpinned,                    // DW206
    apk_package_unpinned,                    // DW207
    pip_package_unpinned,                    // DW208
    npm_package_unpinned,                    // DW209
    gem_package_unpinned,                    // DW210
    yum_package_unpinned,                    // DW211
    dnf_package_unpinned,                    // DW212
    zypper_package_unpinned,                 // DW213
    go_install_unpinned,                     // DW214
    apk_cache_not_cleaned,                   // DW215
    pip_install_keeps_cache,                 // DW216
    yum_missing_yes,                         // DW217
    dnf_missing_yes,                         // DW218
    zypper_missing_non_interactive,          // DW219
    yum_cache_not_cleaned,                   // DW220
    dnf_cache_not_cleaned,                   // DW221
    zypper_cache_not_cleaned,                // DW222
    yarn_cache_not_cleaned,                  // DW223
    wget_and_curl,                           // DW224
    cd_instead_of_workdir,                   // DW225
    pipe_without_pipefail,                   // DW226
    useradd_high_uid,                        // DW227
    wget_without_progress,                   // DW228
    pointless_command_in_run,                // DW229
];

#[cfg(test)]
mod tests {
    //! Command aliases and argument forms of the package managers (issue 13's audit), each
    //! checked through the rule that reads it.

    use crate::{BuildCx, all_rules, check_build};
    use dockward_core::{FileId, Settings};

    fn codes(text: &str, select: &str) -> Vec<String> {
        let mut settings = Settings::default();
        settings
            .apply_command_line(&[select.to_string()], &[], all_rules())
            .unwrap();
        let dockerfile = dockward_dockerfile::parse(text);
        let build = dockward_model::build::lower_build(FileId(0), &dockerfile, None);
        let mut findings = Vec::new();
        check_build(&BuildCx::new(&build, text, &settings), &mut findings);
        let mut codes: Vec<String> = findings
            .into_iter()
            .filter(|f| settings.is_enabled(f.rule))
            .map(|f| f.rule.code.to_string())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    fn run(body: &str, select: &str) -> Vec<String> {
        codes(&format!("FROM fedora:40\nRUN {body}\n"), select)
    }

    #[test]
    fn dnf_aliases_prompt_and_leave_the_cache() {
        // DW218: no `-y`; DW221: no `dnf clean all`.
        for body in [
            "dnf up nginx",
            "dnf rei nginx",
            "dnf reinstall nginx",
            "dnf upgrade-minimal nginx",
            "dnf up-min nginx",
            "dnf in nginx-1.24",
            "dnf module install nodejs:18",
            "yum module install nodejs:18",
        ] {
            let found = run(body, "DW2");
            let prompt = if body.starts_with("yum") { "DW217" } else { "DW218" };
            assert!(found.iter().any(|c| c == prompt), "{body}: {found:?}");
        }
        for body in ["dnf up -y nginx && dnf clean all", "dnf rei -y nginx && dnf clean all"] {
            assert!(run(body, "DW218").is_empty(), "{body}");
            assert!(run(body, "DW221").is_empty(), "{body}");
        }
        assert_eq!(run("dnf rei -y nginx", "DW221"), ["DW221"]);
        assert_eq!(run("dnf upgrade-minimal -y", "DW221"), ["DW221"]);
        // Listing modules changes nothing.
        assert!(run("dnf module list", "DW218").is_empty());
    }

    #[test]
    fn dnf_module_install_without_a_stream_is_unpinned() {
        assert_eq!(run("dnf module install -y nodejs && dnf clean all", "DW212"), ["DW212"]);
        assert!(run("dnf module install -y nodejs:18 && dnf clean all", "DW212").is_empty());
        assert!(run("dnf module install -y nodejs:18/minimal && dnf clean all", "DW212").is_empty());
        assert!(run("dnf module enable -y nodejs && dnf clean all", "DW212").is_empty());
        assert!(run("dnf in -y nginx-1.24 && dnf clean all", "DW212").is_empty());
        assert_eq!(run("dnf in -y nginx && dnf clean all", "DW212"), ["DW212"]);
    }

    #[test]
    fn pipx_install_is_pinned_like_pip() {
        assert_eq!(run("pipx install black", "DW208"), ["DW208"]);
        assert_eq!(run("pipx install --python python3.12 black", "DW208"), ["DW208"]);
        assert!(run("pipx install black==24.1.0", "DW208").is_empty());
        assert!(run("pipx install --python python3.12 'black==24.1.0'", "DW208").is_empty());
        assert!(run("pipx install ./dist/tool-1.0-py3-none-any.whl", "DW208").is_empty());
        assert!(run("pipx install --spec black==24.1.0 black", "DW208").is_empty());
        assert_eq!(run("pipx install git+https://github.com/acme/tool", "DW208"), ["DW208"]);
        assert!(run("pipx install git+https://github.com/acme/tool@v1.2.0", "DW208").is_empty());
        // `pipx inject VENV PKG…`: the first operand is the environment.
        assert_eq!(run("pipx inject black black-extras", "DW208"), ["DW208"]);
        assert!(run("pipx inject black black-extras==1.0", "DW208").is_empty());
        assert!(run("pipx list", "DW208").is_empty());
    }

    #[test]
    fn go_tool_and_install_versions() {
        assert_eq!(run("go get -tool golang.org/x/tools/cmd/stringer", "DW214"), ["DW214"]);
        assert!(run("go get -tool golang.org/x/tools/cmd/stringer@v0.20.0", "DW214").is_empty());
        assert!(run("go install golang.org/x/tools/cmd/stringer@v0.20.0", "DW214").is_empty());
        assert_eq!(
            run("go install golang.org/x/tools/cmd/stringer@latest", "DW214"),
            ["DW214"]
        );
    }

    #[test]
    fn npm_git_urls_need_a_commit() {
        for body in [
            "npm install -g git+ssh://git@github.com/acme/tool.git",
            "npm install -g git+https://github.com/acme/tool.git",
            "npm install -g github:acme/tool",
            "npm i -g git://github.com/acme/tool.git",
        ] {
            assert_eq!(run(body, "DW209"), ["DW209"], "{body}");
        }
        for body in [
            "npm install -g git+ssh://git@github.com/acme/tool.git#4f2a9c1e",
            "npm install -g git+https://github.com/acme/tool.git#v1.2.0",
            "npm install -g github:acme/tool#semver:^1.2.0",
            "npm install -g ./tool-1.2.0.tgz",
        ] {
            assert!(run(body, "DW209").is_empty(), "{body}");
        }
    }

    #[test]
    fn options_with_equals_values_are_not_packages() {
        assert_eq!(
            run("pip install --no-cache-dir --target=/opt/lib requests", "DW208"),
            ["DW208"]
        );
        assert!(run("pip install --no-cache-dir --target=/opt/lib requests==2.32.0", "DW208").is_empty());
        assert!(
            run(
                "pip install --no-cache-dir --index-url=https://x/simple requests==2.0",
                "DW208"
            )
            .is_empty()
        );
        assert!(run("npm install -g --prefix=/opt typescript@5.4.0", "DW209").is_empty());
        assert!(
            run(
                "dnf install -y --setopt=install_weak_deps=False --releasever=40 nginx-1.24 && dnf clean all",
                "DW212"
            )
            .is_empty()
        );
        assert!(
            run(
                "apt-get install -y --no-install-recommends --option=Dpkg::Options::=--force-confnew curl=8.5.0-2",
                "DW206"
            )
            .is_empty()
        );
    }
}
