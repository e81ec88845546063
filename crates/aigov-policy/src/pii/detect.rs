//! Detectors: a candidate regex per type, then a validator (Luhn, mod-97, octet ranges, SSN
//! allocation rules, JWT structure) so that look-alikes are not reported.

use std::net::Ipv6Addr;
use std::str::FromStr;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A kind of personal or secret data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PiiType {
    /// A JSON Web Token.
    Jwt,
    /// An AWS access key id.
    AwsKey,
    /// An e-mail address.
    Email,
    /// An IBAN (mod-97 checked).
    Iban,
    /// A payment card number (Luhn checked).
    Card,
    /// A US social security number.
    Ssn,
    /// A phone number (E.164 or North American formats).
    Phone,
    /// An IPv6 address.
    Ipv6,
    /// An IPv4 address.
    Ipv4,
}

impl PiiType {
    /// Every type, in overlap priority order (earlier wins).
    pub const ALL: [PiiType; 9] = [
        PiiType::Jwt,
        PiiType::AwsKey,
        PiiType::Email,
        PiiType::Iban,
        PiiType::Card,
        PiiType::Ssn,
        PiiType::Phone,
        PiiType::Ipv6,
        PiiType::Ipv4,
    ];

    /// The label used in placeholders and reports (`EMAIL`, `IPV4`, ...).
    pub fn label(self) -> &'static str {
        match self {
            PiiType::Jwt => "JWT",
            PiiType::AwsKey => "AWS_KEY",
            PiiType::Email => "EMAIL",
            PiiType::Iban => "IBAN",
            PiiType::Card => "CARD",
            PiiType::Ssn => "SSN",
            PiiType::Phone => "PHONE",
            PiiType::Ipv6 => "IPV6",
            PiiType::Ipv4 => "IPV4",
        }
    }
}

/// One detected value: its byte range in the text and its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PiiMatch {
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// What it is.
    pub kind: PiiType,
}

/// Byte statistics of a text, gathered once, that rule detectors out cheaply.
#[derive(Default)]
struct Shape {
    digits: usize,
    longest_run: usize,
    runs_of_four: usize,
    runs_of_three: usize,
    colons: usize,
    dots: usize,
    double_colon: bool,
    at: bool,
    plus: bool,
    upper_pair_then_digits: bool,
    ey: bool,
    aws: bool,
}

impl Shape {
    fn of(b: &[u8]) -> Shape {
        let mut s = Shape::default();
        let mut run = 0;
        let close_run = |run: usize, s: &mut Shape| {
            s.longest_run = s.longest_run.max(run);
            s.runs_of_four += usize::from(run == 4);
            s.runs_of_three += usize::from(run == 3);
        };
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_digit() {
                s.digits += 1;
                run += 1;
                continue;
            }
            close_run(run, &mut s);
            run = 0;
            match c {
                b':' => {
                    s.colons += 1;
                    s.double_colon |= b.get(i + 1) == Some(&b':');
                }
                b'.' => s.dots += 1,
                b'@' => s.at = true,
                b'+' => s.plus = true,
                b'e' => s.ey |= b.get(i + 1..i + 3) == Some(b"yJ"),
                b'A' => s.aws |= matches!(b.get(i + 1..i + 4), Some(b"KIA") | Some(b"SIA")),
                _ => {}
            }
            if c.is_ascii_uppercase()
                && b.get(i + 1).is_some_and(u8::is_ascii_uppercase)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && b.get(i + 3).is_some_and(u8::is_ascii_digit)
            {
                s.upper_pair_then_digits = true;
            }
        }
        close_run(run, &mut s);
        s
    }
}

struct Detector {
    kind: PiiType,
    regex: Regex,
    /// Cheap test on the text's shape: skip the regex when no match is possible.
    trigger: fn(&Shape) -> bool,
    /// Checks a candidate; returns where the value really ends (a candidate may run on).
    valid: fn(&str, usize, usize) -> Option<usize>,
}

fn detectors() -> &'static [Detector] {
    static DETECTORS: OnceLock<Vec<Detector>> = OnceLock::new();
    DETECTORS.get_or_init(|| {
        let d = |kind, pattern: &str, trigger, valid| Detector {
            kind,
            // The patterns are constants checked by the tests; a failure here is a bug.
            regex: Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")),
            trigger,
            valid,
        };
        vec![
            d(PiiType::Jwt, r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+", |s| s.ey && s.dots >= 2, valid_jwt),
            d(PiiType::AwsKey, r"(?:AKIA|ASIA)[A-Z2-7]{16}", |s| s.aws, valid_aws),
            d(PiiType::Email, r"[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}", |s| s.at && s.dots >= 1, valid_email),
            d(PiiType::Iban, r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?", |s| s.upper_pair_then_digits, valid_iban),
            // Unseparated cards are one long run; grouped ones have at least three runs of four.
            d(PiiType::Card, r"[0-9](?:[ -]?[0-9]){12,18}", |s| s.longest_run >= 13 || s.runs_of_four >= 3, valid_card),
            d(PiiType::Ssn, r"[0-9]{3}-[0-9]{2}-[0-9]{4}", |s| s.runs_of_three >= 1 && s.runs_of_four >= 1, valid_ssn),
            d(PiiType::Phone, r"\+[0-9](?:[ -]?[0-9]){7,14}|\([0-9]{3}\) [0-9]{3}-[0-9]{4}|[0-9]{3}-[0-9]{3}-[0-9]{4}|[0-9]{3}\.[0-9]{3}\.[0-9]{4}", |s| (s.plus && s.digits >= 8) || (s.runs_of_three >= 2 && s.runs_of_four >= 1), valid_phone),
            d(PiiType::Ipv6, r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}", |s| s.double_colon || s.colons >= 7, valid_ipv6),
            d(PiiType::Ipv4, r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", |s| s.dots >= 3 && s.digits >= 4, valid_ipv4),
        ]
    })
}

/// Turns a yes/no check into a validator that keeps the candidate's end.
macro_rules! whole_match {
    ($($name:ident => $check:ident),* $(,)?) => {
        $(fn $name(text: &str, start: usize, end: usize) -> Option<usize> {
            $check(text, start, end).then_some(end)
        })*
    };
}

whole_match! {
    valid_jwt => valid_jwt_ok,
    valid_aws => valid_aws_ok,
    valid_email => valid_email_ok,
    valid_card => valid_card_ok,
    valid_ssn => valid_ssn_ok,
    valid_phone => valid_phone_ok,
    valid_ipv6 => valid_ipv6_ok,
    valid_ipv4 => valid_ipv4_ok,
}

fn byte_before(text: &str, start: usize) -> Option<u8> {
    start.checked_sub(1).map(|i| text.as_bytes()[i])
}

fn bytes_before(text: &str, start: usize, n: usize) -> &[u8] {
    &text.as_bytes()[start.saturating_sub(n)..start]
}

fn byte_after(text: &str, end: usize) -> Option<u8> {
    text.as_bytes().get(end).copied()
}

fn alnum(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric())
}

fn valid_jwt_ok(text: &str, start: usize, end: usize) -> bool {
    if alnum(byte_before(text, start)) || byte_before(text, start) == Some(b'-') {
        return false;
    }
    let parts: Vec<&str> = text[start..end].split('.').collect();
    let object = |s: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = URL_SAFE_NO_PAD.decode(s).ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(map) => Some(map),
            _ => None,
        }
    };
    parts.len() == 3
        && object(parts[0]).is_some_and(|h| h.contains_key("alg"))
        && object(parts[1]).is_some()
}

fn valid_aws_ok(text: &str, start: usize, end: usize) -> bool {
    !alnum(byte_before(text, start)) && !alnum(byte_after(text, end))
}

fn valid_email_ok(text: &str, start: usize, end: usize) -> bool {
    let local_end = text[start..end].find('@').unwrap_or(0);
    local_end > 0 && !alnum(byte_after(text, end)) && byte_after(text, end) != Some(b'-')
}

const IBAN_LENGTHS: [(&str, usize); 35] = [
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
];

/// ISO 13616: move the first four characters to the end, letters to numbers, mod 97 == 1.
pub fn iban_checksum_ok(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4.min(iban.len()));
    let mut remainder: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let value = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        let digits = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * digits + value) % 97;
    }
    remainder == 1
}

/// An IBAN has a fixed length per country: the value ends where that many characters (spaces
/// between groups not counted) have been read, whatever the candidate ran on to (` EUR`).
fn valid_iban(text: &str, start: usize, end: usize) -> Option<usize> {
    if alnum(byte_before(text, start)) {
        return None;
    }
    let candidate = &text[start..end];
    let expected = IBAN_LENGTHS
        .iter()
        .find(|(cc, _)| candidate.starts_with(cc))
        .map(|(_, n)| *n)?;
    let mut compact = String::with_capacity(expected);
    let mut value_end = None;
    for (i, c) in candidate.char_indices() {
        if c != ' ' {
            compact.push(c);
            if compact.len() == expected {
                value_end = Some(start + i + c.len_utf8());
                break;
            }
        }
    }
    let value_end = value_end?;
    if alnum(byte_after(text, value_end)) || !iban_checksum_ok(&compact) {
        return None;
    }
    Some(value_end)
}

/// The Luhn check digit test.
pub fn luhn_ok(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

fn card_network(digits: &[u8]) -> bool {
    let prefix = |n: usize| -> u32 {
        digits[..n.min(digits.len())]
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let len = digits.len();
    match digits[0] {
        b'4' => matches!(len, 13 | 16 | 19),
        b'3' => matches!(prefix(2), 34 | 37) && len == 15,
        b'5' => (51..=55).contains(&prefix(2)) && len == 16,
        b'2' => (2221..=2720).contains(&prefix(4)) && len == 16,
        b'6' => (prefix(4) == 6011 || prefix(2) == 65) && (16..=19).contains(&len),
        _ => false,
    }
}

fn valid_card_ok(text: &str, start: usize, end: usize) -> bool {
    let before = byte_before(text, start);
    let after = byte_after(text, end);
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        || after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return false;
    }
    let span = &text[start..end];
    let digits: Vec<u8> = span.bytes().filter(u8::is_ascii_digit).collect();
    if !(13..=19).contains(&digits.len()) || !card_network(&digits) || !luhn_ok(&digits) {
        return false;
    }
    // Either no separators, or one kind of separator between groups of four.
    let seps: Vec<u8> = span.bytes().filter(|b| !b.is_ascii_digit()).collect();
    if seps.is_empty() {
        return true;
    }
    if seps.iter().any(|s| *s != seps[0]) {
        return false;
    }
    let groups: Vec<&str> = span.split(seps[0] as char).collect();
    let last = groups.len() - 1;
    groups.iter().enumerate().all(|(i, g)| {
        if i < last {
            g.len() == 4
        } else {
            (1..=4).contains(&g.len())
        }
    })
}

fn valid_ssn_ok(text: &str, start: usize, end: usize) -> bool {
    let before = byte_before(text, start);
    let after = byte_after(text, end);
    if before.is_some_and(|b| b.is_ascii_digit() || b == b'-')
        || after.is_some_and(|b| b.is_ascii_digit() || b == b'-')
    {
        return false;
    }
    let s = &text[start..end];
    let area: u32 = s[..3].parse().unwrap_or(0);
    let group = &s[4..6];
    let serial = &s[7..11];
    area != 0 && area != 666 && area < 900 && group != "00" && serial != "0000"
}

fn valid_phone_ok(text: &str, start: usize, end: usize) -> bool {
    let before = byte_before(text, start);
    let after = byte_after(text, end);
    let joins = |b: Option<u8>| {
        b.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'+'))
    };
    !(joins(before) || joins(after) || after == Some(b'/'))
}

fn valid_ipv6_ok(text: &str, start: usize, end: usize) -> bool {
    let bound = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    if bound(byte_before(text, start)) || bound(byte_after(text, end)) {
        return false;
    }
    let s = &text[start..end];
    s.bytes().any(|b| b.is_ascii_hexdigit()) && Ipv6Addr::from_str(s).is_ok()
}

fn valid_ipv4_ok(text: &str, start: usize, end: usize) -> bool {
    let before = byte_before(text, start);
    let after = byte_after(text, end);
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.')
        || after.is_some_and(|b| b.is_ascii_digit() || b.is_ascii_alphabetic())
        || (after == Some(b'.') && text.as_bytes().get(end + 1).is_some_and(u8::is_ascii_digit))
    {
        return false;
    }
    // A dotted quad introduced as a version is a version, not an address.
    let tail = bytes_before(text, start, 8).to_ascii_lowercase();
    if [&b"v"[..], b"version ", b"ver ", b"build "]
        .iter()
        .any(|p| tail.ends_with(p))
    {
        return false;
    }
    text[start..end].split('.').all(|octet| {
        (octet.len() == 1 || !octet.starts_with('0'))
            && octet.parse::<u16>().is_ok_and(|v| v <= 255)
    })
}

/// Every PII value in `text`, in order, without overlaps (higher-priority types win).
pub fn detect(text: &str) -> Vec<PiiMatch> {
    let shape = Shape::of(text.as_bytes());
    let mut found: Vec<PiiMatch> = Vec::new();
    for detector in detectors() {
        if !(detector.trigger)(&shape) {
            continue;
        }
        for m in detector.regex.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if found.iter().any(|f| f.start < end && start < f.end) {
                continue;
            }
            if let Some(end) = (detector.valid)(text, start, end) {
                found.push(PiiMatch {
                    start,
                    end,
                    kind: detector.kind,
                });
            }
        }
    }
    found.sort_by_key(|m| m.start);
    found
}
