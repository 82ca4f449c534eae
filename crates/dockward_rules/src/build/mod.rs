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
