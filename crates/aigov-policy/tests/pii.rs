//! PII detection and redaction: examples, near misses, datasets, and precision and recall on
//! the labelled corpus written by tests/oracles/pii_corpus.py.

use std::collections::BTreeMap;
use std::path::Path;

use aigov_policy::pii::{PiiType, Redactor, Replacement, detect};

fn kinds(text: &str) -> Vec<(PiiType, &str)> {
    detect(text)
        .into_iter()
        .map(|m| (m.kind, &text[m.start..m.end]))
        .collect()
}

#[test]
fn finds_each_type_and_skips_look_alikes() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJl";
    let text = format!(
        "login from 203.0.113.24 and 2001:db8::1 by José Müller <jose.muller@example.co.uk>, \
         card 4111 1111 1111 1111, ssn 123-45-6789, iban DE89 3704 0044 0532 0130 00, \
         key AKIAIOSFODNN7EXAMPLE, token {jwt}, phone +44 20 7946 0958 or (415) 555-0134"
    );
    let found = kinds(&text);
    let types: Vec<PiiType> = found.iter().map(|(k, _)| *k).collect();
    assert_eq!(
        types,
        [
            PiiType::Ipv4,
            PiiType::Ipv6,
            PiiType::Email,
            PiiType::Card,
            PiiType::Ssn,
            PiiType::Iban,
            PiiType::AwsKey,
            PiiType::Jwt,
            PiiType::Phone,
            PiiType::Phone
        ],
        "{found:?}"
    );
    for near_miss in [
        "order 4111 1111 1111 1112",
        "version 1.2.3.4 and v10.2.0.1 and build 4.18.0.553",
        "address 300.1.2.3",
        "ssn 000-12-3456 or 666-12-3456 or 900-12-3456 or 123-00-4567",
        "iban DE89 3704 0044 0532 0130 01",
        "user@localhost",
        "mac 00:1A:2B:3C:4D:5E at 10:22:33",
        "call 4155550134",
        "id 550e8400-e29b-41d4-a716-446655440000 on 2026-11-26",
        "AKIAIOSFODNN7EXAMPL",
    ] {
        assert!(
            detect(near_miss).is_empty(),
            "{near_miss:?}: {:?}",
            kinds(near_miss)
        );
    }
}

#[test]
fn placeholders_and_pseudonyms() {
    let text = "alice@example.com logged in from 198.51.100.7";
    let (out, found) = Redactor::new(Replacement::Placeholder).redact_text(text);
    assert_eq!(out, "<EMAIL> logged in from <IPV4>");
    assert_eq!(found, [PiiType::Email, PiiType::Ipv4]);
    let keyed = Redactor::new(Replacement::Pseudonym(b"k1".to_vec()));
    let (a, _) = keyed.redact_text(text);
    let (b, _) = keyed.redact_text("again: alice@example.com");
    let token = a.split_whitespace().next().unwrap();
    assert!(
        token.starts_with("<EMAIL:") && b.contains(token),
        "{a} / {b}: joins still work"
    );
    let (c, _) = Redactor::new(Replacement::Pseudonym(b"k2".to_vec())).redact_text(text);
    assert_ne!(a, c, "another key, another pseudonym");
    assert!(!a.contains("alice"));
}

#[test]
fn csv_and_json_lines_with_reports() {
    let csv = "user,ip,note\nalice@example.com,203.0.113.9,\"card 4111-1111-1111-1111, ok\"\nbob@example.org,10.0.0.1,none\n";
    let mut out = Vec::new();
    let report = Redactor::new(Replacement::Placeholder)
        .redact_csv(csv.as_bytes(), &mut out, None)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "user,ip,note\n<EMAIL>,<IPV4>,\"card <CARD>, ok\"\n<EMAIL>,<IPV4>,none\n"
    );
    assert_eq!(report.rows, 2);
    assert_eq!(report.counts["user"]["EMAIL"], 2);
    assert_eq!(report.counts["note"]["CARD"], 1);
    assert_eq!(report.total(), 5);

    let mut out = Vec::new();
    let only_ip = Redactor::new(Replacement::Placeholder)
        .redact_csv(csv.as_bytes(), &mut out, Some(&["ip".to_string()]))
        .unwrap();
    assert_eq!(only_ip.total(), 2);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("alice@example.com")
    );
    let err = Redactor::new(Replacement::Placeholder)
        .redact_csv(csv.as_bytes(), Vec::new(), Some(&["nope".to_string()]))
        .unwrap_err();
    assert!(err.to_string().contains("nope"));

    let lines = "{\"user\":\"alice@example.com\",\"n\":1,\"tags\":[\"from 203.0.113.9\"]}\n\n{\"user\":\"x\"}\n";
    let mut out = Vec::new();
    let report = Redactor::new(Replacement::Placeholder)
        .redact_json_lines(lines.as_bytes(), &mut out, None)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "{\"n\":1,\"tags\":[\"from <IPV4>\"],\"user\":\"<EMAIL>\"}\n{\"user\":\"x\"}\n"
    );
    assert_eq!(report.rows, 2);
    assert!(
        Redactor::new(Replacement::Placeholder)
            .redact_json_lines("{bad".as_bytes(), Vec::new(), None)
            .is_err()
    );
}

/// Precision and recall per type on the committed labelled corpus (exact span matches).
#[test]
fn corpus_precision_and_recall() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pii/corpus.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!(
            "{} is missing; run tests/oracles/pii_corpus.py",
            path.display()
        );
    };
    let mut tp: BTreeMap<String, u64> = BTreeMap::new();
    let mut fp: BTreeMap<String, u64> = BTreeMap::new();
    let mut fn_: BTreeMap<String, u64> = BTreeMap::new();
    let mut examples = Vec::new();
    for line in text.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let sample = row["text"].as_str().unwrap();
        let truth: Vec<(usize, usize, String)> = row["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["start"].as_u64().unwrap() as usize,
                    s["end"].as_u64().unwrap() as usize,
                    s["type"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let found: Vec<(usize, usize, String)> = detect(sample)
            .into_iter()
            .map(|m| (m.start, m.end, m.kind.label().to_string()))
            .collect();
        for f in &found {
            if truth.contains(f) {
                *tp.entry(f.2.clone()).or_default() += 1;
            } else {
                *fp.entry(f.2.clone()).or_default() += 1;
                if examples.len() < 15 {
                    examples.push(format!("FP {} {:?} in {sample:?}", f.2, &sample[f.0..f.1]));
                }
            }
        }
        for t in &truth {
            if !found.contains(t) {
                *fn_.entry(t.2.clone()).or_default() += 1;
                if examples.len() < 15 {
                    examples.push(format!("FN {} {:?} in {sample:?}", t.2, &sample[t.0..t.1]));
                }
            }
        }
    }
    let mut failures = Vec::new();
    for kind in PiiType::ALL {
        let label = kind.label().to_string();
        let (t, f, n) = (
            tp.get(&label).copied().unwrap_or(0),
            fp.get(&label).copied().unwrap_or(0),
            fn_.get(&label).copied().unwrap_or(0),
        );
        let precision = t as f64 / (t + f).max(1) as f64;
        let recall = t as f64 / (t + n).max(1) as f64;
        eprintln!(
            "{label:8} tp {t:5} fp {f:4} fn {n:4} precision {precision:.4} recall {recall:.4}"
        );
        assert!(t > 0, "{label}: the corpus has no positives");
        if precision < 0.99 || recall < 0.99 {
            failures.push(format!(
                "{label}: precision {precision:.4}, recall {recall:.4}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:?}\n{}", examples.join("\n"));
}
