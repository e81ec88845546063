#!/usr/bin/env python3
"""Offline OCSF 1.5.0 event validator for aigov's SIEM export (the oracle for its OCSF tests).

Schema source: the official compiled OCSF 1.5.0 schema (`schema.ocsf.io/1.5.0/export/schema`,
`"version": "1.5.0"`) as bundled in the PyPI package ``ocsf-json-schema`` 1.2.0, file
``ocsf_json_schema/ocsf/1.5.0.json``. Only that data file is used (no network, no pickle).
The checks follow the OCSF server's own event validator (``Schema.Validator2``), see below.

Install (keep the virtualenv OUTSIDE the repository) and run:

    python3 -m venv /tmp/ocsfvenv
    /tmp/ocsfvenv/bin/pip install ocsf-json-schema==1.2.0
    /tmp/ocsfvenv/bin/python tests/oracles/ocsf_validate.py tests/fixtures/ocsf/reference_events.json
    <command printing OCSF JSON lines> | /tmp/ocsfvenv/bin/python tests/oracles/ocsf_validate.py --strict --aigov -

Or, with no package at all, point ``--schema`` at a copy of the 1.5.0 export JSON.

Input (file arguments, or stdin when none or ``-``): JSON lines (one event per line), a JSON
array of events, a single event object, an OCSF bundle ``{"events": [...]}``, or an object
keyed by class_uid (``{"2004": {...}, ...}``, the layout of reference_events.json; each key
must equal its event's class_uid).

Output: one line per problem on stdout, ``SOURCE[LOCATOR]: PATH: MESSAGE [code]``; a one-line
summary on stderr. Exit 0 when every event is valid, 1 when there is any problem, 2 on usage
errors (bad option, unreadable file, schema not found).

Errors (always problems), as in the OCSF server validator:
  * class_uid missing / not an integer / unknown; by default only the aigov classes are
    accepted: 2003 Compliance Finding, 2004 Detection Finding, 2005 Incident Finding,
    6003 API Activity (``--any-class`` lifts this);
  * required attribute missing (or null), in the event and in every nested object; profile
    attributes (e.g. ``cloud``, ``osint``, ``action_id``) only count when their profile is
    listed in ``metadata.profiles``; unknown profile names;
  * unknown attribute (not in the class/object, or belonging to a profile not listed);
    ``unmapped`` (type ``object``) is the only open object;
  * wrong JSON type: integer_t/long_t must be JSON integers (not bool, not float; 64/128-bit
    range), float_t a JSON float, string_t a string, boolean_t a bool, object_t an object,
    ``is_array`` attributes an array; port_t range; max_len of ip_t, mac_t, subnet_t;
  * enum value not defined (``activity_id``, ``severity_id``, ``status_id``, ``category_uid``,
    ``class_uid``, ``type_uid`` and every other ``*_id`` enum, nested objects included);
  * ``type_uid != class_uid * 100 + activity_id``;
  * object/class constraints (``at_least_one``, ``just_one``), e.g. Incident Finding needs
    ``assignee`` or ``assignee_group``, ``product`` needs ``name`` or ``uid``;
  * ``observables[].name`` not naming an attribute path of the class;
  * ``metadata.version`` not exactly ``"1.5.0"`` (this oracle pins 1.5.0; the server only
    warns for an older version);
  * aigov additions: a timestamp_t value outside [1e11, 1e14) is not epoch *milliseconds*
    (1973..5138 AD; seconds and microseconds are caught); duplicate JSON object keys.
    ``--aigov`` also requires metadata.product name/vendor_name "aigov" and an integer
    ``metadata.sequence`` (the audit log index).

Warnings (problems only with ``--strict``; shown with ``--warnings``): enum sibling string
not equal to the enum caption (``class_name``, ``activity_name``, ``type_name``, ``severity``,
``status`` ...), sibling missing for value 99 (Other), string not matching its type's regex
(ip_t, email_t, datetime_t, ...), deprecated attribute/object/enum value, profile not
declared by the class, and, with ``--recommended``, missing recommended attributes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

OCSF_VERSION = "1.5.0"
# sha256 of ocsf_json_schema/ocsf/1.5.0.json in ocsf-json-schema 1.2.0.
SCHEMA_SHA256 = "e1630511cff5df7f67921b4785563a1a83c2ae1c2bcbe14029969846a29e441f"
AIGOV_CLASSES = {2003, 2004, 2005, 6003}

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
LONG_MIN, LONG_MAX = -(2**127), 2**127 - 1
MS_MIN, MS_MAX = 10**11, 10**14  # epoch milliseconds: 1973-03-03 .. 5138-11-16


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


def _loads(text):
    return json.loads(text, object_pairs_hook=_pairs_hook)


def load_schema(path: str | None) -> tuple[dict, str]:
    if path is None:
        try:
            import ocsf_json_schema  # noqa: F401  (only its data file is used)
        except ImportError:
            print("ocsf_validate: the 'ocsf-json-schema' package is not installed; run\n"
                  "  python3 -m venv /tmp/ocsfvenv && /tmp/ocsfvenv/bin/pip install "
                  "ocsf-json-schema==1.2.0\n"
                  "and use /tmp/ocsfvenv/bin/python, or pass --schema PATH/1.5.0.json",
                  file=sys.stderr)
            sys.exit(2)
        path = str(Path(ocsf_json_schema.__file__).parent / "ocsf" / f"{OCSF_VERSION}.json")
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        print(f"ocsf_validate: cannot read schema {path}: {e}", file=sys.stderr)
        sys.exit(2)
    schema = json.loads(raw)
    if schema.get("version") != OCSF_VERSION or "classes" not in schema:
        print(f"ocsf_validate: {path} is not the OCSF {OCSF_VERSION} export "
              f"(version {schema.get('version')!r})", file=sys.stderr)
        sys.exit(2)
    digest = hashlib.sha256(raw).hexdigest()
    if not SCHEMA_SHA256.startswith("@") and digest != SCHEMA_SHA256:
        print(f"ocsf_validate: note: {path} sha256 {digest} differs from the pinned "
              f"ocsf-json-schema 1.2.0 copy ({SCHEMA_SHA256})", file=sys.stderr)
    return schema, path


def _type_name(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class Validator:
    def __init__(self, schema: dict, *, any_class=False, recommended=False, aigov=False):
        self.schema = schema
        self.types = schema["types"]
        self.objects = schema["objects"]
        self.classes = {c["uid"]: c for c in schema["classes"].values()}
        self.any_class = any_class
        self.recommended = recommended
        self.aigov = aigov
        profiles = set()
        for c in schema["classes"].values():
            profiles.update(c.get("profiles") or [])
        for group in (schema["classes"], schema["objects"]):
            for item in group.values():
                for a in item.get("attributes", {}).values():
                    if a.get("profile"):
                        profiles.add(a["profile"])
        self.known_profiles = profiles
        self._regex = {}

    # -- reporting -----------------------------------------------------------------------
    def _err(self, path, code, msg):
        self.out.append(("error", path, code, msg))

    def _warn(self, path, code, msg):
        self.out.append(("warning", path, code, msg))

    # -- entry point ---------------------------------------------------------------------
    def validate(self, event) -> list[tuple[str, str, str, str]]:
        self.out = []
        if not isinstance(event, dict):
            self._err("", "event_wrong_type", f"event must be a JSON object, got {_type_name(event)}")
            return self.out
        cls = self._class_of(event)
        if cls is None:
            return self.out
        profiles = self._profiles(event, cls)
        if "@deprecated" in cls:
            self._warn("", "class_deprecated", f"class {cls['name']} is deprecated")
        self._validate_item(event, cls, "", profiles, is_class=True)
        self._check_type_uid(event)
        self._check_version(event)
        self._check_observables(event, cls, profiles)
        if self.aigov:
            self._check_aigov(event)
        return self.out

    def _class_of(self, event):
        if "class_uid" not in event or event["class_uid"] is None:
            self._err("class_uid", "attribute_required_missing",
                      "required attribute is missing; cannot select a class")
            return None
        uid = event["class_uid"]
        if isinstance(uid, bool) or not isinstance(uid, int):
            self._err("class_uid", "attribute_wrong_type",
                      f"expected integer_t, got {_type_name(uid)} {json.dumps(uid)}")
            return None
        cls = self.classes.get(uid)
        if cls is None:
            self._err("class_uid", "class_uid_unknown", f"no OCSF {OCSF_VERSION} class has uid {uid}")
            return None
        if not self.any_class and uid not in AIGOV_CLASSES:
            self._err("class_uid", "class_not_exported",
                      f"class {uid} ({cls['caption']}) is not one aigov exports "
                      f"({', '.join(str(u) for u in sorted(AIGOV_CLASSES))}); use --any-class")
            return None
        return cls

    def _profiles(self, event, cls) -> set:
        md = event.get("metadata")
        if not isinstance(md, dict):
            return set()
        profs = md.get("profiles")
        if not isinstance(profs, list):
            return set()  # a wrong type is reported by the attribute walk
        out = set()
        for i, p in enumerate(profs):
            if not isinstance(p, str):
                continue
            if p not in self.known_profiles:
                self._err(f"metadata.profiles[{i}]", "profile_unknown",
                          f"no profile {p!r} in OCSF {OCSF_VERSION} "
                          f"(known: {', '.join(sorted(self.known_profiles))})")
                continue
            if p not in (cls.get("profiles") or []):
                self._warn(f"metadata.profiles[{i}]", "profile_not_in_class",
                           f"class {cls['name']} does not declare profile {p!r}")
            out.add(p)
        return out

    # -- attribute walk ------------------------------------------------------------------
    def _attrs(self, item_schema, profiles):
        return {k: a for k, a in item_schema.get("attributes", {}).items()
                if not a.get("profile") or a["profile"] in profiles}

    def _validate_item(self, value: dict, item_schema: dict, path: str, profiles: set, is_class=False):
        for k in getattr(value, "dups", []) or []:
            self._err(_join(path, k), "duplicate_key", "JSON object key given more than once")
        all_attrs = item_schema.get("attributes", {})
        attrs = self._attrs(item_schema, profiles)
        where = (f"class {item_schema['name']} ({item_schema['uid']})" if is_class
                 else f"object {item_schema['name']}")
        # Recommended members of a satisfied at_least_one/just_one group are alternatives.
        alternatives = set()
        for keys in (item_schema.get("constraints") or {}).values():
            if any(k in value for k in keys):
                alternatives.update(keys)
        for name, a in attrs.items():
            p = _join(path, name)
            v = value.get(name)
            if v is None:
                if a.get("requirement") == "required":
                    self._err(p, "attribute_required_missing",
                              f"required attribute of {where} is missing")
                elif (a.get("requirement") == "recommended" and self.recommended
                      and "@deprecated" not in a and name not in alternatives):
                    self._warn(p, "attribute_recommended_missing",
                               f"recommended attribute of {where} is missing")
                continue
            if "@deprecated" in a:
                self._warn(p, "attribute_deprecated",
                           f"deprecated since {a['@deprecated'].get('since')}: "
                           f"{_strip(a['@deprecated'].get('message', ''))}")
            if a.get("is_array"):
                if not isinstance(v, list):
                    self._wrong_type(p, v, f"array of {self._describe(a)}")
                    continue
                for i, elem in enumerate(v):
                    self._validate_value(elem, a, f"{p}[{i}]", profiles)
            else:
                self._validate_value(v, a, p, profiles)
        if attrs:  # an object type with no attributes ("object", used by unmapped) is open
            for key in value:
                if key in attrs:
                    continue
                p = _join(path, key)
                if key in all_attrs:
                    self._err(p, "attribute_profile_not_enabled",
                              f"attribute belongs to profile {all_attrs[key]['profile']!r}, which "
                              f"is not listed in metadata.profiles")
                else:
                    self._err(p, "attribute_unknown", f"attribute is not defined in {where}")
        self._check_enums(value, attrs, path)
        self._check_constraints(value, item_schema, path, where)

    def _describe(self, a):
        return a["object_type"] if a["type"] == "object_t" else a["type"]

    def _wrong_type(self, path, v, expected):
        shown = json.dumps(v) if not isinstance(v, (dict, list)) else _type_name(v)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        self._err(path, "attribute_wrong_type", f"expected {expected}, got {_type_name(v)} {shown}"
                  if not isinstance(v, (dict, list)) else f"expected {expected}, got {shown}")

    def _validate_value(self, v, a, path, profiles):
        t = a["type"]
        if t == "object_t":
            obj = self.objects.get(a["object_type"])
            if obj is None:
                self._err(path, "schema_bug", f"object type {a['object_type']} not in schema")
                return
            if not isinstance(v, dict):
                self._wrong_type(path, v, f"{a['object_type']} (object)")
                return
            if "@deprecated" in obj:
                self._warn(path, "object_deprecated", f"object {obj['name']} is deprecated")
            self._validate_item(v, obj, path, profiles)
            return
        tdef = self.types.get(t)
        if tdef is None:
            self._err(path, "schema_bug", f"type {t} not in schema dictionary")
            return
        base = tdef.get("type", t)
        sup = self.types.get(base, {}) if base != t else {}
        label = t if base == t else f"{t} ({base})"
        if base in ("integer_t", "long_t"):
            lo, hi = (INT_MIN, INT_MAX) if base == "integer_t" else (LONG_MIN, LONG_MAX)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                self._wrong_type(path, v, label)
                return
            rng = tdef.get("range") or sup.get("range")
            if rng and not rng[0] <= v <= rng[1]:
                self._err(path, "attribute_value_exceeds_range",
                          f"value {v} outside {t} range {rng[0]}..{rng[1]}")
            if t == "timestamp_t" and not MS_MIN <= v < MS_MAX:
                hint = " (looks like seconds)" if 0 < v < MS_MIN and v > 10**8 else ""
                hint = " (looks like microseconds or nanoseconds)" if v >= MS_MAX else hint
                self._err(path, "timestamp_not_epoch_ms",
                          f"value {v} is not epoch milliseconds{hint}")
        elif base == "float_t":
            if not isinstance(v, float):
                self._wrong_type(path, v, label)
                return
        elif base == "boolean_t":
            if not isinstance(v, bool):
                self._wrong_type(path, v, label)
                return
        elif base == "string_t":
            if not isinstance(v, str):
                self._wrong_type(path, v, label)
                return
            max_len = tdef.get("max_len") or sup.get("max_len")
            if max_len and len(v) > max_len:
                self._err(path, "attribute_value_exceeds_max_len",
                          f"length {len(v)} exceeds {t} max length {max_len}")
            rx = tdef.get("regex") or sup.get("regex")
            if rx and not self._compiled(rx).search(v):
                self._warn(path, "attribute_value_regex_not_matched",
                           f"value {json.dumps(v)} does not match the {t} pattern")
        elif base == "json_t":
            return
        else:
            self._err(path, "schema_bug", f"unhandled primitive type {base}")
            return
        values = tdef.get("values") or sup.get("values")
        if values is not None and v not in values:
            self._err(path, "attribute_value_not_in_type_values",
                      f"value {json.dumps(v)} not among {t} values {values}")

    def _compiled(self, rx):
        if rx not in self._regex:
            self._regex[rx] = re.compile(rx)
        return self._regex[rx]

    # -- enums, siblings, constraints -----------------------------------------------------
    def _check_enums(self, value, attrs, path):
        for name, a in attrs.items():
            if "enum" not in a or value.get(name) is None:
                continue
            v = value[name]
            if a.get("is_array"):
                if not isinstance(v, list):
                    continue
                sib = value.get(a.get("sibling")) if a.get("sibling") else None
                for i, e in enumerate(v):
                    s = sib[i] if isinstance(sib, list) and i < len(sib) else None
                    self._check_enum_value(e, a, f"{_join(path, name)}[{i}]",
                                           _join(path, a["sibling"]) + f"[{i}]" if a.get("sibling") else None,
                                           s, isinstance(sib, list))
            else:
                self._check_enum_value(v, a, _join(path, name),
                                       _join(path, a["sibling"]) if a.get("sibling") else None,
                                       value.get(a["sibling"]) if a.get("sibling") else None,
                                       a.get("sibling") in value if a.get("sibling") else False)

    def _check_enum_value(self, v, a, path, sib_path, sib_value, sib_present):
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            return  # wrong type already reported
        if not self._type_ok(v, a):
            return
        enum = a["enum"]
        key = str(v)
        if key not in enum:
            allowed = sorted(enum, key=lambda k: (not k.lstrip("-").isdigit(), int(k) if k.lstrip("-").isdigit() else 0, k))
            shown = ", ".join(f"{k}={enum[k].get('caption')}" for k in allowed[:16])
            more = ", ..." if len(allowed) > 16 else ""
            self._err(path, "attribute_enum_value_unknown",
                      f"value {json.dumps(v)} is not defined (allowed: {shown}{more})")
            return
        entry = enum[key]
        if "@deprecated" in entry:
            self._warn(path, "attribute_enum_value_deprecated",
                       f"value {v} ({entry.get('caption')}) is deprecated")
        if sib_path is None:
            return
        caption = entry.get("caption")
        if key == "99":
            if not sib_present or sib_value in (None, ""):
                self._warn(sib_path, "attribute_enum_sibling_missing",
                           f"{path} is 99 (Other): put the source's own value in {sib_path.rsplit('.', 1)[-1]}")
            elif sib_value == caption:
                self._warn(sib_path, "attribute_enum_sibling_suspicious_other",
                           f"value {json.dumps(sib_value)} for 99 should be the source's own value, "
                           f"not the caption {caption!r}")
        elif sib_present and sib_value is not None and sib_value != caption:
            self._warn(sib_path, "attribute_enum_sibling_incorrect",
                       f"expected {json.dumps(caption)} (caption of {path} = {v}), "
                       f"got {json.dumps(sib_value)}")

    def _type_ok(self, v, a):
        base = self.types.get(a["type"], {}).get("type", a["type"])
        if base in ("integer_t", "long_t"):
            return isinstance(v, int) and not isinstance(v, bool)
        if base == "string_t":
            return isinstance(v, str)
        return True

    def _check_constraints(self, value, item_schema, path, where):
        for kind, keys in (item_schema.get("constraints") or {}).items():
            present = [k for k in keys if k in value]
            if kind == "at_least_one":
                if not present:
                    self._err(path, "constraint_failed",
                              f"{where} needs at least one of: {', '.join(keys)}")
            elif kind == "just_one":
                if len(present) != 1:
                    self._err(path, "constraint_failed",
                              f"{where} needs exactly one of: {', '.join(keys)} "
                              f"(got {len(present)})")
            else:
                self._err(path, "constraint_unknown", f"unknown constraint {kind!r} in {where}")

    # -- event-level checks ---------------------------------------------------------------
    def _check_type_uid(self, event):
        c, a, t = event.get("class_uid"), event.get("activity_id"), event.get("type_uid")
        if all(isinstance(x, int) and not isinstance(x, bool) for x in (c, a, t)):
            if t != c * 100 + a:
                self._err("type_uid", "type_uid_incorrect",
                          f"{t} != class_uid*100 + activity_id = {c}*100 + {a} = {c * 100 + a}")

    def _check_version(self, event):
        md = event.get("metadata")
        if isinstance(md, dict) and isinstance(md.get("version"), str):
            if md["version"] != OCSF_VERSION:
                self._err("metadata.version", "version_incorrect",
                          f"expected {OCSF_VERSION!r} (the schema this event is validated "
                          f"against), got {md['version']!r}")

    def _check_observables(self, event, cls, profiles):
        obs = event.get("observables")
        if not isinstance(obs, list):
            return
        for i, o in enumerate(obs):
            if not isinstance(o, dict) or not isinstance(o.get("name"), str):
                continue
            if not self._resolves(o["name"].split("."), cls, profiles):
                self._err(f"observables[{i}].name", "observable_name_invalid_reference",
                          f"{o['name']!r} is not an attribute path of class {cls['name']}")

    def _resolves(self, parts, item, profiles):
        a = self._attrs(item, profiles).get(parts[0])
        if a is None:
            return False
        if len(parts) == 1:
            return True
        if a["type"] != "object_t":
            return False
        return self._resolves(parts[1:], self.objects[a["object_type"]], profiles)

    def _check_aigov(self, event):
        md = event.get("metadata")
        if not isinstance(md, dict):
            return
        prod = md.get("product")
        if isinstance(prod, dict):
            for k in ("name", "vendor_name"):
                if prod.get(k) != "aigov":
                    self._err(f"metadata.product.{k}", "aigov_product",
                              f"expected \"aigov\", got {json.dumps(prod.get(k))}")
        seq = md.get("sequence")
        if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0):
            self._err("metadata.sequence", "aigov_log_index",
                      "the audit log index (non-negative integer) is required")


def _strip(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


# -- input --------------------------------------------------------------------------------
def read_events(name: str, text: str):
    """Yields (locator, event-or-None, parse-problem-or-None)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        yield "", None, "no events (empty input)"
        return
    try:
        doc = _loads(text)
    except json.JSONDecodeError:
        doc = None
        multi = True
    else:
        multi = False
    if not multi:
        if isinstance(doc, list):
            for i, ev in enumerate(doc):
                yield f"[{i}]", ev, None
            if not doc:
                yield "", None, "no events (empty array)"
            return
        if isinstance(doc, dict):
            if "class_uid" in doc:
                yield "", doc, None
                return
            if isinstance(doc.get("events"), list):
                for i, ev in enumerate(doc["events"]):
                    yield f"[events][{i}]", ev, None
                return
            if doc and all(re.fullmatch(r"\d+", k) for k in doc):
                for k, ev in doc.items():
                    loc = f"[{k}]"
                    if isinstance(ev, dict) and ev.get("class_uid") != int(k):
                        yield loc, None, (f"keyed as {k} but class_uid is "
                                          f"{json.dumps(ev.get('class_uid'))}")
                    yield loc, ev, None
                return
        yield "", None, ("not an event: expected an object with class_uid, an array, "
                         "a bundle {\"events\": [...]}, an object keyed by class_uid, or JSON lines")
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield f":{n}", _loads(line), None
        except json.JSONDecodeError as e:
            yield f":{n}", None, f"invalid JSON: {e.msg} (column {e.colno})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=f"Validate OCSF {OCSF_VERSION} events (aigov export classes) offline.")
    ap.add_argument("files", nargs="*", help="event files (JSON lines or JSON); '-' or none = stdin")
    ap.add_argument("--schema", help="path to the OCSF 1.5.0 export JSON (default: the copy in "
                    "the ocsf-json-schema package)")
    ap.add_argument("--strict", action="store_true", help="warnings are problems too")
    ap.add_argument("--warnings", "-W", action="store_true", help="print warnings")
    ap.add_argument("--recommended", action="store_true",
                    help="warn about missing recommended attributes")
    ap.add_argument("--any-class", action="store_true", help="accept any OCSF 1.5.0 class")
    ap.add_argument("--aigov", action="store_true",
                    help="also enforce aigov conventions (product aigov/aigov, metadata.sequence)")
    args = ap.parse_args(argv)

    schema, _ = load_schema(args.schema)
    v = Validator(schema, any_class=args.any_class, recommended=args.recommended, aigov=args.aigov)

    sources = args.files or ["-"]
    n_events = n_err = n_warn = 0
    for src in sources:
        label = "<stdin>" if src == "-" else src
        try:
            text = sys.stdin.read() if src == "-" else Path(src).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print(f"ocsf_validate: cannot read {label}: {e}", file=sys.stderr)
            return 2
        for loc, event, problem in read_events(label, text):
            if problem is not None:
                print(f"{label}{loc}: {problem} [input_invalid]")
                n_err += 1
                continue
            n_events += 1
            for level, path, code, msg in v.validate(event):
                if level == "warning":
                    n_warn += 1
                    if not (args.strict or args.warnings):
                        continue
                    prefix = "warning: " if not args.strict else ""
                else:
                    n_err += 1
                    prefix = ""
                where = f"{path}: " if path else ""
                print(f"{label}{loc}: {where}{prefix}{msg} [{code}]")
    problems = n_err + (n_warn if args.strict else 0)
    print(f"ocsf_validate: {n_events} event(s), {n_err} error(s), {n_warn} warning(s)"
          f"{' (strict)' if args.strict else ''}: {'OK' if not problems else 'INVALID'}",
          file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
