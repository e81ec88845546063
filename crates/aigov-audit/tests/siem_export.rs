//! SIEM export: golden OCSF, CEF and syslog output (values full of `| = \ ] "`, newlines and
//! non-ASCII text), the OCSF output validated against OCSF 1.5.0 by
//! tests/oracles/ocsf_validate.py, network sinks, and resuming from the cursor.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aigov_audit::export::{TcpSink, UdpSink, WriterSink};
use aigov_audit::{
    AuditEntry, AuditEvent, AuditLog, AuditStore, ExportContext, ExportFormat, MemoryAuditStore,
    export,
};
use serde_json::json;

const HOSTILE: &str = "a|b=c\\d]e\"f\nsecond line ü 日本";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/siem")
}

fn entries() -> Vec<AuditEntry> {
    let model =
        json!({"name": "login-risk", "version": 3, "root": format!("sha256:{}", "8c".repeat(32))});
    let events = [
        (
            "decision",
            json!({"model": model, "input_digest": format!("sha256:{}", "bc".repeat(32)),
            "redacted_input": {"user": "<EMAIL>", "note": HOSTILE}, "score": 0.93, "confidence": 0.88,
            "threshold": 0.8, "action": "block", "correlation_id": "req-7f3c9a",
            "explanation": {"method": "exact", "base_value": 0.1, "top_features": [{"feature": "new_device", "value": 0.5}]}}),
        ),
        (
            "human-review",
            json!({"reviewer": "analyst@example.com", "verdict": "false-positive", "override": true,
            "reason": HOSTILE, "decision_index": 0}),
        ),
        (
            "gate",
            json!({"gate": "production", "decision_id": "5b7e2c1e-0d7a-4f4e-9a51-1f0b8a6b2c3d", "allow": false,
            "record": {"deny": [{"code": "fairness_failed", "msg": HOSTILE}]}}),
        ),
        (
            "approval",
            json!({"model": model, "stage": "production", "role": "security-approver",
            "approver": "sec@example.com", "decision": "approve", "envelope_digest": format!("sha256:{}", "ee".repeat(32))}),
        ),
        (
            "registry",
            json!({"event": "version-registered", "model": "login-risk", "version": 4}),
        ),
        (
            "drift-alert",
            json!({"model": model, "monitor": "feature-drift", "severity": "critical", "details": {"column": HOSTILE, "psi": 0.41}}),
        ),
        (
            "fairness-audit",
            json!({"model": model, "verdict": "fail", "report_digest": format!("sha256:{}", "fa".repeat(32)), "details": {"fpr_ratio": 0.62}}),
        ),
        (
            "incident",
            json!({"incident_id": "INC-42", "action": "opened", "details": {"title": HOSTILE}}),
        ),
        (
            "incident",
            json!({"incident_id": "INC-42", "action": "closed", "details": {}}),
        ),
        (
            "decommission",
            json!({"model": model, "mode": "archive", "certificate_digest": format!("sha256:{}", "dc".repeat(32))}),
        ),
        ("custom", json!({"note": HOSTILE})),
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, (kind, payload))| AuditEntry {
            time: format!("2026-11-26T10:00:{:02}.250Z", i).parse().unwrap(),
            actor: "scorer@svc".parse().unwrap(),
            authn: None,
            request: None,
            event: AuditEvent::from_parts(kind, payload).unwrap(),
        })
        .collect()
}

fn store() -> Arc<MemoryAuditStore> {
    let store = Arc::new(MemoryAuditStore::new());
    AuditLog::new(store.clone())
        .append_batch(&entries())
        .unwrap();
    store
}

fn render(store: &dyn AuditStore, format: ExportFormat) -> String {
    let ctx = ExportContext {
        product_version: "0.1.0",
        hostname: "soc-host-1",
        store,
    };
    let mut sink = WriterSink(Vec::new());
    export(&ctx, format, &mut sink, "golden", Some(0)).unwrap();
    String::from_utf8(sink.0).unwrap()
}

/// Compares with the committed golden file; `AIGOV_UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("AIGOV_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        actual, expected,
        "{name} changed; if intended, regenerate and re-validate"
    );
}

#[test]
fn ocsf_matches_the_validated_golden_file() {
    let out = render(store().as_ref(), ExportFormat::Ocsf);
    golden("ocsf.jsonl", &out);
    // tests/oracles/ocsf_validate.py --strict --aigov accepted exactly these bytes.
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("ocsf_validation.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        record["sha256"],
        aigov_core::Digest::of(out.as_bytes()).to_hex()
    );
    assert_eq!(record["valid"], true);
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let class = v["class_uid"].as_u64().unwrap();
        assert_eq!(
            v["type_uid"].as_u64().unwrap(),
            class * 100 + v["activity_id"].as_u64().unwrap()
        );
        assert!(v["time"].is_i64());
    }
    let classes: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["class_uid"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(
        classes,
        [
            2004, 2004, 2003, 2003, 6003, 2003, 2003, 2005, 2005, 6003, 6003
        ]
    );
}

#[test]
fn cef_escapes_headers_and_extensions() {
    let out = render(store().as_ref(), ExportFormat::Cef);
    golden("cef.txt", &out);
    assert_eq!(
        out.lines().count(),
        11,
        "newlines inside values are escaped, one event per line"
    );
    let review = out.lines().nth(1).unwrap();
    assert!(
        review.contains(r#"msg=a|b\=c\\d]e"f\nsecond line ü 日本"#),
        "{review}"
    );
    assert!(
        review.starts_with("CEF:0|aigov|aigov|0.1.0|human-review|human review: false-positive|")
    );
}

#[test]
fn syslog_escapes_structured_data() {
    golden(
        "syslog.txt",
        &render(store().as_ref(), ExportFormat::Syslog),
    );
    let mut e = entries();
    e[0].actor = "ops]\"\\@x".parse().unwrap();
    let store = MemoryAuditStore::new();
    let batch: Vec<_> = e
        .iter()
        .map(|x| aigov_audit::NewEntry::of(x).unwrap())
        .collect();
    store.append(&batch).unwrap();
    let out = render(&store, ExportFormat::Syslog);
    let first = out.lines().next().unwrap();
    assert!(first.starts_with("<107>1 2026-11-26T10:00:00.250000Z soc-host-1 aigov - decision [aigov@32473 index=\"0\" leaf=\"sha256:"), "{first}");
    assert!(first.contains(r#"actor="ops\]\"\\@x"]"#), "{first}");
    assert!(first.contains("\u{feff}{"));
    assert_eq!(
        out.lines().count(),
        e.len(),
        "JSON payloads never contain raw newlines"
    );
}

#[test]
fn udp_and_tcp_sinks_deliver_every_record() {
    let store = store();
    let ctx = ExportContext {
        product_version: "0.1.0",
        hostname: "h",
        store: store.as_ref(),
    };

    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut sink = UdpSink::connect(&udp.local_addr().unwrap().to_string()).unwrap();
    let report = export(&ctx, ExportFormat::Cef, &mut sink, "udp", None).unwrap();
    assert_eq!(report.exported, 11);
    let mut buf = [0u8; 65536];
    for _ in 0..11 {
        let n = udp.recv(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"CEF:0|aigov|"));
    }

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let reader = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut all = Vec::new();
        conn.read_to_end(&mut all).unwrap();
        all
    });
    {
        let mut sink = TcpSink::connect(&addr, true).unwrap();
        export(&ctx, ExportFormat::Syslog, &mut sink, "tcp", None).unwrap();
    }
    let bytes = reader.join().unwrap();
    // Octet counting: LEN SP MSG, repeated; every frame must parse exactly.
    let mut rest = bytes.as_slice();
    let mut frames = 0;
    while !rest.is_empty() {
        let space = rest.iter().position(|b| *b == b' ').unwrap();
        let len: usize = std::str::from_utf8(&rest[..space])
            .unwrap()
            .parse()
            .unwrap();
        let msg = &rest[space + 1..space + 1 + len];
        assert!(msg.starts_with(b"<"));
        rest = &rest[space + 1 + len..];
        frames += 1;
    }
    assert_eq!(frames, 11);
}

#[test]
fn exports_resume_from_the_cursor() {
    let store = store();
    let ctx = ExportContext {
        product_version: "0.1.0",
        hostname: "h",
        store: store.as_ref(),
    };
    let mut sink = WriterSink(Vec::new());
    let first = export(&ctx, ExportFormat::Ocsf, &mut sink, "siem-a", None).unwrap();
    assert_eq!((first.from, first.to, first.exported), (0, 11, 11));
    AuditLog::new(store.clone())
        .append_batch(&entries()[..3])
        .unwrap();
    // A restarted exporter (new sink, same store) picks up where the cursor says.
    let mut sink = WriterSink(Vec::new());
    let second = export(&ctx, ExportFormat::Ocsf, &mut sink, "siem-a", None).unwrap();
    assert_eq!((second.from, second.to, second.exported), (11, 14, 3));
    assert_eq!(String::from_utf8(sink.0).unwrap().lines().count(), 3);
    let again = export(
        &ctx,
        ExportFormat::Ocsf,
        &mut WriterSink(Vec::new()),
        "siem-a",
        None,
    )
    .unwrap();
    assert_eq!(again.exported, 0);
    let other = export(
        &ctx,
        ExportFormat::Ocsf,
        &mut WriterSink(Vec::new()),
        "siem-b",
        None,
    )
    .unwrap();
    assert_eq!(other.exported, 14, "cursors are per exporter");
}

/// A one-off export from a chosen index leaves the scheduled export's cursor alone: moving it
/// would let anyone make the SIEM skip entries.
#[test]
fn an_export_from_a_chosen_index_does_not_move_the_cursor() {
    let store = store();
    let size = store.size().unwrap();
    let ctx = ExportContext {
        product_version: "0.1.0",
        hostname: "soc-host-1",
        store: store.as_ref(),
    };
    let mut sink = WriterSink(Vec::new());
    let one_off = export(&ctx, ExportFormat::Ocsf, &mut sink, "siem", Some(size - 1)).unwrap();
    assert_eq!(one_off.exported, 1);
    let mut sink = WriterSink(Vec::new());
    let scheduled = export(&ctx, ExportFormat::Ocsf, &mut sink, "siem", None).unwrap();
    assert_eq!((scheduled.from, scheduled.exported), (0, size));
}
