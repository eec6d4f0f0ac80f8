"""builder.render.pdfjoin and stamps: combining rendered lessons into one packet, and stamping
names on pages.

The inputs are small lessons rendered by WeasyPrint here, laid out like the built-in
style: 0.7 in top margin, 0.75 in at the sides and bottom, the lesson title and
"Page X of Y" in the bottom margin, h1/h2 headings (bookmarks) and an internal link."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pypdfium2
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from builder.render.pdfjoin import Part, combine, padded_page_counts, page_count
from builder.render.stamps import BLANK_TEXT, blank_page, stamp

SIZES = {"letter": (612, 792), "a4": (595.28, 841.89)}
EDGE = 18  # 0.25 in, in pt = pixels at scale 1
TOP_BODY = 50.4  # body text starts 0.7 in from the top
BOTTOM_MARGIN = 54  # and ends 0.75 in above the bottom
HOSTILE = '<b>Ana</b> & "Li"'

LESSON_CSS = """
@page {
  size: %s; margin: 0.7in 0.75in 0.75in 0.75in;
  @bottom-left { content: string(title); font: 8.5pt "DejaVu Sans"; vertical-align: middle }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font: 8.5pt "DejaVu Sans"; vertical-align: middle }
}
html { font: 11pt/1.4 "DejaVu Serif", serif }
h1, h2 { font-family: "DejaVu Sans", sans-serif }
.title { string-set: title content(); height: 0; overflow: hidden }
"""
FILLER = "<p>" + "The crisis unfolded over thirteen days in October 1962. " * 40 + "</p>"


@cache
def lesson(name: str, pages: int, paper: str = "letter", anchor: str = "") -> bytes:
    """A lesson of `pages` pages: h1 `name`, then one h2 'Questions N' per further page;
    a link on page 1 to the element id=`anchor` on the last page."""
    from weasyprint import HTML

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    anchor = anchor or re.sub(r"\W+", "-", name.lower())
    body = [f'<div class="title">{name}</div><h1>{name}</h1><p><a href="#{anchor}">Go</a></p>']
    body += [
        f'<div style="break-before: page"><h2>Questions {n}</h2>{FILLER}</div>'
        for n in range(1, pages)
    ]
    body[-1] = re.sub(r"<(h\d)>", rf'<\1 id="{anchor}">', body[-1], count=1)
    css = LESSON_CSS % ("A4" if paper == "a4" else paper)
    html = f'<html lang="en"><title>{name}</title><style>{css}</style>{"".join(body)}</html>'
    return HTML(string=html).write_pdf(pdf_identifier=name.encode())


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in read(pdf).pages]


def outline(reader: PdfReader) -> list:
    """The outline as [(title, page index, [children...]), ...]."""

    def walk(items) -> list:
        tree: list = []
        for item in items:
            if isinstance(item, list):
                tree[-1][2].extend(walk(item))
            else:
                tree.append((item.title, reader.get_destination_page_number(item), []))
        return tree

    return walk(reader.outline)


def link_targets(reader: PdfReader) -> list[tuple[int, int]]:
    """(page with the link, page it leads to) for every internal link."""
    names = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            name = annotation.get_object()["/Dest"]
            found.append((number, reader.get_destination_page_number(names[name])))
    return found


def picture(pdf: bytes, index: int):
    return pypdfium2.PdfDocument(pdf)[index].render(scale=1).to_pil().convert("L")


def three_parts(paper: str = "letter") -> list[Part]:
    return [
        Part(lesson("Lesson one", 3, paper), "Part one"),
        Part(lesson("Lesson two", 2, paper), "Part two"),
        Part(lesson("Lesson three", 1, paper), "Part three"),
    ]


# ---- page counts and the blank page ------------------------------------------------------


def test_padded_page_counts_add_a_page_to_odd_parts_only_when_duplex():
    assert padded_page_counts([3, 2, 1], duplex=True) == [4, 2, 2]
    assert padded_page_counts([3, 2, 1], duplex=False) == [3, 2, 1]


def test_page_count():
    assert page_count(lesson("Lesson one", 3)) == 3


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_blank_page_is_one_page_of_the_paper_saying_so(paper):
    reader = read(blank_page(paper))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(SIZES[paper], abs=0.5)
    assert reader.pages[0].extract_text().strip() == BLANK_TEXT
    ink = ImageChops.invert(picture(blank_page(paper), 0)).getbbox()
    middle = SIZES[paper][1] / 2
    assert ink[1] > middle - 20 and ink[3] < middle + 20, "the sentence is not mid-page"


def test_unknown_paper_is_refused():
    with pytest.raises(ValueError, match="paper"):
        blank_page("tabloid")


# ---- combine -------------------------------------------------------------------------------


def test_combine_concatenates_the_parts_in_order():
    combined = combine(three_parts(), paper="letter")
    pages = texts(combined)
    assert len(pages) == 3 + 2 + 1
    assert [i for i, text in enumerate(pages) if "Page 1 of" in text] == [0, 3, 5]
    assert "Lesson two" in pages[3] and "Lesson three" in pages[5]
    assert not any(BLANK_TEXT in text for text in pages)


def test_duplex_pads_odd_parts_with_a_blank_page():
    pages = texts(combine(three_parts(), paper="letter", duplex=True))
    assert len(pages) == sum(padded_page_counts([3, 2, 1], duplex=True)) == 8
    assert [i for i, text in enumerate(pages) if BLANK_TEXT in text] == [3, 7]
    assert [i for i, text in enumerate(pages) if "Page 1 of" in text] == [0, 4, 6]


def test_outline_has_a_bookmark_per_part_with_its_headings_nested():
    reader = read(combine(three_parts(), paper="letter", duplex=True))
    assert outline(reader) == [
        ("Part one", 0, [("Lesson one", 0, [("Questions 1", 1, []), ("Questions 2", 2, [])])]),
        ("Part two", 4, [("Lesson two", 4, [("Questions 1", 5, [])])]),
        ("Part three", 6, [("Lesson three", 6, [])]),
    ]


def test_keep_outline_false_leaves_only_the_part_bookmark():
    parts = [Part(lesson("Lesson one", 3), "Cover", keep_outline=False), three_parts()[1]]
    reader = read(combine(parts, paper="letter", duplex=True))
    assert outline(reader) == [
        ("Cover", 0, []),
        ("Part two", 4, [("Lesson two", 4, [("Questions 1", 5, [])])]),
    ]


def test_combined_pdf_has_title_language_and_reproducible_bytes():
    first = combine(three_parts(), paper="letter", duplex=True, title="Week 7", language="es")
    second = combine(three_parts(), paper="letter", duplex=True, title="Week 7", language="es")
    assert first == second
    reader = read(first)
    assert reader.metadata.title == "Week 7"
    assert reader.trailer["/Root"]["/Lang"] == "es"
    assert len(reader.trailer["/ID"]) == 2
    assert b"/CreationDate" not in first and b"/ModDate" not in first
    other = combine(three_parts(), paper="letter", title="Week 8", language="es")
    assert read(other).trailer["/ID"][0] != reader.trailer["/ID"][0]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_combine_keeps_the_page_size(paper):
    reader = read(combine(three_parts(paper), paper=paper, duplex=True))
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(SIZES[paper], abs=0.5)


def test_part_of_another_paper_size_is_refused():
    parts = [three_parts()[0], Part(lesson("Lesson two", 2, "a4"), "A4 part")]
    with pytest.raises(ValueError, match=r"page 1 of part 'A4 part' is .* not letter"):
        combine(parts, paper="letter")


def test_links_still_lead_to_their_target_in_the_same_part():
    reader = read(combine(three_parts(), paper="letter", duplex=True))
    # Part one: link on its page 1 -> id on its page 3; part two: page 1 -> page 2.
    assert link_targets(reader) == [(0, 2), (4, 5), (6, 6)]
    assert {"lesson-one", "lesson-two", "lesson-three"} <= set(reader.named_destinations)


def test_a_destination_name_used_by_two_parts_keeps_each_link_in_its_own_part():
    parts = [
        Part(lesson("Lesson one", 3, anchor="questions"), "Student sheet"),
        Part(lesson("Lesson one key", 2, anchor="questions"), "Answer key"),
    ]
    reader = read(combine(parts, paper="letter"))
    assert link_targets(reader) == [(0, 2), (3, 4)]
    assert set(reader.named_destinations) == {"questions", "questions-2"}


def test_footer_texts_land_on_their_pages_blank_pages_included():
    counts = padded_page_counts([page_count(p.pdf) for p in three_parts()], duplex=True)
    footer: list[str | None] = [f"packet p. {n}" for n in range(1, sum(counts) + 1)]
    footer[5] = None
    pages = texts(combine(three_parts(), paper="letter", duplex=True, footer=footer))
    for number, text in enumerate(pages):
        expected = [] if footer[number] is None else [footer[number]]
        assert re.findall(r"packet p\. \d+", text) == expected, number
    assert BLANK_TEXT in pages[3] and BLANK_TEXT in pages[7]


def test_footer_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match=r"footer has 6 entries.*8 pages"):
        combine(three_parts(), paper="letter", duplex=True, footer=["x"] * 6)


def test_nothing_to_combine_is_refused():
    with pytest.raises(ValueError):
        combine([], paper="letter")


# ---- stamp ---------------------------------------------------------------------------------


def test_stamp_puts_each_text_on_its_page_only():
    packet = combine(three_parts(), paper="letter", duplex=True)
    names = ["Ana Li", None, "Ana Li", None, "Bo Chen", None, None, "Bo Chen"]
    before, after = texts(packet), texts(stamp(packet, names, paper="letter"))
    for number, name in enumerate(names):
        if name is None:
            assert after[number] == before[number]
        else:
            assert name in after[number]
            assert after[number].replace(name, "").split() == before[number].split()


def test_stamp_text_is_escaped_never_html():
    page = texts(stamp(lesson("Lesson one", 3), [HOSTILE, None, None], paper="letter"))[0]
    assert HOSTILE in page


def test_stamp_text_is_one_short_line():
    long_name = "Maria\nGuadalupe\t" + "Fernández-Rodríguez " * 10
    page = texts(stamp(blank_page("letter"), [long_name], paper="letter"))[0]
    line = next(line for line in page.splitlines() if line.startswith("Maria"))
    assert line.startswith("Maria Guadalupe Fernández-Rodríguez")
    assert line.endswith("…") and len(line) <= 60


def test_stamp_keeps_outline_links_and_metadata():
    packet = combine(three_parts(), paper="letter", duplex=True, title="Week 7")
    stamped = read(stamp(packet, ["Ana Li"] * 8, paper="letter", where="top-right"))
    assert outline(stamped) == outline(read(packet))
    assert link_targets(stamped) == link_targets(read(packet))
    assert stamped.metadata.title == "Week 7"
    assert stamped.pdf_header == read(packet).pdf_header == "%PDF-1.7"


def test_stamp_is_marked_as_an_artifact_and_the_tags_are_kept():
    from weasyprint import HTML

    tagged = HTML(
        string='<html lang="en"><title>T</title><style>@page { size: letter }</style><h1>L</h1>'
    ).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"tagged")
    stamped = read(stamp(tagged, ["Ana Li"], paper="letter"))
    assert b"/Artifact BMC" in stamped.pages[0].get_contents().get_data()
    root = stamped.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("where", ["top-left", "top-right", "bottom-center"])
def test_stamp_sits_in_the_margin_clear_of_the_edge_and_the_footers(paper, where):
    original = lesson("Lesson one", 3, paper)
    text = "packet p. 17" if where == "bottom-center" else "Wilhelmina Q. Abernathy-Smythe"
    stamped = stamp(original, [text, None, None], paper=paper, where=where)
    image, plain = picture(stamped, 0), picture(original, 0)
    width, height = image.size
    bands = [
        (0, 0, width, EDGE),
        (0, height - EDGE, width, height),
        (0, 0, EDGE, height),
        (width - EDGE, 0, width, height),
    ]
    for band in bands:
        assert image.crop(band).getextrema()[0] >= 200, f"ink within 0.25 in: {band}"
    left, top, right, bottom = ImageChops.difference(image, plain).getbbox()
    if where.startswith("top"):
        assert top >= 0.45 * 72 - 1 and bottom <= TOP_BODY, "not in the top margin"
        assert (left >= 53) if where == "top-left" else (right <= width - 53)
    else:
        assert top >= height - BOTTOM_MARGIN, "not in the bottom margin"
        footers = ImageChops.invert(plain.crop((0, top, width, bottom)))
        title_end = footers.crop((0, 0, width // 2, bottom - top)).getbbox()[2]
        page_start = width // 2 + footers.crop((width // 2, 0, width, bottom - top)).getbbox()[0]
        assert title_end + 10 < left and right + 10 < page_start, "collides with a footer"
        assert abs((left + right) / 2 - width / 2) < 2, "not centred"


def test_long_bottom_stamp_is_cut_before_it_reaches_a_long_lesson_title():
    original = lesson("Origins of the Cuban Missile Crisis, 1959-62", 1)
    stamped = stamp(
        original, ["Wilhelmina Q. Abernathy-Smythe " * 3], paper="letter", where="bottom-center"
    )
    image, plain = picture(stamped, 0), picture(original, 0)
    left, top, right, bottom = ImageChops.difference(image, plain).getbbox()
    title_end = ImageChops.invert(plain.crop((0, top, 306, bottom))).getbbox()[2]
    assert title_end + 10 < left and right - left <= 1.4 * 72


def test_stamp_refuses_bad_arguments():
    pdf = lesson("Lesson one", 3)
    with pytest.raises(ValueError, match="2 stamp texts for a PDF of 3 pages"):
        stamp(pdf, ["a", "b"], paper="letter")
    with pytest.raises(ValueError, match="position"):
        stamp(pdf, ["a", None, None], paper="letter", where="middle")
    with pytest.raises(ValueError, match="not a4"):
        stamp(pdf, ["a", None, None], paper="a4")


def test_stamp_output_is_reproducible():
    pdf = lesson("Lesson two", 2)
    assert stamp(pdf, ["Ana", "Bo"], paper="letter") == stamp(pdf, ["Ana", "Bo"], paper="letter")


# ---- across processes ----------------------------------------------------------------------


def fingerprint() -> str:
    """A hash of a combined, footed and stamped packet (run in a second process too)."""
    parts = three_parts()
    footer = [f"p. {n}" for n in range(1, 9)]
    packet = combine(parts, paper="letter", duplex=True, footer=footer, title="Week 7")
    return hashlib.sha256(stamp(packet, ["Ana Li"] * 8, paper="letter")).hexdigest()


def test_bytes_do_not_depend_on_the_process():
    here = Path(__file__).resolve().parent
    code = (
        f"import sys; sys.path[:0] = [{str(here)!r}, {str(here.parent)!r}]; "
        "import test_merge; print(test_merge.fingerprint())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == fingerprint()


def test_importing_the_module_does_not_import_weasyprint():
    code = "import sys, builder.render.pdfjoin; print('weasyprint' in sys.modules)"
    here = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=here, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# ---- tags ---------------------------------------------------------------------------------


@cache
def tagged_lesson(name: str, pages: int) -> bytes:
    """lesson(), tagged as lessonpack renders every lesson (PDF/UA-1)."""
    from weasyprint import HTML

    body = f"<h1>{name}</h1><p>Reading {name}.</p>" + "".join(
        f'<h2 style="break-before: page">{name} questions {n}</h2><p>Answer.</p>'
        for n in range(1, pages)
    )
    html = f'<html lang="en"><title>{name}</title><style>@page {{ size: letter }}</style>{body}'
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=name.encode())


def test_the_packet_keeps_every_parts_tags_in_reading_order():
    """A screen reader reads the combined packet as it reads each lesson (SPEC §4): one
    Document, a Part per lesson titled like its bookmark, each part's headings in order,
    and every tagged page's marked content reachable through the parent tree."""
    import pikepdf

    parts = [Part(tagged_lesson("Alpha", 3), "Part one"), Part(tagged_lesson("Beta", 1), "Two")]
    pdf = pikepdf.open(io.BytesIO(combine(parts, paper="letter", duplex=True)))
    root = pdf.Root.StructTreeRoot
    assert pdf.Root.MarkInfo.Marked
    document = root.K
    assert document.S == "/Document"
    assert [(str(p.S), str(p.T)) for p in document.K] == [("/Part", "Part one"), ("/Part", "Two")]

    def headings(element) -> list[str]:
        found = []
        if element.get("/S") in ("/H1", "/H2"):
            found.append(str(element.S))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                found += headings(kid)
        return found

    assert [headings(part) for part in document.K] == [["/H1", "/H2", "/H2"], ["/H1"]]
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
    nums = list(root.ParentTree.Nums)
    entries = {int(k): v for k, v in zip(nums[::2], nums[1::2], strict=True)}
    tagged = [n for n, page in enumerate(pdf.pages) if "/StructParents" in page.obj]
    assert tagged == [0, 1, 2, 4]  # page 3 is the blank page that pads Alpha
    for n in tagged:
        elements = entries[int(pdf.pages[n].obj.StructParents)]
        assert elements and all(pages[e.Pg.objgen] == n for e in elements if "/Pg" in e)
    assert int(root.ParentTreeNextKey) == max(entries) + 1
