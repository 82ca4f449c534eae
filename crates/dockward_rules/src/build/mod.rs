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

/// The image that `stage`'s chain of stages starts from (its `FROM` when it is built on no
/// other stage): its reference as resolved, and what is known of it
/// ([`dockward_model::base_image::known_base_image`]: `[image] base-images`, the local
/// engine with `--base-images engine`, documented defaults). `None` for a stage dockward
/// made up (no FROM) or a chain it cannot follow.
pub(crate) fn base_image_of<'s>(
    cx: &'s crate::BuildCx<'_>,
    stage: &'s dockward_model::build::Stage<'_>,
) -> Option<BaseOf<'s>> {
    let mut root = stage;
    for _ in 0..=cx.build.stages.len() {
        match root.base_stage.and_then(|i| cx.build.stages.get(i)) {
            Some(parent) if parent.index < root.index => root = parent,
            _ => break,
        }
    }
    if root.implicit || root.base_stage.is_some() {
        return None;
    }
    let known = if root.base_unknown {
        None
    } else {
        dockward_model::base_image::known_base_image(cx.settings, &root.base)
    };
    Some(BaseOf {
        reference: if root.base_unknown {
            &root.base_raw
        } else {
            &root.base.raw
        },
        known,
    })
}

/// A build's base image: [`base_image_of`].
pub(crate) struct BaseOf<'s> {
    /// As resolved (`python:3.12`), or as written when a variable is unresolved.
    pub reference: &'s str,
    pub known: Option<dockward_core::BaseImage>,
}

/// What is known of the image that `stage`'s chain of stages starts from.
pub(crate) fn known_base_image(
    cx: &crate::BuildCx<'_>,
    stage: &dockward_model::build::Stage<'_>,
) -> Option<dockward_core::BaseImage> {
    base_image_of(cx, stage).and_then(|b| b.known)
}
