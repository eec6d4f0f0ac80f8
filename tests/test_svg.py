"""An SVG image is a document that can carry scripts and links (SPEC §6): the copy that
`build --html` puts beside the web pages keeps only the drawing, a drawing with nothing
to remove is copied byte for byte, a file that is not XML is an error at the image's
line, and the PDF route, which renders the original, fetches nothing it names."""

from __future__ import annotations

import base64
import io
import re
from xml.etree import ElementTree

import pytest
from conftest import write_png
from pypdf import PdfReader

from builder.project.svg import InvalidSvg, clean_svg

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"


def png_base64(tmp_path) -> str:
    write_png(tmp_path / "dot.png", 4, 4)
    return base64.b64encode((tmp_path / "dot.png").read_bytes()).decode()


def drawing(body: str, before: str = "") -> bytes:
    return (
        f'{before}<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" width="40" height="20">'
        f'<rect id="keep" width="40" height="20" fill="none" stroke="black"/>{body}</svg>\n'
    ).encode()


def assert_inert(data: bytes) -> None:
    """Nothing in `data` runs or reaches outside the file; the kept rectangle is there."""
    text = data.decode("utf-8")
    root = ElementTree.fromstring(data)  # our output has no DOCTYPE to worry about
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root.find(f".//{{{SVG_NS}}}rect[@id='keep']") is not None
    for element in root.iter():
        assert element.tag.startswith(f"{{{SVG_NS}}}"), element.tag
        assert element.tag.rpartition("}")[2] not in ("script", "foreignObject", "set")
        for key, value in element.attrib.items():
            assert not key.rpartition("}")[2].lower().startswith("on"), key
            if key.rpartition("}")[2] == "href":
                assert value.startswith(("#", "data:image/png;base64,")), value
    outside = text.replace(f'xmlns="{SVG_NS}"', "").replace(f'xmlns:xlink="{XLINK_NS}"', "")
    for word in ("http", "file:", "javascript", "alert", "@import", "\\", "<?xml-"):
        assert word not in outside.lower(), word
    assert re.findall(r"url\(\s*['\"]?([^#\s'\")])", text) == []


HOSTILE = [
    ("<script>alert(document.cookie)</script>", "a script"),
    ('<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>', "a script"),
    ('<circle r="5" onclick="alert(1)"/><g onLoad="alert(2)"/>', "an event handler"),
    ('<a href="javascript:alert(1)"><text y="9">x</text></a>', "a javascript: link"),
    ('<a xlink:href=" JaVa&#9;ScRiPt:alert(1)"><text y="9">x</text></a>', "a javascript: link"),
    (
        '<foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml">'
        '<img src="x" onerror="alert(1)"/></div></foreignObject>',
        "embedded web content",
    ),
    ('<image href="http://127.0.0.1:9/x.png" width="9" height="9"/>', "a link to a web address"),
    ('<image xlink:href="file:///etc/passwd" width="9" height="9"/>', "a link to another file"),
    ('<use href="other.svg#x"/><use xlink:href="#keep" x="1"/>', "a link to another file"),
    (
        '<image href="data:image/svg+xml;base64,PHN2Zy8+" width="9" height="9"/>',
        "an embedded file that is not a PNG, JPEG, GIF or WebP image",
    ),
    ("<style>@import url(http://127.0.0.1:9/s.css);</style>", "a style that loads other files"),
    ("<style>rect { fill: url('http://127.0.0.1:9/p.svg#p') }</style>", "a link to a web address"),
    ('<circle r="5" fill="url(http://127.0.0.1:9/p.svg#p)"/>', "a link to a web address"),
    ('<circle r="5" fill="url(http://127.0.0.1:9/p.svg#p"/>', "a link to a web address"),
    (
        '<circle r="5" style="fill: u\\72l(http://127.0.0.1:9/p)"/>',
        "a style written with backslash escapes",
    ),
    ('<circle r="5" style="width: expression(alert(1))"/>', "a style that runs code"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "an animation"),
    (
        '<g xml:base="http://127.0.0.1:9/"><use href="#keep"/></g>',
        "an unsupported attribute 'xml:base'",
    ),
    ("<metadata><script>alert(1)</script></metadata>", "a script"),
]


@pytest.mark.parametrize(("body", "removed"), HOSTILE, ids=[w for _, w in HOSTILE])
def test_active_content_and_outside_references_are_removed(body, removed):
    cleaned = clean_svg(drawing(body))
    assert removed in cleaned.removed
    assert_inert(cleaned.data)


def test_a_style_sheet_instruction_before_the_drawing_is_removed():
    cleaned = clean_svg(drawing("", before='<?xml-stylesheet href="http://127.0.0.1:9/s.css"?>'))
    assert cleaned.removed == ("a style sheet link",)
    assert_inert(cleaned.data)


def benign_drawing(tmp_path) -> bytes:
    """What Inkscape and Illustrator write: declaration, comment, DOCTYPE, editor data,
    shapes, text, gradients, a class style, use #id, a filter and an embedded PNG."""
    return f"""\
<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Generator: a drawing program -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
     width="200" height="100" viewBox="0 0 200 100" version="1.1" inkscape:version="1.3">
  <title>A map of the blockade</title>
  <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
  <sodipodi:namedview id="view" pagecolor="#ffffff"/>
  <style>.coast {{ fill: #eee; stroke: url(#shade) }} .label {{ font: 10px serif }}</style>
  <defs>
    <linearGradient id="shade" x1="0" y1="0" x2="1" y2="0">
      <stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/>
    </linearGradient>
    <radialGradient id="glow" xlink:href="#shade" cx="0.5" cy="0.5" r="0.5"/>
    <clipPath id="frame"><rect width="200" height="100" rx="4"/></clipPath>
    <marker id="arrow" markerWidth="6" markerHeight="6" refX="3" refY="3" orient="auto">
      <path d="M0,0 L6,3 L0,6 z"/>
    </marker>
    <filter id="soft"><feGaussianBlur stdDeviation="1"/></filter>
    <circle id="ship" r="3" fill="url(#glow)"/>
  </defs>
  <g clip-path="url(#frame)" inkscape:label="Layer 1" data-name="Layer 1">
    <path class="coast" d="M10 80 C 40 10, 65 10, 95 80 S 150 150, 180 80"/>
    <polygon points="100,10 120,30 80,30" fill-opacity="0.5"/>
    <line x1="20" y1="90" x2="180" y2="90" stroke="black" marker-end="url(#arrow)"/>
    <ellipse cx="50" cy="50" rx="10" ry="5" filter="url(#soft)" style="stroke: #333"/>
    <use href="#ship" x="60" y="40"/><use xlink:href="#ship" x="70" y="45"/>
    <text class="label" x="100" y="95" text-anchor="middle">Quarantine <tspan
      font-weight="bold">line</tspan> &amp; ships</text>
    <image href="data:image/png;base64,{png_base64(tmp_path)}" width="4" height="4"/>
  </g>
</svg>
""".encode()


def test_a_drawing_with_nothing_to_remove_is_published_byte_for_byte(tmp_path):
    data = benign_drawing(tmp_path)
    cleaned = clean_svg(data)
    assert cleaned.removed == ()
    assert cleaned.data is data


def shape(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Every SVG element with its attributes and text, in document order."""
    root = ElementTree.parse(io.BytesIO(data), ElementTree.XMLParser()).getroot()
    return [
        (e.tag, dict(e.attrib), (e.text or "").strip(), (e.tail or "").strip())
        for e in root.iter()
        if e.tag.startswith(f"{{{SVG_NS}}}") and e.tag != f"{{{SVG_NS}}}metadata"
    ]


def test_cleaning_keeps_every_element_and_attribute_of_the_drawing(tmp_path):
    benign = benign_drawing(tmp_path)
    hostile = benign.replace(b'version="1.1"', b'version="1.1" onload="alert(1)"').replace(
        b"<defs>", b"<script>alert(1)</script><defs>"
    )
    cleaned = clean_svg(hostile)
    assert cleaned.removed == ("an event handler", "a script")
    assert b"alert" not in cleaned.data and b"<script" not in cleaned.data
    expected = [
        (
            tag,
            {
                k: v
                for k, v in attrs.items()
                if not k.startswith("{http://www.inkscape") and not k.startswith("data-")
            },
            text,
            tail,
        )
        for tag, attrs, text, tail in shape(benign)
    ]
    assert shape(cleaned.data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b']><svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
        b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
        b"\x89PNG\r\n\x1a\n not a drawing",
        b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 2000 + b"</g>" * 2000 + b"</svg>",
    ],
    ids=["entities", "external entity", "unclosed", "html", "png", "deep"],
)
def test_what_is_not_a_plain_svg_document_is_refused(data):
    with pytest.raises(InvalidSvg):
        clean_svg(data)


LESSON = """\
title: Drawn
readings:
  - id: a
    text: A drawing.
    images:
      - file: pic.svg
        alt: A map
"""


def test_an_svg_that_is_not_xml_is_an_error_at_the_image_line(write_lesson, cli, tmp_path):
    folder = write_lesson(
        "drawn", LESSON, {"pic.svg": '<svg xmlns="http://www.w3.org/2000/svg"><rect>'}
    )
    for args in (["check"], ["build", "--html"]):
        result = cli(*args)
        assert result.exit_code == 1, result.output
        assert (
            "lessons/drawn/lesson.yaml:6:15: error: image 'pic.svg' is not a valid SVG file"
            in result.stderr
        )
    assert not (tmp_path / "dist" / "drawn").exists()
    assert folder.is_dir()


def test_an_svg_that_needs_cleaning_is_a_warning_and_an_error_under_strict(
    write_lesson, cli, tmp_path
):
    hostile = drawing('<a href="javascript:alert(1)"><text y="9" onclick="alert(2)">x</text></a>')
    folder = write_lesson("drawn", LESSON)
    (folder / "pic.svg").write_bytes(hostile)
    result = cli("check")
    assert result.exit_code == 0, result.output
    assert (
        "lessons/drawn/lesson.yaml:6:15: warning: image 'pic.svg' contains a javascript: link "
        "and an event handler" in result.stderr
    )
    result = cli("build", "--html", "--strict")
    assert result.exit_code == 1, result.output
    assert "lesson.yaml:6:15: error: image 'pic.svg' contains a javascript: link" in result.stderr
    assert not (tmp_path / "dist" / "drawn").exists()


@pytest.mark.render
def test_the_web_folder_gets_a_cleaned_copy_and_an_untouched_clean_drawing(
    write_lesson, cli, tmp_path
):
    folder = write_lesson(
        "drawn",
        LESSON + "      - file: map.svg\n        alt: A clean map\n",
    )
    hostile = drawing(
        '<script>alert(1)</script><image xlink:href="file:///etc/passwd" width="9" height="9"/>'
    )
    (folder / "pic.svg").write_bytes(hostile)
    (folder / "map.svg").write_bytes(benign_drawing(tmp_path))
    result = cli("build", "--html", "--no-key")
    assert result.exit_code == 0, result.output
    assert "image 'pic.svg' contains a script and a link to another file" in result.stderr
    assert "map.svg" not in result.stderr
    assets = tmp_path / "dist" / "drawn" / "assets"
    (pic,) = assets.glob("*-pic.svg")
    (clean,) = assets.glob("*-map.svg")
    assert_inert(pic.read_bytes())
    assert clean.read_bytes() == (folder / "map.svg").read_bytes()
    page = (tmp_path / "dist" / "drawn" / "drawn-student.html").read_text(encoding="utf-8")
    assert f'src="assets/{pic.name}"' in page and f'src="assets/{clean.name}"' in page


@pytest.mark.render
def test_the_pdf_route_fetches_nothing_an_svg_names(
    server, write_lesson, cli, tmp_path, tmp_path_factory
):
    """WeasyPrint draws the original SVG; its URL fetcher must refuse every file or
    address outside the project. The embedded PNG shows that images in an SVG do reach
    the PDF, so outside ones would be counted if they were read. (WeasyPrint leaves out
    a whole drawing whose <image> or @import was refused, so each has its own file.)"""
    url, hits = server
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    write_png(outside)
    up = "../" * 12  # from the lesson folder to / and on to the outside file
    more = [("images", "Pictures"), ("sheet", "Styled")]
    folder = write_lesson(
        "drawn", LESSON + "".join(f"      - file: {n}.svg\n        alt: {a}\n" for n, a in more)
    )
    (folder / "pic.svg").write_bytes(
        drawing(
            f'<use href="{url}/other.svg#x"/><circle r="3" fill="url({url}/p.svg#p)"/>'
            f'<filter id="f"><feImage href="{url}/fe.png"/></filter><g filter="url(#f)"/>'
            '<a href="file:///etc/passwd"><text y="9">link</text></a>'
            f'<image href="data:image/png;base64,{png_base64(tmp_path)}" width="4" height="4"/>',
            before=f'<?xml-stylesheet href="{url}/pi.css"?>',
        )
    )
    (folder / "images.svg").write_bytes(
        drawing(
            f'<image href="{url}/img.png" width="9" height="9"/>'
            f'<image xlink:href="{outside.as_uri()}" width="9" height="9"/>'
            f'<image href="{up}{outside.relative_to(outside.anchor)}" width="9" height="9"/>'
        )
    )
    (folder / "sheet.svg").write_bytes(
        drawing(f"<style>@import url({url}/s.css); rect {{ stroke: url({url}/q.svg#q) }}</style>")
    )
    result = cli("build", "--no-key")
    assert result.exit_code == 0, result.output
    assert hits == []
    reader = PdfReader(tmp_path / "dist" / "drawn" / "drawn-student.pdf")
    assert sum(len(page.images) for page in reader.pages) == 1  # the embedded PNG only
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            target = str((annot.get_object().get("/A") or {}).get("/URI", ""))
            assert not target.lower().startswith(("file:", "javascript:")), target
