#!/usr/bin/env python3
"""Golden-fixture generator for aigov's OpenSSF `model-signing` compatibility tests.

Made with: model-signing 1.1.1 (PyPI `model-signing`, import `model_signing`)
on CPython 3.11.7, cryptography 50.0.2, protobuf 7.36.2, sigstore-models 0.0.6,
in-toto-attestation 0.9.3, pyOpenSSL 26.4.0.

How to run (from anywhere; outputs go next to this script, under
``tests/fixtures/model_signing/``; keep any virtualenv OUTSIDE the repo):

    python3.11 -m venv /tmp/msvenv
    /tmp/msvenv/bin/pip install model-signing==1.1.1 pyopenssl
    /tmp/msvenv/bin/python -B tests/oracles/model_signing_fixtures.py

(`pyopenssl` must be installed by hand: model-signing 1.1.1 imports `OpenSSL`
in `_signing/sign_certificate.py` but does not declare the dependency.)

Determinism.  The output is byte-for-byte reproducible.  Three sources of
nondeterminism in the library are pinned, none of which changes the format:

* the order of `ignore_paths` in the predicate is the iteration order of a
  Python ``frozenset`` -> the script re-executes itself with PYTHONHASHSEED=0;
* the key order of the in-toto predicate (a protobuf ``Struct``, i.e. a map)
  is randomised per process by the default `upb` protobuf backend -> the script
  re-executes itself with PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python, whose
  maps keep insertion order;
* ECDSA nonces are random in the library -> the signer's private key object is
  wrapped so that it signs with RFC 6979 deterministic nonces
  (``ec.ECDSA(..., deterministic_signing=True)``).  Pass ``--random-nonce`` to
  use the unmodified library key object instead (signatures then change on
  every run; everything else stays identical).

The signing keys are derived deterministically from fixed seeds (they are test
keys; the PEM files are written into the fixture directory).

What is written (see FORMAT.md in the fixture directory for the format notes):

* ``hashing.json``  - model directory specs + per hashing-config manifests,
  root digests, full in-toto statements and the exact DSSE payload text.
* ``signing.json``  - keys, signed bundles (exact text) and a table of
  verification cases (tampered bundles / modified directories / other keys)
  with the Python verifier's verdict and error message.
* ``model.sig`` (case `nested`, files method), ``model_shards.sig`` (case
  `shards`, shard_size=1000), ``signing_key.pem``, ``signing_key.pub``,
  ``other_key.pem``, ``other_key.pub``.

Recreating a model directory from a case spec: in an empty base dir B, create
``B/<model_dir>/<path>`` for every entry of ``files`` (bytes =
base64-decoded ``content_b64``), create every ``empty_dirs`` entry, create every
``symlinks`` entry (``path`` -> relative ``target``), then hash ``B/<model_path>``.
The model name the library records is the last component of ``model_path``.
"""

import base64
import contextlib
import copy
import hashlib
import io
import json
import os
import pathlib
import shutil
import sys
import tempfile
import types

# --------------------------------------------------------------------------
# Re-exec with a pinned environment (see "Determinism" above).
# --------------------------------------------------------------------------
_PINNED_ENV = {
    "PYTHONHASHSEED": "0",
    "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION": "python",
    "PYTHONDONTWRITEBYTECODE": "1",
}
if any(os.environ.get(k) != v for k, v in _PINNED_ENV.items()):
    env = dict(os.environ)
    env.update(_PINNED_ENV)
    os.execve(sys.executable, [sys.executable, "-B", *sys.argv], env)

sys.dont_write_bytecode = True

from importlib import metadata  # noqa: E402

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import utils as ec_utils  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from google.protobuf.internal import api_implementation  # noqa: E402
from in_toto_attestation.v1 import statement as intoto_statement  # noqa: E402

import model_signing  # noqa: E402
from model_signing._signing import sign_sigstore_pb  # noqa: E402
from model_signing._signing import signing as ms_signing  # noqa: E402

EXPECTED_VERSION = "1.1.1"
RANDOM_NONCE = "--random-nonce" in sys.argv[1:]

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures" / "model_signing"

DEFAULT_SHARD_SIZE = 1_000_000_000
P256_ORDER = int(
    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16
)


# --------------------------------------------------------------------------
# Deterministic content.
# --------------------------------------------------------------------------
def prng_bytes(seed: str, n: int) -> bytes:
    """SHA-256 in counter mode: sha256(seed_utf8 || counter_u32_be) blocks."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(
            seed.encode("utf-8") + counter.to_bytes(4, "big")
        ).digest()
        counter += 1
    return bytes(out[:n])


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def f(path, size, seed=None):
    return {"path": path, "size": size, "seed": seed}


# Explicit model specs.  Sizes are in bytes; contents are prng_bytes(seed).
CASES = [
    {
        "id": "nested",
        "description": (
            "Nested folders (3 levels). Names chosen so that component-wise "
            "path ordering differs from plain string ordering "
            "('-' 0x2d < '.' 0x2e < '/' 0x2f < '0' 0x30)."
        ),
        "model_dir": "nested_model",
        "model_path": "nested_model",
        "files": [
            f("a/b.txt", 37),
            f("a/z", 64),
            f("a/b/c/weights.bin", 2500),
            f("a.txt", 11),
            f("a.b/c.txt", 129),
            f("a-b/x", 1000),
            f("a0", 5),
            f("ab", 300),
            f("B.txt", 3),
        ],
        "variants": ["files", "shards_default", "shards_1000"],
    },
    {
        "id": "empty_file",
        "description": "An empty file (and an empty directory) among others.",
        "model_dir": "empty_file_model",
        "model_path": "empty_file_model",
        "files": [
            f("config.json", 120),
            f("empty.bin", 0),
            f("weights/w.bin", 1500),
            f("weights/zero", 0),
        ],
        "empty_dirs": ["empty_dir", "weights/empty_sub"],
        "variants": ["files", "shards_default", "shards_1000"],
    },
    {
        "id": "unicode",
        "description": (
            "Unicode file and folder names (NFC). Code-point (= UTF-8 byte) "
            "order differs from UTF-16 order for U+FF5A vs U+1F600."
        ),
        "model_dir": "unicode_model",
        "model_path": "unicode_model",
        "files": [
            f("modèle/权重.bin", 700),
            f("modèle/config.json", 40),
            f("ünïcode.txt", 21),
            f("u.txt", 2),
            f("z.txt", 9),
            f("ü/x", 17),
            f("\uff5a.txt", 4),  # FULLWIDTH LATIN SMALL LETTER Z
            f("\U0001f600.bin", 33),  # GRINNING FACE (non-BMP)
        ],
        "variants": ["files", "shards_default", "shards_1000"],
    },
    {
        "id": "single_file",
        "description": (
            "The model path is a single regular file (a sibling file exists "
            "in the same folder and must not be hashed)."
        ),
        "model_dir": "single_file_model",
        "model_path": "single_file_model/model.safetensors",
        "files": [f("model.safetensors", 2345), f("sibling.txt", 10)],
        "variants": ["files", "shards_default", "shards_1000"],
    },
    {
        "id": "git_ignored",
        "description": (
            "Git-related paths ignored by default (.git, .gitattributes, "
            ".github, .gitignore: top level only, component-prefix match) "
            "next to look-alikes that are NOT ignored."
        ),
        "model_dir": "git_model",
        "model_path": "git_model",
        "files": [
            f(".git/config", 50),
            f(".git/HEAD", 23),
            f(".github/workflows/x.yml", 80),
            f(".gitattributes", 30),
            f(".gitignore", 12),
            f(".gitmodules", 14),
            f(".github2/y", 6),
            f(".git_extra", 7),
            f(".hidden", 8),
            f("sub/.gitignore", 9),
            f("sub/.git/config", 10),
            f("model.bin", 1200),
        ],
        "variants": [
            "files",
            "shards_default",
            "shards_1000",
            "files_no_git_ignore",
            "files_ignore_custom",
        ],
    },
    {
        "id": "shards",
        "description": (
            "Shard boundary cases for shard_size=1000: 3500 bytes, 0 bytes, "
            "exactly 1000 and 2000 bytes, 999 and 1001 bytes, and 10500 bytes "
            "(11 shards: start offsets sort numerically, 10000 after 9000)."
        ),
        "model_dir": "shards_model",
        "model_path": "shards_model",
        "files": [
            f("big.bin", 3500),
            f("empty.bin", 0),
            f("exact_1000.bin", 1000),
            f("exact_2000.bin", 2000),
            f("just_under.bin", 999),
            f("just_over.bin", 1001),
            f("many/shards.bin", 10500),
        ],
        "variants": ["files", "shards_default", "shards_1000"],
    },
    {
        "id": "symlink",
        "description": (
            "A file symlink. Default config refuses symlinks; with "
            "allow_symlinks the link is hashed as a file with the target's "
            "content under the link's own name."
        ),
        "model_dir": "symlink_model",
        "model_path": "symlink_model",
        "files": [f("weights.bin", 100)],
        "symlinks": [{"path": "link.bin", "target": "weights.bin"}],
        "variants": ["files", "files_allow_symlinks", "shards_1000"],
    },
    {
        "id": "empty_dir",
        "description": "A model directory with no files at all.",
        "model_dir": "empty_model",
        "model_path": "empty_model",
        "files": [],
        "empty_dirs": ["nothing_here"],
        "variants": ["files", "shards_1000"],
    },
]

VARIANTS = {
    "files": {"method": "files"},
    "shards_default": {"method": "shards", "shard_size": DEFAULT_SHARD_SIZE},
    "shards_1000": {"method": "shards", "shard_size": 1000},
    "files_no_git_ignore": {"method": "files", "ignore_git_paths": False},
    "files_ignore_custom": {
        "method": "files",
        "ignored_paths": ["model.bin", "sub"],
    },
    "files_allow_symlinks": {"method": "files", "allow_symlinks": True},
}


def normalize_variant(spec: dict) -> dict:
    out = {
        "method": spec["method"],
        "hash_algorithm": "sha256",
        "ignore_git_paths": spec.get("ignore_git_paths", True),
        "ignored_paths": list(spec.get("ignored_paths", [])),
        "allow_symlinks": spec.get("allow_symlinks", False),
    }
    if spec["method"] == "shards":
        out["shard_size"] = spec["shard_size"]
    return out


def build_hashing_config(spec: dict) -> "model_signing.hashing.Config":
    """Builds a hashing config through the public API only."""
    spec = normalize_variant(spec)
    cfg = model_signing.hashing.Config()
    cfg.set_ignored_paths(
        paths=spec["ignored_paths"], ignore_git_paths=spec["ignore_git_paths"]
    )
    if spec["method"] == "files":
        cfg.use_file_serialization(hashing_algorithm="sha256")
    else:
        cfg.use_shard_serialization(
            hashing_algorithm="sha256", shard_size=spec["shard_size"]
        )
    # NB: Config.hash() pushes Config._allow_symlinks into the serializer, so
    # the `allow_symlinks=` argument of use_*_serialization is overridden;
    # set_allow_symlinks() is the effective switch.
    cfg.set_allow_symlinks(spec["allow_symlinks"])
    return cfg


def case_spec_for_json(case: dict) -> dict:
    files = []
    for entry in case["files"]:
        seed = entry["seed"] or f"{case['id']}/{entry['path']}"
        data = prng_bytes(seed, entry["size"])
        files.append(
            {
                "path": entry["path"],
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "content_b64": b64(data),
            }
        )
    return {
        "id": case["id"],
        "description": case["description"],
        "model_dir": case["model_dir"],
        "model_path": case["model_path"],
        "files": files,
        "empty_dirs": list(case.get("empty_dirs", [])),
        "symlinks": list(case.get("symlinks", [])),
    }


def materialize(spec: dict, base: pathlib.Path, model_dir_name=None) -> None:
    root = base / (model_dir_name or spec["model_dir"])
    root.mkdir(parents=True, exist_ok=False)
    for d in spec["empty_dirs"]:
        (root / d).mkdir(parents=True, exist_ok=True)
    for entry in spec["files"]:
        p = root / entry["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(base64.b64decode(entry["content_b64"]))
    for link in spec["symlinks"]:
        p = root / link["path"]
        p.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(link["target"], p)


@contextlib.contextmanager
def chdir(path: pathlib.Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


# Coarse, stable classification of the Python verdicts, so that Rust tests can
# assert the *kind* of failure without matching Python-specific messages.
_ERROR_CATEGORIES = [
    ("InvalidSignature", "", "signature_invalid"),
    ("ValueError", "Key mismatch", "key_hint_mismatch"),
    ("ValueError", "Invalid sigstore bundle, got media type", "media_type"),
    ("ValueError", "Expected DSSE payload", "payload_type"),
    ("ValueError", "Expected in-toto", "statement_type"),
    ("ValueError", "Predicate type mismatch", "predicate_type"),
    ("ValueError", "Expected only one subject", "subject_count"),
    ("ValueError", "Manifest is inconsistent", "root_digest_mismatch"),
    ("ValueError", "Signature mismatch", "manifest_mismatch"),
    ("ValueError", "Cannot use ", "symlink_or_special_file"),
    ("TypeError", "'float' object cannot be interpreted", "python_bug_float_shard_size"),
]


def err_dict(e: BaseException) -> dict:
    name, msg = type(e).__name__, str(e)
    category = next(
        (c for t, prefix, c in _ERROR_CATEGORIES
         if t == name and msg.startswith(prefix)),
        "other",
    )
    return {
        "type": name,
        "module": type(e).__module__,
        "message": msg,
        "category": category,
    }


def statement_payload_text(stmt_pb) -> str:
    """Exactly what sign_ec_key.Signer.sign() puts in the DSSE payload."""
    return json_format.MessageToJson(stmt_pb)


# --------------------------------------------------------------------------
# Independent re-implementation used only as a cross-check (asserts).
# --------------------------------------------------------------------------
def expected_resources(spec: dict, variant: dict) -> list:
    v = normalize_variant(variant)
    model_dir = spec["model_dir"]
    single = spec["model_path"] != model_dir
    entries = []
    for entry in spec["files"]:
        data = base64.b64decode(entry["content_b64"])
        if single:
            if f"{model_dir}/{entry['path']}" != spec["model_path"]:
                continue
            name = "."
        else:
            name = entry["path"]
            parts = name.split("/")
            if v["ignore_git_paths"] and parts[0] in (
                ".git",
                ".gitattributes",
                ".github",
                ".gitignore",
            ):
                continue
            if any(
                parts[: len(ip.split("/"))] == ip.split("/")
                for ip in v["ignored_paths"]
            ):
                continue
        entries.append((name, data))
    if v["allow_symlinks"] and not single:
        contents = {e["path"]: e for e in spec["files"]}
        for link in spec["symlinks"]:
            target = contents[link["target"]]
            entries.append(
                (link["path"], base64.b64decode(target["content_b64"]))
            )
    out = []
    for name, data in entries:
        if v["method"] == "files":
            out.append(
                ((name.split("/"), 0, 0), name, "sha256",
                 hashlib.sha256(data).hexdigest())
            )
        else:
            size = v["shard_size"]
            start = 0
            while start < len(data):
                end = min(start + size, len(data))
                out.append(
                    ((name.split("/"), start, end), f"{name}:{start}:{end}",
                     f"sha256-sharded-{size}",
                     hashlib.sha256(data[start:end]).hexdigest())
                )
                start = end
    out.sort(key=lambda t: t[0])  # component-wise path, then numeric offsets
    return [{"name": n, "algorithm": a, "digest": d} for _, n, a, d in out]


def root_digest(resources: list) -> str:
    h = hashlib.sha256()
    for r in resources:
        h.update(bytes.fromhex(r["digest"]))
    return h.hexdigest()


# --------------------------------------------------------------------------
# Hashing fixtures.
# --------------------------------------------------------------------------
def hash_case(spec: dict, variant_id: str, tmp: pathlib.Path) -> dict:
    variant = VARIANTS[variant_id]
    base = tmp / f"hash_{spec['id']}_{variant_id}"
    base.mkdir()
    materialize(spec, base)
    result = {"variant": variant_id, "config": normalize_variant(variant)}
    with chdir(base):
        try:
            manifest = build_hashing_config(variant).hash(spec["model_path"])
        except Exception as e:  # noqa: BLE001 - recorded as the oracle verdict
            result["error"] = err_dict(e)
            return result
    payload = ms_signing.Payload(manifest)
    text = statement_payload_text(payload.statement.pb)
    stmt = json.loads(text)
    resources = stmt["predicate"]["resources"]
    result.update(
        {
            "model_name": manifest.model_name,
            "serialization": stmt["predicate"]["serialization"],
            "resources": resources,
            "root_digest": stmt["subject"][0]["digest"]["sha256"],
            "statement": stmt,
            "payload_json": text,
        }
    )
    # Cross-checks of the documented rules.
    assert resources == expected_resources(spec, variant), (spec["id"], variant_id)
    assert result["root_digest"] == root_digest(resources)
    return result


# --------------------------------------------------------------------------
# Keys and signing.
# --------------------------------------------------------------------------
def derive_key(label: str) -> ec.EllipticCurvePrivateKey:
    scalar = int.from_bytes(hashlib.sha256(label.encode()).digest(), "big")
    scalar = scalar % (P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


def write_key_pair(key, stem: str) -> dict:
    priv = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pub = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    (OUT / f"{stem}.pem").write_bytes(priv)
    (OUT / f"{stem}.pub").write_bytes(pub)
    numbers = key.public_key().public_numbers()
    return {
        "private_key_file": f"{stem}.pem",
        "public_key_file": f"{stem}.pub",
        "private_key_pem": priv.decode(),
        "public_key_pem": pub.decode(),
        "curve": "P-256 (secp256r1)",
        "private_scalar_hex": format(key.private_numbers().private_value, "064x"),
        "public_x_hex": format(numbers.x, "064x"),
        "public_y_hex": format(numbers.y, "064x"),
        "public_key_hint": hashlib.sha256(pub).hexdigest(),
    }


class _Rfc6979Key:
    """Wraps an EC private key so ECDSA uses RFC 6979 deterministic nonces."""

    def __init__(self, key):
        self._key = key

    def sign(self, data, signature_algorithm):
        return self._key.sign(
            data,
            ec.ECDSA(signature_algorithm.algorithm, deterministic_signing=True),
        )

    def public_key(self):
        return self._key.public_key()


def make_signing_config(key_path: pathlib.Path, hashing_cfg):
    cfg = (
        model_signing.signing.Config()
        .use_elliptic_key_signer(private_key=key_path)
        .set_hashing_config(hashing_cfg)
    )
    if not RANDOM_NONCE:
        cfg._signer._private_key = _Rfc6979Key(cfg._signer._private_key)
    return cfg


def sign_statement_dict(key_path: pathlib.Path, stmt: dict) -> str:
    """Signs an arbitrary statement dict with the library's EC signer."""
    subject = intoto_statement.ResourceDescriptor(
        name=stmt["subject"][0]["name"], digest=stmt["subject"][0]["digest"]
    ).pb
    st = intoto_statement.Statement(
        subjects=[subject],
        predicate_type=stmt["predicateType"],
        predicate=stmt["predicate"],
    )
    st.pb.type = stmt["_type"]
    signer = make_signing_config(key_path, model_signing.hashing.Config())._signer
    sig = signer.sign(types.SimpleNamespace(statement=st))
    return sig.bundle.to_json()


def describe_bundle(bundle_text: str) -> dict:
    bundle = json.loads(bundle_text)
    env = bundle["dsseEnvelope"]
    payload = base64.b64decode(env["payload"])
    der = base64.b64decode(env["signatures"][0]["sig"])
    r, s = ec_utils.decode_dss_signature(der)
    pae = sign_sigstore_pb.pae(payload)
    return {
        "bundle_json": bundle_text,
        "payload_json": payload.decode("utf-8"),
        "payload_len": len(payload),
        "pae_b64": b64(pae),
        "pae_prefix": pae[: len(pae) - len(payload)].decode("ascii"),
        "pae_sha256": hashlib.sha256(pae).hexdigest(),
        "signature_der_hex": der.hex(),
        "signature_r_hex": format(r, "064x"),
        "signature_s_hex": format(s, "064x"),
        "signature_raw_rs_hex": format(r, "064x") + format(s, "064x"),
    }


def run_verify(
    spec: dict,
    tmp: pathlib.Path,
    name: str,
    bundle_text: str,
    public_key: pathlib.Path,
    verifier_hashing=None,
    modifications=(),
    model_dir_name=None,
) -> dict:
    base = tmp / f"verify_{name}"
    base.mkdir()
    materialize(spec, base, model_dir_name)
    root = base / (model_dir_name or spec["model_dir"])
    for m in modifications:
        p = root / m["path"]
        if m["op"] in ("modify", "add"):
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(base64.b64decode(m["content_b64"]))
        elif m["op"] == "remove":
            p.unlink()
        else:
            raise AssertionError(m)
    sig_path = tmp / f"verify_{name}.sig"
    sig_path.write_text(bundle_text, encoding="utf-8")
    model_path = spec["model_path"]
    if model_dir_name:
        model_path = model_dir_name + model_path[len(spec["model_dir"]):]
    cfg = model_signing.verifying.Config().use_elliptic_key_verifier(
        public_key=public_key
    )
    if verifier_hashing is not None:
        cfg.set_hashing_config(build_hashing_config(verifier_hashing))
    out = io.StringIO()
    with chdir(base), contextlib.redirect_stdout(out):
        try:
            cfg.verify(model_path, sig_path)
            verdict = {"valid": True, "error": None}
        except Exception as e:  # noqa: BLE001 - recorded as the oracle verdict
            verdict = {"valid": False, "error": err_dict(e)}
    verdict["stdout"] = out.getvalue()
    return verdict


def flip_sig_byte(bundle_text: str, index: int) -> str:
    b = json.loads(bundle_text)
    sig = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"]))
    sig[index] ^= 0x01
    b["dsseEnvelope"]["signatures"][0]["sig"] = b64(bytes(sig))
    return compact(b)


def compact(obj) -> str:
    # Same layout as sigstore_models' `Bundle.to_json()` (pydantic
    # model_dump_json): no whitespace, insertion-ordered keys.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def edit_bundle(bundle_text: str, fn) -> str:
    b = json.loads(bundle_text)
    fn(b)
    return compact(b)


def edit_payload(bundle_text: str, fn) -> str:
    """Changes the DSSE payload WITHOUT re-signing."""

    def _f(b):
        env = b["dsseEnvelope"]
        stmt = json.loads(base64.b64decode(env["payload"]))
        fn(stmt)
        env["payload"] = b64(json.dumps(stmt, indent=2).encode())

    return edit_bundle(bundle_text, _f)


def flip_hex(h: str) -> str:
    return ("1" if h[0] == "0" else "0") + h[1:]


def main() -> None:
    version = model_signing.__version__
    if version != EXPECTED_VERSION:
        print(
            f"warning: model_signing {version} != {EXPECTED_VERSION}",
            file=sys.stderr,
        )
    assert api_implementation.Type() == "python"

    OUT.mkdir(parents=True, exist_ok=True)
    versions = {
        "model-signing": version,
        "python": sys.version.split()[0],
        "cryptography": metadata.version("cryptography"),
        "protobuf": metadata.version("protobuf"),
        "protobuf_backend": api_implementation.Type(),
        "sigstore-models": metadata.version("sigstore-models"),
        "in-toto-attestation": metadata.version("in-toto-attestation"),
    }
    generator = "tests/oracles/model_signing_fixtures.py"

    specs = {c["id"]: case_spec_for_json(c) for c in CASES}
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ms_fixtures_"))
    try:
        # ------------------------------------------------------------------
        # hashing.json
        # ------------------------------------------------------------------
        hashing_cases = []
        for case in CASES:
            spec = specs[case["id"]]
            results = [hash_case(spec, v, tmp) for v in case["variants"]]
            hashing_cases.append({**spec, "results": results})

        hashing_doc = {
            "generator": generator,
            "versions": versions,
            "default_ignored_paths": [
                ".git",
                ".gitattributes",
                ".github",
                ".gitignore",
            ],
            "default_shard_size": DEFAULT_SHARD_SIZE,
            "notes": [
                "resources are in the library's order: sorted by path "
                "components (PurePosixPath ordering, i.e. tuple of component "
                "strings compared by code point), then shard start, then "
                "shard end (integers)",
                "root_digest = sha256(concat(raw 32-byte digest of each "
                "resource, in resources order)); names are not hashed",
                "shards: empty files produce no resource at all",
                "single-file model: the only resource is named '.'",
                "payload_json is the exact DSSE payload text the EC signer "
                "would sign (json_format.MessageToJson, indent=2, "
                "ensure_ascii=True); the key order inside 'predicate' is "
                "a protobuf map order (pinned here, random with upb)",
            ],
            "cases": hashing_cases,
        }

        # ------------------------------------------------------------------
        # Keys
        # ------------------------------------------------------------------
        signing_key = write_key_pair(
            derive_key("aigov/model_signing fixtures/signing key v1"),
            "signing_key",
        )
        other_key = write_key_pair(
            derive_key("aigov/model_signing fixtures/other key v1"),
            "other_key",
        )
        key_path = OUT / "signing_key.pem"
        pub_path = OUT / "signing_key.pub"
        other_pub = OUT / "other_key.pub"

        # ------------------------------------------------------------------
        # Signed bundles
        # ------------------------------------------------------------------
        bundles = {}

        def sign_case(bid, case_id, variant_id, out_file=None):
            spec = specs[case_id]
            base = tmp / f"sign_{bid}"
            base.mkdir()
            materialize(spec, base)
            sig_path = base / "model.sig"  # outside the model directory
            with chdir(base):
                make_signing_config(
                    key_path, build_hashing_config(VARIANTS[variant_id])
                ).sign(spec["model_path"], sig_path)
            text = sig_path.read_text(encoding="utf-8")
            if out_file:
                (OUT / out_file).write_text(text, encoding="utf-8")
            bundles[bid] = {
                "case": case_id,
                "hashing": normalize_variant(VARIANTS[variant_id]),
                "bundle_file": out_file,
                **describe_bundle(text),
            }
            return text

        VARIANTS["files_ignore_a_txt"] = {
            "method": "files",
            "ignored_paths": ["a.txt"],
        }
        nested = sign_case("nested_files", "nested", "files", "model.sig")
        shards = sign_case(
            "shards_1000", "shards", "shards_1000", "model_shards.sig"
        )
        sign_case("nested_shards_default", "nested", "shards_default")
        sign_case("unicode_files", "unicode", "files")
        sign_case("single_file_files", "single_file", "files")
        nested_ign = sign_case(
            "nested_files_ignore_a_txt", "nested", "files_ignore_a_txt"
        )
        symlink = sign_case(
            "symlink_allow_symlinks", "symlink", "files_allow_symlinks"
        )

        # ------------------------------------------------------------------
        # Verification cases
        # ------------------------------------------------------------------
        verify_cases = []

        def vcase(
            vid,
            description,
            case_id,
            bundle_text,
            public_key=pub_path,
            verifier_hashing=None,
            modifications=(),
            model_dir_name=None,
            bundle_origin="",
        ):
            spec = specs[case_id]
            mods = [dict(m) for m in modifications]
            verdict = run_verify(
                spec,
                tmp,
                vid,
                bundle_text,
                public_key,
                verifier_hashing,
                mods,
                model_dir_name,
            )
            verify_cases.append(
                {
                    "id": vid,
                    "description": description,
                    "case": case_id,
                    "model_dir_name": model_dir_name or spec["model_dir"],
                    "modifications": mods,
                    "public_key_file": public_key.name,
                    "verifier_hashing": (
                        normalize_variant(verifier_hashing)
                        if verifier_hashing
                        else None
                    ),
                    # Unmodified bundles are referenced (signing.json
                    # "bundles"[bundle_ref]); modified ones are embedded.
                    "bundle_ref": (
                        bundle_origin
                        if bundle_origin in bundles
                        and bundles[bundle_origin]["bundle_json"] == bundle_text
                        else None
                    ),
                    "derived_from": bundle_origin,
                    "bundle_json": (
                        None
                        if bundle_origin in bundles
                        and bundles[bundle_origin]["bundle_json"] == bundle_text
                        else bundle_text
                    ),
                    "expected": verdict,
                }
            )
            return verdict

        def mod(op, path, content=None):
            m = {"op": op, "path": path}
            if content is not None:
                m["content_b64"] = b64(content)
            return m

        nested_stmt = json.loads(bundles["nested_files"]["payload_json"])

        # --- the genuine signature ----------------------------------------
        v = vcase("valid", "Unmodified bundle and directory.", "nested", nested,
                  bundle_origin="nested_files")
        assert v["valid"], v
        vcase("valid_explicit_files_config",
              "Unmodified; verifier given an explicit files hashing config.",
              "nested", nested, verifier_hashing=VARIANTS["files"],
              bundle_origin="nested_files")
        vcase("valid_renamed_model_dir",
              "Model directory renamed: the subject name is not checked.",
              "nested", nested, model_dir_name="renamed_model",
              bundle_origin="nested_files")
        vcase("valid_extra_file_in_git_dir",
              "Extra files only under default-ignored paths (.git/, "
              ".gitignore).",
              "nested", nested,
              modifications=[mod("add", ".git/config", b"[core]\n"),
                             mod("add", ".gitignore", b"*.tmp\n")],
              bundle_origin="nested_files")
        vcase("wrong_hashing_config_shards",
              "Verifier forced to shard serialization for a files bundle.",
              "nested", nested, verifier_hashing=VARIANTS["shards_default"],
              bundle_origin="nested_files")

        # --- bundle tampering (not re-signed) ------------------------------
        der_len = len(bytes.fromhex(bundles["nested_files"]["signature_der_hex"]))
        vcase("sig_last_byte_flipped",
              "Last byte of the DER signature XOR 0x01 (DER stays well-formed).",
              "nested", flip_sig_byte(nested, der_len - 1),
              bundle_origin="nested_files")
        vcase("sig_middle_byte_flipped",
              "Byte 10 of the DER signature (inside r) XOR 0x01.",
              "nested", flip_sig_byte(nested, 10),
              bundle_origin="nested_files")

        def raw_rs(b):
            s = b["dsseEnvelope"]["signatures"][0]
            s["sig"] = b64(bytes.fromhex(
                bundles["nested_files"]["signature_raw_rs_hex"]))
        vcase("sig_raw_r_s_not_der",
              "Same signature re-encoded as raw 64-byte r||s instead of DER.",
              "nested", edit_bundle(nested, raw_rs),
              bundle_origin="nested_files")

        def alter_digest(stmt):
            r = stmt["predicate"]["resources"][0]
            r["digest"] = flip_hex(r["digest"])
        vcase("payload_resource_digest_altered",
              "First resource digest changed in the payload, not re-signed.",
              "nested", edit_payload(nested, alter_digest),
              bundle_origin="nested_files")

        def alter_payload_whitespace(b):
            env = b["dsseEnvelope"]
            raw = base64.b64decode(env["payload"]) + b"\n"
            env["payload"] = b64(raw)
        vcase("payload_trailing_newline",
              "Payload bytes get a trailing newline (same JSON value), not "
              "re-signed.",
              "nested", edit_bundle(nested, alter_payload_whitespace),
              bundle_origin="nested_files")

        def payload_type(b):
            b["dsseEnvelope"]["payloadType"] = "application/json"
        vcase("payload_type_changed",
              "dsseEnvelope.payloadType changed to application/json "
              "(library PAE uses the constant in-toto type, so the "
              "signature still checks; the type check then fails).",
              "nested", edit_bundle(nested, payload_type),
              bundle_origin="nested_files")

        def media_type(b):
            b["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.3"
        vcase("media_type_changed",
              "mediaType changed to the other v0.3 spelling.",
              "nested", edit_bundle(nested, media_type),
              bundle_origin="nested_files")

        def drop_hint(b):
            b["verificationMaterial"]["publicKey"] = {}
        vcase("hint_removed_correct_key",
              "publicKey.hint removed (legacy form); correct key.",
              "nested", edit_bundle(nested, drop_hint),
              bundle_origin="nested_files")

        def wrong_hint(b):
            b["verificationMaterial"]["publicKey"]["hint"] = other_key[
                "public_key_hint"]
        vcase("hint_of_other_key",
              "publicKey.hint replaced with the other key's hint; "
              "verified with the signing key.",
              "nested", edit_bundle(nested, wrong_hint),
              bundle_origin="nested_files")

        # --- wrong key -------------------------------------------------------
        vcase("wrong_public_key",
              "Verified with a different P-256 public key (other_key.pub).",
              "nested", nested, public_key=other_pub,
              bundle_origin="nested_files")
        vcase("wrong_public_key_hint_removed",
              "Different P-256 key and no hint in the bundle: the ECDSA "
              "check itself fails.",
              "nested", edit_bundle(nested, drop_hint), public_key=other_pub,
              bundle_origin="nested_files")

        # --- directory changes ---------------------------------------------
        spec_n = specs["nested"]
        changed = bytearray(base64.b64decode(spec_n["files"][0]["content_b64"]))
        changed[0] ^= 0xFF
        vcase("file_content_changed",
              "First byte of a/b.txt changed.",
              "nested", nested,
              modifications=[mod("modify", "a/b.txt", bytes(changed))],
              bundle_origin="nested_files")
        vcase("extra_file",
              "Extra file a/extra.bin added.",
              "nested", nested,
              modifications=[mod("add", "a/extra.bin", b"extra")],
              bundle_origin="nested_files")
        vcase("extra_empty_file",
              "Extra empty file added (files method: detected).",
              "nested", nested,
              modifications=[mod("add", "new_empty", b"")],
              bundle_origin="nested_files")
        vcase("file_removed",
              "File a.b/c.txt removed.",
              "nested", nested,
              modifications=[mod("remove", "a.b/c.txt")],
              bundle_origin="nested_files")

        # --- re-signed with the genuine key but inconsistent content --------
        def resigned(stmt_fn):
            s = copy.deepcopy(nested_stmt)
            stmt_fn(s)
            return sign_statement_dict(key_path, s)

        vcase("resigned_digest_altered_root_kept",
              "Re-signed: first resource digest altered, subject root digest "
              "left unchanged.",
              "nested", resigned(alter_digest), bundle_origin="resigned")

        def alter_digest_fix_root(s):
            alter_digest(s)
            s["subject"][0]["digest"]["sha256"] = root_digest(
                s["predicate"]["resources"])
        vcase("resigned_digest_altered_root_recomputed",
              "Re-signed: first resource digest altered and root digest "
              "recomputed (self-consistent, but the directory differs).",
              "nested", resigned(alter_digest_fix_root),
              bundle_origin="resigned")

        def reverse(s):
            s["predicate"]["resources"].reverse()
        vcase("resigned_resources_reversed_root_kept",
              "Re-signed: resources listed in reverse order, root digest "
              "unchanged (root is recomputed in payload order).",
              "nested", resigned(reverse), bundle_origin="resigned")

        def reverse_fix_root(s):
            reverse(s)
            s["subject"][0]["digest"]["sha256"] = root_digest(
                s["predicate"]["resources"])
        vcase("resigned_resources_reversed_root_recomputed",
              "Re-signed: resources reversed and root digest recomputed in "
              "that order (manifest comparison is order-independent).",
              "nested", resigned(reverse_fix_root), bundle_origin="resigned")

        def drop_resource_fix_root(s):
            s["predicate"]["resources"] = [
                r for r in s["predicate"]["resources"] if r["name"] != "ab"]
            s["subject"][0]["digest"]["sha256"] = root_digest(
                s["predicate"]["resources"])
        vcase("resigned_resource_dropped",
              "Re-signed: resource 'ab' dropped from the manifest (root "
              "recomputed); directory unchanged -> extra file.",
              "nested", resigned(drop_resource_fix_root),
              bundle_origin="resigned")

        def wrong_algorithm(s):
            s["predicate"]["resources"][0]["algorithm"] = "sha384"
        vcase("resigned_resource_algorithm_changed",
              "Re-signed: first resource algorithm label changed to sha384 "
              "(digest bytes unchanged, root unchanged).",
              "nested", resigned(wrong_algorithm), bundle_origin="resigned")

        def predicate_type(s):
            s["predicateType"] = "https://model_signing/signature/v0.9"
        vcase("resigned_predicate_type_changed",
              "Re-signed: predicateType changed.",
              "nested", resigned(predicate_type), bundle_origin="resigned")

        def statement_type(s):
            s["_type"] = "https://in-toto.io/Statement/v0.1"
        vcase("resigned_statement_type_changed",
              "Re-signed: statement _type changed.",
              "nested", resigned(statement_type), bundle_origin="resigned")

        def sign_two_subjects():
            s = copy.deepcopy(nested_stmt)
            subjects = [
                intoto_statement.ResourceDescriptor(
                    name=x["name"], digest=x["digest"]).pb
                for x in s["subject"] + s["subject"]
            ]
            st = intoto_statement.Statement(
                subjects=subjects, predicate_type=s["predicateType"],
                predicate=s["predicate"])
            signer = make_signing_config(
                key_path, model_signing.hashing.Config())._signer
            return signer.sign(types.SimpleNamespace(statement=st)).bundle.to_json()
        vcase("resigned_two_subjects",
              "Re-signed: statement carries two (identical) subjects.",
              "nested", sign_two_subjects(), bundle_origin="resigned")

        # --- ignore_paths recorded in the manifest --------------------------
        changed_a = b"changed a.txt"
        vcase("ignore_paths_from_manifest_honoured",
              "Bundle signed with ignored path a.txt; a.txt modified; verifier "
              "uses the guessed config + the manifest's ignore_paths.",
              "nested", nested_ign,
              modifications=[mod("modify", "a.txt", changed_a)],
              bundle_origin="nested_files_ignore_a_txt")
        vcase("ignore_paths_from_manifest_honoured_explicit_config",
              "Same, but verifier given an explicit default files config: "
              "the manifest's ignore_paths are still added.",
              "nested", nested_ign, verifier_hashing=VARIANTS["files"],
              modifications=[mod("remove", "a.txt")],
              bundle_origin="nested_files_ignore_a_txt")

        # --- shards bundle -------------------------------------------------
        vcase("shards_valid_explicit_config",
              "Shards bundle, verifier given shard_size=1000 explicitly.",
              "shards", shards, verifier_hashing=VARIANTS["shards_1000"],
              bundle_origin="shards_1000")
        vcase("shards_guessed_config",
              "Shards bundle, verifier guesses the config from the manifest "
              "(shard_size comes back as a float 1000.0).",
              "shards", shards, bundle_origin="shards_1000")
        vcase("shards_extra_empty_file",
              "Shards bundle; an extra EMPTY file added (empty files have no "
              "shards, so this is not detected).",
              "shards", shards, verifier_hashing=VARIANTS["shards_1000"],
              modifications=[mod("add", "new_empty.bin", b"")],
              bundle_origin="shards_1000")
        vcase("shards_empty_file_removed",
              "Shards bundle; the signed empty file removed (not detected).",
              "shards", shards, verifier_hashing=VARIANTS["shards_1000"],
              modifications=[mod("remove", "empty.bin")],
              bundle_origin="shards_1000")
        big = bytearray(base64.b64decode(
            next(x for x in specs["shards"]["files"]
                 if x["path"] == "big.bin")["content_b64"]))
        big[2500] ^= 0x01
        vcase("shards_file_content_changed",
              "Shards bundle; byte 2500 of big.bin flipped (shard 2000:3000).",
              "shards", shards, verifier_hashing=VARIANTS["shards_1000"],
              modifications=[mod("modify", "big.bin", bytes(big))],
              bundle_origin="shards_1000")
        vcase("shards_file_truncated",
              "Shards bundle; exact_2000.bin truncated to 1000 bytes.",
              "shards", shards, verifier_hashing=VARIANTS["shards_1000"],
              modifications=[mod("modify", "exact_2000.bin", base64.b64decode(
                  next(x for x in specs["shards"]["files"]
                       if x["path"] == "exact_2000.bin")["content_b64"])[:1000])],
              bundle_origin="shards_1000")
        vcase("shards_bundle_files_verifier",
              "Shards bundle verified with an explicit files config.",
              "shards", shards, verifier_hashing=VARIANTS["files"],
              bundle_origin="shards_1000")

        # --- other bundles ------------------------------------------------
        vcase("unicode_valid", "Unicode names bundle, unmodified.",
              "unicode", bundles["unicode_files"]["bundle_json"],
              bundle_origin="unicode_files")
        vcase("single_file_valid", "Single-file model bundle, unmodified.",
              "single_file", bundles["single_file_files"]["bundle_json"],
              bundle_origin="single_file_files")
        vcase("nested_shards_default_valid_guessed",
              "Default-shard-size bundle, verifier guesses the config.",
              "nested", bundles["nested_shards_default"]["bundle_json"],
              bundle_origin="nested_shards_default")
        vcase("nested_shards_default_valid_explicit",
              "Default-shard-size bundle, explicit shards config.",
              "nested", bundles["nested_shards_default"]["bundle_json"],
              verifier_hashing=VARIANTS["shards_default"],
              bundle_origin="nested_shards_default")
        vcase("symlink_guessed_config",
              "Bundle signed with allow_symlinks=true; verifier guesses the "
              "config (allow_symlinks from the manifest is not applied).",
              "symlink", symlink, bundle_origin="symlink_allow_symlinks")
        vcase("symlink_explicit_allow",
              "Same bundle, explicit config with allow_symlinks=true.",
              "symlink", symlink,
              verifier_hashing=VARIANTS["files_allow_symlinks"],
              bundle_origin="symlink_allow_symlinks")

        signing_doc = {
            "generator": generator,
            "versions": versions,
            "signature_nonce": (
                "random (library default)" if RANDOM_NONCE
                else "RFC 6979 deterministic (key object wrapped by the "
                     "generator; library default is random k)"
            ),
            "keys": {"signing_key": signing_key, "other_key": other_key},
            "constants": {
                "bundle_media_type": sign_sigstore_pb._BUNDLE_MEDIA_TYPE,
                "payload_type": ms_signing._IN_TOTO_JSON_PAYLOAD_TYPE,
                "statement_type": ms_signing._IN_TOTO_STATEMENT_TYPE,
                "predicate_type": ms_signing._PREDICATE_TYPE,
                "predicate_type_compat": ms_signing._PREDICATE_TYPE_COMPAT,
            },
            "bundles": bundles,
            "verify_cases": verify_cases,
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for name, doc in (("hashing.json", hashing_doc), ("signing.json", signing_doc)):
        (OUT / name).write_text(
            json.dumps(doc, indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f"model_signing {version}: wrote fixtures to {OUT} ({total} bytes)")
    for vc in verify_cases:
        e = vc["expected"]
        msg = "" if e["valid"] else f"{e['error']['type']}: {e['error']['message'][:90]}"
        print(f"  {vc['id']:<55} {'VALID' if e['valid'] else 'INVALID'} {msg}")


if __name__ == "__main__":
    main()
