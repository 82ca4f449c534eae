//! Image references as Docker reads them: `[registry[:port]/]path[:tag][@digest]`.

/// A parsed image reference. Parsing is lenient: a reference with unresolved variables is
/// kept as written with `has_variables` set, and rules treat its parts as unknown.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImageRef {
    /// As written.
    pub raw: String,
    /// Explicit registry host (`ghcr.io`, `localhost:5000`); `None` means Docker Hub.
    pub registry: Option<String>,
    /// Repository path without registry (`library/nginx` is written `nginx`).
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// `$VAR` or `${VAR}` left in the reference.
    pub has_variables: bool,
}

impl ImageRef {
    pub fn parse(raw: &str) -> ImageRef {
        let raw = raw.trim();
        let has_variables = raw.contains('$');
        let (name, digest) = match raw.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (raw, None),
        };
        // A tag is after the last ':' that comes after the last '/' (a ':' before it is a
        // registry port).
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (&name[..last_slash + i], Some(name[last_slash + i + 1..].to_string())),
            None => (name, None),
        };
        // The first component is a registry when it has a '.' or ':' or is `localhost`.
        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (Some(first.to_string()), rest.to_string())
            }
            _ => (None, name.to_string()),
        };
        ImageRef {
            raw: raw.to_string(),
            registry,
            path,
            tag,
            digest,
            has_variables,
        }
    }

    /// `scratch` is not an image but an empty filesystem.
    pub fn is_scratch(&self) -> bool {
        self.registry.is_none() && self.path.eq_ignore_ascii_case("scratch") && self.tag.is_none()
    }

    /// Whether the tag is `latest` or missing (which Docker reads as `latest`), with no
    /// digest to pin it.
    pub fn is_floating(&self) -> bool {
        self.digest.is_none() && self.tag.as_deref().is_none_or(|t| t == "latest")
    }

    /// Registry plus path, normalised the way trusted-registry lists are written:
    /// `docker.io/library/nginx`, `ghcr.io/acme/web`.
    pub fn qualified_name(&self) -> String {
        match &self.registry {
            Some(r) => format!("{r}/{}", self.path),
            None if self.path.contains('/') => format!("docker.io/{}", self.path),
            None => format!("docker.io/library/{}", self.path),
        }
    }

    /// The last path component (`nginx`, `postgres`), lower-cased, for recognising well-known
    /// images (databases, caches).
    pub fn short_name(&self) -> String {
        self.path.rsplit('/').next().unwrap_or("").to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_registry_port_tag_and_digest() {
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.path, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert!(!r.is_floating());

        let r = ImageRef::parse("nginx");
        assert!(r.is_floating() && r.registry.is_none());
        assert_eq!(r.qualified_name(), "docker.io/library/nginx");
        assert!(ImageRef::parse("nginx:latest").is_floating());
        assert!(!ImageRef::parse("nginx:1.27").is_floating());
        assert!(ImageRef::parse("scratch").is_scratch());
        assert_eq!(
            ImageRef::parse("ghcr.io/acme/web:1").qualified_name(),
            "ghcr.io/acme/web"
        );
        assert_eq!(
            ImageRef::parse("bitnami/redis").qualified_name(),
            "docker.io/bitnami/redis"
        );
        assert!(ImageRef::parse("${BASE}:1").has_variables);
    }
}
