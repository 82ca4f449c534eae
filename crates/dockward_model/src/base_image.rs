//! What a Dockerfile's base image says of the user it runs as and its health check, when
//! that can be known without pulling it: the image's own configuration (an archive named in
//! `[image] base-images`, or the local engine with `--base-images engine`), else a short
//! list of images whose default user is a documented fact.
//!
//! A reference that is neither is unknown: the rules then say what they know ("root unless
//! the base image sets one") at low confidence instead of guessing.

use crate::ImageRef;
use dockward_core::{BaseImage, Settings};

/// What is known of `base` (a stage's resolved `FROM`, not another stage): `None` when
/// nothing is. `scratch` is known: an empty filesystem sets no user.
pub fn known_base_image(settings: &Settings, base: &ImageRef) -> Option<BaseImage> {
    if base.is_scratch() {
        return Some(BaseImage {
            user: None,
            healthcheck: false,
            source: "`scratch` is an empty filesystem".to_string(),
        });
    }
    if base.has_variables || base.raw.is_empty() {
        return None;
    }
    settings.base_image(&base.raw).or_else(|| well_known(base))
}

/// Images whose default user is documented by their publisher. Kept short on purpose: an
/// entry is a claim about every tag of the image.
pub fn well_known(base: &ImageRef) -> Option<BaseImage> {
    let tag = base.tag.as_deref().unwrap_or("latest");
    let fact = |user: Option<&str>, source: &str| {
        Some(BaseImage {
            user: user.map(str::to_string),
            healthcheck: false,
            source: source.to_string(),
        })
    };
    match base.registry.as_deref() {
        // Distroless: its README documents that the `nonroot` tags (`:nonroot`,
        // `:debug-nonroot`, `:latest-nonroot`…) run as uid 65532 and the other tags as root
        // (https://github.com/GoogleContainerTools/distroless, "Running as non-root").
        Some("gcr.io") if base.path.starts_with("distroless/") => {
            if tag == "nonroot" || tag.ends_with("-nonroot") {
                fact(Some("65532"), "distroless `nonroot` images run as uid 65532")
            } else {
                fact(None, "distroless images other than `nonroot` run as root")
            }
        }
        // Chainguard documents that its images run as the non-root uid 65532 by default
        // (https://edu.chainguard.dev/chainguard/chainguard-images/overview/). The `-dev`
        // variants add a shell and package manager and are not covered here: unknown.
        Some("cgr.dev") if !tag.contains("-dev") && tag != "dev" => {
            fact(Some("65532"), "Chainguard images run as uid 65532")
        }
        // mirror.gcr.io serves cached copies of Docker Hub's images under the same names
        // (https://cloud.google.com/artifact-registry/docs/pull-cached-dockerhub-images).
        None | Some("docker.io" | "index.docker.io" | "mirror.gcr.io") => {
            let path = base.path.strip_prefix("library/").unwrap_or(&base.path);
            match path {
                // Its README documents that it runs as the non-root uid 101
                // (https://github.com/nginx/docker-nginx-unprivileged).
                "nginxinc/nginx-unprivileged" => fact(Some("101"), "nginx-unprivileged runs as uid 101"),
                // Docker Official Images whose Dockerfiles (github.com/docker-library/*) set
                // no USER: they run as root unless told otherwise (the node image's documentation
                // says so and points at its unused `node` user, docker-library/docs
                // node/content.md, "Non-root User"). Images whose
                // entrypoint drops privileges (postgres, redis, mysql…) are left out: their
                // configuration says root, but the service does not run as root.
                "alpine" | "busybox" | "debian" | "ubuntu" | "fedora" | "centos" | "rockylinux" | "almalinux"
                | "amazonlinux" | "oraclelinux" | "buildpack-deps" | "python" | "node" | "golang" | "rust" | "ruby"
                | "php" | "perl" | "openjdk" | "eclipse-temurin" | "nginx" | "httpd" => {
                    fact(None, "a Docker Official Image, whose Dockerfile sets no USER")
                }
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(raw: &str) -> Option<bool> {
        known_base_image(&Settings::default(), &ImageRef::parse(raw)).map(|b| b.runs_as_root())
    }

    #[test]
    fn documented_defaults_are_known_and_the_rest_is_not() {
        assert_eq!(known("gcr.io/distroless/static-debian12:nonroot"), Some(false));
        assert_eq!(known("gcr.io/distroless/base:debug-nonroot"), Some(false));
        assert_eq!(known("gcr.io/distroless/static-debian12"), Some(true));
        assert_eq!(known("cgr.dev/chainguard/python:latest"), Some(false));
        assert_eq!(known("cgr.dev/chainguard/python:latest-dev"), None);
        assert_eq!(known("nginxinc/nginx-unprivileged:1.27"), Some(false));
        assert_eq!(known("python:3.12-slim"), Some(true));
        assert_eq!(known("docker.io/library/node:22"), Some(true));
        assert_eq!(known("mirror.gcr.io/library/busybox:1.36"), Some(true));
        assert_eq!(known("scratch"), Some(true));
        assert_eq!(known("postgres:16"), None);
        assert_eq!(known("acme/base:1"), None);
        assert_eq!(known("ghcr.io/acme/python:3"), None);
        assert_eq!(known("$BASE"), None);
    }

    #[test]
    fn configured_facts_come_before_the_list() {
        let mut settings = Settings::default();
        settings.base_images.insert(
            "python:3.12".to_string(),
            BaseImage {
                user: Some("app".to_string()),
                healthcheck: true,
                source: "python.tar".to_string(),
            },
        );
        let base = known_base_image(&settings, &ImageRef::parse("python:3.12")).unwrap();
        assert!(!base.runs_as_root());
        assert!(base.healthcheck);
    }
}
