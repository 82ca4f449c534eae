//! Instruction-level build and image rules: stages, health checks, ports, volumes, labels,
//! files and credentials copied in, RUN flags. Run-time concerns (health checks, exposed
//! ports, sudo, compilers) are judged on the final stage and the stages it is built on
//! ([`util::runtime_chain`]); build stages are not blamed for them.

mod base_image_not_pinned_by_digest;
mod build_tools_in_final_image;
mod cmd_or_entrypoint_shell_form;
mod copy_from_own_stage;
mod copy_from_unknown_stage;
mod copy_multiple_sources_dest_not_dir;
mod copy_relative_dest_without_workdir;
mod copy_whole_filesystem;
mod docker_socket_in_image;
mod duplicate_label_key;
mod duplicate_stage_name;
mod env_self_reference;
mod from_platform_fixed;
mod instruction_before_from;
mod invalid_expose_port;
mod invalid_label_key;
mod invalid_onbuild_trigger;
mod maintainer_deprecated;
mod malformed_label_value;
pub(crate) mod missing_healthcheck;
mod missing_oci_labels;
mod multiple_cmd;
mod multiple_entrypoint;
mod multiple_healthchecks;
mod relative_workdir;
mod reserved_stage_name;
mod run_network_host;
mod run_security_insecure;
pub(crate) mod secret_file_copied;
mod secret_written_by_run;
pub(crate) mod sensitive_port_exposed;
pub(crate) mod setuid_setgid_bit;
mod sh_replaced_by_symlink;
mod ssh_server_in_image;
pub(crate) mod sudo_in_final_image;
mod untrusted_base_registry;
mod util;
// hadolint parity (issue 13): DW272-DW276.
mod consecutive_run;
mod copied_archive_extracted;
mod from_platform_redundant;
mod label_value_schema;
mod user_not_numeric;

use crate::BuildRule;

/// The rules of this group, in code order.
pub(crate) static RULES: &[BuildRule] = &[
    BuildRule {
        meta: &missing_healthcheck::META,
        check: missing_healthcheck::check,
    },
    BuildRule {
        meta: &multiple_healthchecks::META,
        check: multiple_healthchecks::check,
    },
    BuildRule {
        meta: &untrusted_base_registry::META,
        check: untrusted_base_registry::check,
    },
    BuildRule {
        meta: &setuid_setgid_bit::META,
        check: setuid_setgid_bit::check,
    },
    BuildRule {
        meta: &docker_socket_in_image::META,
        check: docker_socket_in_image::check,
    },
    BuildRule {
        meta: &build_tools_in_final_image::META,
        check: build_tools_in_final_image::check,
    },
    BuildRule {
        meta: &sudo_in_final_image::META,
        check: sudo_in_final_image::check,
    },
    BuildRule {
        meta: &ssh_server_in_image::META,
        check: ssh_server_in_image::check,
    },
    BuildRule {
        meta: &base_image_not_pinned_by_digest::META,
        check: base_image_not_pinned_by_digest::check,
    },
    BuildRule {
        meta: &relative_workdir::META,
        check: relative_workdir::check,
    },
    BuildRule {
        meta: &invalid_expose_port::META,
        check: invalid_expose_port::check,
    },
    BuildRule {
        meta: &multiple_cmd::META,
        check: multiple_cmd::check,
    },
    BuildRule {
        meta: &multiple_entrypoint::META,
        check: multiple_entrypoint::check,
    },
    BuildRule {
        meta: &cmd_or_entrypoint_shell_form::META,
        check: cmd_or_entrypoint_shell_form::check,
    },
    BuildRule {
        meta: &copy_from_unknown_stage::META,
        check: copy_from_unknown_stage::check,
    },
    BuildRule {
        meta: &copy_from_own_stage::META,
        check: copy_from_own_stage::check,
    },
    BuildRule {
        meta: &duplicate_stage_name::META,
        check: duplicate_stage_name::check,
    },
    BuildRule {
        meta: &reserved_stage_name::META,
        check: reserved_stage_name::check,
    },
    BuildRule {
        meta: &copy_whole_filesystem::META,
        check: copy_whole_filesystem::check,
    },
    BuildRule {
        meta: &copy_multiple_sources_dest_not_dir::META,
        check: copy_multiple_sources_dest_not_dir::check,
    },
    BuildRule {
        meta: &maintainer_deprecated::META,
        check: maintainer_deprecated::check,
    },
    BuildRule {
        meta: &invalid_onbuild_trigger::META,
        check: invalid_onbuild_trigger::check,
    },
    BuildRule {
        meta: &env_self_reference::META,
        check: env_self_reference::check,
    },
    BuildRule {
        meta: &copy_relative_dest_without_workdir::META,
        check: copy_relative_dest_without_workdir::check,
    },
    BuildRule {
        meta: &from_platform_fixed::META,
        check: from_platform_fixed::check,
    },
    BuildRule {
        meta: &instruction_before_from::META,
        check: instruction_before_from::check,
    },
    BuildRule {
        meta: &invalid_label_key::META,
        check: invalid_label_key::check,
    },
    BuildRule {
        meta: &duplicate_label_key::META,
        check: duplicate_label_key::check,
    },
    BuildRule {
        meta: &missing_oci_labels::META,
        check: missing_oci_labels::check,
    },
    BuildRule {
        meta: &malformed_label_value::META,
        check: malformed_label_value::check,
    },
    BuildRule {
        meta: &sh_replaced_by_symlink::META,
        check: sh_replaced_by_symlink::check,
    },
    BuildRule {
        meta: &secret_file_copied::META,
        check: secret_file_copied::check,
    },
    BuildRule {
        meta: &secret_written_by_run::META,
        check: secret_written_by_run::check,
    },
    BuildRule {
        meta: &sensitive_port_exposed::META,
        check: sensitive_port_exposed::check,
    },
    BuildRule {
        meta: &run_network_host::META,
        check: run_network_host::check,
    },
    BuildRule {
        meta: &run_security_insecure::META,
        check: run_security_insecure::check,
    },
    BuildRule {
        meta: &copied_archive_extracted::META,
        check: copied_archive_extracted::check,
    },
    BuildRule {
        meta: &consecutive_run::META,
        check: consecutive_run::check,
    },
    BuildRule {
        meta: &from_platform_redundant::META,
        check: from_platform_redundant::check,
    },
    BuildRule {
        meta: &user_not_numeric::META,
        check: user_not_numeric::check,
    },
    BuildRule {
        meta: &label_value_schema::META,
        check: label_value_schema::check,
    },
];

#[cfg(test)]
mod tests {
    use crate::{BuildCx, all_rules, check_build};
    use dockward_core::{FileId, Settings};
    use std::path::Path;

    fn run(code: &str, config: &str, text: &str) -> Vec<String> {
        let mut settings = Settings::parse(Path::new("/p/dockward.toml"), config, all_rules()).unwrap();
        settings
            .apply_command_line(&[code.to_string()], &[], all_rules())
            .unwrap();
        let dockerfile = dockward_dockerfile::parse(text);
        let build = dockward_model::build::lower_build(FileId(0), &dockerfile, None);
        let mut findings = Vec::new();
        check_build(&BuildCx::new(&build, text, &settings), &mut findings);
        findings
            .into_iter()
            .filter(|f| settings.is_enabled(f.rule))
            .map(|f| format!("{} {}", f.rule.code, f.message))
            .collect()
    }

    #[test]
    fn untrusted_registry_needs_a_list_and_matches_by_prefix() {
        let text = "FROM alpine:3.20 AS a\nFROM ghcr.io/acme/tools:1 AS b\nFROM ghcr.io/evil/tools:1 AS c\nFROM a\nCOPY --from=quay.io/x/y:1 /x /x\nCOPY --from=b /y /y\n";
        assert!(run("DW106", "", text).is_empty());
        let found = run(
            "DW106",
            "[image]\ntrusted-registries = [\"docker.io/library\", \"ghcr.io/acme\"]\n",
            text,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("ghcr.io/evil/tools"), "{found:#?}");
        assert!(found[1].contains("quay.io/x/y"), "{found:#?}");
    }

    #[test]
    fn build_tools_on_a_toolchain_base_are_not_reported() {
        let install = "RUN apt-get update && apt-get install -y --no-install-recommends gcc make\n";
        for base in [
            "golang:1.23",
            "python:3.12",
            "node:22",
            "buildpack-deps:bookworm",
            "mcr.microsoft.com/dotnet/sdk:8.0",
        ] {
            let text = format!("FROM {base}\n{install}");
            assert!(run("DW109", "", &text).is_empty(), "{base}");
        }
        for base in ["python:3.12-slim", "debian:bookworm-slim", "node:22-alpine"] {
            let text = format!("FROM {base}\n{install}");
            assert_eq!(run("DW109", "", &text).len(), 1, "{base}");
        }
    }

    #[test]
    fn secret_files_by_name_and_destination() {
        let copy = |source: &str, dest: &str| run("DW402", "", &format!("FROM alpine:3.20\nCOPY {source} {dest}\n"));
        for (source, dest) in [
            ("id_rsa", "/root/"),
            ("keys/id_ed25519", "/k/"),
            ("deploy", "/root/.ssh/"),
            (".ssh", "/root/.ssh"),
            ("server.key", "/etc/ssl/"),
            ("tls/privkey.pem", "/etc/ssl/"),
            (".env.production", "./"),
            ("npmrc", "/root/.npmrc"),
            ("creds", "/root/.aws/credentials"),
            ("auth.json", "/root/.docker/config.json"),
            ("config/master.key", "/app/config/"),
            ("cert.p12", "/certs/"),
        ] {
            assert_eq!(copy(source, dest).len(), 1, "{source} -> {dest}");
        }
        for (source, dest) in [
            ("id_rsa.pub", "/root/.ssh/"),
            ("known_hosts", "/root/.ssh/known_hosts"),
            ("cert.pem", "/etc/ssl/"),
            ("nodesource.gpg.key", "/usr/share/keyrings/"),
            ("Release.key", "/tmp/"),
            ("repo.key", "/etc/apt/trusted.gpg.d/"),
            (".env.example", "./"),
            ("library-scripts/*.env", "/tmp/"),
            ("config.json", "/app/"),
            (".", "."),
        ] {
            assert!(copy(source, dest).is_empty(), "{source} -> {dest}");
        }
    }
}
