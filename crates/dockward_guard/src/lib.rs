//! `dockward guard`: a Docker authorization plugin that enforces, at the daemon, the same
//! runtime rules and the same `dockward.toml` that gate CI.
//!
//! - [`protocol`]: the AuthZ wire format (moby's Go JSON tags);
//! - [`classify`]: which API call a request is, as dockerd's router sees it;
//! - [`lowering`]: request bodies → `ContainerSpec` (a create body through the engine
//!   adapter's lowering, so a request and the container it makes read the same);
//! - [`decide`]: the rules run through the driver; deny at or above the threshold, fail
//!   closed on a missing or unreadable body;
//! - [`audit`]: JSON lines of every examined request;
//! - [`http`], [`server`]: a bounded HTTP/1.1 server on a Unix socket.
//!
//! What an authorization plugin cannot see is listed in the README (hijacked streams,
//! non-JSON bodies such as builds and image loads, BuildKit's session endpoints).

pub mod audit;
pub mod classify;
pub mod decide;
pub mod http;
pub mod lowering;
pub mod protocol;
pub mod server;

pub use audit::AuditLog;
pub use classify::{Action, classify};
pub use decide::{Decision, Mode, Policy, Verdict, decide};
pub use protocol::{AuthZRequest, AuthZResponse};
pub use server::{Guard, ServerOptions, serve};
