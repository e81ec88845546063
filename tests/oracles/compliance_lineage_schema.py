#!/usr/bin/env python3
"""Offline validator for aigov's lineage and provenance exports (the oracle for aigov-compliance's
OpenLineage and SLSA tests): OpenLineage 2-0-2 RunEvents, in-toto Statement v1 with a SLSA
Provenance v1 predicate, and DSSE envelopes carrying such a statement.

Schema sources:

* OpenLineage: the official JSON schemas of the OpenLineage repository (github.com/OpenLineage/
  OpenLineage, folder ``spec/``): the core ``spec/OpenLineage.json`` (draft 2020-12, ``$id``
  https://openlineage.io/spec/2-0-2/OpenLineage.json, events checked against ``$defs/RunEvent``)
  and the facet schemas ``spec/facets/*.json``. **No PyPI package bundles these files** (checked in
  the latest releases): ``openlineage-python`` 1.54.0 ships only classes generated from them
  (``openlineage/client/generated/*.py``, which name core 2-0-2 and the facet versions below), no
  JSON; ``openlineage-integration-common`` 1.54.0 ships only integration facets
  (``openlineage/common/schema/{bq,dbt}-*.json``, ``unknown-source-attribute-run-facet.json``,
  ``openlineage/common/provider/*-dataset-facet.json``); ``apache-airflow-providers-openlineage``
  2.20.3 only ``airflow/providers/openlineage/facets/Airflow*.json``; ``openlineage-airflow``
  1.41.0 none. Nothing is vendored here: pass ``--spec-dir DIR`` (or set ``OPENLINEAGE_SPEC_DIR``),
  a copy of the repository's ``spec/`` folder at git tag 1.54.0 (the release of
  openlineage-python 1.54.0); every ``*.json`` below DIR that has a ``$id`` is registered under
  that ``$id`` (``spec/tests/`` instances have none and are skipped). Without it, a run that has an
  OpenLineage document stops with exit 2. Files are read as data; ``$ref``s resolve only from
  that local ``referencing.Registry`` (no retrieval hook, nothing is fetched), and a facet schema
  whose ``$ref`` names a schema not in DIR (e.g. an older core version) stops the run with exit 2.
  The sha256 of every schema file used is written to the verdict.
* in-toto / SLSA / DSSE: no official JSON schema exists in any package (``in-toto-attestation``
  0.9.3 ships protobuf bindings only: ``in_toto_attestation/v1/statement_pb2.py``,
  ``v1/resource_descriptor_pb2.py``, ``predicates/provenance/v1/provenance_pb2.py``; ``in-toto``
  3.1.0, ``sigstore-models`` 0.0.6 and ``sigstore-protobuf-specs`` 0.5.2 ship no JSON schema
  either), so the checks below are written out from the specifications:
  https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md,
  .../spec/v1/resource_descriptor.md, .../spec/v1/digest_set.md, .../spec/v1/field_types.md,
  .../spec/v1/envelope.md (all v1.1), https://slsa.dev/spec/v1.0/provenance and
  https://github.com/secure-systems-lab/dsse/blob/v1.0.2/envelope.md.

Install (keep the virtualenv OUTSIDE the repository) and run:

    python3.11 -m venv /tmp/olvenv
    /tmp/olvenv/bin/pip install 'jsonschema[format-nongpl]==4.26.0'
    /tmp/olvenv/bin/python tests/oracles/compliance_lineage_schema.py \\
        --spec-dir OpenLineage-1.54.0/spec events.json provenance.intoto.json envelope.dsse.json
    /tmp/olvenv/bin/python tests/oracles/compliance_lineage_schema.py --verdict OUT.json FILE ...

(tested with jsonschema 4.26.0, referencing 0.37.0, rfc3339-validator 0.1.4, rfc3986-validator
0.1.1; ``date-time``, ``uri`` and ``uuid`` must be checkable or the script stops with exit 2; the
in-toto URI checks call rfc3986-validator directly, so they need the ``format-nongpl`` extra too.
Statements and envelopes alone need no ``--spec-dir``.)

Kind of each file (UTF-8 JSON, no byte-order mark): an object with ``eventType`` is a RunEvent, a
JSON array is a list of RunEvents (each checked), an object with ``_type`` is an in-toto
Statement, an object with ``payloadType`` is a DSSE envelope; anything else is invalid (kind
``unknown``).

OpenLineage checks (kind ``openlineage``):
  * every error of ``$defs/RunEvent`` of the 2-0-2 core (``Draft202012Validator`` with its format
    checker): ``run``, ``job``, ``eventTime``, ``producer``, ``schemaURL`` required; ``eventType``
    one of START RUNNING COMPLETE ABORT FAIL OTHER; ``eventTime`` format date-time (RFC 3339 with
    offset); ``producer``/``schemaURL`` format uri (RFC 3986, absolute); ``run.runId`` required,
    format uuid (8-4-4-4-12 hex); ``job.namespace``/``job.name`` and each dataset's
    ``namespace``/``name`` required; every facet (``run.facets``, ``job.facets``,
    ``inputs[].facets``/``inputFacets``, ``outputs[].facets``/``outputFacets``) an object with
    ``_producer`` and ``_schemaURL`` (both format uri); job/dataset facets' ``_deleted`` boolean;
  * ``schemaURL`` exactly ``https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent``;
  * each facet whose ``_schemaURL`` is ``<$id of a schema in DIR>#/$defs/<Name>`` is also checked
    against that definition, must sit under the key the schema declares for it (its top-level
    ``properties``, e.g. ``schema``) and in the container its ``allOf`` names (RunFacet in
    ``run.facets``, JobFacet in ``job.facets``, DatasetFacet in ``facets``, InputDatasetFacet in
    ``inputFacets``, OutputDatasetFacet in ``outputFacets``); a ``_schemaURL`` under
    ``https://openlineage.io/spec/`` that names no schema in DIR or no definition is an error;
    any other ``_schemaURL`` is a custom facet and gets the base facet checks only. The standard
    facets aigov uses, with the ``_schemaURL`` openlineage-python 1.54.0 writes for them,
    ``https://openlineage.io/spec/facets/<VERSION>/<Facet>.json#/$defs/<Facet>``:
      Facet (container, key)                              VERSION
      ProcessingEngineRunFacet (run, processing_engine)   1-1-1
      JobTypeJobFacet (job, jobType)                      2-0-4
      DocumentationJobFacet (job, documentation)          1-1-0
      SourceCodeLocationJobFacet (job, sourceCodeLocation) 1-1-0
      OwnershipJobFacet (job, ownership)                  1-0-1
      SchemaDatasetFacet (dataset, schema)                1-2-0
      DatasourceDatasetFacet (dataset, dataSource)        1-0-1
  * ``[integrity]`` (specification prose): no duplicate key in any JSON object; within one array,
    events of the same ``runId`` name the same job, have at most one START and at most one
    terminal event (COMPLETE/ABORT/FAIL), and the terminal ``eventTime`` is not before START's.

in-toto / SLSA checks (kind ``slsa-provenance``; the same for the statement inside a DSSE
payload, whose error paths start ``$.payload[decoded]``):
  * Statement: an object; ``_type`` exactly ``https://in-toto.io/Statement/v1``; ``subject`` a
    non-empty array of ResourceDescriptors, each with a ``digest`` (spec) and, as aigov requires,
    a non-empty ``name`` and a ``sha256`` digest; ``predicateType`` exactly
    ``https://slsa.dev/provenance/v1`` (otherwise the predicate is not checked); ``predicate`` an
    object;
  * SLSA Provenance v1.0 predicate: ``buildDefinition`` object (required) with ``buildType``
    TypeURI (required), ``externalParameters`` object (required), ``internalParameters`` object
    and ``resolvedDependencies`` array of ResourceDescriptors (optional); ``runDetails`` object
    (required) with ``builder`` object (required; ``id`` TypeURI required, ``builderDependencies``
    array of ResourceDescriptors and ``version`` map of strings optional), ``metadata`` object
    (optional; ``invocationId`` string, ``startedOn``/``finishedOn`` Timestamps, startedOn not
    after finishedOn) and ``byproducts`` array of ResourceDescriptors (optional). An optional field
    given as ``null`` is an error (omit it). Unknown fields are allowed (extension fields);
  * ResourceDescriptor: an object with at least one of ``uri``, ``digest``, ``content`` (non-empty);
    ``name`` string; ``uri``/``downloadLocation`` ResourceURIs; ``digest`` a non-empty DigestSet;
    ``content`` base64; ``mediaType`` ``type/subtype[;params]``; ``annotations`` an object;
  * DigestSet values are non-empty strings; for the spec's named algorithms lower-case hex of the
    right length: sha256 sha512_256 sha3_256 sm3 dirHash (dirHash1) 64, sha224 sha512_224
    sha3_224 56, sha384 sha3_384 96, sha512 sha3_512 128, sha1 ripemd160 40, md5 32, gitCommit
    gitTree gitBlob gitTag 40 (SHA-1) or 64 (SHA-256), gost 64 or 128, blake2b <= 128, blake2s
    <= 64, shake128 and shake256 any even length; other algorithm names are accepted as they are;
  * TypeURI/ResourceURI: an absolute RFC 3986 URI (``urn:...``, ``git+https://...``, ``s3://...``
    are fine) case-normalized per RFC 3986 6.2.2.1 (lower-case scheme and authority, upper-case
    percent-encoding hex); Timestamp: RFC 3339 in UTC, ``YYYY-MM-DDTHH:MM:SS[.frac]Z``;
  * DSSE envelope (kind ``dsse``): ``payloadType`` ``application/vnd.in-toto+json`` (or the
    predicate form ``application/vnd.in-toto.provenance+json``); ``payload`` standard or URL-safe
    base64 (padding optional) of a UTF-8 JSON Statement, checked as above; ``signatures`` a
    non-empty array of objects with a non-empty base64 ``sig`` and an optional string ``keyid``.
    Signatures are not verified (no keys here).

Output: one line per error on stdout, ``FILE: JSON-PATH: MESSAGE`` (JSON-PATH as jsonschema's
``json_path``: ``$``, ``$.run.runId``, ``$[1].job``, ``$.run.facets.processing_engine``, and
``$['_type']``, ``...processing_engine['_schemaURL']`` for keys not starting with a letter; facet
schema messages start with ``[<Facet> <version>]``, rule messages with ``[integrity]``,
``[in-toto]``, ``[slsa]`` or ``[dsse]``), errors of a file sorted by path then message; a
one-line summary on stderr. Exit 0 when every file is valid, 1 when any is invalid (including
files that are not JSON), 2 on usage errors (bad option, no file, unreadable file, jsonschema or a
format checker missing, OpenLineage spec dir missing or incomplete).

``--verdict OUT.json`` also writes (sorted keys, 2-space indent, trailing newline)::

    {"results": [{"errors": [{"keyword": ..., "message": ..., "path": ...}],
      "file": "<path as given>", "kind": "openlineage"|"slsa-provenance"|"dsse"|"unknown",
      "sha256": "<hex of the file's bytes>", "valid": true}],
     "schemas": {"<$id of each OpenLineage schema used>": "<hex sha256 of its file>"},
     "tool": "compliance_lineage_schema (jsonschema==4.26.0)"}

``keyword`` is the failing JSON Schema keyword (``required``, ``format``, ``enum``, ...) or
``integrity:<rule>``, ``in-toto:<rule>``, ``slsa:<rule>``, ``dsse:<rule>``, ``json``.
``schemas`` is empty when no OpenLineage document was checked.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import NoReturn

PROG = "compliance_lineage_schema"
CORE_ID = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
RUN_EVENT_URL = CORE_ID + "#/$defs/RunEvent"
OFFICIAL_PREFIX = "https://openlineage.io/spec/"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
REQUIRED_FORMATS = ("date-time", "uri", "uuid")
SPEC_ENV = "OPENLINEAGE_SPEC_DIR"
TERMINAL = ("COMPLETE", "ABORT", "FAIL")
FACET_KINDS = ("RunFacet", "JobFacet", "DatasetFacet", "InputDatasetFacet", "OutputDatasetFacet")

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
SLSA_V1 = "https://slsa.dev/provenance/v1"
PAYLOAD_TYPES = ("application/vnd.in-toto+json", "application/vnd.in-toto.provenance+json")

# digest_set.md: lower-case hex lengths of the named algorithms (a tuple: any of these lengths).
DIGEST_HEX_LENGTHS = {
    "sha256": (64,), "sha224": (56,), "sha384": (96,), "sha512": (128,),
    "sha512_224": (56,), "sha512_256": (64,), "sha3_224": (56,), "sha3_256": (64,),
    "sha3_384": (96,), "sha3_512": (128,), "ripemd160": (40,), "sm3": (64,), "sha1": (40,),
    "md5": (32,), "gost": (64, 128), "dirHash": (64,), "dirHash1": (64,),
    "gitCommit": (40, 64), "gitTree": (40, 64), "gitBlob": (40, 64), "gitTag": (40, 64),
}
DIGEST_HEX_MAX = {"blake2b": 128, "blake2s": 64, "shake128": None, "shake256": None}
HEX_RE = re.compile(r"^[0-9a-f]+$")
MAX_MESSAGE = 400

INSTALL_HINT = ("run\n  python3.11 -m venv /tmp/olvenv && /tmp/olvenv/bin/pip install "
                "'jsonschema[format-nongpl]==4.26.0'\nand use /tmp/olvenv/bin/python")


def _die(msg: str) -> NoReturn:
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(2)


def _shorten(msg: str) -> str:
    return msg if len(msg) <= MAX_MESSAGE else msg[:MAX_MESSAGE] + "..."


# -- JSON loading (duplicate keys are remembered, NaN/Infinity refused) ------------------------
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


def _no_constant(name):
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def parse_json(raw: bytes):
    """The JSON value of ``raw``, or raise ValueError with a readable reason."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError("starts with a UTF-8 byte-order mark (RFC 8259 forbids it)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8: {e}") from None
    try:
        return json.loads(text, object_pairs_hook=_pairs_hook, parse_constant=_no_constant)
    except ValueError as e:
        raise ValueError(f"not valid JSON: {e}") from None


_JSON_PATH_PLAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")  # as jsonschema's json_path


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _JSON_PATH_PLAIN.match(key):
        return f"{path}.{key}"
    return path + "['" + key.replace("\\", "\\\\").replace("'", r"\'") + "']"


def _walk(node, path):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, _join(path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, _join(path, i))


def _dup_errors(doc, root: str) -> list[dict]:
    out = []
    for path, node in _walk(doc, root):
        if isinstance(node, DupDict) and node.dups:
            for k in sorted(set(node.dups)):
                out.append(_err(path, "integrity:duplicate-key",
                                f"[integrity] duplicate key {k!r} in JSON object"))
    return out


def _err(path: str, keyword: str, message: str) -> dict:
    return {"path": path, "message": _shorten(message), "keyword": keyword}


def _type_name(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object" if isinstance(v, dict) else type(v).__name__


# -- OpenLineage ------------------------------------------------------------------------------
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


def _split_url(url: str) -> tuple[str, str | None]:
    base, sep, frag = url.partition("#")
    return base, (frag if sep else None)


def _version_of(schema_id: str) -> str:
    m = re.search(r"/(\d+-\d+-\d+)/", schema_id)
    return m.group(1) if m else "?"


class OpenLineageSpec:
    """The OpenLineage schemas found below a spec directory, by ``$id``."""

    def __init__(self, spec_dir: str):
        try:
            import jsonschema
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError as e:
            _die(f"missing dependency ({e}); {INSTALL_HINT}")
        self.jsonschema = jsonschema
        root = Path(spec_dir)
        if not root.is_dir():
            _die(f"--spec-dir {spec_dir}: not a directory (it must be a copy of the OpenLineage "
                 "repository's spec/ folder, tag 1.54.0: OpenLineage.json and facets/*.json)")
        self.schemas: dict[str, dict] = {}
        self.resources: dict[str, object] = {}
        self.sha256: dict[str, str] = {}
        self.files: dict[str, str] = {}
        for f in sorted(root.rglob("*.json")):
            try:
                raw = f.read_bytes()
                doc = json.loads(raw)
            except (OSError, ValueError) as e:
                print(f"{PROG}: note: skipping {f}: {e}", file=sys.stderr)
                continue
            sid = doc.get("$id") if isinstance(doc, dict) else None
            if not isinstance(sid, str) or not sid:
                continue
            sid = _split_url(sid)[0]
            digest = hashlib.sha256(raw).hexdigest()
            try:
                resource = Resource.from_contents(doc, default_specification=DRAFT202012)
            except Exception as e:  # an unknown $schema dialect
                print(f"{PROG}: note: skipping {f}: {e}", file=sys.stderr)
                continue
            if sid in self.schemas:
                if self.sha256[sid] != digest:
                    _die(f"two different schema files have $id {sid}: {self.files[sid]} and {f}")
                continue
            self.schemas[sid], self.sha256[sid], self.files[sid] = doc, digest, str(f)
            self.resources[sid] = resource
        core = self.schemas.get(CORE_ID)
        if core is None or not isinstance(core.get("$defs"), dict) \
                or "RunEvent" not in core["$defs"]:
            _die(f"no schema with $id {CORE_ID} and $defs/RunEvent below {spec_dir} (expected "
                 "spec/OpenLineage.json of OpenLineage tag 1.54.0)")
        cls = jsonschema.Draft202012Validator
        missing = [f for f in REQUIRED_FORMATS if f not in cls.FORMAT_CHECKER.checkers]
        if missing:
            _die(f"the format checker cannot check {', '.join(missing)} "
                 f"(install jsonschema[format-nongpl]); {INSTALL_HINT}")
        self.cls = cls
        self.registry = Registry().with_resources(self.resources.items())
        self.used: set[str] = set()
        self.checked: set[str] = set()
        self.validators: dict[str, object] = {}
        self._use(CORE_ID)

    def _use(self, sid: str):
        """Mark a schema as used; stop (exit 2) if it or a schema it refers to is unusable."""
        if sid in self.checked:
            return
        self.checked.add(sid)
        self.used.add(sid)
        schema = self.schemas[sid]
        if schema.get("$schema") != DRAFT_2020_12:
            _die(f"{self.files[sid]}: $schema is {schema.get('$schema')!r}, not {DRAFT_2020_12}")
        try:
            self.cls.check_schema(schema)
        except self.jsonschema.SchemaError as e:
            _die(f"{self.files[sid]} is not a valid JSON schema: {e.message}")
        resolver = self.registry.resolver(base_uri=sid)
        for ref in sorted(_external_refs(schema)):
            base = _split_url(ref)[0]
            try:
                resolver.lookup(ref)
            except Exception as e:  # referencing.exceptions.Unresolvable and friends
                _die(f"{self.files[sid]}: cannot resolve $ref {ref!r} offline ({e}); put the "
                     f"schema with $id {base} in the spec dir")
            if base in self.schemas:
                self._use(base)

    def validator(self, url: str):
        v = self.validators.get(url)
        if v is None:
            v = self.cls({"$schema": DRAFT_2020_12, "$ref": url}, registry=self.registry,
                         format_checker=self.cls.FORMAT_CHECKER)
            self.validators[url] = v
        return v

    def schema_errors(self, url: str, instance, root: str, prefix: str = "") -> list[dict]:
        out = []
        for e in _flatten(self.validator(url).iter_errors(instance)):
            if e.validator in ("anyOf", "oneOf") and e.context:
                msg = (f"not valid under any of the {len(e.validator_value)} {e.validator} "
                       f"alternatives (deepest failure: {_deepest(e, root)})")
            else:
                msg = _shorten(e.message)
            out.append(_err(_prefix_path(root, e.json_path), str(e.validator), prefix + msg))
        return out

    def facet_target(self, schema_url: str):
        """(schema $id, def name) for a facet's _schemaURL, None for a custom facet, or an error
        message (str) for an official-looking URL that names nothing known."""
        base, frag = _split_url(schema_url)
        if base not in self.schemas:
            if not base.startswith(OFFICIAL_PREFIX):
                return None
            name = base.rsplit("/", 1)[-1]
            have = sorted(s for s in self.schemas if s.rsplit("/", 1)[-1] == name)
            hint = f"; the spec dir has {', '.join(have)}" if have else ""
            return f"names no schema in the spec dir ({base}){hint}"
        m = re.fullmatch(r"/\$defs/([^/]+)", frag or "")
        if not m:
            return f"must point at a definition, {base}#/$defs/<Facet>"
        name = m.group(1)
        if name not in (self.schemas[base].get("$defs") or {}):
            return f"{base} has no definition {name!r}"
        return base, name

    def facet_rules(self, sid: str, name: str) -> tuple[list[str], str | None]:
        """The facet keys the schema declares for a definition and the container kind its allOf
        names (RunFacet, JobFacet, ...)."""
        schema = self.schemas[sid]
        target = f"#/$defs/{name}"
        keys = [k for k, v in (schema.get("properties") or {}).items()
                if isinstance(v, dict) and v.get("$ref") in (target, sid + target)]
        if sid == CORE_ID:
            return keys, name if name in FACET_KINDS else None
        kind = None
        for part in (schema["$defs"][name].get("allOf") or []):
            ref = part.get("$ref", "") if isinstance(part, dict) else ""
            m = re.search(r"OpenLineage\.json#/\$defs/(\w+)$", ref)
            if m and m.group(1) in FACET_KINDS:
                kind = m.group(1)
        return keys, kind


def _prefix_path(root: str, json_path: str) -> str:
    return root + json_path[1:]


def _flatten(errors):
    """The errors, with a failed one-alternative anyOf/oneOf (the 2-0-2 core wraps every facet
    container in one) replaced by the errors of its single alternative."""
    for e in errors:
        if e.validator in ("anyOf", "oneOf") and len(e.validator_value) == 1 and e.context:
            yield from _flatten(e.context)
        else:
            yield e


def _leaves(err):
    if err.context:
        for sub in err.context:
            yield from _leaves(sub)
    else:
        yield err


def _deepest(err, root: str, limit=3) -> str:
    """The errors of a failed anyOf/oneOf that reach deepest into the instance, at most
    ``limit``, in schema order."""
    leaves = list(_leaves(err))
    depth = max(len(e.absolute_path) for e in leaves)
    seen = []
    for e in leaves:
        if len(e.absolute_path) == depth:
            text = f"{_prefix_path(root, e.json_path)}: {_shorten(e.message)}"
            if text not in seen:
                seen.append(text)
    more = f"; +{len(seen) - limit} more" if len(seen) > limit else ""
    return "; ".join(seen[:limit]) + more


def iter_facets(event, root: str):
    """(path, container kind, key, facet) of every facet of a RunEvent."""
    if not isinstance(event, dict):
        return

    def container(obj, field, kind, path):
        facets = obj.get(field) if isinstance(obj, dict) else None
        if isinstance(facets, dict):
            for k, f in facets.items():
                yield _join(_join(path, field), k), kind, k, f

    yield from container(event.get("run"), "facets", "RunFacet", _join(root, "run"))
    yield from container(event.get("job"), "facets", "JobFacet", _join(root, "job"))
    for side, extra, kind in (("inputs", "inputFacets", "InputDatasetFacet"),
                              ("outputs", "outputFacets", "OutputDatasetFacet")):
        datasets = event.get(side)
        if isinstance(datasets, list):
            for i, ds in enumerate(datasets):
                p = _join(_join(root, side), i)
                yield from container(ds, "facets", "DatasetFacet", p)
                yield from container(ds, extra, kind, p)


def prescan_facets(spec: OpenLineageSpec, events):
    """Mark every facet schema the events name as used (exit 2 if one cannot be resolved)."""
    for root, event in events:
        for _, _, _, facet in iter_facets(event, root):
            url = facet.get("_schemaURL") if isinstance(facet, dict) else None
            if isinstance(url, str):
                target = spec.facet_target(url)
                if isinstance(target, tuple):
                    spec._use(target[0])


def run_event_errors(spec: OpenLineageSpec, event, root: str) -> list[dict]:
    if not isinstance(event, dict):
        return [_err(root, "type", f"a RunEvent must be an object, got {_type_name(event)}")]
    errors = spec.schema_errors(RUN_EVENT_URL, event, root)
    seen = {(e["path"], e["message"]) for e in errors}
    if isinstance(event.get("schemaURL"), str) and event["schemaURL"] != RUN_EVENT_URL:
        errors.append(_err(_join(root, "schemaURL"), "integrity:schema-url",
                           f"[integrity] schemaURL must be {RUN_EVENT_URL!r} (the schema this "
                           f"oracle checks), got {event['schemaURL']!r}"))
    for path, kind, key, facet in iter_facets(event, root):
        url = facet.get("_schemaURL") if isinstance(facet, dict) else None
        if not isinstance(url, str):
            continue  # the core schema already reports it
        target = spec.facet_target(url)
        if target is None:
            continue
        if isinstance(target, str):
            errors.append(_err(_join(path, "_schemaURL"), "integrity:facet-schema",
                               f"[integrity] _schemaURL {url!r} {target}"))
            continue
        sid, name = target
        label = f"[{name} {_version_of(sid)}] " if sid != CORE_ID else f"[{name} core] "
        for e in spec.schema_errors(f"{sid}#/$defs/{name}", facet, path, label):
            raw = e["message"][len(label):]
            if (e["path"], raw) not in seen:
                errors.append(e)
        keys, want = spec.facet_rules(sid, name)
        if keys and key not in keys:
            errors.append(_err(path, "integrity:facet-key",
                               f"[integrity] a {name} must be under the key "
                               f"{' or '.join(map(repr, keys))}, not {key!r}"))
        if want and want != kind:
            errors.append(_err(path, "integrity:facet-container",
                               f"[integrity] {name} is a {want}, but it is in a container of "
                               f"{kind}s"))
    return errors


def _parse_time(value):
    if not isinstance(value, str):
        return None
    try:
        t = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else None


def run_pairing_errors(events: list) -> list[dict]:
    """Within one array: the events of a run agree on the job, one START, one terminal event,
    terminal not before START (OpenLineage.json: "It is required to issue 1 START event and 1 of
    [ COMPLETE, ABORT, FAIL ] event per run")."""
    out = []
    runs: dict[str, list[tuple[int, dict]]] = {}
    for i, ev in enumerate(events):
        run = ev.get("run") if isinstance(ev, dict) else None
        rid = run.get("runId") if isinstance(run, dict) else None
        if isinstance(rid, str):
            runs.setdefault(rid.lower(), []).append((i, ev))
    for evs in runs.values():
        if len(evs) < 2:
            continue
        first_i, first = evs[0]
        job0 = first.get("job") if isinstance(first.get("job"), dict) else {}
        starts = [(i, e) for i, e in evs if e.get("eventType") == "START"]
        ends = [(i, e) for i, e in evs if e.get("eventType") in TERMINAL]
        for i, e in evs[1:]:
            job = e.get("job") if isinstance(e.get("job"), dict) else {}
            if (job.get("namespace"), job.get("name")) != (job0.get("namespace"), job0.get("name")):
                out.append(_err(f"$[{i}].job", "integrity:run-job",
                                f"[integrity] same runId as $[{first_i}] but job "
                                f"{job.get('namespace')!r}/{job.get('name')!r} differs from "
                                f"{job0.get('namespace')!r}/{job0.get('name')!r}"))
        for i, _ in starts[1:]:
            out.append(_err(f"$[{i}].eventType", "integrity:run-start",
                            f"[integrity] second START event of run (first at $[{starts[0][0]}])"))
        for i, _ in ends[1:]:
            out.append(_err(f"$[{i}].eventType", "integrity:run-terminal",
                            f"[integrity] second terminal event of run (first at $[{ends[0][0]}])"))
        if starts and ends:
            t0 = _parse_time(starts[0][1].get("eventTime"))
            t1 = _parse_time(ends[0][1].get("eventTime"))
            if t0 and t1 and t1 < t0:
                out.append(_err(f"$[{ends[0][0]}].eventTime", "integrity:run-order",
                                f"[integrity] {ends[0][1].get('eventType')} eventTime is before "
                                f"the START eventTime at $[{starts[0][0]}]"))
    return out


# -- in-toto / SLSA / DSSE ----------------------------------------------------------------------
_URI_SPLIT = re.compile(r"^([^:/?#]+):(//([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$")  # RFC 3986 app. B
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
                         r"(\s*;\s*[^;=\s]+=[^;]*)*$")
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]*={0,2}$")


def _uri_problem(value) -> str | None:
    """Why ``value`` is not a TypeURI/ResourceURI (field_types.md), or None."""
    if not isinstance(value, str):
        return f"must be a string, got {_type_name(value)}"
    from rfc3986_validator import validate_rfc3986  # checked in main()

    if not validate_rfc3986(value, rule="URI"):
        return f"{value!r} is not an absolute RFC 3986 URI"
    m = _URI_SPLIT.match(value)
    scheme, authority = m.group(1), m.group(3)
    if scheme != scheme.lower():
        return f"{value!r}: the scheme must be lower-case (RFC 3986 6.2.2.1)"
    if authority is not None and authority != authority.lower():
        return f"{value!r}: the authority must be lower-case (RFC 3986 6.2.2.1)"
    if re.search(r"%(?![0-9A-F]{2})", value):
        return f"{value!r}: percent-encodings must use upper-case hex (RFC 3986 6.2.2.1)"
    return None


def _timestamp_problem(value) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_type_name(value)}"
    if not _TIMESTAMP.match(value):
        return f"{value!r} is not an RFC 3339 UTC timestamp 'YYYY-MM-DDTHH:MM:SS[.frac]Z'"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a valid date and time"
    return None


def _base64_problem(value, what: str, allow_empty=False) -> str | None:
    if not isinstance(value, str):
        return f"{what} must be a base64 string, got {_type_name(value)}"
    if not value and not allow_empty:
        return f"{what} must not be empty"
    if not (_B64.match(value) or _B64URL.match(value)):
        return f"{what} is not standard or URL-safe base64 (RFC 4648)"
    core = value.rstrip("=")
    if len(core) % 4 == 1 or (len(value) != len(core) and len(value) % 4):
        return f"{what} has a wrong length or padding for base64"
    return None


def _b64decode(value: str) -> bytes:
    alt = b"-_" if _B64URL.match(value) and not _B64.match(value) else None
    padded = value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4)
    return base64.b64decode(padded, altchars=alt, validate=True)


class _Checker:
    """Explicit in-toto / SLSA / DSSE checks collecting errors."""

    def __init__(self):
        self.errors: list[dict] = []

    def err(self, path, rule, msg):
        area = rule.split(":", 1)[0]
        self.errors.append(_err(path, rule, f"[{area}] {msg}"))

    def obj(self, parent: dict, key: str, path: str, rule: str, required: bool):
        """The object at parent[key] (None if absent or wrong; errors recorded)."""
        p = _join(path, key)
        if key not in parent:
            if required:
                self.err(path, rule, f"{key!r} is required")
            return None
        v = parent[key]
        if not isinstance(v, dict):
            self.err(p, rule, f"must be an object, got {_type_name(v)}"
                     + (" (omit an optional field instead of null)" if v is None else ""))
            return None
        return v

    def arr(self, parent: dict, key: str, path: str, rule: str, required: bool):
        p = _join(path, key)
        if key not in parent:
            if required:
                self.err(path, rule, f"{key!r} is required")
            return None
        v = parent[key]
        if not isinstance(v, list):
            self.err(p, rule, f"must be an array, got {_type_name(v)}"
                     + (" (omit an optional field instead of null)" if v is None else ""))
            return None
        return v

    def uri(self, parent: dict, key: str, path: str, rule: str, required: bool):
        if key not in parent:
            if required:
                self.err(path, rule, f"{key!r} is required")
            return
        problem = _uri_problem(parent[key])
        if problem:
            self.err(_join(path, key), rule, problem)

    def digest_set(self, d, path: str):
        if not isinstance(d, dict):
            self.err(path, "in-toto:digest", f"a DigestSet must be an object, got {_type_name(d)}")
            return
        if not d:
            self.err(path, "in-toto:digest", "a DigestSet must have at least one digest")
        for alg, value in d.items():
            p = _join(path, alg)
            if not isinstance(value, str) or not value:
                self.err(p, "in-toto:digest", f"a digest must be a non-empty string, got "
                         f"{_type_name(value) if not isinstance(value, str) else 'empty string'}")
                continue
            if alg in DIGEST_HEX_LENGTHS or alg in DIGEST_HEX_MAX:
                if not HEX_RE.match(value):
                    self.err(p, "in-toto:digest", f"a {alg} digest must be lower-case hex")
                    continue
                lengths = DIGEST_HEX_LENGTHS.get(alg)
                if lengths and len(value) not in lengths:
                    self.err(p, "in-toto:digest", f"a {alg} digest has "
                             f"{' or '.join(map(str, lengths))} hex digits, got {len(value)}")
                elif alg in DIGEST_HEX_MAX:
                    top = DIGEST_HEX_MAX[alg]
                    if len(value) % 2 or (top and len(value) > top):
                        self.err(p, "in-toto:digest", f"a {alg} digest has an even number of "
                                 f"hex digits{f', at most {top}' if top else ''}, got {len(value)}")

    def descriptor(self, rd, path: str, *, subject=False):
        """A ResourceDescriptor (resource_descriptor.md); subjects must also have a digest
        (statement.md) and, for aigov, a name and a sha256."""
        rule = "in-toto:resource-descriptor"
        if not isinstance(rd, dict):
            self.err(path, rule, f"a ResourceDescriptor must be an object, got {_type_name(rd)}")
            return
        if not any(rd.get(k) not in (None, "", {}) for k in ("uri", "digest", "content")):
            self.err(path, rule, "a ResourceDescriptor must set at least one of 'uri', 'digest', "
                     "'content'")
        if "name" in rd and not isinstance(rd["name"], str):
            self.err(_join(path, "name"), rule, f"must be a string, got {_type_name(rd['name'])}")
        for key in ("uri", "downloadLocation"):
            self.uri(rd, key, path, rule, False)
        if "digest" in rd:
            self.digest_set(rd["digest"], _join(path, "digest"))
        if "content" in rd:
            problem = _base64_problem(rd["content"], "content")
            if problem:
                self.err(_join(path, "content"), rule, problem)
        if "mediaType" in rd:
            mt = rd["mediaType"]
            if not isinstance(mt, str) or not _MEDIA_TYPE.match(mt):
                self.err(_join(path, "mediaType"), rule, f"{mt!r} is not a MIME type "
                         "'type/subtype[; parameter=value]'")
        if "annotations" in rd and not isinstance(rd["annotations"], dict):
            self.err(_join(path, "annotations"), rule,
                     f"must be an object, got {_type_name(rd['annotations'])}")
        if subject:
            srule = "in-toto:subject"
            if "digest" not in rd:
                self.err(path, srule, "each subject must have a 'digest' (statement.md)")
            elif isinstance(rd["digest"], dict) and "sha256" not in rd["digest"]:
                self.err(_join(path, "digest"), srule, "aigov requires a 'sha256' subject digest")
            name = rd.get("name")
            if not isinstance(name, str) or not name:
                self.err(path if "name" not in rd else _join(path, "name"), srule,
                         "aigov requires a non-empty subject 'name'")

    def descriptors(self, parent: dict, key: str, path: str, rule: str):
        items = self.arr(parent, key, path, rule, False)
        for i, rd in enumerate(items or []):
            self.descriptor(rd, _join(_join(path, key), i))

    def statement(self, st, path: str):
        if not isinstance(st, dict):
            self.err(path, "in-toto:statement", f"a Statement must be an object, got "
                     f"{_type_name(st)}")
            return
        if st.get("_type") != STATEMENT_TYPE:
            where = _join(path, "_type") if "_type" in st else path
            self.err(where, "in-toto:statement-type",
                     f"'_type' must be {STATEMENT_TYPE!r}, got {st.get('_type')!r}")
        subjects = self.arr(st, "subject", path, "in-toto:subject", True)
        if subjects is not None and not subjects:
            self.err(_join(path, "subject"), "in-toto:subject", "'subject' must not be empty")
        for i, rd in enumerate(subjects or []):
            self.descriptor(rd, _join(_join(path, "subject"), i), subject=True)
        ptype = st.get("predicateType")
        if ptype != SLSA_V1:
            where = _join(path, "predicateType") if "predicateType" in st else path
            self.err(where, "in-toto:predicate-type",
                     f"'predicateType' must be {SLSA_V1!r}, got {ptype!r} (predicate not checked)")
            return
        pred = self.obj(st, "predicate", path, "slsa:predicate", True)
        if pred is not None:
            self.provenance(pred, _join(path, "predicate"))

    def provenance(self, pred: dict, path: str):
        """SLSA Provenance v1.0 (https://slsa.dev/spec/v1.0/provenance)."""
        bd = self.obj(pred, "buildDefinition", path, "slsa:build-definition", True)
        if bd is not None:
            p = _join(path, "buildDefinition")
            self.uri(bd, "buildType", p, "slsa:build-type", True)
            self.obj(bd, "externalParameters", p, "slsa:external-parameters", True)
            self.obj(bd, "internalParameters", p, "slsa:internal-parameters", False)
            self.descriptors(bd, "resolvedDependencies", p, "slsa:resolved-dependencies")
        rd = self.obj(pred, "runDetails", path, "slsa:run-details", True)
        if rd is None:
            return
        p = _join(path, "runDetails")
        builder = self.obj(rd, "builder", p, "slsa:builder", True)
        if builder is not None:
            bp = _join(p, "builder")
            self.uri(builder, "id", bp, "slsa:builder-id", True)
            self.descriptors(builder, "builderDependencies", bp, "slsa:builder-dependencies")
            version = self.obj(builder, "version", bp, "slsa:builder-version", False)
            for k, v in (version or {}).items():
                if not isinstance(v, str):
                    self.err(_join(_join(bp, "version"), k), "slsa:builder-version",
                             f"builder.version is a map of strings, got {_type_name(v)}")
        meta = self.obj(rd, "metadata", p, "slsa:metadata", False)
        if meta is not None:
            mp = _join(p, "metadata")
            if "invocationId" in meta and not isinstance(meta["invocationId"], str):
                self.err(_join(mp, "invocationId"), "slsa:metadata",
                         f"must be a string, got {_type_name(meta['invocationId'])}")
            times = {}
            for key in ("startedOn", "finishedOn"):
                if key in meta:
                    problem = _timestamp_problem(meta[key])
                    if problem:
                        self.err(_join(mp, key), "slsa:timestamp", problem)
                    else:
                        times[key] = datetime.fromisoformat(meta[key])
            if len(times) == 2 and times["finishedOn"] < times["startedOn"]:
                self.err(_join(mp, "finishedOn"), "slsa:timestamp",
                         "finishedOn is before startedOn")
        self.descriptors(rd, "byproducts", p, "slsa:byproducts")

    def envelope(self, env: dict, path: str):
        """DSSE v1.0 envelope (envelope.md) carrying an in-toto statement."""
        pt = env.get("payloadType")
        if pt not in PAYLOAD_TYPES:
            self.err(_join(path, "payloadType"), "dsse:payload-type",
                     f"'payloadType' must be {PAYLOAD_TYPES[0]!r} (or {PAYLOAD_TYPES[1]!r}), "
                     f"got {pt!r}")
        sigs = self.arr(env, "signatures", path, "dsse:signatures", True)
        if sigs is not None and not sigs:
            self.err(_join(path, "signatures"), "dsse:signatures", "'signatures' must not be empty")
        for i, s in enumerate(sigs or []):
            sp = _join(_join(path, "signatures"), i)
            if not isinstance(s, dict):
                self.err(sp, "dsse:signatures", f"a signature must be an object, got "
                         f"{_type_name(s)}")
                continue
            if "sig" not in s:
                self.err(sp, "dsse:signatures", "'sig' is required")
            else:
                problem = _base64_problem(s["sig"], "'sig'")
                if problem:
                    self.err(_join(sp, "sig"), "dsse:signatures", problem)
            if "keyid" in s and not isinstance(s["keyid"], str):
                self.err(_join(sp, "keyid"), "dsse:signatures",
                         f"must be a string, got {_type_name(s['keyid'])}")
        if "payload" not in env:
            self.err(path, "dsse:payload", "'payload' is required")
            return
        problem = _base64_problem(env["payload"], "'payload'")
        if problem:
            self.err(_join(path, "payload"), "dsse:payload", problem)
            return
        try:
            statement = parse_json(_b64decode(env["payload"]))
        except (ValueError, binascii.Error) as e:
            self.err(_join(path, "payload"), "dsse:payload",
                     f"the decoded payload is not a JSON statement: {e}")
            return
        inner = _join(path, "payload") + "[decoded]"
        self.errors += _dup_errors(statement, inner)
        self.statement(statement, inner)


# -- driver ----------------------------------------------------------------------------------------
def classify(doc) -> str:
    if isinstance(doc, list):
        return "openlineage"
    if isinstance(doc, dict):
        if "eventType" in doc:
            return "openlineage"
        if "_type" in doc:
            return "slsa-provenance"
        if "payloadType" in doc:
            return "dsse"
    return "unknown"


def _sort_key(e: dict):
    path = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)):09d}]", e["path"])
    return path, e["message"], e["keyword"]


def check_document(doc, kind: str, spec: OpenLineageSpec | None) -> list[dict]:
    errors = _dup_errors(doc, "$")
    if kind == "openlineage":
        if isinstance(doc, list):
            if not doc:
                errors.append(_err("$", "integrity:empty", "[integrity] an empty array holds no "
                                   "RunEvent"))
            for i, ev in enumerate(doc):
                p = f"$[{i}]"
                if not isinstance(ev, dict) or "eventType" not in ev:
                    errors.append(_err(p, "integrity:not-run-event", "[integrity] an array "
                                       "element must be a RunEvent object with an eventType"))
                    continue
                errors += run_event_errors(spec, ev, p)
            errors += run_pairing_errors(doc)
        else:
            errors += run_event_errors(spec, doc, "$")
    elif kind in ("slsa-provenance", "dsse"):
        c = _Checker()
        if kind == "dsse":
            c.envelope(doc, "$")
        else:
            c.statement(doc, "$")
        errors += c.errors
    else:
        errors.append(_err("$", "json", "cannot tell the kind: expected a RunEvent (object with "
                           "eventType), an array of RunEvents, an in-toto Statement (object with "
                           "_type) or a DSSE envelope (object with payloadType); got "
                           f"{_type_name(doc)}"))
    return sorted(errors, key=_sort_key)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog=PROG, description="Validate OpenLineage 2-0-2 RunEvents, in-toto Statement v1 / SLSA "
        "Provenance v1 statements and DSSE envelopes offline.")
    ap.add_argument("files", nargs="+", metavar="FILE", help="JSON files")
    ap.add_argument("--verdict", metavar="OUT.json", help="also write a JSON verdict file")
    ap.add_argument("--spec-dir", metavar="DIR", default=os.environ.get(SPEC_ENV) or None,
                    help="copy of the OpenLineage repository's spec/ folder (tag 1.54.0); "
                    f"default ${SPEC_ENV}; needed when a file is an OpenLineage document")
    args = ap.parse_args(argv)

    blobs = []
    for f in args.files:
        try:
            blobs.append((f, Path(f).read_bytes()))
        except OSError as e:
            _die(f"cannot read {f}: {e}")

    parsed = []
    for f, raw in blobs:
        try:
            doc = parse_json(raw)
            parsed.append((f, raw, doc, classify(doc), None))
        except ValueError as e:
            parsed.append((f, raw, None, "unknown", [_err("$", "json", str(e))]))

    if any(kind in ("slsa-provenance", "dsse") for _, _, _, kind, bad in parsed if bad is None):
        from importlib.util import find_spec

        if find_spec("rfc3986_validator") is None:  # the URI grammar of the in-toto checks
            _die(f"the 'rfc3986-validator' package is missing; {INSTALL_HINT}")

    spec = None
    if any(kind == "openlineage" for _, _, _, kind, bad in parsed if bad is None):
        if not args.spec_dir:
            _die("an OpenLineage document needs the official schemas: pass --spec-dir DIR (or set "
                 f"${SPEC_ENV}) with a copy of the OpenLineage repository's spec/ folder at tag "
                 "1.54.0 (no PyPI package ships OpenLineage.json and spec/facets/*.json)")
        spec = OpenLineageSpec(args.spec_dir)
        events = []
        for _, _, doc, kind, bad in parsed:
            if kind == "openlineage" and bad is None:
                events += ([(f"$[{i}]", e) for i, e in enumerate(doc)] if isinstance(doc, list)
                           else [("$", doc)])
        prescan_facets(spec, events)

    results = []
    n_invalid = n_errors = 0
    for f, raw, doc, kind, bad in parsed:
        errors = bad if bad is not None else check_document(doc, kind, spec)
        for e in errors:
            print(f"{f}: {e['path']}: {e['message']}")
        n_errors += len(errors)
        n_invalid += bool(errors)
        results.append({"file": f, "sha256": hashlib.sha256(raw).hexdigest(), "kind": kind,
                        "valid": not errors, "errors": errors})

    try:
        from importlib.metadata import version
        deps = f"jsonschema=={version('jsonschema')}"
    except Exception:  # jsonschema is only needed for OpenLineage documents
        deps = "jsonschema not installed"
    schemas = {sid: spec.sha256[sid] for sid in sorted(spec.used)} if spec else {}
    if args.verdict:
        verdict = {"tool": f"{PROG} ({deps})", "schemas": schemas, "results": results}
        text = json.dumps(verdict, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        try:
            Path(args.verdict).write_text(text, encoding="utf-8")
        except OSError as e:
            _die(f"cannot write {args.verdict}: {e}")

    used = f"{len(schemas)} OpenLineage 2-0-2 schema file(s) from {args.spec_dir}" \
        if spec else "no OpenLineage schema needed"
    print(f"{PROG}: {len(blobs)} file(s), {len(blobs) - n_invalid} valid, {n_invalid} invalid, "
          f"{n_errors} error(s) [{used}; in-toto Statement v1 / SLSA Provenance v1 / DSSE rules "
          f"from the specs]: {'INVALID' if n_invalid else 'OK'}", file=sys.stderr)
    return 1 if n_invalid else 0


if __name__ == "__main__":
    sys.exit(main())
