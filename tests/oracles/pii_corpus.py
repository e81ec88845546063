#!/usr/bin/env python3
"""Labelled PII corpus generator for aigov's PII detector tests (Python 3.11, stdlib only).

Writes ``tests/fixtures/pii/corpus.jsonl`` (next to this script's ``../fixtures/pii``):
one JSON object per line,

    {"text": "...", "spans": [{"start": S, "end": E, "type": "T"}, ...]}

S and E are **UTF-8 byte offsets** into ``text`` (the decoded JSON string, not the escaped
JSONL line), E exclusive, spans sorted by start and never overlapping. ``text`` may hold
non-ASCII characters (written raw, ``ensure_ascii=False``) and, in a few records, newlines.

Run (from anywhere; the output is byte-for-byte reproducible, fixed SEED below):

    python3 tests/oracles/pii_corpus.py             # regenerate + self-check + stats on stderr
    python3 tests/oracles/pii_corpus.py --check     # only re-validate the committed file
    python3 tests/oracles/pii_corpus.py --out PATH  # write elsewhere

Types and the exact definitions labelled as positives
-----------------------------------------------------
EMAIL    local@domain.tld: local part [A-Za-z0-9._%+-]+, domain labels [A-Za-z0-9-]+,
         last label (TLD) 2+ ASCII letters. The whole address is labelled.
IPV4     dotted quad, each octet 0-255 with no leading zero (except "0"), not adjacent to
         ASCII letters, digits or dots. A quad immediately preceded by ``v`` (``v10.2.0.1``)
         or by the words ``version ``, ``ver `` or ``build `` (``version 1.2.3.4``,
         ``build 4.18.0.553``) is a version string, NOT an IP.
IPV6     a run of [0-9A-Fa-f:] bounded by characters that are neither hex digits nor ':',
         containing a ':', that ``ipaddress.IPv6Address`` accepts and that is not
         IPv4-mapped (full form, ``::`` compressed form, ``::1``). No dotted tails, no zone ids.
PHONE    only: E.164 ``+`` then 8-15 digits (country code + 7-14 more; first digit 1-9;
         the corpus uses 8-13 digits and one kind of separator per number), optionally
         separated by single spaces or dashes (``+44 20 7946 0958``, ``+1-415-555-0134``,
         ``+14155550134``); North American ``(415) 555-0134``, ``415-555-0134``,
         ``415.555.0134``. A bare ``4155550134`` is NOT a phone.
CARD     13-19 digits, compact or in groups of 4 separated by one kind of single separator
         (space or dash; the last group 1-4 digits), Luhn-valid, starting with a network
         prefix: 4 (Visa), 51-55 or 2221-2720 (Mastercard), 34/37 (Amex), 6011/65 (Discover).
SSN      AAA-GG-SSSS with dashes only; area not 000, 666 or 900-999; group not 00; serial
         not 0000.
IBAN     2 letters + 2 check digits + 11-30 [A-Z0-9], compact or grouped in 4s by single
         spaces (last group 1-4), ISO 13616 mod-97 == 1, and the length the country table
         below gives (only these countries are generated): DE 22, GB 22, FR 27, NL 18,
         ES 24, IT 27, CH 21, BE 16.
AWS_KEY  ``AKIA`` or ``ASIA`` + exactly 16 of [A-Z2-7], bounded by non-alphanumerics.
JWT      three base64url segments (no padding) joined by dots, the first two decoding to
         JSON objects, the header containing "alg". Real HS256/ES256/RS256 tokens are generated.

Near misses (never labelled; about a third of the records contain at least one)
-------------------------------------------------------------------------------
card_luhn_fail (real prefix, wrong check digit), order_id_16digit (16 digits with no card
network prefix: first digit 1/7/8/9, Luhn valid or not), iban_bad_check (wrong check
digits), iban_wrong_length (mod-97 valid but one character too many/few for the country),
ssn_invalid (area 000/666/9xx, group 00, serial 0000, or spaces instead of dashes),
ip_version (``version 1.2.3.4``, ``ver 2.4.1.0``, ``v10.2.0.1``, ``build 4.18.0.553``),
ip_octet_gt_255 (``10.0.300.1``), ip_leading_zero (``192.168.01.10``), date
(``2026-11-26``, ``26/11/2026``), time (``14:30``, ``10:22:33.120``), uuid, git_sha (7-12
or 40 hex), sha256 (64 hex), akia_wrong_length (AKIA/ASIA + 12/15/17/20 chars),
akia_bad_charset (16 chars but containing 0/1/8/9), email_no_tld (``root@localhost``,
``admin@db01``), jwt_like_not_jwt (dotted base64 whose header lacks "alg", whose payload is
not a JSON object, or which is plain base64 noise), phone_bad_format (bare 10 digits,
``415 555 0134``, 7-digit ``555-0134``, ``+`` with too few digits), mac_address
(``00:1A:2B:3C:4D:5E``, dash form, and the 14-byte UFW ``MAC=`` chain), aws_secret_key
(a 40-char secret access key, which is not an access key id).
Log timestamps (syslog, ISO 8601, CLF) appear in most records as background and are not
counted as near misses.

Self-check (always run before writing, and by ``--check``)
----------------------------------------------------------
Every record is re-scanned by an independent brute-force reference scanner (every
substring of every candidate run is tried against the definitions above), in two modes:

* strict  - the definitions above verbatim, plus the natural continuation rules: an e-mail
  may not be preceded by a local-part character; an IPv4 may not touch a '.'; an IPv6 may
  not touch a hex digit or ':'; a phone may not touch '-', '.', '+', '/' or "<space><digit>";
  a card/SSN may not continue into "<sep><digit>" / '-'; a JWT may not touch '_', '-', '.';
  the version rule needs the whole word, case-insensitive (``server 1.2.3.4`` stays an IP);
* lenient - every value only has to be "not touching an ASCII letter/digit" (IPv4 also not
  after '.' nor before ".<digit>", IPv6 also not touching ':' or '.'), cards must also fit a
  network/length table (Visa 13/16/19, Amex 15, MC 16, Discover 16-19), the version rule is a
  plain suffix test (so ``server 1.2.3.4`` would be a version); then matches contained in a
  longer match of the same type are dropped (``+1-415-555-0134`` is one PHONE).

A record is kept only if both scans return exactly its labels, so the corpus contains no
case where those two readings of the definitions disagree: no value touches a non-ASCII
character, no IPv4/IPv6/phone/JWT is directly followed by a dot, no quad follows a
word merely ending in "ver"/"build" (like "server"), grouped IBANs do not contain a
Luhn-valid card-looking run, etc. Spans are also checked to lie on character boundaries
and to pass the per-type validator.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import ipaddress
import json
import random
import re
import sys
import uuid
from collections import Counter
from pathlib import Path

SEED = 20261126
N_RECORDS = 3000
P_NEAR_MISS = 0.335
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "fixtures" / "pii" / "corpus.jsonl"

TYPES = ("EMAIL", "IPV4", "IPV6", "PHONE", "CARD", "SSN", "IBAN", "AWS_KEY", "JWT")

# ----------------------------------------------------------------------------------------
# Validators (the definitions)
# ----------------------------------------------------------------------------------------

IBAN_LENGTHS = {"DE": 22, "GB": 22, "FR": 27, "NL": 18, "ES": 24, "IT": 27, "CH": 21, "BE": 16}
DIGITS = set("0123456789")
HEX_COLON = set("0123456789abcdefABCDEF:")
LOCAL_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
IPV4_RE = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
IPV6_RE = re.compile(r"[0-9A-Fa-f:]*:[0-9A-Fa-f:]*")
PHONE_RE = re.compile(
    r"\+[1-9](?:[ -]?\d){7,14}|\(\d{3}\) \d{3}-\d{4}|\d{3}-\d{3}-\d{4}|\d{3}\.\d{3}\.\d{4}"
)
CARD_RE = re.compile(r"\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1(?:\d{4}\1\d{1,3}|\d{1,4})")
SSN_RE = re.compile(r"\d{3}-\d{2}-\d{4}")
IBAN_RE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}|[A-Z]{2}\d{2}(?: [A-Z0-9]{4})*(?: [A-Z0-9]{1,4})")
AWS_RE = re.compile(r"(?:AKIA|ASIA)[A-Z2-7]{16}")
JWT_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
VERSION_WORD_RE = re.compile(r"(?:^|[^A-Za-z])(?:version|ver|build) $", re.IGNORECASE)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    for d in "0123456789":
        if luhn_ok(body + d):
            return d
    raise AssertionError("unreachable")


def card_prefix_ok(d: str) -> bool:
    return (
        d[0] == "4"
        or 51 <= int(d[:2]) <= 55
        or 2221 <= int(d[:4]) <= 2720
        or d[:2] in ("34", "37")
        or d[:4] == "6011"
        or d[:2] == "65"
    )


def card_network_length_ok(d: str) -> bool:
    n = len(d)
    if d[0] == "4":
        return n in (13, 16, 19)
    if d[:2] in ("34", "37"):
        return n == 15
    if 51 <= int(d[:2]) <= 55 or 2221 <= int(d[:4]) <= 2720:
        return n == 16
    if d[:4] == "6011" or d[:2] == "65":
        return 16 <= n <= 19
    return False


def iban_mod97_ok(compact: str) -> bool:
    r = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in r)) % 97 == 1
    except ValueError:
        return False


def iban_check_digits(cc: str, bban: str) -> str:
    r = bban + cc + "00"
    return "%02d" % (98 - int("".join(str(int(c, 36)) for c in r)) % 97)


def b64url_decode(seg: str) -> bytes | None:
    if len(seg) % 4 == 1:
        return None
    try:
        return base64.b64decode(seg + "=" * (-len(seg) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def json_object(seg: str):
    raw = b64url_decode(seg)
    if raw is None:
        return None
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def valid(typ: str, s: str, lenient: bool = False) -> bool:
    """Does the whole string ``s`` satisfy the definition of ``typ``? (no context checks)"""
    if typ == "EMAIL":
        return EMAIL_RE.fullmatch(s) is not None
    if typ == "IPV4":
        if not IPV4_RE.fullmatch(s):
            return False
        return all((len(o) == 1 or o[0] != "0") and int(o) <= 255 for o in s.split("."))
    if typ == "IPV6":
        if not IPV6_RE.fullmatch(s):
            return False
        try:
            a = ipaddress.IPv6Address(s)
        except ValueError:
            return False
        return a.ipv4_mapped is None
    if typ == "PHONE":
        return PHONE_RE.fullmatch(s) is not None
    if typ == "CARD":
        if not CARD_RE.fullmatch(s):
            return False
        d = s.replace(" ", "").replace("-", "")
        if not (13 <= len(d) <= 19 and card_prefix_ok(d) and luhn_ok(d)):
            return False
        return card_network_length_ok(d) if lenient else True
    if typ == "SSN":
        if not SSN_RE.fullmatch(s):
            return False
        area, group, serial = int(s[:3]), s[4:6], s[7:]
        return area != 0 and area != 666 and area < 900 and group != "00" and serial != "0000"
    if typ == "IBAN":
        if not IBAN_RE.fullmatch(s):
            return False
        c = s.replace(" ", "")
        return IBAN_LENGTHS.get(c[:2]) == len(c) and iban_mod97_ok(c)
    if typ == "AWS_KEY":
        return AWS_RE.fullmatch(s) is not None
    if typ == "JWT":
        if not JWT_RE.fullmatch(s):
            return False
        h, p, _sig = s.split(".")
        header = json_object(h)
        return header is not None and "alg" in header and json_object(p) is not None
    raise KeyError(typ)


# ----------------------------------------------------------------------------------------
# Reference scanner (brute force over candidate runs, two boundary readings)
# ----------------------------------------------------------------------------------------


def at(t: str, k: int) -> str:
    return t[k] if 0 <= k < len(t) else ""


def an(ch: str) -> bool:
    return ch != "" and ch.isascii() and ch.isalnum()


# Boundary tests, split into a left test (context before start i) and a right test
# (context from end j on).  strict=True: the definitions verbatim; False: the lenient reading.


def _l_alnum(t, i, strict):
    return not an(at(t, i - 1))


def _r_alnum(t, j, strict):
    return not an(at(t, j))


def _l_email(t, i, strict):
    return at(t, i - 1) not in LOCAL_CHARS if strict else not an(at(t, i - 1))


def _r_email(t, j, strict):
    a = at(t, j)
    if an(a):
        return False
    return not strict or (a != "-" and not (a == "." and an(at(t, j + 1))))


def _l_ipv4(t, i, strict):
    b = at(t, i - 1)
    if an(b) or b == ".":
        return False
    if strict:  # the word "version"/"ver"/"build" + one space right before the quad
        return not VERSION_WORD_RE.search(t[max(0, i - 9) : i])
    return not t[max(0, i - 8) : i].lower().endswith(("version ", "ver ", "build "))


def _r_ipv4(t, j, strict):
    a = at(t, j)
    if an(a):
        return False
    return a != "." if strict else not (a == "." and at(t, j + 1) in DIGITS)


def _l_ipv6(t, i, strict):
    b = at(t, i - 1)
    return b not in HEX_COLON if strict else not (an(b) or b in (":", "."))


def _r_ipv6(t, j, strict):
    a = at(t, j)
    return a not in HEX_COLON if strict else not (an(a) or a in (":", "."))


def _l_phone_card(t, i, strict):
    b = at(t, i - 1)
    if an(b):
        return False
    return not strict or not (b in ("+", "-", ".") or (b == " " and at(t, i - 2) in DIGITS))


def _r_phone(t, j, strict):
    a = at(t, j)
    if an(a):
        return False
    return not strict or not (a in ("-", ".", "+", "/") or (a == " " and at(t, j + 1) in DIGITS))


def _r_card(t, j, strict):
    a = at(t, j)
    if an(a):
        return False
    return not strict or not (a == "-" or (a in (" ", ".") and at(t, j + 1) in DIGITS))


def _l_ssn(t, i, strict):
    b = at(t, i - 1)
    return not an(b) and not (strict and b == "-")


def _r_ssn(t, j, strict):
    a = at(t, j)
    return not an(a) and not (strict and a == "-")


def _l_jwt(t, i, strict):
    b = at(t, i - 1)
    return not an(b) and not (strict and b in ("_", "-", "."))


def _r_jwt(t, j, strict):
    a = at(t, j)
    return not an(a) and not (strict and a in ("_", "-", "."))


# type -> (candidate run regex, must-contain, first-char test, min len, max len, left, right)
SCAN = {
    "EMAIL": (re.compile(r"[A-Za-z0-9._%+@-]+"), "@", lambda c: c in LOCAL_CHARS, 6, 254, _l_email, _r_email),
    "IPV4": (re.compile(r"[0-9.]+"), ".", lambda c: c in DIGITS, 7, 15, _l_ipv4, _r_ipv4),
    "IPV6": (re.compile(r"[0-9A-Fa-f:]+"), ":", lambda c: c in HEX_COLON, 2, 39, _l_ipv6, _r_ipv6),
    "PHONE": (re.compile(r"[0-9 ().+-]+"), "", lambda c: c in DIGITS or c in ("+", "("), 12, 24, _l_phone_card, _r_phone),
    "CARD": (re.compile(r"[0-9 -]+"), "", lambda c: c in DIGITS, 13, 23, _l_phone_card, _r_card),
    "SSN": (re.compile(r"[0-9-]+"), "-", lambda c: c in DIGITS, 11, 11, _l_ssn, _r_ssn),
    "IBAN": (re.compile(r"[A-Z0-9 ]+"), "", lambda c: "A" <= c <= "Z", 15, 42, _l_alnum, _r_alnum),
    "AWS_KEY": (re.compile(r"[A-Z0-9]+"), "", lambda c: c == "A", 20, 20, _l_alnum, _r_alnum),
    "JWT": (re.compile(r"[A-Za-z0-9_.-]+"), ".", lambda c: an(c) or c in ("_", "-"), 5, 100000, _l_jwt, _r_jwt),
}


def scan(text: str, strict: bool = True):
    """All matches as (start_char, end_char, type), sorted; same-type contained ones dropped.

    Brute force: every substring of every maximal run of the type's characters whose two
    ends pass the boundary tests is validated.
    """
    found = []
    for typ, (run_re, need, first_ok, minl, maxl, left, right) in SCAN.items():
        for m in run_re.finditer(text):
            a, b = m.span()
            if b - a < minl or (need and need not in m.group()):
                continue
            starts = [i for i in range(a, b - minl + 1) if first_ok(text[i]) and left(text, i, strict)]
            if not starts:
                continue
            ends = [j for j in range(a + minl, b + 1) if right(text, j, strict)]
            for i in starts:
                for j in ends:
                    if minl <= j - i <= maxl and valid(typ, text[i:j], lenient=not strict):
                        found.append((i, j, typ))
    kept = [
        f
        for f in found
        if not any(g != f and g[2] == f[2] and g[0] <= f[0] and f[1] <= g[1] for g in found)
    ]
    return sorted(set(kept))


def char_spans_to_bytes(text: str, spans):
    out = []
    for i, j, typ in spans:
        s = len(text[:i].encode("utf-8"))
        out.append({"start": s, "end": s + len(text[i:j].encode("utf-8")), "type": typ})
    return out


def check_record(text: str, spans) -> list[str]:
    """Problems with one record (empty list when it is fine)."""
    problems = []
    raw = text.encode("utf-8")
    prev_end = 0
    for k, sp in enumerate(spans):
        s, e, typ = sp.get("start"), sp.get("end"), sp.get("type")
        if set(sp) != {"start", "end", "type"} or typ not in TYPES:
            problems.append(f"span {k}: bad keys/type {sp}")
            continue
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(raw)):
            problems.append(f"span {k}: offsets out of range {sp}")
            continue
        if s < prev_end:
            problems.append(f"span {k}: overlaps or is out of order")
        prev_end = e
        try:
            value = raw[s:e].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"span {k}: not on UTF-8 character boundaries")
            continue
        if not valid(typ, value):
            problems.append(f"span {k}: {value!r} does not validate as {typ}")
        ci = len(raw[:s].decode("utf-8"))
        for ch in (at(text, ci - 1), at(text, ci + len(value))):
            if ch and not ch.isascii():
                problems.append(f"span {k}: {value!r} touches non-ASCII {ch!r}")
    for strict in (True, False):
        got = char_spans_to_bytes(text, scan(text, strict))
        if got != spans:
            mode = "strict" if strict else "lenient"
            problems.append(f"{mode} scan {got} != labels {spans}")
    return problems


# ----------------------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------------------

# (display first, display last, ascii slug first, ascii slug last)
PEOPLE = [
    ("José", "Müller", "jose", "muller"),
    ("Zoë", "Dubois", "zoe", "dubois"),
    ("François", "Lefèvre", "francois", "lefevre"),
    ("Łukasz", "Nowak", "lukasz", "nowak"),
    ("Ana", "Peña", "ana", "pena"),
    ("Jürgen", "Groß", "juergen", "gross"),
    ("Björn", "Ångström", "bjorn", "angstrom"),
    ("Søren", "Kjær", "soren", "kjaer"),
    ("Иван", "Петров", "ivan", "petrov"),
    ("Γιώργος", "Παπαδόπουλος", "giorgos", "papadopoulos"),
    ("田中", "太郎", "taro", "tanaka"),
    ("山田", "花子", "hanako", "yamada"),
    ("王", "芳", "fang", "wang"),
    ("Müge", "Yılmaz", "muge", "yilmaz"),
    ("Siobhán", "Ó Briain", "siobhan", "obriain"),
    ("Nguyễn", "Văn An", "an", "nguyen"),
    ("Chloé", "Bernard", "chloe", "bernard"),
    ("Åsa", "Lindqvist", "asa", "lindqvist"),
    ("John", "Smith", "john", "smith"),
    ("Priya", "Patel", "priya", "patel"),
    ("Wei", "Zhang", "wei", "zhang"),
    ("Maria", "Rossi", "maria", "rossi"),
    ("Kenji", "Sato", "kenji", "sato"),
    ("Olga", "Ivanova", "olga", "ivanova"),
    ("Sarah", "O'Neil", "sarah", "oneil"),
    ("Ahmed", "Haddad", "ahmed", "haddad"),
    ("Emily", "Clark", "emily", "clark"),
    ("Lucas", "Silva", "lucas", "silva"),
]
DOMAINS = [
    "example.com", "example.org", "example.net", "corp.example.com", "mail.example.co.uk",
    "acme-corp.io", "bank.example.de", "shop.example.fr", "example.jp", "uni-example.edu",
    "helpdesk.example.travel", "example.com.br", "finance.example.ch", "example.nl",
    "example.es", "ops.example.it", "m.example-mail.info",
]
ROLE_LOCALS = [
    "soc-team", "it.helpdesk", "noreply", "security_alerts", "abuse", "billing+refunds",
    "postmaster", "dpo", "j.doe%ops", "sre-oncall", "accounts.payable",
]
USERS = ["root", "admin", "jdoe", "msmith", "deploy", "ubuntu", "postgres", "svc-backup",
         "ansible", "jenkins", "oracle", "test", "guest", "git", "www-data", "pi", "user1"]
HOSTS = ["bastion-01", "web-03", "db-primary", "vpn-gw", "mail-relay-2", "k8s-node-7",
         "fw-edge", "ci-runner-4", "ldap-01", "app-eu-2", "jump-tokyo"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SERVICES = ["auth", "billing", "checkout", "kyc", "support-portal", "payments", "crm", "hr-sync"]
PLAIN_UAS = [
    "curl/8.4.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "sqlmap/1.7.2#stable (https://sqlmap.org)",
    "okhttp/4.12.0",
]
CHROME_UAS = [  # the 4-part Chrome version has an octet > 255
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.109 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.6045.199 Safari/537.36",
]
FILLER = [
    "systemd[1]: Started Daily apt upgrade and clean activities",
    "kernel: EXT4-fs (sda1): mounted filesystem with ordered data mode",
    "CRON[2231]: (root) CMD (run-parts /etc/cron.hourly)",
    "nginx: worker process exited on signal 9",
    "✅ バックアップ完了 (東京リージョン)",
    "Die nächtliche Sicherung wurde erfolgreich abgeschlossen ✔",
    "La rotation des journaux est terminée sans erreur",
    "kubelet: Pod sandbox changed, it will be killed and re-created",
    "Ticket closed by Zoë – duplicate of earlier report",
    "audit: policy reload completed, 0 rules changed",
    "⚠️ Disk usage on /var/log at 91%",
    "Резервное копирование завершено успешно",
    "sshd[881]: Server listening on port 22",
    "postfix/qmgr[1190]: removed",
    "備考: 顧客からの折り返し連絡待ち",
    "healthcheck ok latency_ms=12 upstream=payments",
    "Rotated TLS certificate for the internal CA; no action required",
    "Reminder: the quarterly access review is due, see the wiki page",
]
FILLER_SENTENCES = [
    "Escalated to tier 2", "Please advise", "Closing after confirmation", "Merci d'avance",
    "よろしくお願いします", "Danke für die schnelle Hilfe", "Customer is very upset 😠",
    "No further action needed", "Gracias", "Spasibo — спасибо", "See attached screenshot",
    "Marked as phishing", "Reopened by requester",
]


# ----------------------------------------------------------------------------------------
# Record builder
# ----------------------------------------------------------------------------------------


class Rec:
    def __init__(self):
        self.parts: list[tuple[str, str | None]] = []
        self.nms: list[str] = []

    def t(self, *ss: str) -> "Rec":
        for s in ss:
            self.parts.append((s, None))
        return self

    def p(self, item: tuple[str, str]) -> "Rec":
        typ, value = item
        self.parts.append((value, typ))
        return self

    def n(self, item: tuple[str, str]) -> "Rec":
        cat, value = item
        self.parts.append((value, None))
        self.nms.append(cat)
        return self

    def add(self, piece) -> "Rec":
        """piece: str | ('P', (typ, v)) | ('N', (cat, v))"""
        if isinstance(piece, str):
            return self.t(piece)
        kind, item = piece
        return self.p(item) if kind == "P" else self.n(item)

    def build(self):
        text, spans, off = [], [], 0
        for s, typ in self.parts:
            n = len(s.encode("utf-8"))
            if typ is not None:
                spans.append({"start": off, "end": off + n, "type": typ})
            text.append(s)
            off += n
        return "".join(text), spans


# ----------------------------------------------------------------------------------------
# Generators
# ----------------------------------------------------------------------------------------


class Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.hmac_key = b"aigov-pii-corpus-test-key"

    # --- small helpers -------------------------------------------------------------
    def ch(self, seq):
        return seq[self.r.randrange(len(seq))]

    def digits(self, n: int) -> str:
        return "".join(self.ch("0123456789") for _ in range(n))

    def hexs(self, n: int) -> str:
        return "".join(self.ch("0123456789abcdef") for _ in range(n))

    def person(self):
        return self.ch(PEOPLE)

    def name(self, person=None) -> str:
        f, l, _, _ = person or self.person()
        return f"{f} {l}"

    def syslog_ts(self) -> str:
        return "%s %2d %02d:%02d:%02d" % (self.ch(MONTHS), self.r.randint(1, 28),
                                         self.r.randint(0, 23), self.r.randint(0, 59),
                                         self.r.randint(0, 59))

    def iso_ts(self) -> str:
        return "2026-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
            self.r.randint(1, 12), self.r.randint(1, 28), self.r.randint(0, 23),
            self.r.randint(0, 59), self.r.randint(0, 59), self.r.randint(0, 999))

    def clf_ts(self) -> str:
        return "%02d/%s/2026:%02d:%02d:%02d +0000" % (
            self.r.randint(1, 28), self.ch(MONTHS), self.r.randint(0, 23),
            self.r.randint(0, 59), self.r.randint(0, 59))

    def port(self) -> int:
        return self.r.randint(1024, 65535)

    def pid(self) -> int:
        return self.r.randint(300, 65000)

    def group4(self, s: str, sep: str) -> str:
        return sep.join(s[k : k + 4] for k in range(0, len(s), 4))

    # --- positives -----------------------------------------------------------------
    def _pos(self, typ: str, make) -> tuple[str, str]:
        for _ in range(200):
            v = make()
            if valid(typ, v) and scan(v, True) == [(0, len(v), typ)] and scan(v, False) == [(0, len(v), typ)]:
                return typ, v
        raise RuntimeError(f"cannot make a clean {typ}")

    def email(self, person=None):
        def make():
            _, _, af, al = person or self.person()
            k = self.r.random()
            if k < 0.3:
                local = f"{af}.{al}"
            elif k < 0.45:
                local = f"{af[0]}{al}"
            elif k < 0.55:
                local = f"{af}_{al}{self.r.randint(1, 99)}"
            elif k < 0.65:
                local = f"{af}+{self.ch(['security', 'billing', 'alerts', 'vpn'])}"
            elif k < 0.72:
                local = f"{al}.{af}"
            elif k < 0.80:
                local = f"{af.capitalize()}.{al.capitalize()}"
            else:
                local = self.ch(ROLE_LOCALS)
            return f"{local}@{self.ch(DOMAINS)}"

        return self._pos("EMAIL", make)

    def ipv4(self):
        def make():
            r = self.r
            k = r.random()
            if k < 0.25:
                o = [10, r.randint(0, 255), r.randint(0, 255), r.randint(1, 254)]
            elif k < 0.40:
                o = [192, 168, r.randint(0, 255), r.randint(1, 254)]
            elif k < 0.50:
                o = [172, r.randint(16, 31), r.randint(0, 255), r.randint(0, 255)]
            elif k < 0.70:
                o = list(self.ch([(192, 0, 2), (198, 51, 100), (203, 0, 113)])) + [r.randint(1, 254)]
            elif k < 0.97:
                o = [r.randint(1, 223), r.randint(0, 255), r.randint(0, 255), r.randint(0, 255)]
            else:
                o = list(self.ch([(0, 0, 0, 0), (255, 255, 255, 255), (127, 0, 0, 1), (8, 8, 8, 8)]))
            return ".".join(map(str, o))

        return self._pos("IPV4", make)

    def ipv6(self):
        def make():
            r = self.r
            k = r.random()
            if k < 0.06:
                return "::1"
            if k < 0.45:
                groups = [0x2001, 0xDB8] + [r.getrandbits(16) for _ in range(6)]
            elif k < 0.70:
                groups = [0xFE80, 0, 0, 0] + [r.getrandbits(16) for _ in range(4)]
                if r.random() < 0.5:  # EUI-64 style
                    groups[5] = (groups[5] & 0xFF00) | 0xFF
                    groups[6] = 0xFE00 | (groups[6] & 0xFF)
            elif k < 0.85:
                groups = [0xFD00 | r.getrandbits(8)] + [r.getrandbits(16) for _ in range(7)]
            else:
                groups = [0x2000 | r.getrandbits(12)] + [r.getrandbits(16) for _ in range(7)]
            # zero out a run so that '::' compression shows up
            if r.random() < 0.7:
                a = r.randint(2, 5)
                for x in range(a, min(8, a + r.randint(1, 3))):
                    groups[x] = 0
            if r.random() < 0.3:
                groups[7] = r.randint(1, 0xFF)
            addr = ipaddress.IPv6Address(sum(g << (16 * (7 - n)) for n, g in enumerate(groups)))
            s = addr.exploded if r.random() < 0.15 else addr.compressed
            return s.upper() if r.random() < 0.12 else s

        return self._pos("IPV6", make)

    def ip(self, p6: float = 0.3):
        return self.ipv6() if self.r.random() < p6 else self.ipv4()

    def na_number(self):
        r = self.r
        npa = f"{r.randint(2, 9)}{r.randint(0, 8)}{r.randint(0, 9)}"
        nxx = "555" if r.random() < 0.5 else f"{r.randint(2, 9)}{self.digits(2)}"
        line = f"01{self.digits(2)}" if nxx == "555" else self.digits(4)
        return npa, nxx, line

    def phone(self):
        def make():
            r = self.r
            k = r.random()
            if k < 0.45:
                npa, nxx, line = self.na_number()
                f = r.random()
                if f < 0.4:
                    return f"({npa}) {nxx}-{line}"
                if f < 0.75:
                    return f"{npa}-{nxx}-{line}"
                return f"{npa}.{nxx}.{line}"
            # E.164: (country code, digit groups)
            cc, groups = self.ch([
                ("1", [3, 3, 4]), ("44", [2, 4, 4]), ("49", [2, 8]), ("49", [3, 7]),
                ("33", [1, 2, 2, 2, 2]), ("81", [1, 4, 4]), ("34", [3, 3, 3]),
                ("41", [2, 3, 2, 2]), ("31", [2, 3, 4]), ("61", [1, 4, 4]), ("91", [5, 5]),
                ("39", [2, 4, 4]), ("55", [2, 5, 4]), ("353", [1, 3, 4]),
            ])
            parts = [str(r.randint(2, 9)) + self.digits(groups[0] - 1)] + [self.digits(g) for g in groups[1:]]
            if cc == "1":
                parts = list(self.na_number())
            sep = self.ch([" ", " ", "-", ""])
            return "+" + cc + sep + sep.join(parts)

        return self._pos("PHONE", make)

    def phone_na_dash(self):
        return self._pos("PHONE", lambda: "-".join(self.na_number()))

    def card_digits(self) -> str:
        r = self.r
        k = r.random()
        if k < 0.32:
            prefix, n = "4", 16
        elif k < 0.35:
            prefix, n = "4", 13
        elif k < 0.38:
            prefix, n = "4", 19
        elif k < 0.58:
            prefix, n = str(r.randint(51, 55)), 16
        elif k < 0.66:
            prefix, n = str(r.randint(2221, 2720)), 16
        elif k < 0.80:
            prefix, n = self.ch(["34", "37"]), 15
        elif k < 0.90:
            prefix, n = "6011", 16
        else:
            prefix, n = "65", 16
        body = prefix + self.digits(n - len(prefix) - 1)
        return body + luhn_check_digit(body)

    def fmt_card(self, d: str) -> str:
        if len(d) == 13:
            return d
        f = self.r.random()
        if f < 0.4:
            return d
        return self.group4(d, " " if f < 0.75 else "-")

    def card(self):
        return self._pos("CARD", lambda: self.fmt_card(self.card_digits()))

    def ssn_str(self) -> str:
        r = self.r
        while True:
            area = r.randint(1, 899)
            if area != 666:
                break
        return "%03d-%02d-%04d" % (area, r.randint(1, 99), r.randint(1, 9999))

    def ssn(self):
        return self._pos("SSN", self.ssn_str)

    BBAN = {  # n digit, a upper letter, c alphanumeric
        "DE": "n" * 18, "GB": "aaaa" + "n" * 14, "FR": "n" * 10 + "c" * 11 + "nn",
        "NL": "aaaa" + "n" * 10, "ES": "n" * 20, "IT": "a" + "n" * 10 + "c" * 12,
        "CH": "n" * 5 + "c" * 12, "BE": "n" * 12,
    }

    def bban(self, cc: str, delta: int = 0) -> str:
        spec = self.BBAN[cc]
        if delta > 0:
            spec += "n" * delta
        elif delta < 0:
            spec = spec[:delta]
        out = []
        for c in spec:
            if c == "n" or (c == "c" and self.r.random() < 0.75):
                out.append(self.ch("0123456789"))
            else:
                out.append(self.ch("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return "".join(out)

    def fmt_iban(self, compact: str, grouped: bool | None = None) -> str:
        if grouped is None:
            grouped = self.r.random() < 0.5
        return self.group4(compact, " ") if grouped else compact

    def iban_compact(self, cc: str | None = None) -> str:
        cc = cc or self.ch(sorted(IBAN_LENGTHS))
        b = self.bban(cc)
        return cc + iban_check_digits(cc, b) + b

    def iban(self, cc: str | None = None):
        return self._pos("IBAN", lambda: self.fmt_iban(self.iban_compact(cc)))

    def aws(self):
        return self._pos(
            "AWS_KEY",
            lambda: ("AKIA" if self.r.random() < 0.75 else "ASIA") + "".join(self.ch(B32) for _ in range(16)),
        )

    def b64u(self, raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def jwt_payload(self) -> dict:
        r = self.r
        iat = 1795000000 + r.randint(0, 5_000_000)
        p = {"sub": self.ch([str(uuid.UUID(int=r.getrandbits(128), version=4)),
                             "user_%d" % r.randint(1000, 99999),
                             "auth0|" + self.hexs(24)]),
             "iat": iat, "exp": iat + self.ch([300, 900, 3600, 86400])}
        if r.random() < 0.5:
            p["iss"] = self.ch(["https://auth.example.com/", "https://login.example.org", "aigov-idp"])
        if r.random() < 0.4:
            p["scope"] = self.ch(["openid profile", "read:orders", "admin", "payments:write"])
        if r.random() < 0.25:
            p["name"] = self.name()
        if r.random() < 0.3:
            p["roles"] = self.ch([["user"], ["admin", "auditor"], ["support"]])
        return p

    def jwt(self):
        def make():
            r = self.r
            alg = self.ch(["HS256"] * 6 + ["ES256"] * 3 + ["RS256"])
            header = {"alg": alg, "typ": "JWT"}
            if alg != "HS256" and r.random() < 0.6:
                header["kid"] = self.hexs(16)
            if r.random() < 0.2:
                header = {"typ": "JWT", "alg": alg}
            h = self.b64u(json.dumps(header, separators=(",", ":")).encode())
            p = self.b64u(json.dumps(self.jwt_payload(), separators=(",", ":"), ensure_ascii=False).encode())
            signing_input = f"{h}.{p}".encode()
            if alg == "HS256":
                sig = hmac.new(self.hmac_key, signing_input, hashlib.sha256).digest()
            else:
                sig = r.randbytes(64 if alg == "ES256" else 256)
            return f"{h}.{p}.{self.b64u(sig)}"

        return self._pos("JWT", make)

    POS = ("EMAIL", "IPV4", "IPV6", "PHONE", "CARD", "SSN", "IBAN", "AWS_KEY", "JWT")

    def pos(self, typ: str):
        return {
            "EMAIL": self.email, "IPV4": self.ipv4, "IPV6": self.ipv6, "PHONE": self.phone,
            "CARD": self.card, "SSN": self.ssn, "IBAN": self.iban, "AWS_KEY": self.aws,
            "JWT": self.jwt,
        }[typ]()

    def pick_type(self) -> str:
        return self.r.choices(self.POS, weights=[18, 16, 9, 13, 12, 8, 9, 6, 6])[0]

    # --- near misses ---------------------------------------------------------------
    NM_WEIGHTS = {
        "card_luhn_fail": 10, "order_id_16digit": 8, "iban_bad_check": 8, "iban_wrong_length": 3,
        "ssn_invalid": 9, "ip_version": 10, "ip_octet_gt_255": 8, "ip_leading_zero": 3,
        "date": 6, "time": 5, "uuid": 7, "git_sha": 6, "sha256": 5, "akia_wrong_length": 6,
        "akia_bad_charset": 2, "email_no_tld": 7, "jwt_like_not_jwt": 7, "phone_bad_format": 9,
        "mac_address": 6, "aws_secret_key": 2,
    }

    def pick_nm(self) -> str:
        cats = list(self.NM_WEIGHTS)
        return self.r.choices(cats, weights=[self.NM_WEIGHTS[c] for c in cats])[0]

    def _nm(self, cat: str, make, shape=None) -> tuple[str, str]:
        for _ in range(200):
            v = make()
            if scan(v, True) == [] and scan(v, False) == [] and (shape is None or shape(v)):
                return cat, v
        raise RuntimeError(f"cannot make a clean near miss {cat}")

    def nm(self, cat: str) -> tuple[str, str]:
        r = self.r
        if cat == "card_luhn_fail":
            def make():
                d = self.card_digits()
                bad = d[:-1] + str((int(d[-1]) + r.randint(1, 9)) % 10)
                return self.fmt_card(bad)

            def shape(v):
                d = v.replace(" ", "").replace("-", "")
                return CARD_RE.fullmatch(v) and card_prefix_ok(d) and not luhn_ok(d)

            return self._nm(cat, make, shape)
        if cat == "order_id_16digit":
            return self._nm(cat, lambda: self.ch("1789") + self.digits(15))
        if cat == "iban_bad_check":
            def make():
                c = self.iban_compact()
                good = int(c[2:4])
                bad = self.ch([x for x in range(2, 99) if x != good])
                return self.fmt_iban(c[:2] + "%02d" % bad + c[4:])

            return self._nm(cat, make, lambda v: not iban_mod97_ok(v.replace(" ", "")))
        if cat == "iban_wrong_length":
            def make():
                cc = self.ch(sorted(IBAN_LENGTHS))
                b = self.bban(cc, self.ch([-1, 1, 2]))
                return self.fmt_iban(cc + iban_check_digits(cc, b) + b)

            return self._nm(cat, make, lambda v: iban_mod97_ok(v.replace(" ", "")))
        if cat == "ssn_invalid":
            def make():
                k = r.random()
                area, group, serial = "%03d" % r.randint(1, 899), "%02d" % r.randint(1, 99), "%04d" % r.randint(1, 9999)
                if k < 0.2:
                    area = "000"
                elif k < 0.4:
                    area = "666"
                elif k < 0.6:
                    area = str(r.randint(900, 999))
                elif k < 0.75:
                    group = "00"
                elif k < 0.88:
                    serial = "0000"
                else:
                    return f"{area} {group} {serial}"
                return f"{area}-{group}-{serial}"

            return self._nm(cat, make)
        if cat == "ip_version":
            def make():
                quad = ".".join(str(x) for x in (r.randint(1, 12), r.randint(0, 30), r.randint(0, 9), r.randint(0, 255)))
                k = r.random()
                if k < 0.3:
                    return f"version {quad}"
                if k < 0.5:
                    return f"ver {quad}"
                if k < 0.75:
                    return f"v{quad}"
                return "build " + self.ch([quad, "4.18.0.553", "5.14.0.427", "10.0.19045.3803"])

            return self._nm(cat, make, lambda v: IPV4_RE.search(v) is not None)
        if cat == "ip_octet_gt_255":
            def make():
                o = [r.randint(1, 223), r.randint(0, 255), r.randint(0, 255), r.randint(0, 255)]
                o[r.randrange(4)] = r.randint(256, 999)
                return ".".join(map(str, o))

            return self._nm(cat, make)
        if cat == "ip_leading_zero":
            def make():
                o = [str(self.ch([10, 192, 172])), str(r.randint(0, 255)), str(r.randint(0, 255)), str(r.randint(1, 254))]
                k = r.randrange(1, 4)
                o[k] = "0" + o[k] if len(o[k]) < 3 else o[k]
                if not any(len(x) > 1 and x[0] == "0" for x in o):
                    o[3] = "0" + o[3][-2:]
                return ".".join(o)

            return self._nm(cat, make, lambda v: any(len(x) > 1 and x[0] == "0" for x in v.split(".")))
        if cat == "date":
            y, m, d = 2026, r.randint(1, 12), r.randint(1, 28)
            return self._nm(cat, lambda: self.ch([f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}",
                                                   f"{m:02d}/{d:02d}/{y}", f"{y}-{m:02d}-{d:02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z"]))
        if cat == "time":
            return self._nm(cat, lambda: self.ch([
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}",
                f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}.{r.randint(0, 999):03d}",
            ]))
        if cat == "uuid":
            return self._nm(cat, lambda: str(uuid.UUID(int=r.getrandbits(128), version=4)))
        if cat == "git_sha":
            return self._nm(cat, lambda: self.hexs(40) if r.random() < 0.6 else self.hexs(r.randint(7, 12)))
        if cat == "sha256":
            return self._nm(cat, lambda: self.hexs(64))
        if cat == "akia_wrong_length":
            return self._nm(cat, lambda: self.ch(["AKIA", "AKIA", "ASIA"]) + "".join(
                self.ch(B32) for _ in range(self.ch([12, 15, 17, 20]))))
        if cat == "akia_bad_charset":
            def make():
                body = [self.ch(B32) for _ in range(16)]
                for _ in range(r.randint(1, 3)):
                    body[r.randrange(16)] = self.ch("0189")
                return "AKIA" + "".join(body)

            return self._nm(cat, make)
        if cat == "email_no_tld":
            return self._nm(cat, lambda: f"{self.ch(USERS + ['ops', 'backup', 'svc'])}@"
                                         f"{self.ch(['localhost', 'db01', 'fileserver', 'intranet', 'mailhost', 'host.1', 'ci-runner'])}")
        if cat == "jwt_like_not_jwt":
            def make():
                k = r.random()
                sig = self.b64u(r.randbytes(32))
                if k < 0.3:  # header without alg
                    h = self.b64u(json.dumps(self.ch([{"typ": "JWT"}, {"typ": "JWT", "kid": self.hexs(8)}, {"cty": "JWT"}]),
                                             separators=(",", ":")).encode())
                    return f"{h}.{self.b64u(json.dumps(self.jwt_payload(), separators=(',', ':'), ensure_ascii=False).encode())}.{sig}"
                h = self.b64u(b'{"alg":"HS256","typ":"JWT"}')
                if k < 0.5:  # payload not JSON
                    return f"{h}.{self.b64u(self.ch([b'hello world, not json', b'user=jdoe;role=admin', r.randbytes(24)]))}.{sig}"
                if k < 0.6:  # payload is a JSON array
                    return f"{h}.{self.b64u(b'[1,2,3]')}.{sig}"
                # base64 noise with dots
                return ".".join(self.b64u(r.randbytes(r.randint(9, 30))) for _ in range(3))

            return self._nm(cat, make, lambda v: JWT_RE.fullmatch(v) is not None)
        if cat == "phone_bad_format":
            def make():
                npa, nxx, line = self.na_number()
                k = r.random()
                if k < 0.4:
                    return f"{npa}{nxx}{line}"
                if k < 0.65:
                    return f"{npa} {nxx} {line}"
                if k < 0.85:
                    return f"{nxx}-{line}"
                return "+" + self.ch(["44", "49", "33"]) + " " + self.digits(r.randint(3, 4))

            return self._nm(cat, make)
        if cat == "mac_address":
            def make():
                octs = ["%02x" % r.getrandbits(8) for _ in range(6)]
                s = (":" if r.random() < 0.75 else "-").join(octs)
                return s.upper() if r.random() < 0.5 else s

            return self._nm(cat, make)
        if cat == "aws_secret_key":
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            return self._nm(cat, lambda: "".join(self.ch(alphabet) for _ in range(40)))
        raise KeyError(cat)

    def mac_chain(self):
        octs = ["%02x" % self.r.getrandbits(8) for _ in range(12)] + ["08", "00"]
        return "mac_address", ":".join(octs)


# ----------------------------------------------------------------------------------------
# Phrases
# ----------------------------------------------------------------------------------------

KEY_POS = {
    "EMAIL": ["email", "user", "reply_to", "owner"],
    "IPV4": ["src_ip", "client_ip", "remote_addr", "peer"],
    "IPV6": ["src_ip", "client_ip", "remote_addr", "peer"],
    "PHONE": ["phone", "callback", "mobile"],
    "CARD": ["card", "pan", "card_number"],
    "SSN": ["ssn", "tax_id"],
    "IBAN": ["iban", "payout_iban"],
    "AWS_KEY": ["access_key_id", "aws_key"],
    "JWT": ["token", "id_token", "session"],
}
KEY_NM = {
    "card_luhn_fail": ["card", "pan"], "order_id_16digit": ["order_id", "order"],
    "iban_bad_check": ["iban"], "iban_wrong_length": ["iban"], "ssn_invalid": ["ssn"],
    "ip_version": ["agent", "firmware", "kernel"], "ip_octet_gt_255": ["xff", "src_ip"],
    "ip_leading_zero": ["peer", "gateway"], "date": ["due", "expires"], "time": ["window", "at"],
    "uuid": ["request_id", "trace_id"], "git_sha": ["commit", "rev"], "sha256": ["sha256", "checksum"],
    "akia_wrong_length": ["access_key_id"], "akia_bad_charset": ["access_key_id"],
    "email_no_tld": ["notify", "owner"], "jwt_like_not_jwt": ["token", "session"],
    "phone_bad_format": ["phone", "callback"], "mac_address": ["mac", "hwaddr"],
    "aws_secret_key": ["aws_secret_access_key"],
}
PROSE_POS = {
    "EMAIL": ["reply to {v} when done", "customer email is {v} (verified)", "cc {v} on updates",
              "the phishing mail came from <{v}> this morning", "user {v} reset the password twice",
              "please contact {v}"],
    "IPV4": ["logins from {v} were blocked", "source IP {v} is in the threat feed",
             "the VPN session from {v} dropped", "traffic to {v} on port 4444 looks like C2"],
    "IPV6": ["logins from {v} were blocked", "source address {v} is in the threat feed",
             "scan came from [{v}] over IPv6"],
    "PHONE": ["callback number {v} (mobile)", "caller ID showed {v} twice",
              "please call {v} after 5pm", "tel: {v} per the signature"],
    "CARD": ["full PAN {v} was pasted in chat", "charged to card {v} twice",
             "the customer wrote \"{v}\" in the subject line", "the card on file is {v}"],
    "SSN": ["SSN {v} appears in the attachment", "applicant SSN: {v} (redact!)", "SSN on file: {v}"],
    "IBAN": ["refund to IBAN {v} requested", "payout account {v} changed yesterday", "the new IBAN is {v}"],
    "AWS_KEY": ["leaked access key {v} rotated", "key {v} was committed to a public repo", "the exposed key id is {v}"],
    "JWT": ["session token {v} was reused from two countries", "Bearer {v} is in the pasted curl command"],
}
PROSE_POS_I18N = {
    "EMAIL": ["顧客 {name} のメール {v} に返信済み", "用户 {name} 的邮箱 {v} 已验证",
              "adresse e-mail {v} vérifiée par {name}"],
    "IPV4": ["Пользователь {name} вошёл с адреса {v} ночью", "IP {v} からの不正アクセスを検知"],
    "PHONE": ["Kunde {name} bittet um Rückruf unter {v} heute", "teléfono {v} no contesta, {name} avisada"],
    "CARD": ["Le client {name} signale une fraude sur la carte {v} hier soir",
             "Die Karte {v} von {name} wurde gesperrt"],
    "IBAN": ["El cliente {name} pidió reembolso al IBAN {v} ayer", "Überweisung an {v} wurde storniert"],
    "SSN": ["{name} hat die SSN {v} im Formular eingetragen"],
}
PROSE_NM = {
    "card_luhn_fail": ["the card {v} failed validation at checkout", "customer typed {v} but the gateway said invalid number"],
    "order_id_16digit": ["order {v} shipped late", "see order #{v} for details"],
    "iban_bad_check": ["IBAN {v} bounced as invalid", "the transfer to {v} was rejected (checksum)"],
    "iban_wrong_length": ["account {v} looks truncated", "IBAN {v} has the wrong length"],
    "ssn_invalid": ["the form had SSN {v} which is obviously fake", "test record uses {v} as placeholder"],
    "ip_version": ["the endpoint agent {v} is outdated", "upgrading to {v} fixed it", "router firmware {v} is affected"],
    "ip_octet_gt_255": ["the XFF header contained {v} so it was spoofed", "bogus peer {v} in the config"],
    "ip_leading_zero": ["legacy ACL lists {v} with zero padding", "old gateway {v} in the runbook"],
    "date": ["the certificate expires on {v} per vendor", "next review {v} (tentative)"],
    "time": ["the outage started at {v} UTC", "last seen {v} local time"],
    "uuid": ["correlation id {v} in the gateway logs", "case {v} in the SIEM"],
    "git_sha": ["regression introduced in commit {v} last week", "reverted {v} on main"],
    "sha256": ["the dropper hash is {v} on VT", "artifact digest {v} matches"],
    "akia_wrong_length": ["a string {v} was found but it is truncated", "scanner flagged {v} (not a real key)"],
    "akia_bad_charset": ["scanner flagged {v} (not a real key)"],
    "email_no_tld": ["mail to {v} bounced locally", "cron output goes to {v} only"],
    "jwt_like_not_jwt": ["the cookie {v} is just base64 noise", "blob {v} is not a token"],
    "phone_bad_format": ["caller left {v} without formatting", "number {v} from the old CRM"],
    "mac_address": ["device {v} was quarantined", "NAC saw {v} on port Gi1/0/12"],
    "aws_secret_key": ["secret {v} was also exposed"],
}


# ----------------------------------------------------------------------------------------
# Templates: f(g, rec, want_nm) -> None.  `nm_ok` marks templates that can carry near misses
# ----------------------------------------------------------------------------------------


def fmt_pieces(fmt: str, piece, **kw):
    """Split a "... {v} ..." phrase into ['...', piece, '...']."""
    before, after = fmt.format(v="\x00", **kw).split("\x00")
    return [before, piece, after]


def syslog_head(g: Gen, proc: str) -> str:
    return f"{g.syslog_ts()} {g.ch(HOSTS)} {proc}[{g.pid()}]: "


def t_sshd(g, rec, nm):
    ip = g.ip(0.3)
    rec.t(syslog_head(g, "sshd"))
    user = g.ch(USERS)
    k = g.r.random()
    if k < 0.35:
        inv = "invalid user " if g.r.random() < 0.4 else ""
        rec.t(f"Failed password for {inv}{user} from ").p(ip).t(f" port {g.port()} ssh2")
    elif k < 0.55:
        fp = base64.b64encode(g.r.randbytes(32)).decode().rstrip("=")
        rec.t(f"Accepted publickey for {user} from ").p(ip).t(f" port {g.port()} ssh2: ED25519 SHA256:{fp}")
    elif k < 0.7:
        rec.t(f"Invalid user {user} from ").p(ip).t(f" port {g.port()}")
    elif k < 0.85:
        rec.t(f"Disconnected from authenticating user {user} ").p(ip).t(f" port {g.port()} [preauth]")
    else:
        rec.t("error: maximum authentication attempts exceeded for root from ").p(ip).t(f" port {g.port()} ssh2 [preauth]")


def t_pam(g, rec, nm):
    rec.t(syslog_head(g, "sshd"), "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=")
    rec.p(g.ip(0.25)).t(f"  user={g.ch(USERS)}")


def t_sudo(g, rec, nm):
    u = g.ch(USERS)
    rec.t(f"{g.syslog_ts()} {g.ch(HOSTS)} sudo:     {u} : TTY=pts/{g.r.randint(0, 9)} ; PWD=/home/{u} ; USER=root ; COMMAND=")
    k = g.r.random()
    if k < 0.35:
        rec.t("/usr/bin/curl -s -H 'Authorization: Bearer ").p(g.jwt()).t("' https://api.example.com/v1/me")
    elif k < 0.6:
        rec.t("/usr/local/bin/aws configure set aws_access_key_id ").p(g.aws())
    elif k < 0.8:
        rec.t("/usr/sbin/iptables -A INPUT -s ").p(g.ipv4()).t(" -j DROP")
    else:
        rec.t("/usr/bin/systemctl restart nginx")


def t_postfix(g, rec, nm):
    rec.t(syslog_head(g, "postfix/smtpd"), "NOQUEUE: reject: RCPT from unknown[").p(g.ip(0.25)).t("]: 554 5.7.1 <")
    rcpt = g.email()
    rec.p(rcpt).t(">: Relay access denied; from=<")
    if nm:
        rec.n(g.nm("email_no_tld"))
    else:
        rec.p(g.email())
    rec.t("> to=<").p(rcpt).t(f"> proto=ESMTP helo=<{g.ch(['mail.example.com', 'localhost', 'ylmf-pc', 'WIN-3K2J'])}>")


def t_dhcpd(g, rec, nm):
    host = g.ch(["iphone-zoe", "LAPTOP-7QK2", "printer-3f", "android-5c1e", "josé-mbp"])
    rec.t(syslog_head(g, "dhcpd"), "DHCPACK on ").p(g.ipv4()).t(" to ").n(g.nm("mac_address"))
    rec.t(f" ({host}) via eth{g.r.randint(0, 3)}")


def t_ufw(g, rec, nm):
    v6 = g.r.random() < 0.3
    src, dst = (g.ipv6(), g.ipv6()) if v6 else (g.ipv4(), g.ipv4())
    rec.t(f"{g.syslog_ts()} fw-edge kernel: [{g.r.randint(1000, 99999)}.{g.r.randint(100000, 999999)}] [UFW BLOCK] ")
    if nm:
        rec.t("IN=eth0 OUT= MAC=").n(g.mac_chain())
    else:
        rec.t("IN=wg0 OUT=")
    rec.t(" SRC=").p(src).t(" DST=").p(dst)
    if v6:
        rec.t(f" LEN=80 TC=0 HOPLIMIT={g.r.randint(40, 64)} FLOWLBL=0 PROTO=TCP SPT={g.port()} DPT={g.ch([22, 443, 3389])} WINDOW=64800 RES=0x00 SYN URGP=0")
    else:
        rec.t(f" LEN=60 TOS=0x00 PREC=0x00 TTL={g.r.randint(40, 64)} ID={g.r.randint(1, 65535)} DF PROTO=TCP SPT={g.port()} DPT={g.ch([22, 443, 3389])} WINDOW=64240 RES=0x00 SYN URGP=0")


def t_access(g, rec, nm):
    rec.p(g.ip(0.25)).t(f" - {g.ch(['-', '-', '-', 'jdoe', 'admin'])} [{g.clf_ts()}] \"")
    method = g.ch(["GET", "GET", "POST", "PUT"])
    k = g.r.random()
    nm_used = False
    if nm and k < 0.35:
        rec.t(f"{method} /api/v1/orders/").n(g.nm("order_id_16digit")).t(" HTTP/1.1\"")
        nm_used = True
    elif k < 0.3:
        rec.t(f"GET /api/v1/users?email=").p(g.email()).t(f"&page={g.r.randint(1, 9)} HTTP/1.1\"")
    elif k < 0.45:
        rec.t("GET /auth/callback?id_token=").p(g.jwt()).t("&state=" + g.hexs(8) + " HTTP/1.1\"")
    elif k < 0.55:
        rec.t("GET /api/v1/lookup?phone=").p(g.phone_na_dash()).t(" HTTP/1.1\"")
    else:
        rec.t(f"{method} {g.ch(['/login', '/wp-login.php', '/.env', '/admin', '/api/v1/health', '/static/app.js'])} HTTP/1.1\"")
    rec.t(f" {g.ch([200, 200, 301, 401, 403, 404, 500])} {g.r.randint(0, 50000)} \"-\" \"")
    if nm and (not nm_used or g.r.random() < 0.3):
        ua = g.ch(CHROME_UAS)
        a, b = ua.split("Chrome/")
        ver = b.split(" ")[0]
        rec.t(a + "Chrome/").n(("ip_octet_gt_255", ver)).t(b[len(ver):] + "\"")
    else:
        rec.t(g.ch(PLAIN_UAS) + "\"")


def t_headers(g, rec, nm):
    rec.t(f"{g.ch(['POST /oauth/token', 'GET /v1/me', 'POST /graphql'])} HTTP/1.1 | Host: api.example.com | Authorization: Bearer ")
    if nm and g.r.random() < 0.6:
        rec.n(g.nm("jwt_like_not_jwt"))
    else:
        rec.p(g.jwt())
    rec.t(" | X-Forwarded-For: ").p(g.ip(0.2)).t(", ").p(g.ipv4())
    if nm:
        rec.t(" | X-Request-Id: ").n(g.nm("uuid"))


def t_aws_creds(g, rec, nm):
    rec.t(f"[profile {g.ch(['prod', 'staging', 'ci', 'default'])}]\naws_access_key_id = ")
    if nm and g.r.random() < 0.5:
        rec.n(g.nm(g.ch(["akia_wrong_length", "akia_wrong_length", "akia_bad_charset"])))
    else:
        rec.p(g.aws())
    if nm:
        rec.t("\naws_secret_access_key = ").n(g.nm("aws_secret_key"))
    rec.t(f"\nregion = {g.ch(['eu-west-1', 'us-east-1', 'ap-northeast-1'])}")


def t_cloudtrail(g, rec, nm):
    rec.t('{"eventVersion":"1.09","eventTime":"' + g.iso_ts()[:19] + 'Z","eventSource":"signin.amazonaws.com",'
          '"eventName":"ConsoleLogin","sourceIPAddress":"').p(g.ip(0.2))
    rec.t('","userAgent":"aws-cli/2.15.0 Python/3.11.6","userIdentity":{"type":"IAMUser","userName":"'
          + g.ch(USERS) + '","accessKeyId":"').p(g.aws()).t('"}')
    if nm:
        rec.t(',"requestID":"').n(g.nm("uuid")).t('"')
    rec.t(',"responseElements":{"ConsoleLogin":"' + g.ch(["Failure", "Success"]) + '"}}')


def t_payment(g, rec, nm):
    rec.t(f"{g.iso_ts()} gw={g.ch(['stripe', 'adyen', 'braintree'])} txn=ch_{g.hexs(12)} card=")
    if nm and g.r.random() < 0.6:
        v = g.nm("card_luhn_fail")
        rec.t('"').n(v).t('"') if " " in v[1] else rec.n(v)
        rec.t(f" amount={g.r.randint(1, 999)}.{g.r.randint(0, 99):02d} EUR result=declined reason=invalid_number")
    else:
        v = g.card()
        rec.t('"').p(v).t('"') if " " in v[1] else rec.p(v)
        rec.t(f" exp={g.r.randint(1, 12):02d}/{g.r.randint(26, 31)} amount={g.r.randint(1, 999)}.{g.r.randint(0, 99):02d} USD result={g.ch(['approved', 'declined'])}")
    if nm and g.r.random() < 0.5:
        rec.t(" order=").n(g.nm("order_id_16digit"))


def t_windows(g, rec, nm):
    rec.t(f"{g.iso_ts()} DC01 Microsoft-Windows-Security-Auditing EventID=4625 An account failed to log on. "
          f"Account Name: {g.ch(USERS)} Account Domain: CORP Failure Reason: Unknown user name or bad password. "
          f"Workstation Name: WS-{g.r.randint(100, 999)} Source Network Address: ")
    rec.p(g.ip(0.15)).t(f" Source Port: {g.port()}")


def t_suricata(g, rec, nm):
    sig = g.ch(["ET SCAN Suspicious inbound to mySQL port 3306", "ET POLICY Outgoing Basic Auth Base64 HTTP Password detected unencrypted",
                "ET EXPLOIT Possible Log4j RCE attempt", "GPL ATTACK_RESPONSE id check returned root"])
    rec.t(f"{g.syslog_ts()} ids-01 suricata[{g.pid()}]: [1:{g.r.randint(2000000, 2999999)}:{g.r.randint(1, 9)}] {sig} "
          f"[Classification: Attempted Information Leak] [Priority: {g.r.randint(1, 3)}] {{TCP}} ")
    rec.p(g.ipv4()).t(f":{g.port()} -> ").p(g.ipv4()).t(f":{g.ch([22, 80, 443, 3306])}")


def t_db_audit(g, rec, nm):
    rec.t(f"{g.iso_ts()[:19].replace('T', ' ')}.{g.r.randint(0, 999):03d} UTC [{g.pid()}] ")
    if nm and g.r.random() < 0.4:
        rec.n(("email_no_tld", f"{g.ch(['app', 'etl', 'postgres'])}@{g.ch(['crm', 'billing', 'kyc'])}")).t(" ")
    rec.t("LOG:  AUDIT: SESSION,1,1,WRITE,UPDATE,,,\"UPDATE customers SET ")
    cols = []
    for typ in g.r.sample(["SSN", "PHONE", "EMAIL", "IBAN"], g.r.randint(1, 2)):
        cols.append(("P", typ))
    if nm:
        cols.append(("N", g.ch(["ssn_invalid", "iban_bad_check", "phone_bad_format"])))
    g.r.shuffle(cols)
    for k, (kind, what) in enumerate(cols):
        if k:
            rec.t(", ")
        col = {"SSN": "ssn", "PHONE": "phone", "EMAIL": "email", "IBAN": "iban", "ssn_invalid": "ssn",
               "iban_bad_check": "iban", "phone_bad_format": "phone"}[what]
        rec.t(f"{col}='")
        rec.p(g.pos(what)) if kind == "P" else rec.n(g.nm(what))
        rec.t("'")
    rec.t(f" WHERE id={g.r.randint(1, 99999)}\",<not logged>")


def t_ci(g, rec, nm):
    rec.t(f"{g.iso_ts()} deploy[{g.ch(HOSTS)}]: ")
    pieces = []
    for cat in g.r.sample(["git_sha", "ip_version", "sha256", "date", "uuid"], g.r.randint(1, 3)):
        pieces.append({
            "git_sha": ["commit ", ("N", g.nm("git_sha"))],
            "ip_version": ["built agent ", ("N", g.nm("ip_version"))],
            "sha256": ["image sha256:", ("N", g.nm("sha256"))],
            "date": ["release date ", ("N", g.nm("date"))],
            "uuid": ["pipeline ", ("N", g.nm("uuid"))],
        }[cat])
    for k, pc in enumerate(pieces):
        if k:
            rec.t(" ")
        for x in pc:
            rec.add(x)
    if g.r.random() < 0.3:
        rec.t(" notify ").p(g.email())
    rec.t(" status=ok")


def t_japanese(g, rec, nm):
    p = g.person()
    rec.t(f"{g.iso_ts()[:19].replace('T', ' ')} [{g.ch(['警告', '情報', 'エラー'])}] ")
    k = g.r.random()
    if k < 0.4:
        rec.t(f"ユーザー {p[0]} のログインに失敗しました src=").p(g.ip(0.2)).t(f" 回数={g.r.randint(2, 9)}")
    elif k < 0.7:
        rec.t(f"通知先 ").p(g.email(p)).t(" にパスワード再設定メールを送信しました")
    else:
        rec.t(f"{p[0]} {p[1]} 様の電話番号 ").p(g.phone()).t(" を更新しました")
    if nm:
        cat = g.ch(["mac_address", "ip_version", "time"])
        rec.t({"mac_address": " 端末 ", "ip_version": " エージェント ", "time": " 時刻 "}[cat]).n(g.nm(cat)).t(" ✅")


def t_chat(g, rec, nm):
    rec.t(g.ch(["🚨 @channel ", "🔒 heads-up: ", "FYI ", "[#sec-ops] "]))
    k = g.r.random()
    if k < 0.4:
        rec.t("leaked creds in #deploy: ").p(g.aws()).t(" — rotating now")
    elif k < 0.7:
        rec.t(f"{g.name()} shared their SSN ").p(g.ssn()).t(" in a public channel 😬")
    else:
        rec.t("someone posted a prod token ").p(g.jwt()).t(" in the thread")
    if nm:
        cat = g.ch(["akia_wrong_length", "git_sha", "jwt_like_not_jwt", "time"])
        rec.t(" (" + {"akia_wrong_length": "the other one ", "git_sha": "fixed in ", "jwt_like_not_jwt": "the other blob ",
                      "time": "since "}[cat]).n(g.nm(cat)).t(")")


def t_stacktrace(g, rec, nm):
    card = g.card()
    rec.t("Traceback (most recent call last):\n  File \"/app/billing/charge.py\", line "
          f"{g.r.randint(20, 400)}, in charge\n    resp = gateway.charge(card=\"").p(card)
    rec.t(f"\", amount={g.r.randint(1, 500)})\nbilling.errors.Declined: card ").p(card).t(" declined for user ").p(g.email())
    if nm:
        rec.t(" (trace ").n(g.nm("uuid")).t(")")


def t_sepa(g, rec, nm):
    """SEPA transfer lines: an IBAN directly followed by an upper-case currency code."""
    rec.t(f"{g.iso_ts()} sepa-gw: credit transfer {g.ch(['queued', 'sent', 'returned'])} debtor=")
    rec.p(g.iban()).t(" creditor ")
    if nm and g.r.random() < 0.6:
        rec.n(g.nm(g.ch(["iban_bad_check", "iban_bad_check", "iban_wrong_length"])))
    else:
        rec.p(g.iban())
    rec.t(f" EUR {g.r.randint(1, 9)},{g.r.randint(0, 999):03d}.{g.r.randint(0, 99):02d} ref INV-2026-{g.r.randint(1, 9999):04d}")
    if nm and g.r.random() < 0.5:
        rec.t(" e2e ").n(g.nm("uuid"))


def t_filler(g, rec, nm):
    rec.t(f"{g.syslog_ts()} {g.ch(HOSTS)} {g.ch(FILLER)}")


def pick_key(g, options, used):
    """A field name from options not used yet in this record (suffix _2, _3 if all are)."""
    free = [k for k in options if k not in used]
    key = g.ch(free) if free else g.ch(options)
    n = 2
    while key in used:
        key = f"{key.rsplit('_', 1)[0] if key[-1].isdigit() else key}_{n}"
        n += 1
    used.add(key)
    return key


def _kv_value(rec, piece):
    kind, item = piece
    v = item[1]
    quote = any(c in v for c in " ,")
    if quote:
        rec.t('"')
    rec.add(piece)
    if quote:
        rec.t('"')


def t_logfmt(g, rec, nm):
    rec.t(f"ts={g.iso_ts()} level={g.ch(['info', 'warn', 'error'])} svc={g.ch(SERVICES)} "
          f"event={g.ch(['login_failed', 'password_reset', 'profile_update', 'payout_changed', 'api_call', 'export'])}")
    fields = [("P", t) for t in {g.pick_type() for _ in range(g.r.choice([1, 1, 2, 3]))}]
    fields.sort(key=lambda x: x[1])
    if nm:
        fields += [("N", c) for c in sorted({g.pick_nm() for _ in range(g.r.choice([1, 1, 2]))})]
    elif g.r.random() < 0.25:
        fields = []
    g.r.shuffle(fields)
    used: set[str] = set()
    for kind, what in fields:
        key = pick_key(g, KEY_POS[what] if kind == "P" else KEY_NM[what], used)
        rec.t(f" {key}=")
        _kv_value(rec, ("P", g.pos(what)) if kind == "P" else ("N", g.nm(what)))
    rec.t(f" duration_ms={g.r.randint(1, 4000)}")


def t_json(g, rec, nm):
    p = g.person()
    rec.t('{"ts":"' + g.iso_ts() + '","level":"' + g.ch(["info", "warn", "error"]) + '","service":"' + g.ch(SERVICES)
          + '","msg":"' + g.ch(["payment declined", "profile updated", "login failed", "KYC check", "refund issued",
                                 "Zahlung abgelehnt", "支払い失敗", "mise à jour du profil"]) + '"')
    fields = [("P", t) for t in {g.pick_type() for _ in range(g.r.choice([1, 2, 2, 3]))}]
    fields.sort(key=lambda x: x[1])
    if nm:
        fields += [("N", c) for c in sorted({g.pick_nm() for _ in range(g.r.choice([1, 1, 2]))})]
    elif g.r.random() < 0.2:
        fields = []
    g.r.shuffle(fields)
    used: set[str] = set()
    if g.r.random() < 0.5:
        rec.t(',"customer":{"name":"' + g.name(p) + '"')
        if g.r.random() < 0.6:
            rec.t(',"email":"').p(g.email(p)).t('"')
            used.add("email")
        rec.t("}")
    for kind, what in fields:
        key = pick_key(g, KEY_POS[what] if kind == "P" else KEY_NM[what], used)
        rec.t(f',"{key}":"').add(("P", g.pos(what)) if kind == "P" else ("N", g.nm(what))).t('"')
    rec.t(f',"latency_ms":{g.r.randint(1, 900)}}}')


CSV_HEADERS = [
    "id,name,email,phone,country,notes",
    "customer_id,full_name,iban,card,created_at",
    "ts,src_ip,user,action,result",
    "employee,ssn,phone,email,manager",
]


def csv_field(rec, piece_or_str):
    """Write one CSV field, quoting when needed (commas/quotes; quotes doubled)."""
    if isinstance(piece_or_str, str):
        s = piece_or_str
        if any(c in s for c in ',"\n'):
            rec.t('"' + s.replace('"', '""') + '"')
        else:
            rec.t(s)
        return
    rec.add(piece_or_str)


def t_csv(g, rec, nm):
    kind = g.r.randrange(4)
    if g.r.random() < 0.04:
        rec.t(CSV_HEADERS[kind])
        return
    p = g.person()
    fields: list = []
    if kind == 0:
        fields = [str(g.r.randint(1000, 99999)), f"{p[1]}, {p[0]}", ("P", g.email(p)), ("P", g.phone()),
                  g.ch(["DE", "FR", "JP", "US", "ES", "GB", "日本", "Österreich"])]
        if nm:
            cat = g.ch(["order_id_16digit", "phone_bad_format", "date", "email_no_tld", "card_luhn_fail"])
            note = g.ch(['said "call me back" re: ', "alt contact, ", "per chat: "])
            fields.append(("NOTE", note, ("N", g.nm(cat))))
        else:
            fields.append(g.ch(['VIP, handle with care', 'said "no marketing"', "", "Rückruf erbeten"]))
    elif kind == 1:
        iban = ("N", g.nm(g.ch(["iban_bad_check", "iban_wrong_length"]))) if nm and g.r.random() < 0.5 else ("P", g.iban())
        card = ("N", g.nm("card_luhn_fail")) if nm and iban[0] == "P" else ("P", g.card())
        fields = [str(g.r.randint(1000, 99999)), g.name(p), iban, card, g.iso_ts()[:10]]
    elif kind == 2:
        src = ("N", g.nm(g.ch(["ip_octet_gt_255", "ip_leading_zero", "ip_version"]))) if nm else ("P", g.ip(0.3))
        fields = [g.iso_ts(), src, g.ch(USERS), g.ch(["login", "sudo", "scp", "vpn-connect"]), g.ch(["ok", "fail"])]
    else:
        ssn = ("N", g.nm("ssn_invalid")) if nm else ("P", g.ssn())
        fields = [g.name(p), ssn, ("P", g.phone()), ("P", g.email(p)), g.name()]
    for k, f in enumerate(fields):
        if k:
            rec.t(",")
        if isinstance(f, tuple) and f[0] == "NOTE":
            _, note, piece = f
            rec.t('"' + note.replace('"', '""')).add(piece).t('"')
        elif isinstance(f, tuple) and ("," in f[1][1] or " " in f[1][1]):
            rec.t('"').add(f).t('"')  # quoting a value with spaces is optional in CSV; done here
        else:
            csv_field(rec, f)


def t_ticket(g, rec, nm):
    p = g.person()
    rec.t(g.ch([f"[INC{g.r.randint(10000, 99999)}] {g.name(p)}: ", f"Comment by {g.name(p)} on SEC-{g.r.randint(100, 9999)} – ",
                "SOC note – ", "🚨 Escalation: ", f"Re: ticket #{g.r.randint(1000, 9999)} — "]))
    sentences = []
    for _ in range(g.r.choice([0, 1, 1, 1, 2, 2, 3]) if nm else g.r.choice([1, 1, 2, 2, 3])):
        typ = g.pick_type()
        if typ in PROSE_POS_I18N and g.r.random() < 0.3:
            fmt = g.ch(PROSE_POS_I18N[typ])
            sentences.append(fmt_pieces(fmt, ("P", g.pos(typ) if typ != "EMAIL" else g.email(p)), name=g.name(p)))
        else:
            sentences.append(fmt_pieces(g.ch(PROSE_POS[typ]), ("P", g.pos(typ))))
    if nm:
        for cat in sorted({g.pick_nm() for _ in range(g.r.choice([1, 1, 2]))}):
            sentences.append(fmt_pieces(g.ch(PROSE_NM[cat]), ("N", g.nm(cat))))
    if g.r.random() < 0.5:
        sentences.append([g.ch(FILLER_SENTENCES)])
    g.r.shuffle(sentences)
    for k, s in enumerate(sentences):
        if k:
            rec.t(g.ch([". ", "; ", ". ", " — "]))
        for x in s:
            rec.add(x)
    rec.t(g.ch([".", "", " 🙏", ".", "!"]))


# (function, weight, can carry near misses, always carries near misses)
TEMPLATES = [
    (t_sshd, 9, False, False),
    (t_pam, 3, False, False),
    (t_sudo, 3, False, False),
    (t_postfix, 4, True, False),
    (t_dhcpd, 2, True, True),
    (t_ufw, 4, True, False),
    (t_access, 9, True, False),
    (t_headers, 3, True, False),
    (t_aws_creds, 2, True, False),
    (t_cloudtrail, 2, True, False),
    (t_payment, 4, True, False),
    (t_windows, 2, False, False),
    (t_suricata, 2, False, False),
    (t_db_audit, 3, True, False),
    (t_ci, 2, True, True),
    (t_japanese, 3, True, False),
    (t_chat, 2, True, False),
    (t_stacktrace, 1, True, False),
    (t_sepa, 2, True, False),
    (t_filler, 6, False, False),
    (t_logfmt, 11, True, False),
    (t_json, 11, True, False),
    (t_csv, 9, True, False),
    (t_ticket, 12, True, False),
]


def generate(seed: int = SEED, n: int = N_RECORDS):
    g = Gen(seed)
    records, stats = [], {"nm_tokens": Counter(), "nm_lines": Counter(), "retries": Counter(), "templates": Counter()}
    for _ in range(n):
        want_nm = g.r.random() < P_NEAR_MISS
        pool = [t for t in TEMPLATES if (t[2] if want_nm else not t[3])]
        for attempt in range(50):
            fn = g.r.choices([t[0] for t in pool], weights=[t[1] for t in pool])[0]
            rec = Rec()
            fn(g, rec, want_nm)
            text, spans = rec.build()
            if want_nm and not rec.nms:
                stats["retries"][fn.__name__ + ":no-nm"] += 1
                continue
            problems = check_record(text, spans)
            if problems:
                stats["retries"][fn.__name__] += 1
                if stats["retries"][fn.__name__] <= 3:
                    print(f"retry {fn.__name__}: {text!r}\n  {problems}", file=sys.stderr)
                continue
            break
        else:
            raise RuntimeError("could not generate a clean record")
        records.append({"text": text, "spans": spans})
        stats["templates"][fn.__name__] += 1
        stats["nm_tokens"].update(rec.nms)
        stats["nm_lines"].update(set(rec.nms))
        if rec.nms:
            stats["nm_lines"]["*any*"] += 1
    return records, stats


def dump(records) -> bytes:
    return b"".join(
        json.dumps(r, ensure_ascii=False, separators=(", ", ": ")).encode("utf-8") + b"\n" for r in records
    )


def check_file(path: Path) -> int:
    bad = 0
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        rec = json.loads(line)
        if set(rec) != {"text", "spans"}:
            print(f"{path}:{lineno}: unexpected keys {sorted(rec)}")
            bad += 1
            continue
        for prob in check_record(rec["text"], rec["spans"]):
            print(f"{path}:{lineno}: {prob}")
            bad += 1
    return bad


def print_stats(records, stats, data: bytes):
    types = Counter(s["type"] for r in records for s in r["spans"])
    lines_with = Counter(t for r in records for t in {s["type"] for s in r["spans"]})
    n = len(records)
    any_span = sum(1 for r in records if r["spans"])
    non_ascii = sum(1 for r in records if not r["text"].isascii())
    multiline = sum(1 for r in records if "\n" in r["text"])
    out = sys.stderr
    print(f"records: {n}  bytes: {len(data)}  with spans: {any_span}  without spans: {n - any_span}  "
          f"with near miss: {stats['nm_lines']['*any*']}  non-ASCII: {non_ascii}  multi-line: {multiline}", file=out)
    print(f"spans: {sum(types.values())}", file=out)
    print("| type | spans | records |", file=out)
    for t in TYPES:
        print(f"| {t} | {types[t]} | {lines_with[t]} |", file=out)
    print("| near-miss category | tokens | records |", file=out)
    for c in Gen.NM_WEIGHTS:
        print(f"| {c} | {stats['nm_tokens'][c]} | {stats['nm_lines'][c]} |", file=out)
    print(f"templates: {dict(sorted(stats['templates'].items()))}", file=out)
    print(f"retries: {dict(sorted(stats['retries'].items()))}", file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="only validate the existing file")
    args = ap.parse_args(argv)
    if args.check:
        bad = check_file(args.out)
        print(f"{args.out}: {'OK' if not bad else f'{bad} problem(s)'}", file=sys.stderr)
        return 1 if bad else 0
    records, stats = generate()
    data = dump(records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print_stats(records, stats, data)
    bad = check_file(args.out)
    if bad:
        print(f"{bad} problem(s) in the written file", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
