"""The preview benchmark: from a save to the new pages in a real browser.

`lessonpack serve` runs on a copy of the sample lesson in a temporary project;
Playwright drives Debian's Chromium (`/usr/bin/chromium`, never a downloaded one) on
the lesson's preview. Five times the lesson title in lesson.yaml is changed and the
file written; each time is measured from the write until the page shows the new
title in `#title`, `#status` says "Up to date", and every page image of both
documents (`figure.page img`) has a new address and is loaded (complete, with a
width). A title edit changes every page (the footer carries the title), so every
image must be new. The window is made as tall as the page, so no image waits for
scrolling (lazy loading): the figure is for all pages, not just the first screen.
The median of the five is the row `preview: save to new pages (sample lesson)`,
merged into results.json. A benchmark, never a test: nothing asserts a time.

    python benchmarks/preview.py [--out benchmarks/results.json] [--saves 5]
                                 [--chromium /usr/bin/chromium]

Needs `pip install -e '.[bench]'` (Playwright for Python); it never runs
`playwright install`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import merge_results
from run import ENV, HERE, REPO, log, machine

SLUG = "cuban-missile-crisis"
SAMPLE = REPO / "lessons" / SLUG
TARGET = 0.6  # seconds, median (issue 14)
TIMEOUT_MS = 60_000  # only to stop a hang
LESSONPACK = str(Path(sys.executable).with_name("lessonpack"))

# True once the page shows `title`, says "Up to date" and every page image is new
# (its address not among `old`) and loaded.
DONE = """([title, old]) => {
  const status = document.getElementById("status").textContent;
  if (document.getElementById("title").textContent !== title) return false;
  if (!status.startsWith("Up to date")) return false;
  const images = [...document.querySelectorAll("figure.page img")];
  const sections = document.querySelectorAll("section.document[data-document]");
  return sections.length >= 2 && images.length > 0 && images.every(
    (img) => !old.includes(img.src) && img.complete && img.naturalWidth > 0
  );
}"""
# How far the new pages had got: the first image of each document loaded.
FIRST_PAGES = """([old]) => [...document.querySelectorAll("section.document[data-document]")]
  .every((section) => {
    const img = section.querySelector("figure.page img");
    return img && !old.includes(img.src) && img.complete && img.naturalWidth > 0;
  })"""
SOURCES = "() => [...document.querySelectorAll('figure.page img')].map((i) => i.src)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_serve(project: Path, port: int) -> subprocess.Popen:
    """`lessonpack serve` as a teacher starts it; returns once it says where it listens."""
    process = subprocess.Popen(
        [LESSONPACK, "serve", "--port", str(port)],
        cwd=project,
        stderr=subprocess.PIPE,
        text=True,
        env={**ENV, "PYTHONUNBUFFERED": "1"},
    )
    first = process.stderr.readline()
    if f"127.0.0.1:{port}" not in first:
        process.kill()
        raise SystemExit(f"lessonpack serve did not start: {first}{process.stderr.read()}")
    return process


def save_title(lesson: Path, original: str, title: str) -> None:
    """Write lesson.yaml with a new title, as an editor saves it."""
    old = next(line for line in original.splitlines() if line.startswith("title:"))
    lesson.write_text(original.replace(old, f"title: {title}", 1), encoding="utf-8")


def measure(address: str, lesson: Path, saves: int, chromium: str) -> dict:
    from playwright.sync_api import sync_playwright

    original = lesson.read_text(encoding="utf-8")
    times, titles_shown, first_pages = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{address}/lesson/{SLUG}")
            page.wait_for_function(
                "() => document.getElementById('status').textContent.startsWith('Up to date')"
            )
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": 1280, "height": height + 200})
            time.sleep(1.0)  # let the first pages load and the server settle
            for take in range(1, saves + 1):
                title = f"The Cuban Missile Crisis, draft {take}"
                old = page.evaluate(SOURCES)
                save_title(lesson, original, title)
                start = time.perf_counter()
                page.wait_for_function(
                    "(t) => document.getElementById('title').textContent === t",
                    arg=title,
                    polling=5,
                )
                titles_shown.append(time.perf_counter() - start)
                page.wait_for_function(FIRST_PAGES, arg=[old], polling=5)
                first_pages.append(time.perf_counter() - start)
                page.wait_for_function(DONE, arg=[title, old], polling=5)
                times.append(time.perf_counter() - start)
                log(
                    f"[preview] save {take}: title {titles_shown[-1]:.2f} s, first pages "
                    f"{first_pages[-1]:.2f} s, all pages {times[-1]:.2f} s"
                )
                time.sleep(1.0)  # a teacher does not save twice a second
            pages = len(page.evaluate(SOURCES))
        finally:
            browser.close()
            lesson.write_text(original, encoding="utf-8")
    return {
        "times": times,
        "title_shown_times": titles_shown,
        "first_pages_times": first_pages,
        "median": statistics.median(times),
        "title_shown_median": statistics.median(titles_shown),
        "first_pages_median": statistics.median(first_pages),
        "page_images": pages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()
    results: dict = {"machine": machine()}
    work = Path(tempfile.mkdtemp(prefix="lessonpack-preview-bench-"))
    ENV["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    try:
        project = work / "project"
        shutil.copytree(SAMPLE, project / "lessons" / SLUG)
        port = free_port()
        server = start_serve(project, port)
        try:
            lesson = project / "lessons" / SLUG / "lesson.yaml"
            measured = measure(f"http://127.0.0.1:{port}", lesson, args.saves, args.chromium)
        finally:
            server.send_signal(signal.SIGINT)  # Ctrl-C: serve stops its workers too
            server.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["loadavg_end"] = os.getloadavg()
    figure = "preview: save to new pages (sample lesson)"
    value = measured["median"]
    results["preview"] = {"sample": {"command": f"{LESSONPACK} serve", **measured}}
    results["rows"] = [
        dict(figure=figure, measured=value, unit="s", target=TARGET, met=value <= TARGET)
    ]
    merge_results(args.out, results)
    print(
        f"{figure}: {value:.2f} s median of {len(measured['times'])} "
        f"(title shown {measured['title_shown_median']:.2f} s, first pages "
        f"{measured['first_pages_median']:.2f} s; target ≤ {TARGET} s)"
    )


if __name__ == "__main__":
    main()
