"""End to end in a real browser: `lessonpack serve` runs, headless Chromium (Debian's
package, driven by Playwright) shows the preview, and edits to the lesson file appear
on the open page by themselves, without a reload.

Needs `apt-get install chromium` and `pip install playwright`; skipped without them
when run by hand, a failure under CI=true (SPEC §3)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
from conftest import SLUG, start_serve

TIMEOUT_MS = 30_000  # only to catch a hang, never a speed limit
INSTALL = "apt-get install chromium && pip install playwright"


def _browser_or_skip() -> str:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        chromium = None
    if chromium is None:
        message = f"needs Chromium and Playwright for Python: {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return chromium


@pytest.fixture
def server(project):
    """`lessonpack serve` on a free port in the sample project; yields its address and
    checks that Ctrl-C stops it with status 130."""
    process, address = start_serve(project)
    try:
        yield address
        process.send_signal(signal.SIGINT)
        assert process.wait(TIMEOUT_MS / 1000) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def page():
    chromium = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.set_default_timeout(TIMEOUT_MS)
            yield tab
        finally:
            browser.close()


def test_saved_edits_appear_on_the_open_preview_without_a_reload(page, project, server):
    lesson = project / "lessons" / SLUG / "lesson.yaml"
    original = lesson.read_text(encoding="utf-8")
    page.goto(f"{server}/lesson/{SLUG}")
    assert page.text_content("h1") == "Origins of the Cuban Missile Crisis"
    first_page = page.locator("section[data-document=student] img").first
    old_image = first_page.get_attribute("src")
    page.evaluate("window.stillTheSamePage = true")  # a reload would forget this

    timings = []
    for take in range(1, 4):
        title = f"The Cuban Missile Crisis, draft {take}"
        version = page.evaluate("document.body.dataset.version")
        started = time.perf_counter()
        _write(lesson, re.sub(r"^title: .*$", f"title: {title}", original, count=1, flags=re.M))
        page.wait_for_function(
            "([version, title]) => document.body.dataset.version !== version"
            " && document.querySelector('h1').textContent === title",
            arg=[version, title],
        )
        timings.append(time.perf_counter() - started)
    print("save-to-reload seconds:", ", ".join(f"{t:.2f}" for t in timings))

    assert page.evaluate("window.stillTheSamePage") is True
    assert first_page.get_attribute("src") != old_image  # the printed page was redrawn
    assert first_page.evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert page.text_content("#status").startswith("Up to date")

    # A mistake shows at the top with its file and line; fixing it clears it.
    _write(lesson, original.replace("date: 1962-10-22", "date: 1962-02-30", 1))
    problems = page.locator("#problems")
    problems.wait_for(state="visible")
    assert re.search(rf"lessons/{SLUG}/lesson\.yaml:\d+:\d+", problems.text_content())
    assert "not a real date" in problems.text_content()
    assert page.locator("section[data-document=student] img").count() > 0  # last good pages
    _write(lesson, original)
    problems.wait_for(state="hidden")
    page.wait_for_function(
        "document.querySelector('h1').textContent === 'Origins of the Cuban Missile Crisis'"
    )
    assert page.evaluate("window.stillTheSamePage") is True


def _write(path: Path, text: str) -> None:
    """Save the way editors do: the whole file at once."""
    path.write_text(text, encoding="utf-8")
