//! CVSS base scores from vector strings (OSV gives vectors, not numbers).
//!
//! CVSS v3.0/v3.1 and v2 base scores follow the FIRST specifications' formulas. CVSS v4
//! scores come from the specification's macro-vector lookup and interpolation, computed by
//! RustSec's `cvss` crate (`unsafe`-free; checked in the tests against scores FIRST's
//! calculator gives).

/// The base score of a `CVSS:4.0/…`, `CVSS:3.x/…` or v2 (`AV:N/AC:L/Au:N/…`) vector;
/// `None` when the vector is malformed. Only base metrics count, in every version: v3
/// temporal metrics and v4 threat, environmental and supplemental metrics are checked but
/// left out of the score, so that one record's severity does not depend on which optional
/// metrics its source filled in.
pub fn base_score(vector: &str) -> Option<f64> {
    let vector = vector.trim();
    if let Some(metrics) = vector.strip_prefix("CVSS:4.0/") {
        // Bounded: vectors are short, and a longer string is not a vector.
        if vector.len() > 512 {
            return None;
        }
        // The whole vector must be valid, then its base metrics alone are scored.
        vector.parse::<::cvss::v4::Vector>().ok()?;
        let base: Vec<&str> = metrics
            .split('/')
            .filter(|m| m.split_once(':').is_some_and(|(key, _)| V4_BASE_METRICS.contains(&key)))
            .collect();
        return format!("CVSS:4.0/{}", base.join("/"))
            .parse::<::cvss::v4::Vector>()
            .ok()
            .map(|v| v.score().value())
            .filter(|s| (0.0..=10.0).contains(s));
    }
    if let Some(rest) = vector
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.strip_prefix("CVSS:3.0/"))
    {
        return v3(rest);
    }
    if vector.starts_with("CVSS:") {
        return None;
    }
    v2(vector
        .strip_prefix('(')
        .and_then(|v| v.strip_suffix(')'))
        .unwrap_or(vector))
}

/// The CVSS v4.0 base metric group (specification section 2).
const V4_BASE_METRICS: [&str; 11] = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

fn metrics(vector: &str) -> Option<Vec<(&str, &str)>> {
    vector.split('/').map(|part| part.split_once(':')).collect()
}

fn get<'a>(metrics: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    metrics.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// CVSS v3 "round up" to one decimal, as the v3.1 specification defines it (integer
/// arithmetic, so 4.000000001 does not become 4.1).
fn round_up(value: f64) -> f64 {
    let int = (value * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

fn v3(vector: &str) -> Option<f64> {
    let m = metrics(vector)?;
    let av = match get(&m, "AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let changed = match get(&m, "S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let pr = match (get(&m, "PR")?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match get(&m, "UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |key| -> Option<f64> {
        Some(match get(&m, key)? {
            "H" => 0.56,
            "L" => 0.22,
            "N" => 0.0,
            _ => return None,
        })
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let iss = 1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    if impact <= 0.0 {
        return Some(0.0);
    }
    Some(if changed {
        round_up((1.08 * (impact + exploitability)).min(10.0))
    } else {
        round_up((impact + exploitability).min(10.0))
    })
}

fn v2(vector: &str) -> Option<f64> {
    let m = metrics(vector)?;
    let av = match get(&m, "AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match get(&m, "Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |key| -> Option<f64> {
        Some(match get(&m, key)? {
            "N" => 0.0,
            "P" => 0.275,
            "C" => 0.660,
            _ => return None,
        })
    };
    let (c, i, a) = (cia("C")?, cia("I")?, cia("A")?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((score * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvss_v4_base_scores() {
        // Scores as FIRST's v4.0 calculator gives them.
        for (vector, score) in [
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0),
            ("CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 2.1),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9),
            ("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5),
            ("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 1.0),
            ("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1),
            ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0),
            ("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N", 9.1),
            ("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.3),
        ] {
            assert_eq!(base_score(vector), Some(score), "{vector}");
        }
        // Malformed: a missing metric, an unknown value, a repeated metric, garbage.
        for bad in [
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
            "CVSS:4.0/AV:X/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/AV:N/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/",
            "CVSS:4.0/::::////",
        ] {
            assert_eq!(base_score(bad), None, "{bad}");
        }
        // Random mixes of real and bogus metrics never panic, and a score is in range.
        let tokens = [
            "AV:N", "AV:P", "AC:L", "AC:H", "AT:N", "AT:P", "PR:N", "PR:H", "UI:N", "UI:A", "VC:H", "VC:N", "VI:L",
            "VA:H", "SC:N", "SC:H", "SI:L", "SA:N", "E:U", "E:X", "CR:H", "MAV:L", "MSI:S", "MSA:S", "S:P", "U:Red",
            "AV:", ":", "", "VC:Q", "RE:H",
        ];
        let mut seed = 0x2545_f491_u64;
        let mut scored = 0;
        for _ in 0..20_000 {
            let mut parts = vec!["CVSS:4.0"];
            if seed.is_multiple_of(2) {
                // A valid base, then extra (maybe repeated, maybe bogus) metrics.
                parts.extend([
                    "AV:N", "AC:L", "AT:N", "PR:N", "UI:N", "VC:H", "VI:H", "VA:H", "SC:N", "SI:N", "SA:N",
                ]);
            }
            for _ in 0..(seed % 5) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                parts.push(tokens[(seed % tokens.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(1);
            if let Some(score) = base_score(&parts.join("/")) {
                assert!((0.0..=10.0).contains(&score));
                scored += 1;
            }
        }
        assert!(scored > 1_000, "{scored}");
        let long = format!(
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N{}",
            "/E:A".repeat(200)
        );
        assert_eq!(base_score(&long), None);
    }

    /// Threat, environmental and supplemental metrics do not move a v4 base score, as v3
    /// temporal metrics do not move a v3 one; a bogus one still makes the vector invalid.
    #[test]
    fn v4_scores_only_base_metrics() {
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        for extra in ["/E:U", "/E:U/CR:L/IR:L/AR:L", "/MAV:P/MVC:N", "/S:P/U:Red"] {
            assert_eq!(base_score(&format!("{base}{extra}")), Some(9.3), "{extra}");
        }
        assert_eq!(base_score(&format!("{base}/E:Q")), None);
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U"),
            Some(9.8)
        );
    }

    /// Scores as NVD and the FIRST calculator give them for these vectors.
    #[test]
    fn known_scores() {
        let cases = [
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L", 5.3),
            ("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 6.2),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
            ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4),
            ("CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9),
            ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
            ("AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5),
            ("AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3),
        ];
        for (vector, want) in cases {
            assert_eq!(base_score(vector), Some(want), "{vector}");
        }
        // v4 vectors are scored too (see `cvss_v4_base_scores`).
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Some(9.3)
        );
        assert_eq!(base_score("CVSS:3.1/AV:X"), None);
        assert_eq!(base_score(""), None);
    }
}
