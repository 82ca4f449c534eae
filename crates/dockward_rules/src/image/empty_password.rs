use super::ImageCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports accounts of a built image whose password field in `/etc/shadow` (or
    /// `/etc/master.passwd`) is empty: they log in, `su` or pass PAM checks with no password
    /// at all. Locked fields (`!`, `*`, `!!`) are fine.
    ///
    /// ## Why is this bad?
    /// Anything in the container that asks for a password — `su`, `login`, an SSH server
    /// someone installs later — lets such an account in with none. An unprivileged process
    /// that can reach `su` becomes that account, often root.
    ///
    /// ## Example
    /// ```image
    /// $ cat /etc/shadow
    /// root::19700:0:99999:7:::
    /// ```
    ///
    /// Use instead:
    /// ```image
    /// $ cat /etc/shadow
    /// root:*:19700:0:99999:7:::
    /// ```
    ///
    /// ## References
    /// - dockle DKL-LI-0001
    pub static META = {
        code: "DW171",
        name: "empty-password-in-image",
        category: Image,
        severity: High,
        summary: "an account of the image has an empty password",
        references: ["dockle:DKL-LI-0001", "cwe:258"],
        fix: None,
        models: [Image],
    };
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    for path in ["/etc/shadow", "/etc/master.passwd"] {
        let Some(file) = files.get(path) else { continue };
        let Some(content) = cx.content(path) else { continue };
        let empty: Vec<String> = String::from_utf8_lossy(content)
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| {
                let mut fields = l.split(':');
                let user = fields.next()?;
                let password = fields.next()?;
                (!user.is_empty() && password.is_empty()).then(|| user.to_string())
            })
            .collect();
        if !empty.is_empty() {
            out.push(
                cx.file_finding(
                    &META,
                    path,
                    file,
                    format!("{path}: no password for {}", empty.join(", ")),
                )
                .with_help("lock the accounts (`passwd -l NAME`, or `*` in the password field)"),
            );
        }
    }
}
