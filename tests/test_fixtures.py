"""Hard lessons print right (SPEC §4): long readings, many questions, a long BCE-to-CE
timeline, Unicode names and very long words all build under --strict (no content off
the page, no question split from its lines, no heading ending a page, no missing
glyph) on Letter and A4, and every PDF passes the print-readiness checks."""

from __future__ import annotations

import pytest
from conftest import assert_print_ready, invoke, pdf_text
from fixture_lessons import FIXTURES, write_fixture


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """built(name, paper) -> (result, folder): `lessonpack build --strict --paper PAPER`
    of fixture lesson `name`, alone in a project, run once per module (read only)."""
    done = {}

    def get(name: str, paper: str):
        if (name, paper) not in done:
            root = tmp_path_factory.mktemp(f"{name}-{paper}")
            write_fixture(root, name)
            with pytest.MonkeyPatch.context() as patch:
                patch.chdir(root)
                result = invoke("build", "--strict", "--paper", paper)
            done[name, paper] = result, root / "dist" / name
        return done[name, paper]

    return get


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_lesson_prints_right(name, paper, built):
    result, out = built(name, paper)
    assert result.exit_code == 0, result.stderr
    for variant in ("student", "key"):
        assert_print_ready(out / f"{name}-{variant}.pdf")


def test_long_reading_numbers_lines_across_pages(built):
    result, out = built("long-reading", "letter")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(out / "long-reading-student.pdf")
    assert "What waited at line " in text
    assert "Page 3 of" in text


def test_unicode_text_survives_into_the_pdf(built):
    result, out = built("unicode-names", "letter")
    assert result.exit_code == 0, result.stderr
    text = pdf_text(out / "unicode-names-student.pdf")
    for name in ("Trần Hưng Đạo", "Σωκράτης", "Bạch Đằng"):
        assert name in text
