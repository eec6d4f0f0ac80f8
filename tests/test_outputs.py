"""A build's result says what each file is (output/outputs.py): for which lesson or
bundle, student sheet or key, which version, large print or not, on which paper —
on the first build and on a rebuild that finds everything up to date — and every
name comes from that description, so nothing has to read file names back."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from test_stale import LESSON

from builder import BuildOptions, build
from builder.output.outputs import Made, Sheet, Variant


def _write_lessons(root: Path) -> None:
    """Two small lessons, `alpha` and `beta` (test_stale.py's), in root/lessons."""
    for slug in ("alpha", "beta"):
        (root / "lessons" / slug).mkdir(parents=True)
        (root / "lessons" / slug / "lesson.yaml").write_text(
            textwrap.dedent(LESSON.format(title=slug.title())), encoding="utf-8"
        )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("outputs")
    _write_lessons(root)
    (root / "lessons" / "roster.csv").write_text("name,version\nAna,B\nBo,A\n", "utf-8")
    (root / "lessons" / "week.bundle.yaml").write_text(
        "title: Week\npaper: a4\nversions: 2\nroster: roster.csv\nlessons: [alpha, beta]\n",
        encoding="utf-8",
    )
    return root


def _described(result, out: Path) -> dict[str, Made | None]:
    return {output.path.relative_to(out).as_posix(): output.made for output in result.outputs}


def test_every_file_of_a_build_is_described_and_named_from_its_description(project):
    out = project / "dist"
    options = BuildOptions(out_dir=out, large_print=True, jobs=1)
    first = _described(build([project / "lessons"], options), out)
    again = _described(build([project / "lessons"], options), out)  # all up to date
    assert again == first
    for name, made in first.items():
        assert made is not None, name
        assert made.name("pdf") == name
    alpha_key = first["alpha/alpha-key-large.pdf"]
    assert alpha_key == Made("alpha", Variant(Sheet.KEY, "", True), "letter")
    assert alpha_key.variant.show_answers
    assert not first["alpha/alpha-student.pdf"].variant.show_answers
    # a bundle: its paper, its versions, its lessons' copies and its combined files
    assert first["week/week-student-B.pdf"] == Made(
        "week", Variant(Sheet.STUDENT, "B"), "a4", bundle=True
    )
    assert first["week/lessons/beta-key-A.pdf"] == Made(
        "week", Variant(Sheet.KEY, "A"), "a4", bundle=True, lesson="beta"
    )
    assert first["week/week-keys.pdf"].variant == Variant(Sheet.KEYS)
    assert first["week/week-keys.pdf"].variant.show_answers
    assert first["week/week-roster.pdf"].variant == Variant(Sheet.ROSTER)
    assert not first["week/week-roster.pdf"].variant.show_answers
    assert {made.paper for name, made in first.items() if name.startswith("week/")} == {"a4"}


@pytest.mark.parametrize(
    ("variant", "stem", "label"),
    [
        (Variant(), "student", "Student sheet"),
        (Variant(Sheet.KEY, "B"), "key-B", "Answer key, version B"),
        (
            Variant(Sheet.STUDENT, "A", True),
            "student-large-A",
            "Student sheet, large print, version A",
        ),
        (Variant(Sheet.KEYS, "", True), "keys-large", "Answer keys, every version, large print"),
        (Variant(Sheet.ROSTER), "roster", "Roster packets"),
    ],
)
def test_a_variant_gives_its_file_name_part_and_its_words(variant, stem, label):
    assert variant.stem == stem
    assert variant.label == label


def test_a_description_survives_the_build_record():
    made = Made("week", Variant(Sheet.KEY, "B", True), "legal", bundle=True, lesson="alpha")
    assert Made.from_dict(made.as_dict()) == made
    assert made.name("html") == "week/lessons/alpha-key-large-B.html"


def test_the_build_summary_says_what_a_copy_costs_in_paper(tmp_path, monkeypatch):
    from conftest import invoke
    from pypdf import PdfReader

    _write_lessons(tmp_path)
    (tmp_path / "lessons" / "roster.csv").write_text("name\nAna\nBo\nCy\n", "utf-8")
    (tmp_path / "lessons" / "week.bundle.yaml").write_text(
        "title: Week\nduplex: true\nroster: roster.csv\nlessons: [alpha, beta]\n", "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}

    def pages(name: str) -> int:
        return len(PdfReader(tmp_path / name).pages)

    student = pages("dist/alpha/alpha-student.pdf")
    expected = (
        f"{student} pages: {(student + 1) // 2} sheets double-sided, {student} single-sided"
        if student > 1
        else "1 page: 1 sheet"
    )
    assert lines["dist/alpha/alpha-student.pdf"].endswith(f"({expected})")
    packet = pages("dist/week/week-student.pdf")  # duplex: each part padded to even
    assert packet % 2 == 0
    assert lines["dist/week/week-student.pdf"].endswith(
        f"({packet} pages: {packet // 2} sheets double-sided)"
    )
    roster = pages("dist/week/week-roster.pdf")
    assert roster == 3 * packet
    assert lines["dist/week/week-roster.pdf"].endswith(
        f"({roster} pages, 3 packets: {roster // 2} sheets double-sided)"
    )
