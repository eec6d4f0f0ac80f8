"""The speed benchmark: lessonpack against plain WeasyPrint, rebuilds, jobs and startup.

One command measures every figure of the speed issue in one run, on generated lesson
projects (generate.py), and compares like with like (SPEC §5): a cold `lessonpack
build` process against a cold plain-WeasyPrint process on the same HTML (baseline.py),
and a warm render against a warm render in this process. Pairs run back to back
(A, B, A, B ...) so machine noise hits both. Prints a table; writes JSON.

    python benchmarks/run.py [--out benchmarks/results.json] [--quick] [--keep]
                             [--sizes one ten thirty long] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from generate import SIZES, generate
from results import merge_results

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LESSONPACK = str(Path(sys.executable).with_name("lessonpack"))  # the console script
# As lessonpack does; and bytecode cached (in the work folder) as an installed package has
# it, even where PYTHONDONTWRITEBYTECODE is set: compiling every start is not lessonpack's.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["SOURCE_DATE_EPOCH"] = "0"
ROUNDS = {"one": 5, "ten": 3, "thirty": 3, "long": 3}
EDITED = (3, 14, 25)  # lessons edited in turn for the edit-rebuild figure


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(cmd: list[str], cwd: Path, env: dict[str, str] = ENV) -> float:
    """Wall-clock seconds of one cold process; raises if it fails."""
    return timed_cpu(cmd, cwd, env)[0]


def timed_cpu(cmd: list[str], cwd: Path, env: dict[str, str] = ENV) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, workers included) of one cold process.
    CPU time is less disturbed by other work on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-1500:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu


def alternate(runs: dict[str, list[str]], cwd: Path, rounds: int, label: str) -> dict:
    """Each command once per round, in turn; a command that fails is dropped, not retried."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    errors: dict[str, str] = {}
    for i in range(rounds):
        for name, cmd in runs.items():
            if name in errors:
                continue
            try:
                wall, seconds = timed_cpu(cmd, cwd)
                times[name].append(wall)
                cpu[name].append(seconds)
                log(f"[{label}] round {i + 1}/{rounds} {name}: {times[name][-1]:.2f} s")
            except RuntimeError as exc:
                errors[name] = str(exc)
                log(f"[{label}] {name} FAILED: {exc}")
    return {"times": times, "cpu_times": cpu, "errors": errors}


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def plan_jobs(project: Path, jobs_file: Path) -> dict:
    """Untimed: the documents lessonpack renders, written as baseline jobs (JSON)."""
    import builder.render.pdf as render_pdf
    from builder.errors import errors_in
    from builder.output.documents import documents, measure_job, pdf_job
    from builder.output.pipeline import BuildOptions, load, plan
    from builder.render.paper import paper_size

    result = load([project / "lessons"])
    if errors_in(result.problems):
        raise SystemExit(f"generated project {project} is invalid: {result.problems}")
    pdf_jobs, jobs, measured, measuring = [], [], {}, 0.0
    for group in plan(result, BuildOptions(out_dir=project / "out", force=True, jobs=1)):
        # lessonpack first lays out a line-numbered lesson's readings; the floor does not.
        # A lesson printed alone and in a bundle is measured at least once.
        measure, lines = measure_job(group), None
        if measure is not None:
            key = (measure.html, measure.paper, measure.stylesheets)
            if key not in measured:
                start = time.perf_counter()
                measured[key] = render_pdf.measure_lines(measure)
                measuring += time.perf_counter() - start
            lines = measured[key]
        for doc in documents(group, lines):
            job = pdf_job(doc.source, doc.html, doc.name, doc.layout)
            pdf_jobs.append(job)
            jobs.append(
                {
                    "html": job.html,
                    "base_url": job.base_dir.as_uri() + "/",
                    "stylesheets": [str(path) for path in job.stylesheets],
                    "paper_css": paper_size(job.paper).page_css,
                    "identifier": job.identifier,
                    "output": f"{doc.name}.pdf",
                }
            )
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    return {"pdf_jobs": pdf_jobs, "jobs": jobs, "measured": len(measured), "measuring": measuring}


def pdfs(folder: Path) -> set[str]:
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*.pdf")
        if ".lessonpack-cache" not in p.parts
    }


def measure_size(size: str, project: Path, rounds: int) -> dict:
    """Cold build --jobs 1 vs cold plain WeasyPrint vs cold build --jobs 2, alternated."""
    planned = plan_jobs(project, project / "jobs.json")
    base = [LESSONPACK, "build", "--force"]
    runs = {
        "build_jobs1": [*base, "--jobs", "1", "-o", "out-jobs1"],
        "plain": [sys.executable, str(HERE / "baseline.py"), "jobs.json", "out-plain"],
        "build_jobs2": [*base, "--jobs", "2", "-o", "out-jobs2"],
    }
    measured = alternate(runs, project, rounds, size)
    medians = {name: median(t) for name, t in measured["times"].items()}
    cpu = {name: median(t) for name, t in measured["cpu_times"].items()}
    built, plain = pdfs(project / "out-jobs1"), pdfs(project / "out-plain")
    same = sum(
        (project / "out-jobs1" / name).read_bytes() == (project / "out-plain" / name).read_bytes()
        for name in plain & built
    )
    return {
        "commands": {name: " ".join(cmd) for name, cmd in runs.items()},
        **measured,
        "median": medians,
        "overhead": ratio(medians["build_jobs1"], medians["plain"]),
        "speedup_jobs2": ratio(medians["build_jobs1"], medians["build_jobs2"]),
        "cpu_median": cpu,
        "overhead_cpu": ratio(cpu["build_jobs1"], cpu["plain"]),
        "documents": len(planned["jobs"]),
        "note": (
            f"the plain run renders the {len(planned['jobs'])} documents lessonpack renders; "
            f"lessonpack also lays out at least {planned['measured']} lessons' readings to "
            f"measure line numbers ({planned['measuring']:.1f} s warm, in this process) and "
            f"makes {len(built - plain)} bundle packets (cover, then merge)"
        ),
        "identical_pdfs": f"{same} of {len(plain)}",
        "_pdf_jobs": planned["pdf_jobs"],
        "_jobs": planned["jobs"],
    }


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file() and ".lessonpack-cache" not in p.parts
    }


def timed_rebuild(cmd: list[str], project: Path, out: Path) -> tuple[float, int]:
    """Seconds, and how many output files the build wrote."""
    before = snapshot(out)
    seconds = timed(cmd, project)
    after = snapshot(out)
    return seconds, sum(before.get(name) != stamp for name, stamp in after.items())


def measure_rebuilds(size: str, project: Path, noops: int = 5) -> dict:
    """A no-op rebuild, and a rebuild after editing one lesson's reading, as a user runs them."""
    out = project / "out-rebuild"
    cmd = [LESSONPACK, "build", "-o", out.name]
    try:
        log(f"[{size}] rebuilds: warm-up build {timed(cmd, project):.2f} s")
        noop = [timed_rebuild(cmd, project, out) for _ in range(noops)]
        log(f"[{size}] no-op rebuilds: {[f'{s:.2f}' for s, _ in noop]}")
        lessons = sorted((project / "lessons").glob("*/lesson.yaml"))
        edit = []
        for n, i in enumerate(EDITED):
            reading = sorted(lessons[i % len(lessons)].parent.glob("readings/*.md"))[0]
            text = reading.read_text(encoding="utf-8")
            added = f" This sentence was added by edit {n + 1}.\n\n"
            reading.write_text(text.replace("\n\n", added, 1), encoding="utf-8")
            edit.append((*timed_rebuild(cmd, project, out), str(reading.relative_to(project))))
            log(f"[{size}] edit rebuild {n + 1}: {edit[-1][0]:.2f} s")
    except RuntimeError as exc:
        log(f"[{size}] rebuilds FAILED: {exc}")
        return {"command": " ".join(cmd), "error": str(exc)}
    return {
        "command": " ".join(cmd),
        "noop_times": [s for s, _ in noop],
        "noop_files_written": [w for _, w in noop],
        "noop_median": median([s for s, _ in noop]),
        "edit_times": [s for s, _, _ in edit],
        "edit_files_written": [w for _, w, _ in edit],
        "edited": [e for _, _, e in edit],
        "edit_median": median([s for s, _, _ in edit]),
    }


def warm_up(project: Path) -> None:
    """Untimed: every kind of process once, so bytecode and font caches exist."""
    plan_jobs(project, project / "jobs.json")
    runs = {
        "build": [LESSONPACK, "build", "--force", "--jobs", "2", "-o", "out-warm-up"],
        "plain": [sys.executable, str(HERE / "baseline.py"), "jobs.json", "out-warm-up-plain"],
    }
    alternate(runs, project, 1, "warm-up")


def measure_startup(rounds: int = 7) -> dict:
    runs = {
        "help": [LESSONPACK, "--help"],
        "check": [LESSONPACK, "check", "lessons/cuban-missile-crisis"],
    }
    alternate(runs, REPO, 1, "startup warm-up")
    measured = alternate(runs, REPO, rounds, "startup")
    return {**measured, "median": {k: median(v) for k, v in measured["times"].items()}}


def measure_warm(pdf_jobs: list, jobs: list[dict], rounds: int = 3) -> dict:
    """In this process, after a warm-up: builder's render_pdf vs plain WeasyPrint, per document."""
    from baseline import Renderer

    from builder.render.pdf import render_pdf

    plain = Renderer()
    for pdf_job, job in zip(pdf_jobs, jobs, strict=True):  # warm-up: caches, fonts, imports
        render_pdf(pdf_job)
        plain.render(job)
    per_doc = []
    for pdf_job, job in zip(pdf_jobs, jobs, strict=True):
        a, b = [], []
        for _ in range(rounds):
            start = time.perf_counter()
            render_pdf(pdf_job)
            a.append(time.perf_counter() - start)
            start = time.perf_counter()
            plain.render(job)
            b.append(time.perf_counter() - start)
        per_doc.append({"document": job["output"], "lessonpack": median(a), "plain": median(b)})
    lessonpack = sum(d["lessonpack"] for d in per_doc)
    baseline = sum(d["plain"] for d in per_doc)
    log(f"[warm] {len(per_doc)} documents: render_pdf {lessonpack:.2f} s, plain {baseline:.2f} s")
    return {"documents": per_doc, "lessonpack": lessonpack, "plain": baseline}


def machine() -> dict:
    import builder

    source = Path(builder.__file__).resolve().parent.parent  # the lessonpack being measured

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=source, capture_output=True, text=True)
        return proc.stdout.strip()

    changed = git("status", "--porcelain", "--", "builder", "templates", "styles")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "lessonpack_source": str(source),
        "lessonpack_commit": git("rev-parse", "--short", "HEAD") or None,
        "lessonpack_uncommitted_changes": changed.splitlines(),
        "loadavg_start": os.getloadavg(),
    }


def rows(results: dict) -> list[dict]:
    """(figure, measured, target, met?) for the table and the JSON."""
    out = []

    def row(figure, value, unit, target=None):
        met = None
        if target is not None and value is not None:
            met = value >= target if unit == "× faster" else value <= target
        out.append(dict(figure=figure, measured=value, unit=unit, target=target, met=met))

    for size, r in results["sizes"].items():
        big = size == "thirty"
        docs = r["documents"]
        row(f"{size}: build --jobs 1, cold ({docs} docs)", r["median"]["build_jobs1"], "s")
        row(f"{size}: plain WeasyPrint, cold", r["median"]["plain"], "s")
        row(f"{size}: overhead, build / plain", r["overhead"], "×", 1.15 if big else None)
        row(f"{size}: overhead by CPU time (not a target)", r["overhead_cpu"], "×")
        row(f"{size}: build --jobs 2, cold", r["median"]["build_jobs2"], "s")
        row(f"{size}: --jobs 2 speed-up", r["speedup_jobs2"], "× faster", 1.7 if big else None)
    for size, r in results["rebuilds"].items():
        big = size == "thirty"
        row(f"{size}: no-op rebuild", r.get("noop_median"), "s", 0.25 if big else None)
        row(f"{size}: rebuild, one lesson edited", r.get("edit_median"), "s", 2.0 if big else None)
    startup = results["startup"]["median"]
    row("lessonpack --help", startup["help"], "s", 0.3)
    row("lessonpack check (sample lesson)", startup["check"], "s", 0.3)
    warm = results["warm"]
    docs = len(warm["documents"])
    row(f"warm: render_pdf / plain ({docs} docs)", ratio(warm["lessonpack"], warm["plain"]), "×")
    return out


def show(value, unit: str) -> str:
    if value is None:
        return "failed"
    return f"{value:.2f} s" if unit == "s" else f"{value:.2f}×"


def table(rows: list[dict]) -> str:
    lines = [("figure", "measured", "target", "met?")]
    for r in rows:
        op = "≥" if r["unit"] == "× faster" else "≤"
        target = "" if r["target"] is None else f"{op} {show(r['target'], r['unit'])}"
        met = {None: "", True: "yes", False: "NO"}[r["met"]]
        lines.append((r["figure"], show(r["measured"], r["unit"]), target, met))
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    text = [fmt.format(*line) for line in lines]
    return "\n".join([text[0], "-" * len(text[0]), *text[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--quick", action="store_true", help="only 'one' and 'ten' (smoke run)")
    parser.add_argument("--sizes", nargs="+", choices=SIZES, help="only these project sizes")
    parser.add_argument(
        "--rebuilds", choices=SIZES, help="the project of the rebuild rows (default: thirty)"
    )
    parser.add_argument("--rounds", type=int, help="rounds per size (default: 5, 3, 3, 3)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args()
    sizes = args.sizes or (("one", "ten") if args.quick else SIZES)
    work = Path(tempfile.mkdtemp(prefix="lessonpack-bench-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    results: dict = {"machine": machine(), "sizes": {}, "rebuilds": {}}
    try:
        warm_up(generate("one", work / "warm-up"))
        for size in sizes:
            project = generate(size, work / size)
            rounds = args.rounds or ROUNDS[size]
            results["sizes"][size] = measure_size(size, project, rounds)
        rebuilt = args.rebuilds or ("thirty" if "thirty" in sizes else sizes[-1])
        if rebuilt not in sizes:
            generate(rebuilt, work / rebuilt)
        results["rebuilds"][rebuilt] = measure_rebuilds(rebuilt, work / rebuilt)
        results["startup"] = measure_startup()
        some = results["sizes"].get("ten") or results["sizes"][sizes[-1]]
        results["warm"] = measure_warm(some["_pdf_jobs"][:8], some["_jobs"][:8])
    finally:
        if args.keep:
            log(f"projects kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for r in results["sizes"].values():
        del r["_pdf_jobs"], r["_jobs"]
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["rows"] = rows(results)
    shown = results["rows"]
    merge_results(args.out, results)
    print(table(shown))
    m = results["machine"]
    print(f"\nlessonpack {m['lessonpack_commit']} from {m['lessonpack_source']}; JSON: {args.out}")


if __name__ == "__main__":
    main()
