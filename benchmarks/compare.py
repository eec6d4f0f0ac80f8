"""Two checkouts of lessonpack side by side, in one sitting, runs interleaved.

On a noisy machine, figures from different hours do not compare; this runs the
speed issue's rows for an old and a new checkout in turn (old, new, plain, old, new,
plain ...), on the same generated projects, and reports each row as new / old:

- `one: overhead, build / plain`: a cold `lessonpack build --force --jobs 1` of the
  one-lesson project against the plain-WeasyPrint floor (baseline.py).
- `thirty: rebuild, one lesson edited`: each checkout builds the 30-lesson project
  into its own folder once, then after each of three reading edits both rebuild.
- `preview: save to new pages`: preview.py, run for each checkout in turn.

    git worktree add /tmp/old <commit>
    PYTHONPATH=/tmp/new python benchmarks/compare.py /tmp/old /tmp/new [--out FILE]

Each checkout runs with its folder first on PYTHONPATH (the installed lessonpack's
dependencies are shared). The plain floor's jobs are planned with the checkout this
script imports (PYTHONPATH), which must render the same HTML as the other.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import generate
from run import EDITED, ENV, HERE, LESSONPACK, log, plan_jobs, timed

PREVIEW = HERE / "preview.py"


def env_for(checkout: Path) -> dict[str, str]:
    return {**ENV, "PYTHONPATH": str(checkout)}


def one(work: Path, checkouts: dict[str, Path], rounds: int) -> dict:
    project = generate("one", work / "one")
    plan_jobs(project, project / "jobs.json")
    runs = {
        name: ([LESSONPACK, "build", "--force", "--jobs", "1", "-o", f"out-{name}"], env_for(path))
        for name, path in checkouts.items()
    }
    runs["plain"] = ([sys.executable, str(HERE / "baseline.py"), "jobs.json", "out-plain"], ENV)
    for cmd, env in runs.values():  # warm-up: bytecode, font caches
        timed(cmd, project, env)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(rounds):
        for name, (cmd, env) in runs.items():
            times[name].append(timed(cmd, project, env))
            log(f"[one] round {i + 1}/{rounds} {name}: {times[name][-1]:.2f} s")
    medians = {name: statistics.median(t) for name, t in times.items()}
    overhead = {name: medians[name] / medians["plain"] for name in checkouts}
    return {"times": times, "median": medians, "overhead": overhead}


def thirty(work: Path, checkouts: dict[str, Path]) -> dict:
    project = generate("thirty", work / "thirty")
    cmds = {
        name: ([LESSONPACK, "build", "-o", f"out-{name}"], env_for(path))
        for name, path in checkouts.items()
    }
    for name, (cmd, env) in cmds.items():
        log(f"[thirty] {name}: first build {timed(cmd, project, env):.1f} s")
    lessons = sorted((project / "lessons").glob("*/lesson.yaml"))
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for n, i in enumerate(EDITED):
        reading = sorted(lessons[i % len(lessons)].parent.glob("readings/*.md"))[0]
        text = reading.read_text(encoding="utf-8")
        added = f" This sentence was added by edit {n + 1}.\n\n"
        reading.write_text(text.replace("\n\n", added, 1), encoding="utf-8")
        order = list(cmds) if n % 2 == 0 else list(reversed(cmds))  # neither always first
        for name in order:
            cmd, env = cmds[name]
            times[name].append(timed(cmd, project, env))
            log(f"[thirty] edit {n + 1} {name}: {times[name][-1]:.2f} s")
    return {"times": times, "median": {k: statistics.median(v) for k, v in times.items()}}


def preview(work: Path, checkouts: dict[str, Path], runs: int) -> dict:
    times: dict[str, list[float]] = {name: [] for name in checkouts}
    for i in range(runs):
        for name, path in checkouts.items():
            out = work / f"preview-{name}-{i}.json"
            cmd = [sys.executable, str(PREVIEW), "--out", str(out)]
            subprocess.run(cmd, env=env_for(path), check=True, capture_output=True)
            saves = json.loads(out.read_text(encoding="utf-8"))["preview"]["sample"]["times"]
            times[name] += saves
            log(f"[preview] run {i + 1} {name}: {[round(s, 2) for s in saves]}")
    return {"times": times, "median": {k: statistics.median(v) for k, v in times.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--out", type=Path, default=Path("compare.json"))
    parser.add_argument("--rounds", type=int, default=5, help="cold one-lesson rounds")
    parser.add_argument("--preview-runs", type=int, default=2, help="preview.py runs each")
    parser.add_argument("--only", nargs="+", choices=("one", "thirty", "preview"))
    args = parser.parse_args()
    checkouts = {"old": args.old.resolve(), "new": args.new.resolve()}
    only = args.only or ("one", "thirty", "preview")
    work = Path(tempfile.mkdtemp(prefix="lessonpack-compare-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    results: dict = {"checkouts": {k: str(v) for k, v in checkouts.items()}}
    results["loadavg_start"] = os.getloadavg()
    try:
        if "one" in only:
            results["one"] = one(work, checkouts, args.rounds)
        if "thirty" in only:
            results["thirty"] = thirty(work, checkouts)
        if "preview" in only:
            results["preview"] = preview(work, checkouts, args.preview_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["loadavg_end"] = os.getloadavg()
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for row in ("one", "thirty", "preview"):
        if row not in results:
            continue
        figure = results[row].get("overhead") or results[row]["median"]
        old, new = figure["old"], figure["new"]
        print(f"{row}: old {old:.2f}, new {new:.2f}, new / old {new / old:.2f}")


if __name__ == "__main__":
    main()
