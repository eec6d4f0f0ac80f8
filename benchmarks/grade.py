"""Grading benchmark (issue 17): how often a scanned bubble is misread, and how many pages
a second `lessonpack grade` reads.

Builds a lesson's answer sheets with the real build (two versions, numbered copies),
fills every row the way students do (tests/scanfake.py: pencil, pen, half fills, ticks,
erasures, faint dots, two marks, nothing), and scans each page synthetically: rendered
by pypdfium2 at 150, 200 or 300 dpi, turned up to 5 degrees, shifted, scaled by up to
3 %, blurred, noisy, JPEG-compressed, some upside down. Then:

- accuracy: every page read by grade's own `read_page`; each bubble's reading (mark,
  empty, unclear) compared with what was drawn. A clear mark (solid pencil, pen) read
  as anything but a mark, or a clear blank (nothing, an erasure, a faint dot) read as
  anything but empty, is a wrong reading; an unclear fill (a half fill, a tick) read as
  mark or empty is an unflagged one. Target: none of either.
- speed: `grade_scans` on the 200 dpi pages as one PDF, with its default executor (one
  worker per core), end to end (reading, grade sheets, review PDF), and the reading
  alone. Target: at least 5 pages a second at 200 dpi.

    python benchmarks/grade.py                 # 240 pages for accuracy, 200 for speed
    python benchmarks/grade.py --pages 60      # a quick look

Prints the figures and writes them to benchmarks/grade-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

LESSON = """\
title: Benchmark quiz
questions:
{questions}
  - id: essay
    kind: long
    prompt: Explain the causes.
    points: 12
  - id: short
    prompt: Name one cause.
    points: 3
timeline:
  mode: order
  points: 1
  events:
    - {{date: 1848, label: One}}
    - {{date: 1869, label: Two}}
    - {{date: 1890, label: Three}}
    - {{date: 1920, label: Four}}
    - {{date: 1923, label: Five}}
    - {{date: 1965, label: Six}}
"""

# How a row is filled, and how often (per cent): the truth each bubble should read as.
SCENARIOS = [
    ("solid", 45), ("pen", 15), ("blank", 8), ("two", 5), ("erased+solid", 8),
    ("light+solid", 6), ("half", 6), ("check", 4), ("half+solid", 3),
]
TRUTH = {"solid": "mark", "pen": "mark", "erased": "empty", "light": "empty",
         "half": "unclear", "check": "unclear"}


def make_project(root: Path, copies: int) -> Path:
    questions = []
    for n in range(1, 17):
        if n % 4 == 0:
            questions.append(f"  - {{id: tf{n}, kind: truefalse, prompt: Claim {n}, "
                             f"answer: \"true\", points: 1}}")
        else:
            questions.append(f"  - {{id: c{n}, kind: choice, prompt: Question {n}, "
                             f"choices: [One, Two, Three, Four, Five], answer: Two, points: 1}}")
    folder = root / "lessons" / "bench"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(LESSON.format(questions="\n".join(questions)))
    command = [sys.executable, "-m", "builder", "build", str(root / "lessons"), "-o",
               str(root / "dist"), "--answer-sheets", "--versions", "2", "--copies",
               str(copies), "--no-key", "-q"]
    subprocess.run(command, check=True, cwd=root)
    return root / "dist" / "bench" / "bench-answers.pdf"


def fill_page(image, layout, dpi, rng, scanfake) -> dict[int, str]:
    """Fill each row by a random scenario; the truth of every bubble touched."""
    truth: dict[int, str] = {}
    by_row: dict[int, list[int]] = {}
    for index, bubble in enumerate(layout.bubbles):
        by_row.setdefault(bubble.row, []).append(index)
    names = [name for name, _ in SCENARIOS]
    weights = [w for _, w in SCENARIOS]
    for indices in by_row.values():
        scenario = rng.choice(names, p=[w / sum(weights) for w in weights])
        picks = list(rng.choice(indices, size=min(2, len(indices)), replace=False))
        if scenario == "blank":
            continue
        if scenario == "two":
            hows = ["solid", "pen"]
        elif "+" in scenario:
            hows = scenario.split("+")
        else:
            hows = [scenario]
        for index, how in zip(picks, hows, strict=False):
            scanfake.mark(image, layout, dpi, int(index), how)
            truth[int(index)] = TRUTH[how]
    return truth


def scans(pdf: Path, sheets, dpis: list[int], count: int, seed: int):
    """(image, layout, truth) for `count` pages, cycling through `dpis`."""
    import numpy as np
    import scanfake

    rng = np.random.default_rng(seed)
    data = pdf.read_bytes()
    made = []
    for dpi in dpis:
        images = scanfake.page_images(data, dpi)
        per_sheet = len(sheets.layout("A").pages)
        for index, image in enumerate(images[: count // len(dpis)]):
            sheet, page = divmod(index, per_sheet)
            version = "A" if sheet < sheets.copies else "B"
            layout = sheets.layout(version).pages[page]
            truth = fill_page(image, layout, dpi, rng, scanfake)
            scanned = scanfake.distort(
                image, rng, dpi=dpi, jpeg_quality=int(rng.integers(55, 90)),
                upside_down=bool(rng.random() < 0.1),
            )
            made.append((scanned, layout, truth, dpi))
    return made


def accuracy(made, root: Path, folder: Path) -> dict:
    from builder.grade.pages import read_page
    from builder.grade.scans import ScanPage
    from builder.grade.score import state

    wrong, unflagged, unread, bubbles, flagged_ok = [], [], 0, 0, 0
    fills_seen: dict[str, list[float]] = {"mark": [], "empty": [], "unclear": []}
    for n, (image, _layout, truth, dpi) in enumerate(made):
        path = folder / f"scan-{n:04d}.png"
        image.save(path)
        read = read_page(ScanPage(path, str(path), 1), root)
        if read.problem or not read.fills:
            unread += 1
            continue
        for index, fill in enumerate(read.fills):
            bubbles += 1
            expected = truth.get(index, "empty")
            seen = state(fill)
            fills_seen[expected].append(fill)
            if expected == "unclear":
                if seen == "unclear":
                    flagged_ok += 1
                else:
                    unflagged.append((n, dpi, index, round(fill, 3)))
            elif seen != expected:
                wrong.append((n, dpi, index, expected, round(fill, 3)))
    ranges = {k: [round(min(v), 3), round(max(v), 3)] if v else None for k, v in fills_seen.items()}
    return {
        "pages": len(made), "unread_pages": unread, "bubbles": bubbles,
        "wrong_readings": len(wrong), "wrong_examples": wrong[:10],
        "unclear_drawn": len(fills_seen["unclear"]), "unclear_flagged": flagged_ok,
        "unclear_unflagged": len(unflagged), "unflagged_examples": unflagged[:10],
        "fill_ranges": ranges,
    }


def speed(made, root: Path, folder: Path) -> dict:
    from builder.grade.run import GradeOptions, grade_scans

    pages = [image for image, _, _, dpi in made if dpi == 200]
    pdf = folder / "stack-200dpi.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=200)
    started = time.perf_counter()
    result = grade_scans([pdf], GradeOptions(out_dir=folder / "grades", project=root))
    total = time.perf_counter() - started
    return {
        "pages": len(pages), "read": result.pages, "unreadable": result.unreadable,
        "seconds_end_to_end": round(total, 2),
        "pages_per_second_end_to_end": round(len(pages) / total, 2),
    }


def reading_speed(made, root: Path, folder: Path) -> dict:
    """The reading alone (no CSV, no review PDF), on the same 200 dpi PDF and pool."""
    from builder.grade.pages import read_page
    from builder.grade.scans import scan_pages
    from builder.output.workers import process_pool

    pdf = folder / "stack-200dpi.pdf"
    pages, _ = scan_pages([pdf])
    workers = os.cpu_count() or 1
    pool = process_pool(workers)
    try:
        list(pool.map(read_page, pages[:workers], [root] * workers))  # start the workers
        started = time.perf_counter()
        reads = list(pool.map(read_page, pages, [root] * len(pages), chunksize=4))
        seconds = time.perf_counter() - started
    finally:
        pool.shutdown()
    return {
        "pages": len(pages), "workers": workers, "read": sum(not r.problem for r in reads),
        "seconds": round(seconds, 2), "pages_per_second": round(len(pages) / seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=240, help="accuracy pages (x 200 dpi: 5/6)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "grade-results.json")
    args = parser.parse_args()
    from builder.grade.plan import lesson_set
    from builder.project.lesson import load_lesson

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        per_version = max(args.pages // 2, 100)
        pdf = make_project(root, per_version)
        source, _ = load_lesson(root / "lessons" / "bench")
        sheets = lesson_set(source, ("A", "B"), 1, "letter", False, per_version)
        folder = root / "scans"
        folder.mkdir()
        made = scans(pdf, sheets, [150, 200, 300], args.pages, args.seed)
        figures = {"accuracy": accuracy(made, root, folder)}
        speed_set = scans(pdf, sheets, [200], max(200, args.pages), args.seed + 1)
        figures["speed"] = speed(speed_set, root, folder)
        figures["reading"] = reading_speed(speed_set, root, folder)
    figures["machine"] = {
        "cores": os.cpu_count(), "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip(),
    }
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
