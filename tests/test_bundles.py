"""Bundles: a week's packet for one class — cover, combined PDFs with bookmarks and packet
pages, question subsets, versions, large print, duplex and a roster (SPEC §2–§4).

The builds use conftest's small lesson (3-page student sheet) and a one-page second
lesson: the sample's 7- and 9-page PDFs would only make each packet slower to render.
The sample is still copied where a test only checks (`packet_project`), for its names."""

from __future__ import annotations

import re
import shutil

import pypdfium2
import pytest
from conftest import (
    SAMPLE,
    SLUG,
    SMALL_SLUG,
    assert_print_ready,
    invoke,
    pdf_text,
    write_small_lesson,
)
from pypdf import PdfReader

SECOND = """\
title: The space race
questions:
  - id: sputnik
    prompt: Why did Sputnik alarm Americans?
    answer: It showed Soviet rockets could reach the United States.
    points: 2
  - id: moon
    prompt: Who reached the Moon first?
    kind: choice
    choices: [The Soviet Union, The United States, China, France]
    answer: B
    points: 1
    tier: core
  - id: gap
    prompt: Was the missile gap real?
    answer: No; it favored the United States.
    points: 2
    tier: extension
"""


@pytest.fixture
def packet_project(tmp_path, monkeypatch):
    shutil.copytree(SAMPLE, tmp_path / "lessons" / SLUG)
    (tmp_path / "lessons" / "space-race").mkdir()
    (tmp_path / "lessons" / "space-race" / "lesson.yaml").write_text(SECOND)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """The small lesson and the space race in a project at tmp_path, the current folder."""
    write_small_lesson(tmp_path)
    (tmp_path / "lessons" / "space-race").mkdir()
    (tmp_path / "lessons" / "space-race" / "lesson.yaml").write_text(SECOND)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_bundle(project, text: str, name: str = "week3"):
    path = project / "lessons" / f"{name}.bundle.yaml"
    path.write_text(text)
    return path


WEEK = f"""\
title: Cold War unit — week 3
class: Period 2, U.S. History
teacher: Ms. Rivera
date: 2026-12-07
lessons:
  - {SMALL_SLUG}
  - lesson: space-race
    questions: [moon, sputnik]
"""


def page_texts(path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def duplex_packets(tmp_path_factory):
    """WEEK with duplex, built twice without keys, into `one/` and `two/` of one project
    (read only: the duplex test reads `one`, the reproducibility test compares both)."""
    root = tmp_path_factory.mktemp("duplex")
    write_small_lesson(root)
    (root / "lessons" / "space-race").mkdir()
    (root / "lessons" / "space-race" / "lesson.yaml").write_text(SECOND)
    write_bundle(root, WEEK + "duplex: true\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        results = [
            invoke("build", "lessons/week3.bundle.yaml", "--no-key", "-o", out)
            for out in ("one", "two")
        ]
    return root, results


def test_bundle_builds_a_combined_packet_with_cover_bookmarks_and_packet_pages(small_project, cli):
    write_bundle(small_project, WEEK)
    result = cli("build", "lessons/week3.bundle.yaml")
    assert result.exit_code == 0, result.output
    out = small_project / "dist" / "week3"
    assert not (small_project / "dist" / SMALL_SLUG).exists()  # only the bundle was built
    student = out / "week3-student.pdf"
    pages = page_texts(student)
    singles = [
        len(PdfReader(out / "lessons" / f"{s}-student.pdf").pages)
        for s in (SMALL_SLUG, "space-race")
    ]
    assert singles[0] > 1  # so "Page X of Y" below shows the count restarting
    assert len(pages) == 1 + sum(singles)
    # the cover lists each lesson at the packet page where it starts
    starts = [2, 2 + singles[0]]
    cover = pages[0]
    assert "Cold War unit — week 3" in cover and "Period 2, U.S. History" in cover
    assert re.search(rf"1\. Origins of the Cuban Missile Crisis {starts[0]}\b", cover)
    assert re.search(rf"2\. The space race {starts[1]}\b", cover)
    assert "Origins of the Cuban Missile Crisis" in pages[starts[0] - 1]
    assert "Page 1 of" in pages[starts[1] - 1] and "space race" in pages[starts[1] - 1]
    for number, text in enumerate(pages, start=1):
        assert f"packet p. {number}" in text
        assert "Period 2, U.S. History · Ms. Rivera · 7 December 2026" in text
    # Page X of Y restarts for each lesson
    assert f"Page {singles[0]} of {singles[0]}" in pages[singles[0]]
    outline = PdfReader(student).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Cover", "Origins of the Cuban Missile Crisis", "The space race"]
    reader = PdfReader(student)
    assert reader.get_destination_page_number(outline[1]) == starts[0] - 1
    # the subset: moon then sputnik, renumbered 1 and 2; gap left out
    space = page_texts(out / "lessons" / "space-race-student.pdf")[0]
    assert space.index("1. Who reached the Moon") < space.index("2. Why did Sputnik")
    assert "missile gap real" not in space
    key = pdf_text(out / "week3-key.pdf")
    assert "ANSWER KEY" in key and "It showed Soviet rockets" in key


def test_duplex_pads_each_part_to_an_even_page_count(duplex_packets):
    project, results = duplex_packets
    assert results[0].exit_code == 0, results[0].output
    lesson = PdfReader(project / "one/week3/lessons" / f"{SMALL_SLUG}-student.pdf")
    assert len(lesson.pages) % 2 == 1  # an odd part, so its padding is tested too
    pages = page_texts(project / "one/week3/week3-student.pdf")
    assert len(pages) % 2 == 0
    assert "intentionally left blank" in pages[1]  # the one-page cover is padded
    starts = [i for i, text in enumerate(pages) if "Page 1 of" in text]
    assert starts and all(i % 2 == 0 for i in starts)  # every lesson starts on a front side
    # the packet is tagged for screen readers like its lessons (SPEC §4), blank pages aside
    assert_print_ready(project / "one/week3/week3-student.pdf")


def test_versions_shuffle_choices_and_keys_follow(small_project, cli):
    write_bundle(small_project, WEEK + "versions: 2\nseed: 3\n")
    # 8 documents would start 2 worker processes, each importing WeasyPrint again;
    # rendering here is faster and gives the same bytes (test_cache: jobs 2 = jobs 1)
    result = cli("build", "lessons/week3.bundle.yaml", "--strict", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    out = small_project / "dist" / "week3"
    a = pdf_text(out / "week3-student-A.pdf")
    b = pdf_text(out / "week3-student-B.pdf")
    for text, letter in ((a, "A"), (b, "B")):
        assert f"Version {letter}" in text
    for path, letter in ((out / "week3-student-A.pdf", "A"), (out / "week3-student-B.pdf", "B")):
        assert all(f"Version {letter}" in page for page in page_texts(path))

    def choice_order(text: str) -> list[str]:
        found = re.findall(r"([A-D]) (The Soviet Union|The United States|China|France)", text)
        return [name for _, name in found[:4]]

    assert choice_order(a) != choice_order(b)
    keys = out / "week3-keys.pdf"
    assert [item.title for item in PdfReader(keys).outline if not isinstance(item, list)] == [
        "Version A",
        "Version B",
    ]
    key_a = pdf_text(out / "lessons" / "space-race-key-A.pdf")
    correct = re.search(r"([A-D]) The United States ✓ correct", key_a)
    assert correct is not None
    assert not (out / "week3-key-A.pdf").exists()


def test_tiers_and_timeline_options(small_project, cli):
    write_bundle(
        small_project,
        f"""\
title: Core only
lessons:
  - lesson: space-race
    tiers: [core]
  - lesson: {SMALL_SLUG}
    timeline: false
    readings: [origins]
    questions: [q1, q2]
""",
    )
    assert cli("build", "lessons/week3.bundle.yaml", "--no-key").exit_code == 0
    out = small_project / "dist" / "week3" / "lessons"
    space = pdf_text(out / "space-race-student.pdf")
    assert "Who reached the Moon" in space and "Why did Sputnik" in space  # no tier = core
    assert "missile gap real" not in space
    cuban = pdf_text(out / f"{SMALL_SLUG}-student.pdf")
    assert "Document A" in cuban and "Document B" not in cuban
    assert "From Sputnik to the hotline" not in cuban


def test_large_print_variant_has_18pt_body_text(small_project, cli):
    result = cli("build", f"lessons/{SMALL_SLUG}", "--large-print", "--no-key")
    assert result.exit_code == 0, result.output
    large = small_project / "dist" / SMALL_SLUG / f"{SMALL_SLUG}-student-large.pdf"
    regular = small_project / "dist" / SMALL_SLUG / f"{SMALL_SLUG}-student.pdf"
    assert len(PdfReader(large).pages) > len(PdfReader(regular).pages)
    document = pypdfium2.PdfDocument(str(large))
    assert "Historians still argue" in document[1].get_textpage().get_text_range()
    textpage = document[1].get_textpage()  # a page of reading text
    sizes = [
        round(pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, i))
        for i in range(textpage.count_chars())
    ]
    assert max(set(sizes), key=sizes.count) >= 18  # most text on the page is 18 pt
    assert pdf_text(large).count("Name") >= 1


def test_roster_makes_one_stamped_packet_per_student(small_project, cli):
    (small_project / "lessons" / "roster.csv").write_text(
        'name,section,version\nAna López,P2,A\nBen Okafor,P2,B\n"<b>Li</b> & Co",P3,\n'
    )
    write_bundle(small_project, WEEK + "versions: 2\nroster: roster.csv\nduplex: true\n")
    result = cli("build", "lessons/week3.bundle.yaml", "--no-key")
    assert result.exit_code == 0, result.output
    out = small_project / "dist" / "week3"
    packet_a = len(PdfReader(out / "week3-student-A.pdf").pages)
    packet_b = len(PdfReader(out / "week3-student-B.pdf").pages)
    pages = page_texts(out / "week3-roster.pdf")
    assert len(pages) == 2 * packet_a + packet_b  # packets are padded to even already
    assert_print_ready(out / "week3-roster.pdf")  # tagged, each packet as its lessons
    assert all("Ana López · P2" in page for page in pages[:packet_a])
    assert all("Version A" in page for page in pages[:packet_a] if "left blank" not in page)
    assert all("Ben Okafor · P2" in page for page in pages[packet_a : packet_a + packet_b])
    assert all(
        "Version B" in page
        for page in pages[packet_a : packet_a + packet_b]
        if "left blank" not in page
    )
    assert "<b>Li</b> & Co · P3" in pages[-1]


@pytest.mark.parametrize(
    ("bundle", "message"),
    [
        (
            "title: T\nlessons: [cuban-misile-crisis]\n",
            "lessons/week3.bundle.yaml:2:11: error: no lesson named 'cuban-misile-crisis'; did you "
            "mean 'cuban-missile-crisis'?",
        ),
        (
            "title: T\nlessons:\n  - lesson: space-race\n    questions: [mooon]\n",
            "lessons/week3.bundle.yaml:4:17: error: the lesson has no question 'mooon'; "
            "did you mean 'moon'?",
        ),
        (
            "title: T\nlessons: [space-race]\nversions: 2\nroster: missing.csv\n",
            "lessons/week3.bundle.yaml:4:9: error: roster 'lessons/missing.csv' does not exist",
        ),
        (
            "title: T\nlessons: [space-race]\ncolour: blue\n",
            "lessons/week3.bundle.yaml:3:1: error: unknown field 'colour'",
        ),
    ],
)
def test_bundle_mistakes_are_located(bundle, message, packet_project, cli):
    write_bundle(packet_project, bundle)
    result = cli("check")
    assert result.exit_code == 1
    assert message in result.stderr


def test_bundle_named_like_a_lesson_is_an_error(packet_project, cli):
    write_bundle(packet_project, "title: T\nlessons: [space-race]\n", name="space-race")
    result = cli("check")
    assert result.exit_code == 1
    assert "the bundle 'space-race' has the same name as a lesson" in result.stderr


def test_position_based_ids_in_a_bundle_warn(packet_project, cli):
    write_bundle(
        packet_project,
        "title: T\nlessons:\n  - lesson: cuban-missile-crisis\n    questions: [q1]\n",
    )
    (packet_project / "lessons" / SLUG / "lesson.yaml").write_text(
        (SAMPLE / "lesson.yaml")
        .read_text()
        .replace("  - id: q1\n", "  - \n", 1)
        .replace("  - \n    group: Sourcing", "  - group: Sourcing", 1)
    )
    result = cli("check")
    assert "warning: 'q1' is a position-based id" in result.stderr


def test_single_lesson_versions_and_seed(small_project, cli):
    result = cli("build", "lessons/space-race", "--versions", "2", "--seed", "5")
    assert result.exit_code == 0, result.output
    out = small_project / "dist" / "space-race"
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "space-race-key-A.pdf",
        "space-race-key-B.pdf",
        "space-race-student-A.pdf",
        "space-race-student-B.pdf",
    ]
    for letter in "AB":
        for page in page_texts(out / f"space-race-student-{letter}.pdf"):
            assert f"Version {letter}" in page
        key = pdf_text(out / f"space-race-key-{letter}.pdf")
        assert "The United States ✓ correct" in key
    again = small_project / "again"
    assert (
        cli(
            "build", "lessons/space-race", "--versions", "2", "--seed", "5", "-o", str(again)
        ).exit_code
        == 0
    )
    assert (again / "space-race" / "space-race-student-B.pdf").read_bytes() == (
        out / "space-race-student-B.pdf"
    ).read_bytes()


def test_combined_packets_are_reproducible(duplex_packets):
    project, results = duplex_packets
    assert [result.exit_code for result in results] == [0, 0]
    one = project / "one/week3/week3-student.pdf"
    assert one.read_bytes() == (project / "two/week3/week3-student.pdf").read_bytes()


def test_a_class_line_too_long_for_the_page_head_is_reported(small_project, cli):
    """A class · teacher · date line that runs into the version letter beside it would
    print over it on every page: a warning naming the fields to shorten."""
    long_class = "Period 3 · Advanced Placement United States History II · Room 214"
    write_bundle(
        small_project,
        WEEK.replace("class: Period 2, U.S. History", f"class: {long_class}") + "versions: 2\n",
    )
    result = cli("check", "--strict", "lessons/week3.bundle.yaml")
    assert result.exit_code == 1
    assert (
        "error: the bundle's class · teacher · date line is too long for the top of the "
        "page: it prints over the version letter or ANSWER KEY beside it; shorten the "
        "bundle's 'class' or 'teacher'"
    ) in result.stderr
    write_bundle(small_project, WEEK + "versions: 2\n")  # the same, with a short class
    result = cli("check", "--strict", "lessons/week3.bundle.yaml")
    assert result.exit_code == 0, result.stderr
