"""Summarize a mutmut run per module: how many mutants the fast tests killed, and how
many survived (a mutant that no test reaches counts as surviving).

Run from the project root after `mutmut run --max-children 2` (README, developers'
section). Prints a table and, with --json FILE, writes the same figures as JSON so a
before/after pair can be compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

try:  # the exit-code meanings of the installed mutmut, when it is there
    from mutmut.stats import status_by_exit_code
except ImportError:  # pragma: no cover - same table as mutmut 3.8
    status_by_exit_code = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}

KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def summarize(mutants: Path) -> dict[str, Counter]:
    """Statuses per module from mutmut's `*.meta` files under `mutants/`."""
    figures: dict[str, Counter] = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        module = meta.relative_to(mutants).as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(status_by_exit_code.get(code, "suspicious") for code in codes.values())
        if codes:
            figures[module] = counts
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    figures = summarize(args.mutants)
    if not figures:
        print(f"no mutmut results under {args.mutants}/: run `mutmut run` first", file=sys.stderr)
        return 1
    total = Counter()
    heads = ("mutants", "killed", "survived", "no test", "unrun", "surv %")
    print(f"{'module':34}" + "".join(f"{head:>9}" for head in heads))
    for module, counts in figures.items():
        total += counts
        print(_row(module, counts))
    print(_row("all", total))
    if args.json:
        args.json.write_text(json.dumps({m: dict(c) for m, c in figures.items()}, indent=1))
    return 0


def _row(name: str, counts: Counter) -> str:
    mutants = sum(counts.values())
    killed = sum(counts[s] for s in KILLED)
    no_tests = counts["no tests"]
    unrun = counts["not checked"] + counts["skipped"]
    survived = mutants - killed - unrun  # no test reached them, or the tests passed
    share = 100 * survived / (mutants - unrun) if mutants > unrun else 0.0
    cells = (mutants, killed, survived - no_tests, no_tests, unrun)
    return f"{name:34}" + "".join(f"{cell:9}" for cell in cells) + f"{share:8.1f}%"


if __name__ == "__main__":
    sys.exit(main())
