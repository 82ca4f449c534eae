//! A Dockerfile: parsed once, lowered once, with the places suppression pragmas attach to.

use dockward_core::{FileId, TextRange};
use dockward_dockerfile::Dockerfile;
use dockward_model::build::{BuildSpec, lower_build};
use dockward_model::container::ContainerSpec;

/// One parsed Dockerfile.
pub struct DockerfileInput {
    pub file: FileId,
    pub ast: Dockerfile,
}

impl DockerfileInput {
    pub fn parse(file: FileId, text: &str) -> Self {
        Self {
            file,
            ast: dockward_dockerfile::parse(text),
        }
    }

    /// The build `docker build --target` would run (`None`: the last stage), or the
    /// message `docker build` gives when no stage has that name.
    pub fn lower(&self, target: Option<&str>) -> Result<BuildSpec<'_>, String> {
        let build = lower_build(self.file, &self.ast, target);
        if let Some(target) = target
            && !build
                .stages
                .iter()
                .any(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(target)))
        {
            return Err(format!("--target: no stage named `{target}` in this Dockerfile"));
        }
        Ok(build)
    }

    /// Where pragmas are read: every whole-line comment.
    pub fn comments(&self) -> Vec<TextRange> {
        self.ast.comments.iter().map(|c| c.range).collect()
    }

    /// What a pragma on the line before covers: each instruction.
    pub fn statements(&self) -> Vec<TextRange> {
        self.ast.instructions.iter().map(|i| i.range).collect()
    }

    /// The containers `docker run` lines inside RUN bodies start (docker-in-docker images,
    /// test stages). Their findings point into the Dockerfile.
    pub fn containers(build: &BuildSpec<'_>) -> Vec<ContainerSpec> {
        crate::scripts::container_specs_in_build(build)
    }
}
