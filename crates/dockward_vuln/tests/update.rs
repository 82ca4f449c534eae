//! `db update` against a loopback HTTP server serving per-ecosystem `all.zip` dumps built
//! from the corpus records, with the bucket's layout (`/<Ecosystem>/all.zip`).

use dockward_core::testing::corpus_subdir;
use dockward_vuln::db::{Database, UpdateOptions, read_meta, update};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A one-thread HTTP/1.1 server: `GET /<path>` answers from `files` with an ETag (the
/// content length and a version counter) and honours `If-None-Match`. Every request line
/// is logged.
/// Served files: (path, body, ETag).
type Files = Arc<Mutex<Vec<(String, Vec<u8>, String)>>>;

struct Server {
    url: String,
    log: Arc<Mutex<Vec<String>>>,
    files: Files,
}

fn serve() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Vec::new()));
    let files: Files = Arc::new(Mutex::new(Vec::new()));
    let (log2, files2) = (Arc::clone(&log), Arc::clone(&files));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut if_none_match = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((k, v)) = line.split_once(':')
                    && k.eq_ignore_ascii_case("if-none-match")
                {
                    if_none_match = Some(v.trim().to_string());
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            log2.lock()
                .unwrap()
                .push(format!("GET {path} {}", if_none_match.as_deref().unwrap_or("-")));
            let files = files2.lock().unwrap();
            let response = match files.iter().find(|(p, _, _)| *p == path) {
                Some((_, _, etag)) if if_none_match.as_deref() == Some(etag.as_str()) => {
                    format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n").into_bytes()
                }
                Some((_, body, etag)) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nETag: {etag}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(body);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
            };
            let _ = stream.write_all(&response);
        }
    });
    Server { url, log, files }
}

#[test]
fn update_from_a_mirror() {
    let Some(corpus) = corpus_subdir("osv") else { return };
    let read = |name: &str| std::fs::read(corpus.join(name)).unwrap();
    let server = serve();
    server.files.lock().unwrap().extend([
        (
            "/npm/all.zip".to_string(),
            zip_of(&[
                ("GHSA-c2qf-rxjj-qqgw.json", read("GHSA-c2qf-rxjj-qqgw.json")),
                ("GHSA-35jh-r3h4-6jhm.json", read("GHSA-35jh-r3h4-6jhm.json")),
            ]),
            "\"npm-1\"".to_string(),
        ),
        (
            "/crates.io/all.zip".to_string(),
            zip_of(&[("RUSTSEC-2021-0124.json", read("RUSTSEC-2021-0124.json"))]),
            "\"crates-1\"".to_string(),
        ),
    ]);
    let db_dir = tempfile::tempdir().unwrap();
    let options = UpdateOptions {
        base_url: server.url.clone(),
        ecosystems: vec!["npm".into(), "crates.io".into(), "Red Hat".into()],
        ..UpdateOptions::default()
    };
    let report = update(db_dir.path(), &options).unwrap();
    assert_eq!(
        report.updated.iter().map(|u| (u.0.as_str(), u.1)).collect::<Vec<_>>(),
        [("npm", 2), ("crates.io", 1)]
    );
    // An ecosystem the mirror does not have fails alone, named, with the URL.
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "Red Hat");
    assert!(
        report.failed[0].1.contains("/Red%20Hat/all.zip") && report.failed[0].1.contains("404"),
        "{:?}",
        report.failed
    );

    let meta = read_meta(db_dir.path()).unwrap().unwrap();
    let npm = &meta.ecosystems["npm"];
    assert_eq!(npm.sources, [format!("{}/npm/all.zip", server.url)]);
    assert_eq!(npm.etag.as_deref(), Some("\"npm-1\""));
    assert_eq!(npm.sha256.as_ref().map(String::len), Some(64));
    assert_eq!(npm.newest_modified, "2023-07-10T22:57:56Z");
    let mut db = Database::open(db_dir.path()).unwrap();
    assert_eq!(
        db.index("npm").unwrap().unwrap().lookup("npm", "lodash").unwrap().len(),
        1
    );

    // Second run: the same ETag comes back, nothing is downloaded.
    let options = UpdateOptions {
        base_url: server.url.clone(),
        ecosystems: Vec::new(),
        ..UpdateOptions::default()
    };
    let report = update(db_dir.path(), &options).unwrap();
    assert_eq!(report.unchanged, ["crates.io", "npm"]);
    assert!(report.updated.is_empty() && report.failed.is_empty());
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains(&"GET /npm/all.zip \"npm-1\"".to_string()), "{log:?}");

    // A new dump replaces the family's data.
    server.files.lock().unwrap()[0] = (
        "/npm/all.zip".to_string(),
        zip_of(&[("GHSA-c2qf-rxjj-qqgw.json", read("GHSA-c2qf-rxjj-qqgw.json"))]),
        "\"npm-2\"".to_string(),
    );
    let report = update(db_dir.path(), &options).unwrap();
    assert_eq!(report.updated.iter().map(|u| u.0.as_str()).collect::<Vec<_>>(), ["npm"]);
    let mut db = Database::open(db_dir.path()).unwrap();
    assert!(
        db.index("npm")
            .unwrap()
            .unwrap()
            .lookup("npm", "lodash")
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.meta.ecosystems["npm"].records, 1);
}

/// A dump that is not a zip is an error for that ecosystem, and the previous data stays.
#[test]
fn broken_dump_keeps_previous_data() {
    let Some(corpus) = corpus_subdir("osv") else { return };
    let server = serve();
    let good = zip_of(&[(
        "GO-2024-2963.json",
        std::fs::read(corpus.join("GO-2024-2963.json")).unwrap(),
    )]);
    server
        .files
        .lock()
        .unwrap()
        .push(("/Go/all.zip".into(), good, "\"go-1\"".into()));
    let db_dir = tempfile::tempdir().unwrap();
    let options = UpdateOptions {
        base_url: format!("{}/", server.url),
        ecosystems: vec!["Go".into()],
        ..UpdateOptions::default()
    };
    assert_eq!(update(db_dir.path(), &options).unwrap().updated.len(), 1);
    server.files.lock().unwrap()[0] = (
        "/Go/all.zip".into(),
        b"<html>captive portal</html>".to_vec(),
        "\"go-2\"".into(),
    );
    let report = update(db_dir.path(), &options).unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].1.contains("not a readable zip"), "{:?}", report.failed);
    let mut db = Database::open(db_dir.path()).unwrap();
    assert_eq!(
        db.index("Go").unwrap().unwrap().lookup("Go", "stdlib").unwrap().len(),
        1
    );
    // Nothing is left behind in the database folder but the index and meta.json.
    let mut names: Vec<String> = std::fs::read_dir(db_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Go.dwx", "meta.json"]);
}
