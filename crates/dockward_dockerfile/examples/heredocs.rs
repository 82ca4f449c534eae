//! Prints the heredocs found in the files given on the command line (a debugging aid).
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let df = dockward_dockerfile::parse(&text);
        let index = dockward_core::LineIndex::new(&text);
        let line = |o: u32| index.line_col(o, &text).line;
        for i in df.instructions.iter() {
            for h in &i.heredocs {
                println!(
                    "{path}:{} {} <<{} expand={} chomp={} fd={:?} body lines {}-{} terminated={}",
                    line(i.range.start),
                    i.keyword.as_str(),
                    h.name,
                    h.expand,
                    h.chomp,
                    h.fd,
                    line(h.body_range.start),
                    line(h.body_range.end),
                    h.terminator_range.is_some()
                );
            }
        }
    }
}
