//! PII detection and redaction (the data-privacy policy): e-mail, IP addresses, phone
//! numbers, payment cards (Luhn), US SSNs, IBANs (mod-97), AWS access key ids and JWTs.

mod detect;
mod redact;

pub use detect::{PiiMatch, PiiType, detect, iban_checksum_ok, luhn_ok};
pub use redact::{RedactionReport, Redactor, Replacement};
