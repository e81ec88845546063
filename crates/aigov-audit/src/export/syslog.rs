//! RFC 5424 syslog messages with structured data, and RFC 6587 octet-counting framing.

use super::ocsf::severity_id;
use crate::event::AuditEntry;

/// Facility 13: log audit.
const FACILITY: u8 = 13;
/// The structured-data id; 32473 is the private enterprise number reserved for examples
/// (RFC 5612), used until aigov has one of its own.
const SD_ID: &str = "aigov@32473";

/// Escapes a structured-data parameter value: `"`, `\` and `]`.
fn param(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '"' | '\\' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Syslog severity from OCSF severity: critical and fatal 2, high 3, medium 4, low 5, else 6.
fn syslog_severity(ocsf: u8) -> u8 {
    match ocsf {
        5 | 6 => 2,
        4 => 3,
        3 => 4,
        2 => 5,
        _ => 6,
    }
}

/// One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME aigov - KIND [SD] BOM MSG`.
pub fn message(
    hostname: &str,
    index: u64,
    leaf: &str,
    entry: &AuditEntry,
    payload: &str,
) -> String {
    let pri = u16::from(FACILITY) * 8 + u16::from(syslog_severity(severity_id(&entry.event)));
    let host: String = hostname
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(255)
        .collect();
    let host = if host.is_empty() {
        "-".to_string()
    } else {
        host
    };
    format!(
        "<{pri}>1 {} {host} aigov - {} [{SD_ID} index=\"{index}\" leaf=\"{}\" actor=\"{}\"] \u{feff}{payload}",
        entry
            .time
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        entry.event.kind(),
        param(leaf),
        param(entry.actor.as_str()),
    )
}

/// Octet-counting framing for TCP: `LEN SP MSG`.
pub fn frame(message: &str) -> Vec<u8> {
    let mut out = format!("{} ", message.len()).into_bytes();
    out.extend_from_slice(message.as_bytes());
    out
}
