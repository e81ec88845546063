//! SIEM export: OCSF 1.5.0 JSON, CEF and RFC 5424 syslog, to a file, UDP or TCP, resuming
//! from a stored cursor so that every entry is delivered at least once.

pub mod cef;
pub mod ocsf;
mod sink;
pub mod syslog;

pub use sink::{EventSink, FileSink, TcpSink, UdpSink, WriterSink, open_sink};

use serde::{Deserialize, Serialize};

use crate::AuditError;
use crate::event::AuditEntry;
use crate::store::AuditStore;

/// Entries read per query while exporting.
const CHUNK: u64 = 1000;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// OCSF 1.5.0 events, one JSON object per line.
    Ocsf,
    /// ArcSight CEF:0 lines.
    Cef,
    /// RFC 5424 syslog messages.
    Syslog,
}

impl std::str::FromStr for ExportFormat {
    type Err = AuditError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ocsf" => Ok(ExportFormat::Ocsf),
            "cef" => Ok(ExportFormat::Cef),
            "syslog" => Ok(ExportFormat::Syslog),
            other => Err(AuditError::invalid(
                "export format",
                format!("{other:?} is not ocsf, cef or syslog"),
            )),
        }
    }
}

/// What every formatter may need besides the entry.
pub struct ExportContext<'a> {
    /// The aigov version reported as the product version.
    pub product_version: &'a str,
    /// This host's name, for syslog and OCSF endpoints.
    pub hostname: &'a str,
    /// The store, to look up related entries.
    pub store: &'a dyn AuditStore,
}

impl ExportContext<'_> {
    /// The leaf hash of another entry, as `sha256:<hex>`.
    pub fn leaf_of(&self, index: u64) -> Option<String> {
        self.store
            .perfect_hash(0, index)
            .ok()
            .map(|d| d.to_string())
    }

    /// One entry in the chosen format.
    pub fn format(
        &self,
        format: ExportFormat,
        index: u64,
        leaf: &str,
        entry: &AuditEntry,
        raw: &[u8],
    ) -> String {
        match format {
            ExportFormat::Ocsf => ocsf::event(self, index, leaf, entry).to_string(),
            ExportFormat::Cef => cef::line(self.product_version, index, leaf, entry),
            ExportFormat::Syslog => syslog::message(
                self.hostname,
                index,
                leaf,
                entry,
                &String::from_utf8_lossy(raw),
            ),
        }
    }
}

/// What one export run did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportReport {
    /// First index considered.
    pub from: u64,
    /// One past the last index considered (the new cursor).
    pub to: u64,
    /// Entries sent.
    pub exported: u64,
    /// Entries skipped because their payload was erased.
    pub redacted: u64,
}

/// Sends entries `from..size` (default: from the named cursor) to `sink`, then advances the
/// cursor. The cursor moves only after the sink has flushed, so a crash re-sends rather than
/// loses. With `since` the export is a one-off and the cursor stays where it is.
pub fn export(
    ctx: &ExportContext<'_>,
    format: ExportFormat,
    sink: &mut dyn EventSink,
    cursor: &str,
    since: Option<u64>,
) -> Result<ExportReport, AuditError> {
    let store = ctx.store;
    let from = match since {
        Some(i) => i,
        None => store.cursor(cursor)?,
    };
    let size = store.size()?;
    let (mut exported, mut redacted) = (0, 0);
    let mut at = from;
    let io = |e: std::io::Error| AuditError::storage("export sink", e);
    while at < size {
        let to = (at + CHUNK).min(size);
        for stored in store.entries(at, to)? {
            let Some(raw) = stored.payload else {
                redacted += 1;
                continue;
            };
            let entry = AuditEntry::from_bytes(&raw)?;
            let leaf = stored.leaf_hash.to_string();
            sink.send(&ctx.format(format, stored.index, &leaf, &entry, &raw))
                .map_err(io)?;
            exported += 1;
        }
        sink.flush().map_err(io)?;
        // An export from an index someone chose is a one-off: it never moves the cursor,
        // which would make the scheduled export skip what lies between.
        if since.is_none() {
            store.set_cursor(cursor, to)?;
        }
        at = to;
    }
    Ok(ExportReport {
        from,
        to: at.max(from),
        exported,
        redacted,
    })
}
