//! Rules about installed packages. Their detector is the vulnerability matcher
//! (`dockward_vuln`); the rule here is the metadata and documentation findings carry.

mod vulnerable_package;

pub use vulnerable_package::VULNERABLE_PACKAGE;
