//! Rules that read a build (`BuildSpec`): Dockerfile hygiene and what the image will be.

mod add_instead_of_copy;
mod base_image_floating_tag;
pub(crate) mod final_stage_root;
pub(crate) mod instructions;
pub(crate) mod packages;
pub(crate) mod secret_in_arg_or_env;

use crate::BuildRule;

/// The build rules, in code order.
static RULES: &[BuildRule] = &[
    BuildRule {
        meta: &final_stage_root::META,
        check: final_stage_root::check,
    },
    BuildRule {
        meta: &base_image_floating_tag::META,
        check: base_image_floating_tag::check,
    },
    BuildRule {
        meta: &add_instead_of_copy::META,
        check: add_instead_of_copy::check,
    },
    BuildRule {
        meta: &secret_in_arg_or_env::META,
        check: secret_in_arg_or_env::check,
    },
];

/// Every build rule: the ones here, then each group's.
pub fn rules() -> impl Iterator<Item = &'static BuildRule> {
    RULES.iter().chain(packages::RULES).chain(instructions::RULES)
}

/// What `[image] base-images` says of the image that `stage`'s chain of stages starts from
/// (its `FROM` when it is built on no other stage).
pub(crate) fn known_base_image<'s>(
    cx: &'s crate::BuildCx<'_>,
    stage: &dockward_model::build::Stage<'_>,
) -> Option<&'s dockward_core::BaseImage> {
    let mut root = stage;
    for _ in 0..=cx.build.stages.len() {
        match root.base_stage.and_then(|i| cx.build.stages.get(i)) {
            Some(parent) if parent.index < root.index => root = parent,
            _ => break,
        }
    }
    if root.base_unknown {
        return None;
    }
    cx.settings.base_images.get(root.base.raw.as_str())
}
