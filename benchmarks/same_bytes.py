"""Record the SHA-256 of every PDF a fixed set of builds makes, to prove a refactor
changes no byte (issue 13: "the same builds must give the same bytes").

Builds the sample lesson, the sample bundle and every fixture lesson of
tests/test_fixtures.py on each paper size, with --large-print and --versions 2, in a
fixed folder (PDF bytes depend on where images are), with --force and no cache reuse.

    python benchmarks/same_bytes.py --out before.json      # on the old commit
    python benchmarks/same_bytes.py --compare before.json  # on the new one: exit 1 if any differ
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/lessonpack-same-bytes")  # fixed: bytes may depend on the path
PAPERS = ["letter", "a4"]


def _project() -> Path:
    """A project holding the sample lessons, the sample bundle and the fixture lessons."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(ROOT / "lessons", WORK / "lessons")
    sys.path.insert(0, str(ROOT / "tests"))
    from fixture_lessons import FIXTURES, write_fixture  # the hard lessons the tests print

    for name in FIXTURES:
        write_fixture(WORK, name)
    return WORK


def _builds(project: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    bundle = "lessons/cold-war-week3.bundle.yaml"
    runs = []
    for paper in PAPERS:
        runs.append((f"lessons-{paper}", ["lessons", "--paper", paper]))
        runs.append((f"bundle-{paper}", [bundle, "--paper", paper]))
        runs.append((f"large-{paper}", ["lessons", "--paper", paper, "--large-print"]))
        runs.append((f"versions-{paper}", ["lessons", "--paper", paper, "--versions", "2"]))
    for name, args in runs:
        out = project / "out" / name
        command = [
            sys.executable,
            "-m",
            "builder",
            "build",
            *args,
            "-o",
            str(out),
            "--force",
            "-q",
            "-j",
            "1",
        ]
        done = subprocess.run(command, cwd=project, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
        for pdf in sorted(out.rglob("*.pdf")):
            hashes[str(pdf.relative_to(project / "out"))] = hashlib.sha256(
                pdf.read_bytes()
            ).hexdigest()
    return hashes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="write the hashes to this JSON file")
    parser.add_argument("--compare", type=Path, help="compare with hashes written earlier")
    options = parser.parse_args()
    hashes = _builds(_project())
    print(f"{len(hashes)} PDFs built")
    if options.out:
        options.out.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    if options.compare:
        before = json.loads(options.compare.read_text())
        changed = sorted(k for k in before.keys() | hashes.keys() if before.get(k) != hashes.get(k))
        for name in changed:
            print(f"differs: {name}")
        print(f"{len(before)} before, {len(hashes)} now, {len(changed)} differ")
        sys.exit(1 if changed else 0)


if __name__ == "__main__":
    main()
