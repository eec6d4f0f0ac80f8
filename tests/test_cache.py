"""The build cache (issue 7): a rebuild renders exactly the documents whose inputs
changed — a lesson, an image, a template, a style, the paper size — reuses the rest,
survives a damaged cache, and gives the same bytes on one core or many."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import pdf_text, write_png
from pypdf import PdfReader

import builder.output.workers as workers
from builder import BuildOptions, LessonError, build

LESSON = """\
    title: {title}
    readings:
      - id: letter
        title: A letter home
        source: A soldier, 1862
        file: letter.md
        line_numbers: true
        images:
          - file: images/map.png
            alt: A map of the camp
    questions:
      - id: q1
        prompt: What did the writer miss most?
        answer: His family.
"""


@pytest.fixture
def two_lessons(write_lesson, tmp_path: Path) -> Path:
    """A project with two small lessons (`alpha`, `beta`), each with a numbered reading
    and an image; returns the project folder."""
    write_two_lessons(tmp_path)
    return tmp_path


def write_two_lessons(root: Path) -> None:
    for slug in ("alpha", "beta"):
        folder = root / "lessons" / slug
        (folder / "images").mkdir(parents=True)
        (folder / "lesson.yaml").write_text(textwrap.dedent(LESSON.format(title=slug.title())))
        (folder / "letter.md").write_text(
            f"Dear mother, the {slug} camp is cold.\n\nWe march at dawn.\n"
        )
        write_png(folder / "images" / "map.png")


UNIT = "title: Unit one\nclass: Period 2\nlessons: [alpha, beta]\n"


@dataclass
class Prepared:
    root: Path  # a project built once (read only): two_lessons, maybe with a bundle
    rendered: list[str]  # what its build rendered


def _prepare(root: Path, bundle: str | None = None) -> Prepared:
    write_two_lessons(root)
    if bundle:
        (root / "lessons" / "unit.bundle.yaml").write_text(bundle)
    names: list[str] = []
    real = workers.render_task

    def render(job):
        names.append(job.identifier.rsplit("/", 1)[0])
        return real(job)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "render_task", render)
        run(root)
    return Prepared(root, names)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    """two_lessons built once for the module (jobs=1, into dist/)."""
    return _prepare(tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="module")
def prepared_unit(tmp_path_factory) -> Prepared:
    """two_lessons and the bundle UNIT, built once for the module."""
    return _prepare(tmp_path_factory.mktemp("built-unit"), UNIT)


def _copy_built(prepared: Prepared, tmp_path: Path, monkeypatch) -> Path:
    """The prepared project copied to tmp_path (the current folder), as if built there:
    copied, then built again, which the cache answers without rendering; that build
    records the no-op manifest (last-build.json) for these paths."""
    shutil.copytree(prepared.root, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    real = workers.render_task
    rendered_here: list = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "render_task", lambda job: rendered_here.append(job) or real(job))
        outputs = run(tmp_path)
    assert rendered_here == [] and all(o.up_to_date for o in outputs)  # the cache answered
    return tmp_path


@pytest.fixture
def built_lessons(prepared, tmp_path, monkeypatch) -> Path:
    """two_lessons after one build (`run`), from a copy of `prepared`: for tests of what
    a rebuild does, where rendering the first build again would prove nothing."""
    return _copy_built(prepared, tmp_path, monkeypatch)


@pytest.fixture
def built_unit(prepared_unit, tmp_path, monkeypatch) -> Path:
    """Like built_lessons, with the bundle UNIT."""
    return _copy_built(prepared_unit, tmp_path, monkeypatch)


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """Names of the documents rendered from now on (builds with jobs=1 render here)."""
    names: list[str] = []
    real = workers.render_task

    def render(job):
        names.append(job.identifier.rsplit("/", 1)[0])
        return real(job)

    monkeypatch.setattr(workers, "render_task", render)
    return names


def run(project: Path, **options) -> list:
    options.setdefault("jobs", 1)
    result = build([project / "lessons"], BuildOptions(out_dir=project / "dist", **options))
    return result.outputs


def stamps(project: Path) -> dict[str, int]:
    return {
        str(p.relative_to(project)): p.stat().st_mtime_ns
        for p in sorted((project / "dist").rglob("*.pdf"))
        if ".lessonpack-cache" not in p.parts
    }


def test_an_unchanged_rebuild_renders_nothing_and_touches_nothing(
    prepared, built_lessons, rendered, cli
):
    assert sorted(prepared.rendered) == [  # the first build
        "alpha/alpha-key",
        "alpha/alpha-student",
        "beta/beta-key",
        "beta/beta-student",
    ]
    two_lessons = built_lessons
    before = stamps(two_lessons)
    outputs = run(two_lessons)
    assert rendered == [] and all(o.up_to_date for o in outputs) and len(outputs) == 4
    assert stamps(two_lessons) == before  # a PDF viewer showing a handout is not disturbed
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert "Built 0 files, 4 up to date" in result.stdout


def test_without_the_last_build_record_the_cache_still_skips_every_document(
    built_lessons, rendered
):
    two_lessons = built_lessons
    (two_lessons / "dist" / ".lessonpack-cache" / "last-build.json").unlink()
    outputs = run(two_lessons)
    assert rendered == [] and all(o.up_to_date for o in outputs)


def test_editing_a_reading_rebuilds_only_that_lesson(built_lessons, rendered):
    two_lessons = built_lessons
    before = stamps(two_lessons)
    reading = two_lessons / "lessons" / "beta" / "letter.md"
    reading.write_text(reading.read_text().replace("cold", "flooded"))
    run(two_lessons)
    assert sorted(rendered) == ["beta/beta-key", "beta/beta-student"]
    assert "flooded" in pdf_text(two_lessons / "dist" / "beta" / "beta-student.pdf")
    after = stamps(two_lessons)
    assert after["dist/alpha/alpha-student.pdf"] == before["dist/alpha/alpha-student.pdf"]
    assert after["dist/beta/beta-student.pdf"] != before["dist/beta/beta-student.pdf"]


def test_replacing_an_image_rebuilds_the_lesson_that_shows_it(built_lessons, rendered):
    two_lessons = built_lessons
    write_png(two_lessons / "lessons" / "alpha" / "images" / "map.png", width=80, height=60)
    run(two_lessons)
    assert sorted(rendered) == ["alpha/alpha-key", "alpha/alpha-student"]
    assert _image_sizes(two_lessons / "dist" / "alpha" / "alpha-student.pdf") == [(80, 60)]
    assert _image_sizes(two_lessons / "dist" / "beta" / "beta-student.pdf") == [(40, 20)]


def test_a_new_project_template_rebuilds_every_lesson(built_lessons, rendered):
    two_lessons = built_lessons
    override = two_lessons / "templates" / "partials" / "header.html"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "default/partials/header.html" %}'
        "{% block school %}Lincoln High School{% endblock %}"
    )
    run(two_lessons)
    assert len(rendered) == 4
    for slug in ("alpha", "beta"):
        assert "Lincoln High School" in pdf_text(two_lessons / "dist" / slug / f"{slug}-key.pdf")


def test_a_style_change_rebuilds_every_lesson(built_lessons, rendered):
    two_lessons = built_lessons
    before = (two_lessons / "dist" / "alpha" / "alpha-student.pdf").read_bytes()
    custom = two_lessons / "styles" / "custom.css"
    custom.parent.mkdir()
    custom.write_text("h1 { font-size: 30pt; }\n")
    run(two_lessons)
    assert len(rendered) == 4
    assert (two_lessons / "dist" / "alpha" / "alpha-student.pdf").read_bytes() != before
    rendered.clear()
    custom.write_text("h1 { font-size: 30pt; }\n/* a comment changes the file too */\n")
    run(two_lessons)
    assert len(rendered) == 4  # any edit to a stylesheet in effect counts


def test_switching_paper_size_rebuilds_and_switching_back_reuses_the_cache(built_lessons, rendered):
    two_lessons = built_lessons
    run(two_lessons, paper="a4")
    assert len(rendered) == 4
    page = PdfReader(two_lessons / "dist" / "alpha" / "alpha-student.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    rendered.clear()
    outputs = run(two_lessons, paper="letter")
    assert rendered == []  # both sizes stay in the cache
    assert not any(o.up_to_date for o in outputs)  # but the Letter files were written back
    page = PdfReader(two_lessons / "dist" / "alpha" / "alpha-student.pdf").pages[0]
    assert round(float(page.mediabox.width)) == 612


def test_force_rebuilds_everything(built_lessons, rendered, cli):
    two_lessons = built_lessons
    run(two_lessons, force=True)
    assert len(rendered) == 4
    rendered.clear()
    result = cli("build", "--force", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert len(rendered) == 4


@pytest.mark.parametrize("damage", ["blob", "meta", "format", "symlink", "file"])
def test_a_damaged_or_foreign_cache_is_ignored_never_trusted(two_lessons, rendered, damage):
    # built here, not copied: `good` must be rendered in this folder (an image's name in
    # the PDF depends on its path, so the same lesson renders other bytes elsewhere)
    run(two_lessons)
    good = (two_lessons / "dist" / "alpha" / "alpha-student.pdf").read_bytes()
    cache = two_lessons / "dist" / ".lessonpack-cache"
    (cache / "last-build.json").unlink()
    entries = [m.parent for m in cache.glob("entries/*/*/meta.json")]
    for entry in entries:
        if damage == "blob":  # a flipped byte inside a cached PDF
            blob = entry / "0"
            data = bytearray(blob.read_bytes())
            data[len(data) // 2] ^= 0xFF
            blob.write_bytes(bytes(data))
        elif damage == "meta":
            (entry / "meta.json").write_text("{ not json")
        elif damage == "format":  # written by another lessonpack version
            meta = json.loads((entry / "meta.json").read_text())
            (entry / "meta.json").write_text(json.dumps({**meta, "format": 999}))
        elif damage == "symlink":  # an entry pointing elsewhere
            elsewhere = two_lessons / f"elsewhere-{entry.name}"
            shutil.move(entry, elsewhere)
            entry.symlink_to(elsewhere, target_is_directory=True)
    if damage == "file":  # something that is not a cache at all
        shutil.rmtree(cache)
        cache.write_text("not a folder")
    (two_lessons / "dist" / "alpha" / "alpha-student.pdf").unlink()
    rendered.clear()
    run(two_lessons)
    assert len(rendered) == 4
    assert (two_lessons / "dist" / "alpha" / "alpha-student.pdf").read_bytes() == good


def test_the_cache_keeps_two_entries_per_document_however_many_edits(two_lessons):
    reading = two_lessons / "lessons" / "alpha" / "letter.md"
    for n in range(4):
        reading.write_text(f"Dear mother, edit number {n}.\n")
        run(two_lessons)
    slots = list((two_lessons / "dist" / ".lessonpack-cache" / "entries").iterdir())
    assert len(slots) == 2  # alpha and beta
    assert sorted(len(list(slot.iterdir())) for slot in slots) == [1, 2]


def test_a_bundle_reuses_its_unchanged_lessons_and_rejoins_the_packet(
    prepared_unit, built_unit, rendered
):
    assert len(prepared_unit.rendered) == 8  # each lesson on its own and inside the bundle
    two_lessons = built_unit
    reading = two_lessons / "lessons" / "beta" / "letter.md"
    reading.write_text(reading.read_text().replace("cold", "flooded"))
    run(two_lessons)
    assert sorted(rendered) == [
        "beta/beta-key",
        "beta/beta-student",
        "unit/lessons/beta-key",
        "unit/lessons/beta-student",
    ]
    packet = pdf_text(two_lessons / "dist" / "unit" / "unit-student.pdf")
    assert "flooded" in packet and "alpha camp" in packet


def test_a_failed_build_keeps_what_rendered_for_the_next_try(two_lessons, rendered, monkeypatch):
    from builder.errors import Problem

    real = workers.render_task

    def refuse_beta(job):  # as when a lesson's image cannot be loaded
        if job.identifier.startswith("beta/"):
            raise LessonError([Problem(job.lesson_file, "refused to load 'x.png'")])
        return real(job)

    monkeypatch.setattr(workers, "render_task", refuse_beta)
    with pytest.raises(LessonError) as failure:
        run(two_lessons)
    assert [p.message for p in failure.value.problems] == ["refused to load 'x.png'"] * 2
    assert not (two_lessons / "dist" / "alpha").exists()  # all or nothing
    monkeypatch.setattr(workers, "render_task", real)
    rendered_now = []
    monkeypatch.setattr(workers, "render_task", lambda job: rendered_now.append(job) or real(job))
    run(two_lessons)
    assert sorted(job.identifier.split("/")[0] for job in rendered_now) == ["beta", "beta"]
    assert (two_lessons / "dist" / "alpha" / "alpha-student.pdf").exists()


def test_warnings_are_repeated_from_the_cache_and_strict_still_fails(write_lesson, tmp_path):
    write_lesson(
        "glyphs",
        "title: Glyphs\nreadings:\n  - id: a\n    file: a.md\n",
        files={"a.md": "The word 漢 has no font here.\n"},
    )
    warning = "no installed font has the character '漢'"
    for _ in range(3):  # rendered, then from the last-build record, then from the cache
        result = build([tmp_path / "lessons"], BuildOptions(out_dir=tmp_path / "dist", jobs=1))
        assert any(warning in p.message for p in result.problems)
        (tmp_path / "dist" / ".lessonpack-cache" / "last-build.json").unlink(missing_ok=True)
    with pytest.raises(LessonError) as failure:
        build([tmp_path / "lessons"], BuildOptions(out_dir=tmp_path / "dist", strict=True))
    assert any(warning in p.message and p.severity == "error" for p in failure.value.problems)


def test_jobs_2_gives_the_same_bytes_as_jobs_1(two_lessons):
    (two_lessons / "lessons" / "unit.bundle.yaml").write_text(
        "title: Unit one\nversions: 2\nlessons: [alpha, beta]\n"
    )
    outputs = {}
    for jobs in (1, 2):
        out = two_lessons / f"dist-{jobs}"
        build([two_lessons / "lessons"], BuildOptions(out_dir=out, jobs=jobs))
        outputs[jobs] = {
            str(p.relative_to(out)): p.read_bytes()
            for p in out.rglob("*.pdf")
            if ".lessonpack-cache" not in p.parts
        }
    # 2 lessons × 2; in the bundle 2 lessons × 2 versions × 2; packets: student A, B, keys
    assert len(outputs[1]) == 15
    assert outputs[1] == outputs[2]


def test_build_takes_any_executor(two_lessons, rendered):
    with ThreadPoolExecutor(max_workers=1) as executor:
        result = build(
            [two_lessons / "lessons"], BuildOptions(out_dir=two_lessons / "dist"), executor
        )
    assert len(rendered) == 4
    assert "alpha camp" in pdf_text(two_lessons / "dist" / "alpha" / "alpha-student.pdf")
    assert len(result.outputs) == 4


def test_progress_hears_of_every_step(two_lessons):
    class Recorder:
        def __init__(self):
            self.steps, self.done_with = None, []

        def planned(self, steps):
            self.steps = steps

        def done(self, what):
            self.done_with.append(what)

    recorder = Recorder()
    build(
        [two_lessons / "lessons"],
        BuildOptions(out_dir=two_lessons / "dist", jobs=1),
        None,
        recorder,
    )
    assert recorder.steps == 6  # 4 documents and 2 measuring passes (numbered lines)
    assert len(recorder.done_with) == 6 and "alpha/alpha-student" in recorder.done_with
    recorder = Recorder()
    reading = two_lessons / "lessons" / "alpha" / "letter.md"
    reading.write_text("Dear mother.\n")
    build(
        [two_lessons / "lessons"],
        BuildOptions(out_dir=two_lessons / "dist", jobs=1),
        None,
        recorder,
    )
    assert recorder.steps == 3 and len(recorder.done_with) == 3


def _image_sizes(pdf: Path) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(pdf).pages:
        for image in page.images:
            sizes.append(image.image.size)
    return sizes


def test_a_no_op_rebuild_loads_no_lesson_and_no_weasyprint(built_lessons):
    two_lessons = built_lessons
    code = (
        "import sys\nfrom builder.cli import app\n"
        "try:\n    app(['build'])\nexcept SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules, 'builder.project.models' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=two_lessons, timeout=60
    )
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "False False", done.stderr
    assert "Built 0 files, 4 up to date" in done.stdout


def test_quiet_prints_nothing_but_problems(two_lessons, cli):
    result = cli("build", "--quiet", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == ""
    assert (two_lessons / "dist" / "alpha" / "alpha-key.pdf").exists()
    result = cli("build")  # not a terminal: a summary, and no progress bar drawn
    assert result.stdout.startswith("Built 0 files, 4 up to date in ")
    assert result.stderr == ""


def test_a_dask_cluster_can_render_the_documents(two_lessons):
    """The README's example: a district office spreads the work over Dask workers."""
    from distributed import Client, LocalCluster

    reference = two_lessons / "dist-here"
    build([two_lessons / "lessons"], BuildOptions(out_dir=reference, jobs=1))
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True)
    with cluster, Client(cluster) as client:
        build(
            [two_lessons / "lessons"],
            BuildOptions(out_dir=two_lessons / "dist"),
            client.get_executor(),
        )
    for name in ("alpha/alpha-student.pdf", "beta/beta-key.pdf"):
        assert (two_lessons / "dist" / name).read_bytes() == (reference / name).read_bytes()


def test_a_bundle_rejoined_after_an_edit_reuses_its_cover_and_page_numbers(built_unit, monkeypatch):
    import builder.render.stamps as stamps

    two_lessons = built_unit
    laid_out = []
    real = stamps._layout
    monkeypatch.setattr(stamps, "_layout", lambda *a: laid_out.append(a[0]) or real(*a))
    reading = two_lessons / "lessons" / "beta" / "letter.md"
    reading.write_text(reading.read_text().replace("cold", "flooded"))
    run(two_lessons)
    assert laid_out == []  # same page counts: the packet numbers came from the cache
    packet = pdf_text(two_lessons / "dist" / "unit" / "unit-student.pdf")
    assert "flooded" in packet and "packet p. 2" in packet
    for stored in (two_lessons / "dist" / ".lessonpack-cache" / "renders").iterdir():
        stored.write_bytes(b"0" * 64 + b"\n%PDF-1.7 damaged")
    reading.write_text(reading.read_text().replace("flooded", "frozen"))
    run(two_lessons)
    assert laid_out  # a damaged render is laid out again, not used
    assert "packet p. 2" in pdf_text(two_lessons / "dist" / "unit" / "unit-student.pdf")
