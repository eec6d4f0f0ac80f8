"""The sample lesson's PDFs read back: size, text, answers only in the key, footer,
banner, metadata, fonts, tags, margins, reproducible bytes (SPEC §4)."""

from __future__ import annotations

import re
import shutil
from functools import cache
from pathlib import Path

import pytest
from conftest import SAMPLE, SLUG, assert_print_ready, joined_text, plain
from pypdf import PdfReader

from builder import BuildOptions, build, load_lesson

PAPER_POINTS = {"letter": (612, 792), "a4": (595, 842)}


@pytest.fixture(scope="module")
def view():
    from conftest import lesson_view

    source, problems = load_lesson(SAMPLE)
    assert source is not None, problems
    return lesson_view(source)


@cache
def page_texts(pdf: Path) -> tuple[str, ...]:
    """Each page's text, extracted once per module: the PDFs here are the shared build's,
    which nothing changes (pypdf takes a good part of a second per page)."""
    return tuple(page.extract_text() for page in PdfReader(pdf).pages)


def pdf_text(pdf: Path) -> str:
    return joined_text(page_texts(pdf))


def student(build_dir: Path) -> Path:
    return build_dir / f"{SLUG}-student.pdf"


def key(build_dir: Path) -> Path:
    return build_dir / f"{SLUG}-key.pdf"


def answer_texts(view) -> list[str]:
    texts = []
    for question in view.questions:
        if question.kind == "choice":  # the key marks the correct choice in place
            correct = next(c for c in question.choices if c.correct)
            texts.append(f"{plain(correct.text)} ✓ correct")
            continue
        texts += [plain(question.answer)] if str(question.answer) else []
        texts += [plain(item) for item in question.look_fors]
    return [t for t in texts if t]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_every_page_has_the_requested_paper_size(sample_build, paper):
    for pdf in (student(sample_build[paper]), key(sample_build[paper])):
        sizes = {
            (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in PdfReader(pdf).pages
        }
        assert sizes == {PAPER_POINTS[paper]}


def test_student_sheet_has_every_question_and_the_name_fields(sample_build, view):
    text = pdf_text(student(sample_build["letter"]))
    for field in ("Name", "Date", "Period"):
        assert field in text
    assert view.title in text
    assert plain(view.central_question) in text
    for question in view.questions:
        assert plain(question.prompt) in text, question.id
    for document in view.documents:
        assert f"Document {document.label}" in text
        assert plain(document.source)[:60] in text
    for event in view.timeline.events:
        assert event.label in text


def test_key_has_every_answer_in_place(sample_build, view):
    text = pdf_text(key(sample_build["letter"]))
    answers = answer_texts(view)
    assert len(answers) >= len(view.questions)
    for answer in answers:
        assert answer in text
    for question in view.questions:
        assert plain(question.prompt) in text
    for event in view.timeline.events:  # order mode: the key gives each event's date
        assert text.count(event.date) >= 2  # in the worksheet and on the drawn timeline
    for question in view.rubrics:
        assert f"Question {question.number} · {question.points} points" in text
        for level in question.rubric:
            assert plain(level.descriptor) in text


def test_student_sheet_contains_no_answer_text(sample_build, view):
    text = pdf_text(student(sample_build["letter"]))
    for answer in answer_texts(view):
        if answer.endswith("✓ correct"):  # the choices themselves are on the sheet
            assert "✓" not in text
        else:
            assert answer[:40] not in text
    assert "ANSWER KEY" not in text and "Look for" not in text and "Answer:" not in text
    rubric = [plain(level.descriptor) for q in view.questions for level in q.rubric]
    assert rubric and not any(descriptor[:40] in text for descriptor in rubric)
    assert "Rubric" not in text
    assert not any(event.date in text for event in view.timeline.events)


def test_order_mode_prints_events_shuffled_and_key_numbers_them(sample_build, view):
    numbers = [int(event.key) for event in view.timeline.events]
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    assert numbers != sorted(numbers)


def test_key_has_banner_on_every_page_and_points_total(sample_build, view):
    for page in page_texts(key(sample_build["letter"])):
        assert "ANSWER KEY" in page
    text = pdf_text(key(sample_build["letter"]))
    parts = [*view.questions, *view.organizers]  # organizers with points count too
    assert view.total_points == sum(part.points or 0 for part in parts) > 0
    assert any(o.points for o in view.organizers)
    assert re.search(rf"Total {view.total_points}\b", text, re.IGNORECASE)


def test_footer_has_title_and_page_x_of_y_on_every_page(sample_build, view):
    for pdf in (student(sample_build["letter"]), key(sample_build["letter"])):
        pages = page_texts(pdf)
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text
            assert view.title in text


def test_metadata_language_tags_and_embedded_fonts(sample_build, view):
    for pdf in (student(sample_build["letter"]), key(sample_build["letter"])):
        reader = PdfReader(pdf)
        assert reader.metadata.title.startswith(view.title)
        root = reader.trailer["/Root"]
        assert str(root["/Lang"]) == "en"
        assert "/StructTreeRoot" in root
        assert not reader.attachments
        for page in reader.pages:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()
                descriptor = font.get("/FontDescriptor")
                if descriptor is None:
                    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                descriptor = descriptor.get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert PdfReader(key(sample_build["letter"])).metadata.title.endswith("Answer key")


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_pdfs_are_print_ready(sample_build, paper):
    for pdf in (student(sample_build[paper]), key(sample_build[paper])):
        assert_print_ready(pdf)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_writing_lines_stay_with_their_prompt(sample_results, paper):
    """Every question's prompt and its lines are on one page: the layout check finds no split.
    The shared build ran the layout check; with no warning at all, `check --strict` (every
    warning an error; tested on the sample in test_cli) passes too."""
    assert sample_results[paper].problems == []


def test_building_twice_gives_identical_bytes(sample_build):
    """A second build of the shared build's lessons, into another folder (its own cache,
    so it renders again), gives the same bytes."""
    first = sample_build["letter"].parent
    root = first.parent
    second = root / "dist-again"
    build([root / "lessons"], BuildOptions(out_dir=second, paper="letter"))
    for name in (f"{SLUG}-student.pdf", f"{SLUG}-key.pdf"):
        assert (first / SLUG / name).read_bytes() == (second / SLUG / name).read_bytes()
    shutil.rmtree(second)  # leave the shared build as it was
