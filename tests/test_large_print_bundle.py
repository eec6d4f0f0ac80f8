"""A large-print bundle's pages (SPEC §4): the packet page number ("packet p. 7") and the
duplex blank page's line print at 16 pt like every other large-print text; the footer's
title (two lines when long), packet page and "Page X of Y" never print over one another;
the bundle's class line keeps clear of the body; nothing prints within 0.25 in of the
paper edge.

The combined PDFs are read back with pdfium: each text object on a page (those of the
stamps too: form XObjects drawn over the lesson's pages) with its printed size and the
boxes of its characters' glyphs, and the ink of the rendered page.
"""

from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass, field

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from conftest import SMALL_LESSON, SMALL_SLUG, invoke

EDGE = 18.0  # pt: 0.25 in, where nothing may print
FOOTER = 56.0  # pt above the bottom edge: the footer's glyphs end below, the body's above
CLEARANCE = 4.0  # pt of white at least between the class line and the body under it
LARGE = 16.0  # pt, the least type size in large print
STAMP = re.compile(r"packet p\. \d+")
NUMBER = re.compile(r"Page \d+ of \d+|Page \d+|of \d+")  # or its two halves, when wrapped
BLANK = "This page is intentionally left blank."
CLASS_LINE = "Period 2, U.S. History · Ms. Rivera · 7 December 2026"
# Two lines in the footer at 16 pt, on Letter and A4 (one holds about 40 characters).
LONG_TITLE = "Origins of the Cuban Missile Crisis and the Thirteen Days of October 1962"
# One line, as long as the sample's title: it ran through the middle of the footer.
SECOND = """\
title: The space race and the missile gap
questions:
  - prompt: Why did Sputnik alarm Americans?
    answer: It showed that Soviet rockets could reach the United States.
"""
BUNDLE = """\
title: Cold War unit — week 3
class: Period 2, U.S. History
teacher: Ms. Rivera
date: 2026-12-07
large_print: true
duplex: true
lessons: [missile-crisis, space-race]
"""

Box = tuple[float, float, float, float]  # left, bottom, right, top: pt from the lower left


@dataclass
class Text:
    """A text object as printed: its text, type size in pt, and its glyphs' boxes."""

    text: str
    size: float
    boxes: list[Box] = field(default_factory=list)


@pytest.fixture(scope="module", params=["letter", "a4"])
def packets(request, tmp_path_factory) -> dict[str, pypdfium2.PdfDocument]:
    """The bundle's large-print student packet and key, built on the paper of the param."""
    root = tmp_path_factory.mktemp(f"large-{request.param}")
    folder = root / "lessons" / SMALL_SLUG
    folder.mkdir(parents=True)
    lesson = SMALL_LESSON.replace(
        "title: Origins of the Cuban Missile Crisis\n", f"title: {LONG_TITLE}\n", 1
    )
    assert LONG_TITLE in lesson
    (folder / "lesson.yaml").write_text(lesson, encoding="utf-8")
    (root / "lessons" / "space-race").mkdir()
    (root / "lessons" / "space-race" / "lesson.yaml").write_text(SECOND, encoding="utf-8")
    (root / "lessons" / "week3.bundle.yaml").write_text(BUNDLE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = invoke("build", "lessons/week3.bundle.yaml", "--paper", request.param)
    assert result.exit_code == 0, result.output
    out = root / "dist" / "week3"
    return {
        variant: pypdfium2.PdfDocument(out / f"week3-{variant}-large.pdf")
        for variant in ("student", "key")
    }


def texts(page: pypdfium2.PdfPage) -> list[Text]:
    """The page's text objects, in the order drawn (the stamp's last)."""

    def handle(obj) -> int:
        return ctypes.cast(obj.raw, ctypes.c_void_p).value

    textpage = page.get_textpage()
    found = {}
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], textpage=textpage):
        a, b, c, d, _, _ = obj.get_matrix().get()  # a stamp's form is drawn unscaled
        size = obj.get_font_size() * math.sqrt(abs(a * d - b * c))
        found[handle(obj)] = Text(obj.extract(), size)
    for index in range(textpage.count_chars()):
        obj = textpage.get_textobj(index)
        if obj is not None and not textpage.get_text_range(index, 1).isspace():
            found[handle(obj)].boxes.append(textpage.get_charbox(index))
    return [text for text in found.values() if text.boxes]


def pages(packets):
    """(where, is it a duplex blank page, its texts, the page) of each page of the packets."""
    for variant, document in packets.items():
        blanks = []
        for index in range(len(document)):
            page = document[index]
            found = texts(page)
            blanks.append(any(text.text == BLANK for text in found))
            yield f"{variant} page {index + 1}", blanks[-1], found, page
        assert blanks[1], f"{variant}: duplex pads the one-page cover with a blank page"


def intersect(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_packet_page_and_the_blank_page_print_at_16pt(packets):
    for where, blank, found, _ in pages(packets):
        stamps = [text for text in found if STAMP.fullmatch(text.text.strip())]
        assert len(stamps) == 1, f"{where}: {[text.text for text in found][-4:]}"
        lines = [text for text in found if text.text == BLANK] if blank else []
        small = [
            (text.text, round(text.size, 1))
            for text in [*stamps, *lines]
            if text.size < LARGE - 0.01
        ]
        assert not small, f"{where}: {small}"
        # The glyphs show it too: "k" or a digit, 0.73-0.76 em of DejaVu Sans, are under
        # 7 pt tall at 9 pt and about 12 pt at 16 pt.
        tallest = max(top - bottom for _, bottom, _, top in stamps[0].boxes)
        assert tallest >= 0.72 * LARGE, f"{where}: the stamp's glyphs are {tallest:.1f} pt tall"


def test_footer_title_packet_page_and_page_number_do_not_overlap(packets):
    wrapped = 0
    for where, blank, found, _ in pages(packets):
        footer = [text for text in found if max(box[3] for box in text.boxes) < FOOTER]
        stamp = [box for t in footer if STAMP.fullmatch(t.text.strip()) for box in t.boxes]
        number = [box for t in footer if NUMBER.fullmatch(t.text.strip()) for box in t.boxes]
        title = [
            text
            for text in footer
            if not STAMP.fullmatch(text.text.strip()) and not NUMBER.fullmatch(text.text.strip())
        ]
        if blank:  # the packet page alone
            assert stamp and not number and not title, where
            continue
        assert stamp and number and title, f"{where}: {[text.text for text in footer]}"
        wrapped += len({round(text.boxes[0][1]) for text in title}) > 1
        items = {"title": [box for text in title for box in text.boxes]}
        items |= {"packet page": stamp, "page number": number}
        names = list(items)
        for i, name in enumerate(names):
            for other in names[i + 1 :]:
                hits = [(a, b) for a in items[name] for b in items[other] if intersect(a, b)]
                assert not hits, f"{where}: the {name} overlaps the {other} at {hits[0]}"
    assert wrapped, "the long title should take two lines in some footer"


def test_nothing_prints_near_the_paper_edge(packets):
    for where, _, found, page in pages(packets):
        width, height = page.get_size()
        for text in found:
            for left, bottom, right, top in text.boxes:
                inside = left >= EDGE and right <= width - EDGE
                assert inside and bottom >= EDGE and top <= height - EDGE, f"{where}: {text.text}"
        image = page.render(scale=1).to_pil().convert("L")
        ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()
        assert ink is not None, where
        assert ink[0] >= EDGE and ink[1] >= EDGE, f"{where}: ink at {ink}"
        assert ink[2] <= width - EDGE and ink[3] <= height - EDGE, f"{where}: ink at {ink}"


def test_the_class_line_keeps_clear_of_the_body(packets):
    scale = 4  # pixels a pt in the rendering
    checked = 0
    for where, blank, found, page in pages(packets):
        if blank:
            continue
        height = page.get_height()
        header = [
            text
            for text in found
            if text.text.strip() == CLASS_LINE and min(box[1] for box in text.boxes) > height - 72
        ]
        assert len(header) == 1, f"{where}: {[text.text for text in found][:3]}"
        under = min(box[1] for box in header[0].boxes)  # its lowest glyph, pt from the bottom
        image = page.render(scale=scale).to_pil().convert("L")
        first = round((height - under) * scale) + 2  # the first row under that glyph's ink
        body = image.crop((0, first, image.width, image.height - round(FOOTER * scale)))
        ink = body.point(lambda v: 255 if v < 160 else 0).getbbox()
        assert ink is not None, where
        gap = (ink[1] + 2) / scale  # from the glyph's lowest point to the first ink under it
        assert gap >= CLEARANCE, f"{where}: {gap:.1f} pt between the class line and the body"
        checked += 1
    assert checked
