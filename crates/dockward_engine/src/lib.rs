//! The Docker Engine adapter: a read-only API client and the lowering of what the engine
//! reports into dockward's models.
//!
//! - [`host`]: which daemon to talk to, decided as the docker CLI decides it (`--host`,
//!   `DOCKER_HOST`, contexts, TLS variables, the default, rootless and Podman sockets);
//! - [`client`]: GET-only HTTP over a Unix socket or TCP (+TLS with client certificates),
//!   API version negotiation, bounded response bodies;
//! - [`lower`]: container inspect JSON → [`dockward_model::container::ContainerSpec`], every
//!   field located by the JSON pointer it came from;
//! - [`local_daemon`]: the dockerd process behind a local socket, for its real flags;
//! - [`compose_labels`]: the Compose project and service a container claims to come from.

pub mod client;
pub mod compose_labels;
pub mod daemon;
pub mod host;
pub mod image_history;
pub mod local_daemon;
pub mod lower;
pub mod ssh;
#[cfg(feature = "testing")]
pub mod testing;

pub use client::{ApiVersion, ClientOptions, ContainerSummary, EngineClient, EngineError, ServerInfo};
pub use compose_labels::{ComposeLabels, compose_labels};
pub use host::{Endpoint, Environment, HostOptions, HostSource, Transport};
pub use lower::{EngineDefaults, LowerError, container_object, lower_container};
