//! `--base-images engine`: the base images of scanned Dockerfiles (and of the Dockerfiles
//! Compose services build), and the images of Compose services that only name one, are
//! inspected in the local engine, so that their `User` and `Healthcheck` decide DW101,
//! DW104, DW302 and DW315 as an archive named in `[image] base-images` does.
//!
//! Off by default: a scan stays offline, deterministic and fast, and its result does not
//! depend on what a build host happens to have pulled. When on, it only ever inspects
//! (`GET /images/{name}/json`): an image that is not local stays unknown, nothing is pulled.
//! One connection per scan, made at the first lookup; each reference is inspected once; an
//! engine that cannot be reached is one warning and every base image stays unknown.

use crate::cli::BaseImagesArg;
use dockward_core::{BaseImage, BaseImageLookup, Settings};
use dockward_engine::host::{Environment, HostOptions};
use dockward_engine::{ClientOptions, EngineClient, EngineError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Inspecting an image is a local metadata read: anything slower is a sick engine.
const TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Distinct references looked up per scan; a tree with more base images than this gets the
/// rest unknown (and one warning) rather than thousands of requests.
const MAX_LOOKUPS: usize = 1_000;

/// Installs the engine lookup when `--base-images engine` (or, without the flag,
/// `[image] resolve-base = "engine"`) asks for it.
pub fn install(settings: &mut Settings, flag: Option<BaseImagesArg>, daemon: HostOptions, quiet: bool) {
    let wanted = match flag {
        Some(BaseImagesArg::Engine) => true,
        Some(BaseImagesArg::None) => false,
        None => settings.resolve_base_in_engine,
    };
    settings.resolve_base_in_engine = wanted;
    if wanted {
        settings.base_lookup = Some(Arc::new(EngineLookup {
            daemon,
            quiet,
            state: Mutex::new(State::default()),
        }));
    }
}

#[derive(Debug)]
struct EngineLookup {
    /// `--host`/`--context`; the environment decides when both are unset.
    daemon: HostOptions,
    quiet: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// `None` before the first lookup; `Some(None)` when the engine could not be reached.
    client: Option<Option<EngineClient>>,
    cache: HashMap<String, Option<BaseImage>>,
    warned_budget: bool,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State").field("cached", &self.cache.len()).finish()
    }
}

impl EngineLookup {
    fn warn(&self, message: &str) {
        if !self.quiet {
            eprintln!("warning: --base-images engine: {message}");
        }
    }

    fn connect(&self) -> Option<EngineClient> {
        let env = Environment::from_process();
        let endpoint = match dockward_engine::host::resolve(&self.daemon, &env) {
            Ok(endpoint) => endpoint,
            Err(e) => {
                self.warn(&format!("{e}; base images stay unknown"));
                return None;
            }
        };
        let client_options = ClientOptions {
            connect_timeout: CONNECT_TIMEOUT,
            timeout: TIMEOUT,
            // An image's inspect document is a few kilobytes.
            max_body_bytes: 4 * 1024 * 1024,
            api_version: env.vars.get("DOCKER_API_VERSION").filter(|v| !v.is_empty()).cloned(),
        };
        match EngineClient::connect(endpoint, &client_options) {
            Ok(client) => Some(client),
            Err(e) => {
                self.warn(&format!("{e}; base images stay unknown"));
                None
            }
        }
    }
}

impl BaseImageLookup for EngineLookup {
    fn lookup(&self, reference: &str) -> Option<BaseImage> {
        // One lock for the connection and the cache: lookups are local and quick, and
        // serialising them keeps it to one request per reference across the scan's threads.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = state.cache.get(reference) {
            return known.clone();
        }
        if state.cache.len() >= MAX_LOOKUPS {
            if !state.warned_budget {
                state.warned_budget = true;
                self.warn(&format!("more than {MAX_LOOKUPS} base images; the others stay unknown"));
            }
            return None;
        }
        if state.client.is_none() {
            state.client = Some(self.connect());
        }
        let answer = state
            .client
            .as_ref()
            .and_then(Option::as_ref)
            .map(|client| client.inspect_image(reference));
        let known = match answer {
            None => None,
            Some(Ok(inspect)) => Some(base_image(&inspect, reference)),
            // Not local (404), or not a reference the engine takes (400): unknown.
            Some(Err(EngineError::Status { status: 404 | 400, .. })) => None,
            // A broken engine is one warning: the rest of the scan does not ask again.
            Some(Err(e)) => {
                self.warn(&format!("{reference}: {e}; base images stay unknown"));
                state.client = Some(None);
                None
            }
        };
        state.cache.insert(reference.to_string(), known.clone());
        known
    }
}

/// What the rules need of an inspected image, read as `[image] base-images` reads an
/// archive's configuration.
fn base_image(inspect: &serde_json::Value, reference: &str) -> BaseImage {
    let spec = dockward_model::image::lower_engine_image(inspect, reference);
    let config = &spec.config;
    BaseImage {
        user: config.user.get().cloned().filter(|u| !u.is_empty()),
        healthcheck: config.healthcheck.get().is_some_and(|h| !h.is_disabled()),
        source: "the local engine's image".to_string(),
    }
}
