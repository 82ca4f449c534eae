use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an installed package whose version is inside the affected range of a
    /// known vulnerability: an OS package (dpkg, apk, rpm) matched by its source package
    /// in the OS release's advisories (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`), or a
    /// language package (PyPI, npm, Go modules and the Go standard library, Rust crates,
    /// Maven) in its ecosystem's. Data comes from the local OSV database (`dockward db
    /// update` / `dockward db import`); the scan itself never uses the network.
    ///
    /// The finding names the package, the installed version, the version that fixes it
    /// (when there is one), the vulnerability id and its aliases (CVE ids). Its severity
    /// is, for OS packages, the distribution's own rating when it gives one; otherwise the
    /// CVSS base score's band (9.0+ critical, 7.0+ high, 4.0+ medium, else low), else the
    /// advisory database's word. What Debian rates `unimportant` is hidden unless asked
    /// for. The rule's default severity (high) is not used: each finding carries its own.
    ///
    /// ## Why is this bad?
    /// A known vulnerability in a shipped package is the most direct way into a
    /// container: exploits for published CVEs are public, and scanners used by
    /// attackers look for exactly these versions.
    ///
    /// ## Example
    /// ```text
    /// Package: openssl
    /// Status: install ok installed
    /// Version: 3.0.2-0ubuntu1.13
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// Package: openssl
    /// Status: install ok installed
    /// Version: 3.0.2-0ubuntu1.14
    /// ```
    ///
    /// ## Fix
    /// Upgrade the package to the fixed version (rebuild the image on an updated base,
    /// `apt-get upgrade`/`apk upgrade` the package, or bump the dependency). When a
    /// vulnerability does not affect you, record why in the ignore file, with an expiry.
    ///
    /// ## References
    /// - OSV schema: <https://ossf.github.io/osv-schema/>
    /// - CIS Docker Benchmark 4.4 (scan and rebuild images to include security patches)
    pub static VULNERABLE_PACKAGE = {
        code: "DW190",
        name: "vulnerable-package",
        category: Image,
        severity: High,
        summary: "an installed package has a known vulnerability",
        references: ["cis-1.6:4.4", "cwe:1395"],
        fix: None,
        models: [Packages],
    };
}
