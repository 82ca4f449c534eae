//! Prints the diagnostics of every file given on the command line (a debugging aid).
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let df = dockward_dockerfile::parse(&text);
        for d in &df.diagnostics {
            let index = dockward_core::LineIndex::new(&text);
            let at = index.line_col(d.range.start, &text);
            println!("{path}:{}: {:?} fatal={} {}", at.line, d.kind, d.is_fatal, d.message);
        }
    }
}
