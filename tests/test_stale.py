"""Outdated outputs and installed fonts (issue 12, item 6).

A build removes what an earlier build made for the same lesson or bundle and this
build no longer makes (versions, a roster packet, a bundle's copy of a dropped lesson),
keeps what options that only add files made (--html, --large-print, keys under
--no-key), never touches anything the build record does not list, and removes nothing
when it fails. A font installed or removed re-renders without --force.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import pdf_text

LESSON = """\
    title: {title}
    questions:
      - id: q1
        prompt: Which river did the {title} camp cross?
        kind: choice
        choices: [The Rapidan, The James, The Potomac]
        answer: The Rapidan
"""


@pytest.fixture
def lessons(write_lesson, tmp_path: Path) -> Path:
    """A project with two small lessons, `alpha` and `beta`; returns the project folder."""
    for slug in ("alpha", "beta"):
        write_lesson(slug, LESSON.format(title=slug.title()))
    return tmp_path


def build(cli, *args: str):
    result = cli("build", "--jobs", "1", *args)
    assert result.exit_code == 0, result.output
    return result


def pdfs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.pdf"))


def removed_lines(stdout: str) -> list[str]:
    """The files the summary says were removed."""
    _, _, removed = stdout.partition("Removed ")
    return sorted(line.strip() for line in removed.splitlines()[1:])


def test_fewer_versions_remove_the_version_files(lessons, cli):
    build(cli, "lessons/alpha", "--versions", "2")
    out = lessons / "dist" / "alpha"
    assert pdfs(out) == [f"alpha-{v}-{x}.pdf" for v in ("key", "student") for x in "AB"]
    result = build(cli, "lessons/alpha")
    assert pdfs(out) == ["alpha-key.pdf", "alpha-student.pdf"]
    assert "Removed 4 outdated files (no longer built):" in result.stdout
    assert removed_lines(result.stdout) == [
        f"dist/alpha/alpha-{v}-{x}.pdf" for v in ("key", "student") for x in "AB"
    ]
    assert "Which river did the Alpha camp cross?" in pdf_text(out / "alpha-student.pdf")
    assert "ANSWER KEY" in pdf_text(out / "alpha-key.pdf")
    result = build(cli, "lessons/alpha", "--paper", "a4")  # the same names: replaced
    assert "Built 2 files" in result.stdout and "Removed" not in result.stdout
    assert pdfs(out) == ["alpha-key.pdf", "alpha-student.pdf"]


def test_removing_the_roster_removes_the_roster_packet(lessons, cli):
    (lessons / "lessons" / "roster.csv").write_text("name\nAnn Lee\nBo Park\n")
    bundle = lessons / "lessons" / "unit.bundle.yaml"
    bundle.write_text("title: Unit one\nroster: roster.csv\nlessons: [alpha, beta]\n")
    build(cli, "lessons/unit.bundle.yaml", "--no-key")
    out = lessons / "dist" / "unit"
    assert "Bo Park" in pdf_text(out / "unit-roster.pdf")
    bundle.write_text("title: Unit one\nlessons: [alpha, beta]\n")
    result = build(cli, "lessons/unit.bundle.yaml", "--no-key")
    assert pdfs(out) == ["unit-student.pdf"]
    assert removed_lines(result.stdout) == ["dist/unit/unit-roster.pdf"]
    packet = pdf_text(out / "unit-student.pdf")
    assert "Alpha camp" in packet and "Beta camp" in packet


def test_a_bundle_that_drops_a_lesson_removes_its_copies(lessons, cli):
    bundle = lessons / "lessons" / "unit.bundle.yaml"
    bundle.write_text("title: Unit one\nlessons: [alpha, beta]\n")
    build(cli, "lessons/unit.bundle.yaml")
    copies = lessons / "dist" / "unit" / "lessons"
    assert pdfs(copies) == [
        "alpha-key.pdf",
        "alpha-student.pdf",
        "beta-key.pdf",
        "beta-student.pdf",
    ]
    bundle.write_text("title: Unit one\nlessons: [alpha]\n")
    result = build(cli, "lessons/unit.bundle.yaml")
    assert pdfs(copies) == ["alpha-key.pdf", "alpha-student.pdf"]
    assert removed_lines(result.stdout) == [
        "dist/unit/lessons/beta-key.pdf",
        "dist/unit/lessons/beta-student.pdf",
    ]
    assert "Beta camp" not in pdf_text(lessons / "dist" / "unit" / "unit-student.pdf")
    for args in (["--no-key"], [], ["--no-key"]):  # the last two from the build cache
        result = build(cli, "lessons/unit.bundle.yaml", *args)
        assert "Removed" not in result.stdout  # a key needs keys: --no-key leaves it
    assert "ANSWER KEY" in pdf_text(lessons / "dist" / "unit" / "unit-key.pdf")


def test_html_pages_stay_after_a_build_without_html_until_one_with_it(lessons, cli):
    build(cli, "lessons/alpha", "--html", "--no-key")
    out = lessons / "dist" / "alpha"
    page = out / "alpha-student.html"
    assert "Alpha camp" in page.read_text()
    result = build(cli, "lessons/alpha", "--no-key", "--versions", "2")
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha-student-A.pdf",
        "alpha-student-B.pdf",
        "alpha-student.html",  # made by --html: a build without it leaves it alone
        "lesson.css",
    ]
    assert removed_lines(result.stdout) == ["dist/alpha/alpha-student.pdf"]
    result = build(cli, "lessons/alpha", "--no-key", "--versions", "2", "--html")
    # still listed, so a build with --html removes the page that versions replaced
    assert removed_lines(result.stdout) == ["dist/alpha/alpha-student.html"]
    assert "Alpha camp" in (out / "alpha-student-A.html").read_text()


def test_keys_stay_after_a_no_key_build_until_a_build_with_keys(lessons, cli):
    build(cli, "lessons/alpha")
    out = lessons / "dist" / "alpha"
    result = build(cli, "lessons/alpha", "--no-key")
    assert "Removed" not in result.stdout
    assert pdfs(out) == ["alpha-key.pdf", "alpha-student.pdf"]
    assert "ANSWER KEY" in pdf_text(out / "alpha-key.pdf")
    result = build(cli, "lessons/alpha", "--versions", "2")
    assert removed_lines(result.stdout) == [
        "dist/alpha/alpha-key.pdf",
        "dist/alpha/alpha-student.pdf",
    ]


def test_files_the_record_does_not_list_are_never_removed(lessons, cli, tmp_path):
    build(cli, "lessons/alpha", "--versions", "2", "--no-key")
    out = lessons / "dist" / "alpha"
    (out / "notes.txt").write_text("Period 3 needs more time.\n")
    shutil.copy(out / "alpha-student-A.pdf", out / "alpha-student-C.pdf")  # output-like
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.7 mine")
    (out / "alpha-student-Z.pdf").symlink_to(outside)
    record = lessons / "dist" / ".lessonpack-cache" / "last-build.json"
    data = json.loads(record.read_text())
    data["made"]["alpha"].update(  # a record that lists what it must not touch
        {
            "../outside.pdf": [],
            str(outside): [],
            "alpha/alpha-student-Z.pdf": [],
            ".lessonpack-cache/CACHEDIR.TAG": [],
        }
    )
    record.write_text(json.dumps(data))
    result = build(cli, "lessons/alpha", "--no-key")
    assert removed_lines(result.stdout) == [
        "dist/alpha/alpha-student-A.pdf",
        "dist/alpha/alpha-student-B.pdf",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "alpha-student-C.pdf",
        "alpha-student-Z.pdf",
        "alpha-student.pdf",
        "notes.txt",
    ]
    assert outside.read_bytes() == b"%PDF-1.7 mine"
    assert (lessons / "dist" / ".lessonpack-cache" / "CACHEDIR.TAG").exists()


def test_building_one_lesson_keeps_the_other_lessons_files(lessons, cli):
    build(cli, "--versions", "2", "--no-key")
    alpha, beta = (lessons / "dist" / slug for slug in ("alpha", "beta"))
    result = build(cli, "lessons/alpha", "--no-key")
    assert pdfs(alpha) == ["alpha-student.pdf"]
    assert pdfs(beta) == ["beta-student-A.pdf", "beta-student-B.pdf"]
    assert "beta" not in result.stdout
    result = build(cli, "lessons/beta", "--no-key")  # beta's lines outlived alpha's build
    assert pdfs(beta) == ["beta-student.pdf"]
    assert removed_lines(result.stdout) == [
        "dist/beta/beta-student-A.pdf",
        "dist/beta/beta-student-B.pdf",
    ]
    assert pdfs(alpha) == ["alpha-student.pdf"]


def test_a_failed_build_removes_nothing(lessons, cli):
    build(cli, "lessons/alpha", "--versions", "2", "--no-key")
    out = lessons / "dist" / "alpha"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    yaml = lessons / "lessons" / "alpha" / "lesson.yaml"
    good = yaml.read_text()
    yaml.write_text(good.replace("kind: choice", "kind: essay"))
    result = cli("build", "--jobs", "1", "lessons/alpha", "--no-key")
    assert result.exit_code == 1 and "Nothing was written" in result.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    yaml.write_text(good)
    result = build(cli, "lessons/alpha", "--no-key")
    assert pdfs(out) == ["alpha-student.pdf"]


FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
</fontconfig>
"""


def _font_named(family: str, target: Path) -> None:
    """A copy of an installed TrueType font (DejaVu Serif if there) named `family`."""
    from fontTools.ttLib import TTFont

    listed = subprocess.run(
        ["fc-list", "--format", "%{file}\n", ":fontformat=TrueType"],
        capture_output=True,
        text=True,
    )
    files = sorted(listed.stdout.splitlines(), key=lambda f: (Path(f).name != "DejaVuSerif.ttf", f))
    if not files:
        pytest.skip("no TrueType font installed to copy")
    font = TTFont(files[0])
    for record in font["name"].names:
        if record.nameID in (1, 4, 6, 16):  # family, full name, PostScript name
            record.string = family.replace(" ", "") if record.nameID == 6 else family
    font.save(target)


def _font_names(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(pdf).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig's fc-list")
def test_installing_or_removing_a_font_rebuilds_without_force(write_lesson, tmp_path):
    write_lesson("alpha", LESSON.format(title="Alpha"))
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "custom.css").write_text('* { font-family: "Lessonpack Test", serif !important; }\n')
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(FONTS_CONF.format(cache=tmp_path / "fc-cache", fonts=fonts))
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}

    def build_here() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "builder", "build", "--no-key", "--jobs", "1"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    student = tmp_path / "dist" / "alpha" / "alpha-student.pdf"
    assert build_here().startswith("Built 1 file in")
    assert not any("Lessonpack" in name for name in _font_names(student))
    assert build_here().startswith("Built 0 files, 1 up to date")  # nothing changed

    _font_named("Lessonpack Test", fonts / "lessonpack-test.ttf")
    assert build_here().startswith("Built 1 file in")  # no --force needed
    assert any("Lessonpack" in name for name in _font_names(student))

    (fonts / "lessonpack-test.ttf").unlink()
    assert build_here().startswith("Built 1 file in")
    assert not any("Lessonpack" in name for name in _font_names(student))
