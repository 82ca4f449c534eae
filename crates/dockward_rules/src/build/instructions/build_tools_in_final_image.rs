use super::util::{kept_by_run, kept_packages, package_is, root_base, runtime_chain};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports compilers and build tools (`gcc`, `g++`, `make`, `build-essential`,
    /// `build-base`, `cmake`, `clang`, Go, Rust, Maven, Gradle, …) that the final image
    /// installs with an OS package manager and does not remove again. Tools removed later
    /// in the same image (`apt-get purge`, `apk del .build-deps`, the official images'
    /// `apt-mark auto` + `purge --auto-remove` idiom) and tools installed in build stages
    /// are fine.
    ///
    /// When the final image is built on a toolchain image (`golang`, `rust`, `gcc`,
    /// `maven`, `gradle`, `buildpack-deps`, the full `python`/`node`/`ruby` variants, a
    /// .NET `sdk`), the compilers were already there: installing one more adds nothing
    /// this rule could point at, so it stays silent. So it does for development containers
    /// (`mcr.microsoft.com/devcontainers/…`), which are build environments by purpose.
    ///
    /// ## Why is this bad?
    /// A compiler in a production image is a gift to an attacker who gets a shell: they
    /// can build exploits and tools in place. Build tools also bring hundreds of megabytes
    /// and many packages whose vulnerabilities you then have to track. A multi-stage build
    /// compiles in one stage and copies only the result into a slim final stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev
    /// COPY . /src
    /// RUN make -C /src && cp /src/app /usr/local/bin/app
    /// CMD ["app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev
    /// COPY . /src
    /// RUN make -C /src
    ///
    /// FROM debian:bookworm-slim
    /// COPY --from=build /src/app /usr/local/bin/app
    /// CMD ["app"]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.3: ensure that unnecessary packages are not installed in
    ///   the container
    /// - <https://docs.docker.com/build/building/multi-stage/>
    pub static META = {
        code: "DW109",
        name: "build-tools-in-final-image",
        category: Image,
        severity: Low,
        summary: "the final image keeps compilers or build tools",
        references: ["cis-1.6:4.3", "cwe:1104"],
        fix: None,
        models: [Build],
    };
}

/// Package names of compilers and build systems across distributions.
const BUILD_TOOLS: &[&str] = &[
    "gcc",
    "g++",
    "gcc-c++",
    "clang",
    "make",
    "cmake",
    "build-essential",
    "build-base",
    "alpine-sdk",
    "base-devel",
    "autoconf",
    "automake",
    "libtool",
    "ninja-build",
    "golang",
    "golang-go",
    "go",
    "rustc",
    "cargo",
    "rust",
    "maven",
    "gradle",
    "gfortran",
];

/// Whether an image reference is a toolchain image that already ships compilers.
fn is_toolchain_image(image: &dockward_model::ImageRef) -> bool {
    let name = image.short_name();
    let tag = image.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    let slim = tag.contains("slim") || tag.contains("alpine");
    match name.as_str() {
        "golang" | "rust" | "gcc" | "maven" | "gradle" | "buildpack-deps" | "sdk" | "clojure" | "haskell" | "swift" => {
            true
        }
        // The full variants of these are built on buildpack-deps, compilers included.
        "python" | "node" | "ruby" | "perl" | "erlang" | "elixir" => !slim,
        _ => false,
    }
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    if root_base(cx.build).is_some_and(is_toolchain_image) {
        return;
    }
    // Development containers are build environments by purpose.
    let chain = runtime_chain(cx.build);
    if chain
        .first()
        .is_some_and(|s| s.base_raw.to_ascii_lowercase().contains("devcontainers/"))
    {
        return;
    }
    let kept = kept_packages(cx.build);
    let single_stage = cx.build.stages.len() == 1;
    for (at, names) in kept_by_run(&kept, |name| BUILD_TOOLS.iter().any(|t| package_is(name, t))) {
        let list = names.join(", ");
        let help = if single_stage {
            "build in a separate stage (`FROM … AS build`) and copy only the result into the final stage"
        } else {
            "install build tools in a build stage and copy only the result into the final stage, or remove them in the same RUN"
        };
        out.push(
            cx.finding(&META, at, format!("the final image keeps build tools: {list}"))
                .with_help(help),
        );
    }
}
