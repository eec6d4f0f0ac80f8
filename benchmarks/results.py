"""Write benchmark rows into results.json without losing the rows other runs wrote.

run.py with some sizes, and preview.py, each measure part of the table; each replaces
its own rows and sections and keeps the rest, every row dated and tagged with the
commit it measured (so a row kept from an earlier run says so).
"""

from __future__ import annotations

import json
from pathlib import Path


def merge_results(out: Path, results: dict) -> dict:
    """`results` written over what `out` already holds: a run of some sizes (or the
    preview benchmark) replaces its own rows and sections and keeps the others, each row
    dated and tagged with the commit it measured."""
    try:
        merged = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        merged = {}
    stamp = {k: results["machine"][k] for k in ("date", "lessonpack_commit")}
    before = {k: merged.get("machine", {}).get(k) for k in stamp}
    for row in merged.get("rows", []):  # rows of a run from before rows were stamped
        for k, v in before.items():
            row.setdefault(k, v)
    fresh = [{**row, **stamp} for row in results.pop("rows", [])]
    for name, section in results.items():
        if name in ("sizes", "rebuilds", "preview") and isinstance(merged.get(name), dict):
            merged[name].update(section)
        else:
            merged[name] = section
    names = {row["figure"] for row in fresh}
    kept = [row for row in merged.get("rows", []) if row["figure"] not in names]
    merged["rows"] = kept + fresh
    out.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return merged
