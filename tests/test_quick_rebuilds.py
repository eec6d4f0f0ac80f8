"""What keeps a rebuild after an edit quick, checked by counting work, never by timing:
a lesson's line-measuring pass is done once per reading text and layout (a title or
prompt edit reuses it; a reading edit measures again; a lesson printed alone and in a
bundle is measured once), and the preview's page images are made by the render worker
that rendered the document, not on demand. Reused measurements must print the same
bytes as fresh ones."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from conftest import SLUG
from PIL import Image

import builder.output.workers as workers
from builder.output.pipeline import BuildOptions, build
from builder.output.workers import InlineExecutor
from builder.preview.pages import SCALE, PageImages, PagesAhead

TITLE_LINE = "title: Origins of the Cuban Missile Crisis"


@pytest.fixture
def measured(monkeypatch):
    """Counts the measuring passes run from now on, with nothing measured before."""
    passes: list[object] = []
    real = workers.measure_task

    def counting(job):
        passes.append(job)
        return real(job)

    monkeypatch.setattr(workers, "measure_task", counting)
    monkeypatch.setattr(workers, "_MEASURED", {})
    return passes


def _build(project: Path, out: str, executor=None):
    options = BuildOptions(out_dir=project / out, jobs=1)
    return build([project / "lessons"], options, executor or InlineExecutor())


def _student(project: Path, out: str) -> bytes:
    return (project / out / SLUG / f"{SLUG}-student.pdf").read_bytes()


def _retitle(project: Path, title: str) -> None:
    lesson = project / "lessons" / SLUG / "lesson.yaml"
    text = lesson.read_text(encoding="utf-8")
    assert TITLE_LINE in text
    lesson.write_text(text.replace(TITLE_LINE, f"title: {title}"), encoding="utf-8")


def test_a_title_edit_reuses_the_measured_lines_and_prints_the_same(project, measured):
    _build(project, "dist")
    assert len(measured) == 1
    _retitle(project, "Thirteen Days")
    _build(project, "dist")
    assert len(measured) == 1  # the readings did not change: nothing measured again
    reused = _student(project, "dist")
    workers._MEASURED.clear()  # as a fresh process would: measure, then print
    _build(project, "fresh")
    assert len(measured) == 2
    assert reused == _student(project, "fresh")  # the same line numbers, byte for byte


def test_a_prompt_edit_measures_nothing_again(project, measured):
    _build(project, "dist")
    lesson = project / "lessons" / SLUG / "lesson.yaml"
    text = lesson.read_text(encoding="utf-8")
    prompt = "prompt: "
    assert prompt in text
    lesson.write_text(text.replace(prompt, f"{prompt}Think first. ", 1), encoding="utf-8")
    _build(project, "dist")
    assert len(measured) == 1


def test_a_reading_edit_measures_again(project, measured):
    _build(project, "dist")
    reading = project / "lessons" / SLUG / "readings" / "origins.md"  # a numbered reading
    text = reading.read_text(encoding="utf-8")
    reading.write_text(text.replace("\n\n", " A sentence more.\n\n", 1), encoding="utf-8")
    _build(project, "dist")
    assert len(measured) == 2


def test_a_lesson_alone_and_in_a_bundle_is_measured_once(project, measured):
    (project / "lessons" / "week.bundle.yaml").write_text(
        f"title: Week 3 packet\nclass: Period 2\nlessons:\n  - {SLUG}\n", encoding="utf-8"
    )

    class Steps:
        """A progress listener (workers.Progress) that counts."""

        def __init__(self):
            self.planned_steps, self.done_steps = 0, 0

        def planned(self, steps):
            self.planned_steps = steps

        def done(self, what):
            self.done_steps += 1

    steps = Steps()
    options = BuildOptions(out_dir=project / "dist", jobs=1)
    result = build([project / "lessons"], options, InlineExecutor(), steps)
    assert len(measured) == 1  # two groups (alone, in the bundle), one pass
    assert steps.done_steps == steps.planned_steps  # the bar still reaches its end
    names = {output.path.name for output in result.outputs}
    assert {f"{SLUG}-student.pdf", "week-student.pdf"} <= names


def test_the_preview_makes_page_images_where_it_rendered(project, monkeypatch):
    asked: list[tuple[str, int]] = []
    monkeypatch.setattr(PageImages, "_render", lambda self, name, n: asked.append((name, n)))
    images = PageImages()
    result = _build(project, "dist", PagesAhead(InlineExecutor(), images))
    pdfs = [output for output in result.outputs if output.path.suffix == ".pdf"]
    assert len(pdfs) == 2
    for output in pdfs:
        name = images.add(output.path.read_bytes())  # as the preview names it
        for number in range(1, output.pages + 1):
            png = asyncio.run(images.png(name, number))
            width, height = Image.open(io.BytesIO(png)).size
            assert (width, height) == (round(612 * SCALE), round(792 * SCALE))  # Letter
    assert asked == []  # every image was ready: none made on demand


def test_the_preview_shows_each_document_as_soon_as_it_is_rendered(project, tmp_path):
    """After a save, the first document rendered (the student sheet or the key) shows
    its new pages while the other still renders ("building"); then the build ends."""
    from builder.preview.builds import Previews

    key = f"lesson/{SLUG}"
    published: list[tuple[str, list[str], bool]] = []

    async def edit_and_listen():
        previews = Previews([project / "lessons"], tmp_path / "builds")
        await previews.start()
        try:
            before = [d.digest for d in (await previews.snapshot(key, "letter")).documents]
            real = previews._publish

            def recording(channel, event):
                snapshot = previews.current(key, "letter")
                digests = [d.digest for d in snapshot.documents]
                published.append((event, digests, previews.building(key, "letter")))
                real(channel, event)

            previews._publish = recording
            listener = previews.subscribe(key, "letter")
            _retitle(project, "Thirteen Days")
            await previews.files_changed({project / "lessons" / SLUG / "lesson.yaml"})
            while await asyncio.wait_for(listener.get(), 120) != "state":
                pass
            return before
        finally:
            previews.close()

    before = asyncio.run(edit_and_listen())
    changed = [sum(a != b for a, b in zip(d, before, strict=True)) for _, d, _ in published]
    assert published[-1][0] == "state" and changed[-1] == 2  # both documents are new
    early = [c for (event, _, building), c in zip(published, changed, strict=True) if building]
    assert 1 in early  # one document's new pages shown while the other still rendered


def test_a_newer_save_stops_the_build_it_made_stale(project, tmp_path, monkeypatch):
    """A reading is saved, and while its lines are measured the title is saved too: the
    stale build renders no document; the next one renders both, with the newest title."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import builder.preview.builds as builds
    from builder.preview.builds import Previews

    measuring = threading.Event()  # the gated pass has started
    gate = threading.Event()
    rendered: list[str] = []

    class GatedWorkers(ThreadPoolExecutor):
        """Render workers in threads; a measuring pass waits for the gate."""

        def submit(self, fn, /, *args, **kwargs):
            if fn is workers.render_task:
                rendered.append(args[0].identifier)
            if fn is workers.measure_task and not gate.is_set():

                def gated(job):
                    measuring.set()
                    gate.wait(60)
                    return workers.measure_task(job)

                return super().submit(gated, *args)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(builds, "_render_pool", lambda: GatedWorkers(1))
    monkeypatch.setattr(workers, "_MEASURED", {})
    key = f"lesson/{SLUG}"
    folder = project / "lessons" / SLUG

    async def two_saves():
        previews = Previews([project / "lessons"], tmp_path / "builds")
        await previews.start()
        try:
            gate.set()
            await previews.snapshot(key, "letter")
            gate.clear()
            rendered.clear()
            listener = previews.subscribe(key, "letter")
            reading = folder / "readings" / "origins.md"  # a numbered reading
            text = reading.read_text(encoding="utf-8")
            reading.write_text(text.replace("\n\n", " One more.\n\n", 1), encoding="utf-8")
            await previews.files_changed({reading})
            assert await asyncio.to_thread(measuring.wait, 60)
            _retitle(project, "Thirteen Days")
            # Heard while the build runs: re-reading the lesson waits for the build thread.
            heard = asyncio.create_task(previews.files_changed({folder / "lesson.yaml"}))
            await asyncio.sleep(0.1)
            gate.set()
            await heard
            while await asyncio.wait_for(listener.get(), 120) != "state":
                pass
            return previews.current(key, "letter")
        finally:
            previews.close()

    shown = asyncio.run(two_saves())
    assert shown.title == "Thirteen Days"
    assert len(rendered) == 2  # the newest build's student sheet and key, nothing stale
