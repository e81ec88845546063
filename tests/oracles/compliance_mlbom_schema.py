#!/usr/bin/env python3
"""Offline CycloneDX 1.6 JSON validator for aigov's ML-BOMs (the oracle for aigov-compliance's
CycloneDX tests).

Schema source: the official CycloneDX 1.6 JSON schema as bundled in the PyPI package
``cyclonedx-python-lib`` 11.12.0, file ``cyclonedx/schema/_res/bom-1.6.SNAPSHOT.schema.json``
(sha256 83821ba49aa366ad1f1d16c34837d05edd010f036f652e310db1c77d57b37c58; draft-07,
``$id`` http://cyclonedx.org/schema/bom-1.6.schema.json), with its two referenced schemas from
the same folder: ``spdx.SNAPSHOT.schema.json`` (SPDX license ids) and
``jsf-0.82.SNAPSHOT.schema.json`` (JSON Signature Format). The package copied them from
github.com/CycloneDX/specification (commit b29bae66) and, per its ``_res/README.md``, changed only:
the ``$ref`` file names (spdx/jsf -> ``*.SNAPSHOT.schema.json``), no ``enum`` on the top-level
``$schema`` property, ``version`` not in ``required`` (its default is 1), and no meaningless
``"pattern": "^(.*)$"``. The schema files are read as data; none of the package's Python code
is used. ``$ref``s are resolved from a local ``referencing.Registry`` (no retrieval hook, so
nothing is ever fetched), and every external ``$ref`` is resolved once at start-up.

Validation: ``jsonschema.Draft7Validator`` (the schema declares draft-07) with its format
checker; ``date-time``, ``iri-reference`` and ``idn-email`` (the formats the 1.6 schema uses)
must be checkable, or the script stops with exit 2. Same setup as cyclonedx-python-lib's own
``JsonValidator``.

Install (keep the virtualenv OUTSIDE the repository) and run:

    python3.11 -m venv /tmp/cdxvenv
    /tmp/cdxvenv/bin/pip install 'cyclonedx-python-lib[json-validation]==11.12.0'
    /tmp/cdxvenv/bin/python tests/oracles/compliance_mlbom_schema.py BOM.json [BOM2.json ...]
    /tmp/cdxvenv/bin/python tests/oracles/compliance_mlbom_schema.py --mlbom \\
        --verdict OUT.json tests/fixtures/compliance/<golden>.cdx.json

(the ``json-validation`` extra brings jsonschema[format-nongpl] and referencing; tested with
jsonschema 4.26.0, referencing 0.37.0, rfc3339-validator 0.1.4, rfc3987-syntax 1.1.0.)

Checks, for each file:
  * the file must be UTF-8 JSON (no byte-order mark) holding one object;
  * every error of the CycloneDX 1.6 schema (all of them, not only the first; for a failed
    ``oneOf``/``anyOf`` the errors of the alternative(s) that got deepest into the instance are
    appended in parentheses);
  * integrity rules of the specification's prose that JSON Schema cannot express (off with
    ``--schema-only``): ``specVersion`` exactly "1.6" (the schema only asks for a string);
    no duplicate key in any JSON object; every ``bom-ref`` unique within the BOM; every
    ``dependencies[].ref``/``dependsOn[]``/``provides[]`` names a ``bom-ref`` of the BOM; every
    ``modelCard.modelParameters.datasets[].ref`` names the ``bom-ref`` of a component of type
    ``data`` (BOM-Links ``urn:cdx:...`` are accepted unchecked);
  * ``--mlbom``: at least one component (at any depth, or metadata.component) of type
    ``machine-learning-model`` that has a ``modelCard``.

Output: one line per error on stdout, ``FILE: JSON-PATH: MESSAGE`` (JSON-PATH as jsonschema's
``json_path``: ``$``, ``$.components[0].modelCard``; integrity messages start with
``[integrity]``), errors of a file sorted by path then message; a one-line summary on stderr.
Exit 0 when every file is valid, 1 when any is invalid (including files that are not JSON),
2 on usage errors (bad option, no file, unreadable file, package or format checker missing).

``--verdict OUT.json`` also writes (sorted keys, 2-space indent, trailing newline)::

    {"package": "cyclonedx-python-lib==11.12.0", "results": [{"errors": [{"keyword": ...,
     "message": ..., "path": ...}], "file": "<path as given>", "sha256": "<hex of the file's
     bytes>", "valid": true}], "schema": "bom-1.6.SNAPSHOT.schema.json",
     "schema_sha256": "<hex of the schema file's bytes>"}

``keyword`` is the failing JSON Schema keyword (``required``, ``enum``, ``pattern``, ...) or
``integrity:<rule>``/``json``. ``sha256`` is taken over the exact bytes read, so a Rust test can
compare it with the digest of the committed golden BOM.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import NoReturn

PACKAGE = "cyclonedx-python-lib"
PACKAGE_VERSION = "11.12.0"
SCHEMA_FILE = "bom-1.6.SNAPSHOT.schema.json"
SCHEMA_SHA256 = "83821ba49aa366ad1f1d16c34837d05edd010f036f652e310db1c77d57b37c58"
SUB_SCHEMAS = ("spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json")
SCHEMA_BASE = "http://cyclonedx.org/schema/"
SPEC_VERSION = "1.6"
REQUIRED_FORMATS = ("date-time", "iri-reference", "idn-email")
MAX_MESSAGE = 400

PROG = "compliance_mlbom_schema"


def _die(msg: str) -> NoReturn:
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


INSTALL_HINT = ("run\n  python3.11 -m venv /tmp/cdxvenv && /tmp/cdxvenv/bin/pip install "
                f"'{PACKAGE}[json-validation]=={PACKAGE_VERSION}'\nand use /tmp/cdxvenv/bin/python")


# -- schema --------------------------------------------------------------------------------------
class Schema:
    def __init__(self):
        try:
            from importlib.metadata import PackageNotFoundError, version
            from importlib.util import find_spec
            import jsonschema
            from referencing import Registry
            from referencing.jsonschema import DRAFT7
        except ImportError as e:
            _die(f"missing dependency ({e}); {INSTALL_HINT}")
        try:
            self.package = f"{PACKAGE}=={version(PACKAGE)}"
        except PackageNotFoundError:
            _die(f"the '{PACKAGE}' package is not installed; {INSTALL_HINT}")
        spec = find_spec("cyclonedx")
        if spec is None or not spec.submodule_search_locations:
            _die(f"the '{PACKAGE}' package is not importable; {INSTALL_HINT}")
        res = Path(list(spec.submodule_search_locations)[0]) / "schema" / "_res"
        if self.package != f"{PACKAGE}=={PACKAGE_VERSION}":
            print(f"{PROG}: note: {self.package} installed, this oracle pins {PACKAGE_VERSION}",
                  file=sys.stderr)

        self.name = SCHEMA_FILE
        try:
            raw = (res / SCHEMA_FILE).read_bytes()
            subs = {n: (res / n).read_bytes() for n in SUB_SCHEMAS}
        except OSError as e:
            _die(f"cannot read the bundled schema: {e}")
        self.sha256 = hashlib.sha256(raw).hexdigest()
        if self.sha256 != SCHEMA_SHA256:
            print(f"{PROG}: note: {res / SCHEMA_FILE} sha256 {self.sha256} differs from the "
                  f"pinned {PACKAGE} {PACKAGE_VERSION} copy ({SCHEMA_SHA256})", file=sys.stderr)
        schema = json.loads(raw)
        if schema.get("$schema") != "http://json-schema.org/draft-07/schema#" \
                or schema.get("$id") != f"{SCHEMA_BASE}bom-1.6.schema.json":
            _die(f"{res / SCHEMA_FILE} is not the draft-07 CycloneDX 1.6 schema")

        cls = jsonschema.Draft7Validator
        cls.check_schema(schema)
        registry = Registry().with_resources(
            (SCHEMA_BASE + n, DRAFT7.create_resource(json.loads(b))) for n, b in subs.items())
        missing = [f for f in REQUIRED_FORMATS if f not in cls.FORMAT_CHECKER.checkers]
        if missing:
            _die(f"the format checker cannot check {', '.join(missing)} "
                 f"(install jsonschema[format-nongpl]); {INSTALL_HINT}")
        self.validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
        # Resolve every external $ref now, so that a missing file fails here, not mid-run.
        resolver = registry.resolver(base_uri=schema["$id"])
        for ref in sorted(_external_refs(schema)):
            try:
                resolver.lookup(ref)
            except Exception as e:  # referencing.exceptions.Unresolvable and friends
                _die(f"cannot resolve $ref {ref!r} offline: {e}")

    def errors(self, doc) -> list[dict]:
        out = []
        for err in self.validator.iter_errors(doc):
            msg = _shorten(err.message)
            if err.context:
                msg += f" (deepest failure: {_deepest(err)})"
            out.append({"path": err.json_path, "message": msg, "keyword": str(err.validator)})
        return out


def _leaves(err):
    if err.context:
        for sub in err.context:
            yield from _leaves(sub)
    else:
        yield err


def _deepest(err, limit=3) -> str:
    """The errors of a failed oneOf/anyOf that reach deepest into the instance (the alternative
    that got furthest is usually the intended one), at most ``limit``, in schema order."""
    leaves = list(_leaves(err))
    depth = max(len(e.absolute_path) for e in leaves)
    seen = []
    for e in leaves:
        if len(e.absolute_path) == depth:
            text = f"{e.json_path}: {_shorten(e.message)}"
            if text not in seen:
                seen.append(text)
    more = f"; +{len(seen) - limit} more" if len(seen) > limit else ""
    return "; ".join(seen[:limit]) + more


def _external_refs(node) -> set[str]:
    refs = set()
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and not r.startswith("#"):
            refs.add(r)
        for v in node.values():
            refs |= _external_refs(v)
    elif isinstance(node, list):
        for v in node:
            refs |= _external_refs(v)
    return refs


def _shorten(msg: str) -> str:
    return msg if len(msg) <= MAX_MESSAGE else msg[:MAX_MESSAGE] + "..."


# -- JSON loading (duplicate keys are remembered) -------------------------------------------------
class DupDict(dict):
    """A JSON object that remembers keys given more than once."""

    dups: list


def _pairs_hook(pairs):
    d = DupDict()
    d.dups = []
    for k, v in pairs:
        if k in d:
            d.dups.append(k)
        d[k] = v
    return d


def _join(path: str, key) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


# -- integrity rules (specification prose, not expressible in JSON Schema) ----------------------
def _walk(node, path="$"):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, _join(path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, _join(path, i))


def _components(doc):
    """(path, component) for metadata.component and every component at any depth."""
    todo = []
    meta = doc.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("component"), dict):
        todo.append(("$.metadata.component", meta["component"]))
    comps = doc.get("components")
    if isinstance(comps, list):
        todo += [(f"$.components[{i}]", c) for i, c in enumerate(comps)]
    while todo:
        path, c = todo.pop(0)
        if not isinstance(c, dict):
            continue
        yield path, c
        sub = c.get("components")
        if isinstance(sub, list):
            todo += [(f"{path}.components[{i}]", s) for i, s in enumerate(sub)]


def integrity_errors(doc, mlbom: bool) -> list[dict]:
    out = []

    def err(path, rule, msg):
        out.append({"path": path, "message": f"[integrity] {msg}", "keyword": f"integrity:{rule}"})

    if doc.get("specVersion") != SPEC_VERSION:
        err("$.specVersion", "spec-version",
            f"specVersion must be {SPEC_VERSION!r} for this schema, got {doc.get('specVersion')!r}")

    refs: dict[str, str] = {}
    for path, node in _walk(doc):
        if isinstance(node, DupDict) and node.dups:
            for k in sorted(set(node.dups)):
                err(path, "duplicate-key", f"duplicate key {k!r} in JSON object")
        if isinstance(node, dict) and isinstance(node.get("bom-ref"), str):
            ref = node["bom-ref"]
            if ref in refs:
                err(_join(path, "bom-ref"), "unique-bom-ref",
                    f"bom-ref {ref!r} is already used at {refs[ref]}")
            else:
                refs[ref] = _join(path, "bom-ref")

    def known(ref, where):
        if isinstance(ref, str) and ref and not ref.startswith("urn:cdx:") and ref not in refs:
            err(where, "dangling-ref", f"{ref!r} is not the bom-ref of anything in this BOM")

    deps = doc.get("dependencies")
    if isinstance(deps, list):
        for i, d in enumerate(deps):
            if not isinstance(d, dict):
                continue
            known(d.get("ref"), f"$.dependencies[{i}].ref")
            for key in ("dependsOn", "provides"):
                if isinstance(d.get(key), list):
                    for j, r in enumerate(d[key]):
                        known(r, f"$.dependencies[{i}].{key}[{j}]")

    comps = list(_components(doc))
    data_refs = {c["bom-ref"] for _, c in comps
                 if c.get("type") == "data" and isinstance(c.get("bom-ref"), str)}
    has_model = False
    for path, c in comps:
        card = c.get("modelCard")
        if c.get("type") == "machine-learning-model" and isinstance(card, dict):
            has_model = True
        params = card.get("modelParameters") if isinstance(card, dict) else None
        sets = params.get("datasets") if isinstance(params, dict) else None
        if not isinstance(sets, list):
            continue
        for k, ds in enumerate(sets):
            if not isinstance(ds, dict) or "ref" not in ds:
                continue
            ref, where = ds["ref"], f"{path}.modelCard.modelParameters.datasets[{k}].ref"
            if not isinstance(ref, str) or not ref or ref.startswith("urn:cdx:"):
                continue
            if ref not in refs:
                known(ref, where)
            elif ref not in data_refs:
                err(where, "dataset-ref",
                    f"{ref!r} is not the bom-ref of a component of type 'data'")
    if mlbom and not has_model:
        err("$.components", "mlbom",
            "no component of type 'machine-learning-model' with a modelCard")
    return out


# -- driver ----------------------------------------------------------------------------------------
def check_file(schema: Schema, raw: bytes, *, schema_only: bool, mlbom: bool) -> list[dict]:
    def bad(msg):
        return [{"path": "$", "message": msg, "keyword": "json"}]

    if raw.startswith(b"\xef\xbb\xbf"):
        return bad("file starts with a UTF-8 byte-order mark (RFC 8259 forbids it)")
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs_hook)
    except UnicodeDecodeError as e:
        return bad(f"not UTF-8: {e}")
    except ValueError as e:
        return bad(f"not valid JSON: {e}")
    if not isinstance(doc, dict):
        return bad(f"a BOM must be a JSON object, got {type(doc).__name__}")
    errors = schema.errors(doc)
    if not schema_only:
        errors += integrity_errors(doc, mlbom)
    errors.sort(key=lambda e: (e["path"], e["message"], e["keyword"]))
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog=PROG, description="Validate CycloneDX 1.6 JSON BOMs (ML-BOMs) offline against the "
        f"official schema bundled in {PACKAGE} {PACKAGE_VERSION}.")
    ap.add_argument("files", nargs="+", metavar="BOM.json", help="CycloneDX JSON files")
    ap.add_argument("--verdict", metavar="OUT.json", help="also write a JSON verdict file")
    ap.add_argument("--schema-only", action="store_true",
                    help="only the JSON schema; skip the integrity rules (refs, bom-ref "
                    "uniqueness, specVersion, duplicate keys)")
    ap.add_argument("--mlbom", action="store_true",
                    help="require a machine-learning-model component with a modelCard")
    args = ap.parse_args(argv)
    if args.schema_only and args.mlbom:
        ap.error("--mlbom is an integrity rule; it cannot be combined with --schema-only")

    blobs = []
    for f in args.files:
        try:
            blobs.append((f, Path(f).read_bytes()))
        except OSError as e:
            _die(f"cannot read {f}: {e}")

    schema = Schema()
    results = []
    n_invalid = n_errors = 0
    for f, raw in blobs:
        errors = check_file(schema, raw, schema_only=args.schema_only, mlbom=args.mlbom)
        for e in errors:
            print(f"{f}: {e['path']}: {e['message']}")
        n_errors += len(errors)
        n_invalid += bool(errors)
        results.append({"file": f, "sha256": hashlib.sha256(raw).hexdigest(),
                        "valid": not errors, "errors": errors})

    if args.verdict:
        verdict = {"schema": schema.name, "schema_sha256": schema.sha256,
                   "package": schema.package, "results": results}
        text = json.dumps(verdict, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        try:
            Path(args.verdict).write_text(text, encoding="utf-8")
        except OSError as e:
            _die(f"cannot write {args.verdict}: {e}")

    print(f"{PROG}: {len(blobs)} file(s), {len(blobs) - n_invalid} valid, {n_invalid} invalid, "
          f"{n_errors} error(s) [{schema.name} from {schema.package}"
          f"{', schema only' if args.schema_only else ''}]: {'INVALID' if n_invalid else 'OK'}",
          file=sys.stderr)
    return 1 if n_invalid else 0


if __name__ == "__main__":
    sys.exit(main())
