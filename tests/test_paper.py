"""Paper sizes (SPEC §4): Letter, A4 and Legal (8.5 x 14 in, used by many U.S. schools)
from `--paper`, from a bundle file, and in the preview; every page of every file,
covers and blank duplex pages included, on the paper asked for."""

from __future__ import annotations

import io
import shutil

import pytest
from conftest import (
    SAMPLE,
    SLUG,
    SMALL_LESSON,
    assert_print_ready,
    invoke,
    pdf_text,
    write_small_lesson,
)
from pypdf import PdfReader

from builder.project.paper_names import PAPERS, paper_label
from builder.render.paper import SIZES

LEGAL = (612, 1008)  # 8.5 x 14 in, in points


def _sizes(pdf) -> set[tuple[int, int]]:
    reader = PdfReader(pdf if isinstance(pdf, io.BytesIO) else str(pdf))
    return {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}


def test_every_paper_name_has_a_size_and_a_label():
    assert set(PAPERS) == set(SIZES)
    assert {name: paper_label(name) for name in PAPERS} == {
        "letter": "Letter",
        "a4": "A4",
        "legal": "Legal",
    }


@pytest.fixture(scope="module")
def legal_sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("legal")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = invoke("build", "--paper", "legal", "--strict")
    return result, root / "dist" / SLUG


def test_paper_legal_prints_the_sample_on_legal_pages_that_pass_the_print_checks(legal_sample):
    result, out = legal_sample
    assert result.exit_code == 0, result.stderr
    for variant in ("student", "key"):
        pdf = out / f"{SLUG}-{variant}.pdf"
        assert _sizes(pdf) == {LEGAL}
        assert_print_ready(pdf)
    assert "ANSWER KEY" in pdf_text(out / f"{SLUG}-key.pdf")
    assert "ANSWER KEY" not in pdf_text(out / f"{SLUG}-student.pdf")


def test_a_legal_page_holds_more_than_a_letter_page(legal_sample, sample_build):
    _, out = legal_sample
    legal = len(PdfReader(out / f"{SLUG}-student.pdf").pages)
    letter = len(PdfReader(sample_build["letter"] / f"{SLUG}-student.pdf").pages)
    assert legal < letter  # 14-inch pages: the same lesson on fewer sheets


def test_a_bundle_on_legal_paper_makes_every_page_legal(tmp_path, monkeypatch):
    write_small_lesson(tmp_path)
    second = tmp_path / "lessons" / "second"
    second.mkdir()
    (second / "lesson.yaml").write_text(
        SMALL_LESSON.replace("title:", "title: Second —", 1), encoding="utf-8"
    )
    (tmp_path / "lessons" / "week.bundle.yaml").write_text(
        "title: Week\nclass: Period 2\npaper: legal\nduplex: true\ncover: true\n"
        "lessons: [missile-crisis, second]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "lessons/week.bundle.yaml")
    assert result.exit_code == 0, result.stderr
    packet = tmp_path / "dist" / "week" / "week-student.pdf"
    assert _sizes(packet) == {LEGAL}  # cover, lessons and blank duplex pages
    assert len(PdfReader(packet).pages) % 2 == 0  # duplex: each part padded to even
    assert _sizes(tmp_path / "dist" / "week" / "week-key.pdf") == {LEGAL}
    copy = tmp_path / "dist" / "week" / "lessons" / "missile-crisis-student.pdf"
    assert _sizes(copy) == {LEGAL}
    assert_print_ready(copy)
    # --paper wins over the bundle's own paper
    result = invoke("build", "lessons/week.bundle.yaml", "--paper", "a4", "-o", "dist-a4")
    assert result.exit_code == 0, result.stderr
    assert _sizes(tmp_path / "dist-a4" / "week" / "week-student.pdf") == {(595, 842)}


def test_an_unknown_paper_is_refused_with_the_names_to_use(tmp_path, monkeypatch):
    write_small_lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--paper", "tabloid")
    assert result.exit_code == 2
    assert "'tabloid' is not one of 'letter', 'a4', 'legal'" in result.stderr
    (tmp_path / "lessons" / "week.bundle.yaml").write_text(
        "title: Week\npaper: tabloid\nlessons: [missile-crisis]\n", encoding="utf-8"
    )
    result = invoke("check", "lessons/week.bundle.yaml")
    assert result.exit_code == 1
    assert "week.bundle.yaml:2:8: error: 'paper' must be one of letter, a4, legal" in result.stderr


def test_the_preview_offers_legal_and_shows_legal_pages(tmp_path):
    from starlette.testclient import TestClient

    from builder.preview.app import create_app
    from builder.preview.builds import Previews

    write_small_lesson(tmp_path)
    previews = Previews([tmp_path / "lessons"], tmp_path / "preview-builds")
    with TestClient(create_app(previews), base_url="http://127.0.0.1:8000") as client:
        page = client.get("/lesson/missile-crisis?paper=legal")
        assert page.status_code == 200
        assert 'aria-current="page">Legal</a>' in page.text
        assert ">Letter</a>" in page.text and ">A4</a>" in page.text
        download = client.get("/lesson/missile-crisis/legal/student.pdf")
        assert download.headers["content-type"] == "application/pdf"
        assert _sizes(io.BytesIO(download.content)) == {LEGAL}
