//! Events out: every entry the audit log makes durable is handed to the host's sinks (its SIEM,
//! its SOAR, a test), composable the way tracing layers are.
//!
//! Sinks see an entry only after it is durable, so a sink never reports something the log
//! does not hold. A failing sink never fails the governance operation (the log already holds
//! the entry); failures are counted and the last one kept, and the audit crate's cursor-based
//! `export` re-sends anything a sink missed.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use aigov_audit::export::{EventSink as LineSink, ExportContext, ExportFormat};
use aigov_audit::store::{AppendReceipt, AuditStore, LegalHold, NewEntry, Redaction};
use aigov_audit::{AuditEntry, AuditError, StoredEntry};
use aigov_core::Digest;
use chrono::{DateTime, Utc};

/// One durable audit entry as a sink receives it.
pub struct ForwardedEvent<'a> {
    /// Its index in the log.
    pub index: u64,
    /// Its leaf hash.
    pub leaf_hash: Digest,
    /// The entry.
    pub entry: &'a AuditEntry,
    /// Its canonical bytes, exactly as leaf-hashed.
    pub payload: &'a [u8],
    /// The store, for sinks that look up related entries.
    pub store: &'a dyn AuditStore,
}

/// A destination for audited events.
pub trait EventSink: Send + Sync {
    /// Receives one durable entry.
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String>;

    /// This sink, then `other`, for every event.
    fn and<S: EventSink>(self, other: S) -> Both<Self, S>
    where
        Self: Sized,
    {
        Both(self, other)
    }

    /// This sink for the entries `keep` accepts only.
    fn filter<F: Fn(&AuditEntry) -> bool + Send + Sync>(self, keep: F) -> Filtered<Self, F>
    where
        Self: Sized,
    {
        Filtered { sink: self, keep }
    }
}

impl<S: EventSink + ?Sized> EventSink for Arc<S> {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        (**self).on_event(event)
    }
}

impl<S: EventSink + ?Sized> EventSink for Box<S> {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        (**self).on_event(event)
    }
}

/// Two sinks in order; both always run, the first failure is reported.
#[derive(Debug, Clone)]
pub struct Both<A, B>(pub A, pub B);

impl<A: EventSink, B: EventSink> EventSink for Both<A, B> {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        let first = self.0.on_event(event);
        let second = self.1.on_event(event);
        first.and(second)
    }
}

/// A sink that only sees the entries its predicate accepts.
#[derive(Clone)]
pub struct Filtered<S, F> {
    sink: S,
    keep: F,
}

impl<S: EventSink, F: Fn(&AuditEntry) -> bool + Send + Sync> EventSink for Filtered<S, F> {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        if (self.keep)(event.entry) {
            self.sink.on_event(event)
        } else {
            Ok(())
        }
    }
}

/// Keeps every event in memory (tests, dashboards); clones share the same list.
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    events: Arc<Mutex<Vec<(u64, AuditEntry)>>>,
}

impl MemorySink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything received so far, as (index, entry).
    pub fn events(&self) -> Vec<(u64, AuditEntry)> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

impl EventSink for MemorySink {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        self.events
            .lock()
            .map_err(|_| "the memory sink's lock is poisoned".to_string())?
            .push((event.index, event.entry.clone()));
        Ok(())
    }
}

/// Formats each event as OCSF, CEF or RFC 5424 syslog and writes it to one of the audit
/// crate's line sinks (a file, stdout, UDP or TCP syslog).
pub struct ExportSink {
    format: ExportFormat,
    hostname: String,
    line: Mutex<Box<dyn LineSink>>,
}

impl ExportSink {
    /// Events in `format`, reported as coming from `hostname`, written to `line`.
    pub fn new(format: ExportFormat, hostname: impl Into<String>, line: Box<dyn LineSink>) -> Self {
        ExportSink {
            format,
            hostname: hostname.into(),
            line: Mutex::new(line),
        }
    }
}

impl fmt::Debug for ExportSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportSink")
            .field("format", &self.format)
            .field("hostname", &self.hostname)
            .finish_non_exhaustive()
    }
}

impl EventSink for ExportSink {
    fn on_event(&self, event: &ForwardedEvent<'_>) -> Result<(), String> {
        let context = ExportContext {
            product_version: env!("CARGO_PKG_VERSION"),
            hostname: &self.hostname,
            store: event.store,
        };
        let record = context.format(
            self.format,
            event.index,
            &event.leaf_hash.to_string(),
            event.entry,
            event.payload,
        );
        let mut line = self
            .line
            .lock()
            .map_err(|_| "the export sink's lock is poisoned".to_string())?;
        line.send(&record)
            .and_then(|()| line.flush())
            .map_err(|e| format!("{:?} sink: {e}", self.format))
    }
}

/// The sinks of one governor and what went wrong with them.
#[derive(Default)]
pub(crate) struct SinkSet {
    sinks: RwLock<Vec<Arc<dyn EventSink>>>,
    failures: AtomicU64,
    last_failure: Mutex<Option<String>>,
}

impl SinkSet {
    pub(crate) fn add(&self, sink: Arc<dyn EventSink>) {
        if let Ok(mut sinks) = self.sinks.write() {
            sinks.push(sink);
        }
    }

    pub(crate) fn failures(&self) -> (u64, Option<String>) {
        let last = self.last_failure.lock().ok().and_then(|l| l.clone());
        (self.failures.load(Ordering::Relaxed), last)
    }

    fn forward(&self, store: &dyn AuditStore, first_index: u64, entries: &[NewEntry]) {
        let Ok(sinks) = self.sinks.read() else {
            return;
        };
        if sinks.is_empty() {
            return;
        }
        for (i, new) in entries.iter().enumerate() {
            let index = first_index + i as u64;
            let result = AuditEntry::from_bytes(&new.payload)
                .map_err(|e| format!("entry {index}: {e}"))
                .and_then(|entry| {
                    let event = ForwardedEvent {
                        index,
                        leaf_hash: aigov_audit::merkle::leaf_hash(&new.payload),
                        entry: &entry,
                        payload: &new.payload,
                        store,
                    };
                    let mut first_error = Ok(());
                    for sink in sinks.iter() {
                        if let Err(e) = sink.on_event(&event)
                            && first_error.is_ok()
                        {
                            first_error = Err(e);
                        }
                    }
                    first_error
                });
            if let Err(e) = result {
                self.failures.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut last) = self.last_failure.lock() {
                    *last = Some(e);
                }
            }
        }
    }
}

/// An audit store that hands every durable append to a [`SinkSet`]; every other call goes
/// straight to the store it wraps. Wrapping the store (not the log) means entries written by
/// any part of the facade reach the sinks.
pub(crate) struct ForwardingStore {
    inner: Arc<dyn AuditStore>,
    sinks: Arc<SinkSet>,
}

impl ForwardingStore {
    pub(crate) fn new(inner: Arc<dyn AuditStore>, sinks: Arc<SinkSet>) -> Self {
        ForwardingStore { inner, sinks }
    }
}

impl fmt::Debug for ForwardingStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ForwardingStore").field(&self.inner).finish()
    }
}

impl AuditStore for ForwardingStore {
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError> {
        let receipt = self.inner.append(entries)?;
        self.sinks
            .forward(self.inner.as_ref(), receipt.first_index, entries);
        Ok(receipt)
    }
    fn size(&self) -> Result<u64, AuditError> {
        self.inner.size()
    }
    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError> {
        self.inner.entries(from, to)
    }
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        self.inner.perfect_hash(level, index)
    }
    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
        self.inner.stored_nodes()
    }
    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError> {
        self.inner.put_checkpoint(size, note)
    }
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError> {
        self.inner.checkpoints()
    }
    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        self.inner.redact(index, redaction, cutoff)
    }
    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError> {
        self.inner.place_hold(hold)
    }
    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError> {
        self.inner.release_hold(id, at)
    }
    fn holds(&self) -> Result<Vec<LegalHold>, AuditError> {
        self.inner.holds()
    }
    fn cursor(&self, name: &str) -> Result<u64, AuditError> {
        self.inner.cursor(name)
    }
    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError> {
        self.inner.set_cursor(name, position)
    }
    fn entries_about(
        &self,
        subject: &str,
        kind: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, AuditError> {
        self.inner.entries_about(subject, kind, from, limit)
    }
    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError> {
        self.inner.count_about(subject, kind)
    }
}
