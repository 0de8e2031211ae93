#!/usr/bin/env python3
"""Validate tests/routing_field.jsonl against the 2026-05-12 BAPI spec.

Checks every line: valid JSON, required fields and types, every op is a
"METHOD /path" that exists in the spec with that method, kind and split are
from the allowed sets, every value occurs literally in q, no duplicate q,
tune/holdout balanced within each kind (+-1), and every spec tag has at least
MIN_PER_TAG lines (a line counts toward the tag of its first op).

Usage: python3 tests/routing_field_check.py [corpus.jsonl] [spec.yml]
Exit status is non-zero when any check fails.
"""
import collections
import json
import os
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("PyYAML is required: pip install pyyaml")

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "routing_field.jsonl")
SPEC = sys.argv[2] if len(sys.argv) > 2 else "/work/shared/clerk-openapi-specs/bapi/2026-05-12.yml"

KINDS = {"fastpath", "lookup", "generic", "paraphrase", "typo", "multistep",
         "goal", "negation", "multitarget", "findact"}
SPLITS = {"tune", "holdout"}
FIELDS = {"q": str, "ops": list, "values": list, "kind": str, "src": str, "split": str}
METHODS = {"get", "post", "put", "patch", "delete"}
MIN_PER_TAG = 4


def load_spec(path):
    with open(path) as f:
        spec = yaml.safe_load(f)
    op_tag = {}
    all_tags = set()
    for path_, item in spec["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            tags = op.get("tags") or ["(untagged)"]
            op_tag[f"{method.upper()} {path_}"] = tags[0]
            all_tags.add(tags[0])
    return op_tag, all_tags


def main():
    op_tag, all_tags = load_spec(SPEC)
    errors = []
    seen_q = {}
    per_kind = collections.Counter()
    per_kind_split = collections.defaultdict(collections.Counter)
    per_tag = collections.Counter()
    n = 0
    with open(CORPUS) as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                errors.append(f"line {lineno}: blank line")
                continue
            try:
                d = json.loads(raw)
            except json.JSONDecodeError as e:
                errors.append(f"line {lineno}: invalid JSON: {e}")
                continue
            n += 1
            if not isinstance(d, dict):
                errors.append(f"line {lineno}: not a JSON object")
                continue
            extra = set(d) - set(FIELDS)
            if extra:
                errors.append(f"line {lineno}: unexpected fields {sorted(extra)}")
            bad = False
            for k, t in FIELDS.items():
                if k not in d:
                    errors.append(f"line {lineno}: missing field {k}")
                    bad = True
                elif not isinstance(d[k], t):
                    errors.append(f"line {lineno}: field {k} should be {t.__name__}")
                    bad = True
            if bad:
                continue
            q = d["q"]
            if not q.strip():
                errors.append(f"line {lineno}: empty q")
            key = q.strip().lower()
            if key in seen_q:
                errors.append(f"line {lineno}: duplicate q (first at line {seen_q[key]}): {q!r}")
            else:
                seen_q[key] = lineno
            if not d["ops"]:
                errors.append(f"line {lineno}: ops is empty")
            if len(set(d["ops"])) != len(d["ops"]):
                errors.append(f"line {lineno}: duplicate op in ops")
            for op in d["ops"]:
                if not isinstance(op, str) or op not in op_tag:
                    errors.append(f"line {lineno}: op not in spec: {op!r}")
            for v in d["values"]:
                if not isinstance(v, str) or not v:
                    errors.append(f"line {lineno}: value must be a non-empty string: {v!r}")
                elif v not in q:
                    errors.append(f"line {lineno}: value {v!r} does not occur in q")
            if d["kind"] not in KINDS:
                errors.append(f"line {lineno}: bad kind {d['kind']!r}")
            if d["split"] not in SPLITS:
                errors.append(f"line {lineno}: bad split {d['split']!r}")
            if not d["src"].strip():
                errors.append(f"line {lineno}: empty src")
            per_kind[d["kind"]] += 1
            per_kind_split[d["kind"]][d["split"]] += 1
            if d["ops"] and d["ops"][0] in op_tag:
                per_tag[op_tag[d["ops"][0]]] += 1

    for kind, c in per_kind_split.items():
        if abs(c["tune"] - c["holdout"]) > 1:
            errors.append(f"kind {kind}: unbalanced split tune={c['tune']} holdout={c['holdout']}")
    for tag in sorted(all_tags):
        if per_tag[tag] < MIN_PER_TAG:
            errors.append(f"tag {tag!r}: only {per_tag[tag]} lines (need {MIN_PER_TAG})")

    print(f"{n} lines in {CORPUS}")
    print("\nper kind (tune/holdout):")
    for kind in sorted(per_kind, key=lambda k: -per_kind[k]):
        c = per_kind_split[kind]
        print(f"  {kind:12s} {per_kind[kind]:4d}  ({c['tune']}/{c['holdout']})")
    print("\nper tag (by first op):")
    for tag in sorted(all_tags, key=lambda t: (per_tag[t], t)):
        print(f"  {per_tag[tag]:4d}  {tag}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        sys.exit(1)
    print("\nOK")


if __name__ == "__main__":
    main()
