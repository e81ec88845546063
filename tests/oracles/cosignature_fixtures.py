#!/usr/bin/env python3
"""Golden-fixture generator for aigov's C2SP tlog cosignatures
(``cosignature/v1``, Ed25519) on checkpoints carried in signed notes.

Independent oracle: written from the C2SP specs alone, with pyca/cryptography
for Ed25519 and hashlib for SHA-256; no aigov code is imported or imitated.

Specs implemented (byte formats only):

* C2SP signed-note  (https://c2sp.org/signed-note)   - note = body + "\\n" +
  signature lines ``— <name> base64(key ID[4] || signature)\\n`` (U+2014, space);
  key ID = SHA-256(name || "\\n" || alg || public key)[:4]; vkey =
  ``<name>+<hex8 key ID>+base64(alg || public key)``; alg 0x01 = Ed25519 over
  the note body.
* C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint) - body =
  ``origin\\nsize\\nbase64(root)\\n`` (standard base64 with padding).
* C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature) - alg 0x04;
  signature field = u64 big-endian timestamp || 64-byte Ed25519 signature;
  signed message = ``cosignature/v1\\n`` + ``time <decimal, no leading
  zeros>\\n`` + the whole note body (final newline included, no signature
  lines).

Made with: CPython 3.11.7, cryptography 51.0.1 (any recent pyca/cryptography
gives identical output: Ed25519 signatures are deterministic, RFC 8032).

How to run (from anywhere; keep the virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/oracle-venv
    /tmp/oracle-venv/bin/pip install cryptography
    /tmp/oracle-venv/bin/python -B tests/oracles/cosignature_fixtures.py

Output: ``tests/fixtures/cosignature.json`` (path is relative to this script,
so the working directory does not matter).  The output is byte-for-byte
deterministic: keys come from fixed 32-byte Ed25519 seeds, roots and
timestamps are fixed, nothing random is used.

Fixed inputs:

* log key      - seed = 32 x 0x07, name ``aigov-store``, alg 0x01; the
  checkpoint origin is ``aigov-store+<hex8 0x01 key ID>/audit``.
* checkpoints  - size 5, root = SHA-256(b"root-5"); size 9, root =
  SHA-256(b"root-9").  Arbitrary 32-byte roots: these are FORMAT vectors, not
  Merkle trees (no inclusion/consistency proofs are implied).
* witness key  - seed = 32 x 0x2a, name ``witness.example.com/w1``, alg 0x04;
  case 0 is cosigned at time 1700000000, case 1 at 1700000100.

What the script checks before writing anything (it aborts on any failure):

* every key ID recomputed from its definition and from the parsed vkey; the
  0x01 and 0x04 key IDs of the witness key differ;
* every log signature and cosignature verifies with
  ``Ed25519PublicKey.verify`` via a small independent parser/verifier
  (vkey parsing, key-ID match, 76-byte cosignature blob, timestamp
  <= 2^63-1, message reconstruction);
* domain separation: a cosignature does not verify as a plain note signature
  over the body, and the log signature does not verify over the cosigned
  message;
* negative cases (one flipped signature byte; the timestamp altered with the
  signature left unchanged) FAIL verification (InvalidSignature);
* known-answer anchors: the golang.org/x/mod/sumdb/note example
  (PeterNeumann) is reproduced byte-for-byte (0x01 key ID, vkey, signature
  line), and the cosignature line of the C2SP tlog-cosignature example is
  decoded into key ID + timestamp + 64-byte signature (parse only: the spec
  does not publish the witness public key, so it cannot be verified); its
  timestamp must equal the ``time 1679315147`` line of the spec's
  signed-message example.

JSON layout (all strings UTF-8; ``—`` is written literally):

* ``log_key`` / ``witness_key`` - name, alg, seed_hex, public_key_hex,
  key_id_hex, vkey (+ the checkpoint origin for the log key).
* ``cases[]`` - origin, size, root_hex, root_base64, note_body,
  log_signature_line, log_vkey, witness_vkey, witness_key_id_hex, timestamp,
  cosigned_message, cosignature_base64, ed25519_signature_hex,
  cosignature_line, cosigned_note (= note_body + "\\n" + log_signature_line +
  cosignature_line).
* ``negative_cases[]`` - mutated cosignature_line / cosigned_note of case 0,
  ``expected_valid: false``.
* ``spec_example`` - the C2SP example, parsed.
* ``go_sumdb_note_vector`` - the Go sumdb/note KAT for the 0x01 path.
"""

import base64
import hashlib
import json
import pathlib
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures" / "cosignature.json"

EM_DASH = "\u2014"
ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
COSIG_HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1

LOG_SEED = bytes([0x07]) * 32
LOG_NAME = "aigov-store"
WITNESS_SEED = bytes([0x2A]) * 32
WITNESS_NAME = "witness.example.com/w1"
CHECKPOINTS = [(5, b"root-5", 1700000000), (9, b"root-9", 1700000100)]

# C2SP tlog-cosignature, example at the top of the document.  Older revisions
# of the spec wrapped the witness line with a literal "\n"; the current one
# does not.  Both spellings are recorded; the wrap is removed before decoding.
SPEC_CHECKPOINT_BODY = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)
SPEC_LOG_LINE = (
    EM_DASH + " example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9"
    "nTo+zyWE+xeMcTOAYQ8=\n"
)
SPEC_WITNESS_LINE_AS_QUOTED = (
    EM_DASH + " witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
    "\\n"
    "qhf5nNo0xUe+mbIUBkBIfZ+qnA=="
)
SPEC_SIGNED_MESSAGE_TIME = 1679315147  # "time 1679315147" in the spec text

# golang.org/x/mod/sumdb/note, package doc example / note_test.go.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIG_LINE = (
    EM_DASH + " PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
)


# --------------------------------------------------------------------------
# Primitives.
# --------------------------------------------------------------------------
def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64d(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def raw_public(sk: Ed25519PrivateKey) -> bytes:
    return sk.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id(name: str, alg: int, pub: bytes) -> bytes:
    """SHA-256(name || "\\n" || alg || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + pub).digest()[:4]


def make_vkey(name: str, alg: int, pub: bytes) -> str:
    return f"{name}+{key_id(name, alg, pub).hex()}+{b64(bytes([alg]) + pub)}"


def parse_vkey(vkey: str):
    """-> (name, key_id bytes, alg, public key).  Checks the key ID."""
    # The name cannot contain '+', the base64 part can: split at most twice.
    name, kid_hex, material = vkey.split("+", 2)
    assert len(kid_hex) == 8 and kid_hex == kid_hex.lower(), vkey
    raw = b64d(material)
    alg, pub = raw[0], raw[1:]
    assert len(pub) == 32, vkey
    kid = bytes.fromhex(kid_hex)
    assert kid == key_id(name, alg, pub), f"key ID mismatch in {vkey!r}"
    return name, kid, alg, pub


def signature_line(name: str, kid: bytes, sig: bytes) -> str:
    return f"{EM_DASH} {name} {b64(kid + sig)}\n"


def parse_signature_line(line: str):
    """-> (name, key_id, signature bytes)."""
    prefix = EM_DASH + " "
    assert line.startswith(prefix) and line.endswith("\n"), repr(line)
    name, blob_b64 = line[len(prefix):-1].split(" ")
    blob = b64d(blob_b64)
    assert len(blob) >= 5, repr(line)
    return name, blob[:4], blob[4:]


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    assert len(root) == 32
    return f"{origin}\n{size}\n{b64(root)}\n"


def cosigned_message(timestamp: int, body: str) -> str:
    assert 0 <= timestamp <= MAX_TIMESTAMP
    return f"{COSIG_HEADER}time {timestamp}\n{body}"


def cosignature_blob(timestamp: int, ed_sig: bytes) -> bytes:
    assert len(ed_sig) == 64
    return timestamp.to_bytes(8, "big") + ed_sig


def ed_verify(pub: bytes, sig: bytes, msg: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


# --------------------------------------------------------------------------
# Independent verifiers (what the Rust side is expected to agree with).
# --------------------------------------------------------------------------
def verify_note_signature(vkey: str, body: str, line: str) -> bool:
    name, kid, alg, pub = parse_vkey(vkey)
    assert alg == ALG_ED25519
    lname, lkid, sig = parse_signature_line(line)
    if (lname, lkid) != (name, kid) or len(sig) != 64:
        return False
    return ed_verify(pub, sig, body.encode("utf-8"))


def verify_cosignature(vkey: str, body: str, line: str):
    """-> (valid, timestamp or None)."""
    name, kid, alg, pub = parse_vkey(vkey)
    assert alg == ALG_COSIGNATURE_V1
    lname, lkid, rest = parse_signature_line(line)
    if (lname, lkid) != (name, kid) or len(rest) != 8 + 64:
        return False, None
    ts = int.from_bytes(rest[:8], "big")
    if ts > MAX_TIMESTAMP:
        return False, ts
    return ed_verify(pub, rest[8:], cosigned_message(ts, body).encode("utf-8")), ts


# --------------------------------------------------------------------------
# External anchors.
# --------------------------------------------------------------------------
def go_sumdb_vector() -> dict:
    # skey = "PRIVATE+KEY+<name>+<hex8>+base64(0x01 || seed)"; base64 may hold '+'.
    _, _, name, kid_hex, material = GO_SKEY.split("+", 4)
    raw = b64d(material)
    assert raw[0] == ALG_ED25519 and len(raw) == 33
    seed = raw[1:]
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pub = raw_public(sk)
    kid = key_id(name, ALG_ED25519, pub)
    assert kid.hex() == kid_hex, (kid.hex(), kid_hex)
    assert make_vkey(name, ALG_ED25519, pub) == GO_VKEY, make_vkey(name, ALG_ED25519, pub)
    line = signature_line(name, kid, sk.sign(GO_TEXT.encode("utf-8")))
    assert line == GO_SIG_LINE, f"Go sumdb/note KAT not reproduced: {line!r}"
    assert verify_note_signature(GO_VKEY, GO_TEXT, GO_SIG_LINE)
    return {
        "source": "golang.org/x/mod/sumdb/note (package example, note_test.go)",
        "skey": GO_SKEY,
        "seed_hex": seed.hex(),
        "vkey": GO_VKEY,
        "key_id_hex": kid_hex,
        "public_key_hex": pub.hex(),
        "text": GO_TEXT,
        "signature_line": GO_SIG_LINE,
        "signed_note": GO_TEXT + "\n" + GO_SIG_LINE,
    }


def spec_example() -> dict:
    wrap = "\\n"
    assert SPEC_WITNESS_LINE_AS_QUOTED.count(wrap) == 1
    unwrapped = SPEC_WITNESS_LINE_AS_QUOTED.replace(wrap, "") + "\n"
    w_name, w_kid, w_rest = parse_signature_line(unwrapped)
    # Decodes to 4 + 8 + 64 bytes only once the wrap artifact is removed.
    assert len(w_kid) + len(w_rest) == 4 + 8 + 64, len(w_kid) + len(w_rest)
    w_ts = int.from_bytes(w_rest[:8], "big")
    assert w_ts == SPEC_SIGNED_MESSAGE_TIME, w_ts
    l_name, l_kid, l_sig = parse_signature_line(SPEC_LOG_LINE)
    assert len(l_sig) == 64
    assert l_name == SPEC_CHECKPOINT_BODY.split("\n", 1)[0]
    return {
        "source": "C2SP tlog-cosignature, introductory example",
        "verified": False,
        "note": (
            "Format example only: the spec does not publish the public keys, "
            "so the signatures are parsed, not verified. The witness line was "
            "quoted with a literal '\\n' line-wrap artifact; it decodes to "
            "4+8+64 bytes once that is removed (current spec text has no wrap)."
        ),
        "checkpoint_body": SPEC_CHECKPOINT_BODY,
        "log_signature_line": SPEC_LOG_LINE,
        "log_name": l_name,
        "log_key_id_hex": l_kid.hex(),
        "log_signature_len": len(l_sig),
        "witness_line_as_quoted": SPEC_WITNESS_LINE_AS_QUOTED,
        "witness_line": unwrapped,
        "witness_name": w_name,
        "witness_key_id_hex": w_kid.hex(),
        "witness_timestamp": w_ts,
        "witness_ed25519_signature_hex": w_rest[8:].hex(),
        "cosigned_message_if_valid": cosigned_message(w_ts, SPEC_CHECKPOINT_BODY),
        "signed_note": SPEC_CHECKPOINT_BODY + "\n" + SPEC_LOG_LINE + unwrapped,
    }


# --------------------------------------------------------------------------
# Fixture.
# --------------------------------------------------------------------------
def key_block(name: str, alg: int, seed: bytes) -> tuple:
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pub = raw_public(sk)
    kid = key_id(name, alg, pub)
    vkey = make_vkey(name, alg, pub)
    # Key-ID check from the definition, by hand, and through the vkey parser.
    manual = hashlib.sha256(
        name.encode("utf-8") + b"\x0a" + alg.to_bytes(1, "big") + pub
    ).digest()[0:4]
    assert kid == manual
    assert parse_vkey(vkey) == (name, kid, alg, pub)
    block = {
        "name": name,
        "alg": alg,
        "seed_hex": seed.hex(),
        "public_key_hex": pub.hex(),
        "key_id_hex": kid.hex(),
        "vkey": vkey,
    }
    return sk, pub, kid, vkey, block


def build() -> dict:
    log_sk, log_pub, log_kid, log_vkey, log_block = key_block(
        LOG_NAME, ALG_ED25519, LOG_SEED)
    w_sk, w_pub, w_kid, w_vkey, w_block = key_block(
        WITNESS_NAME, ALG_COSIGNATURE_V1, WITNESS_SEED)
    origin = f"{LOG_NAME}+{log_kid.hex()}/audit"
    log_block["origin"] = origin

    # The same witness key under alg 0x01 has another key ID: a verifier keyed
    # by the 0x01 vkey must not match (and so must ignore) the cosignature line.
    w_kid_01 = key_id(WITNESS_NAME, ALG_ED25519, w_pub)
    assert w_kid_01 != w_kid
    w_block["key_id_hex_if_alg_0x01"] = w_kid_01.hex()
    w_block["vkey_if_alg_0x01"] = make_vkey(WITNESS_NAME, ALG_ED25519, w_pub)

    cases = []
    for size, root_input, ts in CHECKPOINTS:
        root = hashlib.sha256(root_input).digest()
        body = checkpoint_body(origin, size, root)
        body_b = body.encode("utf-8")

        log_sig = log_sk.sign(body_b)
        assert log_sig == log_sk.sign(body_b)  # deterministic
        log_line = signature_line(LOG_NAME, log_kid, log_sig)

        msg = cosigned_message(ts, body)
        assert msg.startswith("cosignature/v1\ntime ") and msg.endswith(body)
        assert f"time {ts}\n" in msg and not str(ts).startswith("0")
        ed_sig = w_sk.sign(msg.encode("utf-8"))
        blob = cosignature_blob(ts, ed_sig)
        cosig_line = signature_line(WITNESS_NAME, w_kid, blob)

        # Verification with cryptography's Ed25519PublicKey.verify.
        Ed25519PublicKey.from_public_bytes(log_pub).verify(log_sig, body_b)
        Ed25519PublicKey.from_public_bytes(w_pub).verify(ed_sig, msg.encode("utf-8"))
        assert verify_note_signature(log_vkey, body, log_line)
        assert verify_cosignature(w_vkey, body, cosig_line) == (True, ts)
        # Domain separation.
        assert not ed_verify(w_pub, ed_sig, body_b)
        assert not ed_verify(log_pub, log_sig, msg.encode("utf-8"))

        note = body + "\n" + log_line + cosig_line
        assert note.split("\n\n", 1) == [body[:-1], log_line + cosig_line]
        cases.append({
            "id": f"size_{size}",
            "origin": origin,
            "size": size,
            "root_input": root_input.decode("ascii"),
            "root_hex": root.hex(),
            "root_base64": b64(root),
            "note_body": body,
            "log_vkey": log_vkey,
            "log_key_id_hex": log_kid.hex(),
            "log_signature_hex": log_sig.hex(),
            "log_signature_line": log_line,
            "witness_name": WITNESS_NAME,
            "witness_vkey": w_vkey,
            "witness_key_id_hex": w_kid.hex(),
            "timestamp": ts,
            "cosigned_message": msg,
            "ed25519_signature_hex": ed_sig.hex(),
            "cosignature_base64": b64(w_kid + blob),
            "cosignature_line": cosig_line,
            "cosigned_note": note,
        })

    # Negative cases, built from case 0.
    base = cases[0]
    body = base["note_body"]
    log_line = base["log_signature_line"]
    good = b64d(base["cosignature_base64"])  # key ID[4] || ts[8] || sig[64]
    assert len(good) == 76

    flipped = bytearray(good)
    flipped[12] ^= 0x01  # first byte of the Ed25519 signature (R)
    flipped = bytes(flipped)

    altered_ts = base["timestamp"] + 1
    altered = good[:4] + altered_ts.to_bytes(8, "big") + good[12:]

    negatives = []
    for nid, desc, blob, claimed_ts in (
        ("flipped_signature_byte",
         "case size_5 cosignature with byte 0 of the 64-byte Ed25519 "
         "signature XORed with 0x01 (byte 12 of the decoded blob)",
         flipped, base["timestamp"]),
        ("altered_timestamp",
         "case size_5 cosignature with the u64 timestamp changed to "
         f"{altered_ts} (signature bytes unchanged)",
         altered, altered_ts),
    ):
        line = f"{EM_DASH} {WITNESS_NAME} {b64(blob)}\n"
        implied_msg = cosigned_message(claimed_ts, body)
        try:
            Ed25519PublicKey.from_public_bytes(w_pub).verify(
                blob[12:], implied_msg.encode("utf-8"))
        except InvalidSignature:
            pass
        else:
            raise AssertionError(f"negative case {nid} verified")
        assert verify_cosignature(w_vkey, body, line) == (False, claimed_ts)
        negatives.append({
            "id": nid,
            "base_case": base["id"],
            "description": desc,
            "witness_vkey": w_vkey,
            "note_body": body,
            "timestamp": claimed_ts,
            "cosigned_message": implied_msg,
            "cosignature_line": line,
            "cosigned_note": body + "\n" + log_line + line,
            "expected_valid": False,
            "log_signature_still_valid": True,
        })
        assert verify_note_signature(log_vkey, body, log_line)

    return {
        "description": (
            "C2SP tlog-cosignature cosignature/v1 (Ed25519, alg 0x04) and "
            "signed-note (Ed25519, alg 0x01) format vectors for checkpoints. "
            "Roots are arbitrary 32-byte values (not Merkle trees)."
        ),
        "generator": "tests/oracles/cosignature_fixtures.py",
        "regenerate": "/tmp/oracle-venv/bin/python -B tests/oracles/cosignature_fixtures.py",
        "specs": [
            "https://c2sp.org/tlog-cosignature",
            "https://c2sp.org/signed-note",
            "https://c2sp.org/tlog-checkpoint",
        ],
        "log_key": log_block,
        "witness_key": w_block,
        "cases": cases,
        "negative_cases": negatives,
        "spec_example": spec_example(),
        "go_sumdb_note_vector": go_sumdb_vector(),
    }


def main() -> None:
    doc = build()
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    # Round-trip sanity: the file parses back to the same data.
    assert json.loads(text) == doc
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text.encode('utf-8'))} bytes)")
    print(f"  log     {doc['log_key']['vkey']}  origin {doc['log_key']['origin']}")
    print(f"  witness {doc['witness_key']['vkey']}")
    for c in doc["cases"]:
        print(f"  {c['id']:<8} t={c['timestamp']} VALID   {c['cosignature_line']}", end="")
    for n in doc["negative_cases"]:
        print(f"  {n['id']:<22} INVALID")
    se = doc["spec_example"]
    print(f"  spec example: key id {se['witness_key_id_hex']}, "
          f"time {se['witness_timestamp']} (parsed only)")
    print("  go sumdb/note KAT reproduced byte-for-byte")


if __name__ == "__main__":
    sys.exit(main())
