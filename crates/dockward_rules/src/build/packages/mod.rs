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
