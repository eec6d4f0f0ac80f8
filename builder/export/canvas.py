"""Quizzes as the package Canvas's "QTI .zip file" import takes (SPEC §7): the layout of
Canvas's own QTI export, so the importer meets the shape it is best tested on.

    imsmanifest.xml                  one imsqti_xmlv1p2 resource per quiz, its
                                     assessment_meta.xml as a dependency, each image
                                     as a webcontent resource
    <quiz ident>/<quiz ident>.xml    a QTI 1.2 questestinterop assessment
    <quiz ident>/assessment_meta.xml Canvas's quiz settings: title, total points
    images/<name>                    the documents' pictures, referenced from the HTML
                                     as $IMS-CC-FILEBASE$/images/<name>

qti.py writes each assessment; this module packs them with the pictures and decides
what Canvas cannot take as it is: a question it cannot show becomes an essay (with a
warning), a document longer than it keeps is split between paragraphs.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import quote

from markupsafe import escape

from .qti import XSI_NS, assessment_xml, element, natural_key, points, xml_bytes
from .quiz import Item, Quiz, stable_id

Warn = Callable[[Quiz, Item, str], None]

CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CANVAS_XSD = "https://canvas.instructure.com/xsd/cccv1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
IMSMD_NS = "http://www.imsglobal.org/xsd/imsmd_v1p2"
ASSESSMENT = "imsqti_xmlv1p2"  # Canvas's QTI-only export (CCHelper::QTI_ASSESSMENT_TYPE)
META = "associatedcontent/imscc_xmlv1p1/learning-application-resource"
FILEBASE = "$IMS-CC-FILEBASE$"  # Canvas's token for "this package's files"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Canvas replaces question text over 16 KB with "The imported question text for this
# question was too long." (canvas-lms assessment_question_importer.rb); keep a margin for
# the links its importer rewrites.
TEXT_LIMIT = 15_000


def canvas_package(quizzes: list[Quiz], warn: Warn | None = None) -> bytes:
    """An IMS content package (zip bytes) Canvas's "QTI .zip file" import takes: one quiz
    per Quiz. `warn(quiz, item, message)` hears of every item Canvas cannot show as it is
    (exported as the closest type)."""
    warn = warn or (lambda quiz, item, message: None)
    images: dict[str, bytes] = {}  # package path -> bytes
    files: dict[str, bytes] = {}
    resources = []
    for quiz, ident in zip(quizzes, _unique(q.ident for q in quizzes), strict=True):
        items = [part for item in quiz.items for part in _canvas_items(quiz, item, images, warn)]
        total = sum(points(item) for item in items)
        files[f"{ident}/{ident}.xml"] = assessment_xml(quiz, ident, items)
        files[f"{ident}/assessment_meta.xml"] = _meta(quiz, ident, total)
        resources.append(ident)
    manifest = _manifest(quizzes, resources, sorted(images))
    return _zip({"imsmanifest.xml": manifest, **files}, {p: images[p] for p in sorted(images)})


def _unique(idents) -> list[str]:
    """The quizzes' identifiers, a repeated one made distinct (a bundle naming a lesson
    twice), the same way in every export."""
    seen: set[str] = set()
    result = []
    for ident in idents:
        candidate, n = ident, 1
        while candidate in seen:
            n += 1
            candidate = stable_id(ident, str(n))
        seen.add(candidate)
        result.append(candidate)
    return result


# --- items as Canvas takes them -------------------------------------------------------


def _canvas_items(quiz: Quiz, item: Item, images: dict[str, bytes], warn: Warn) -> list[Item]:
    """The item as written: its pictures stored in the package and referenced through
    Canvas's file token, a question Canvas cannot show made an essay, a document longer
    than Canvas keeps split in parts."""
    item = _with_images(item, images)
    problem = _unrepresentable(item)
    if problem:
        warn(quiz, item, f"{problem}; Canvas gets it as an essay question")
        item = _as_essay(item)
    if len(item.html) <= TEXT_LIMIT:
        return [item]
    parts = _split(item.html)
    if item.kind != "text" or any(len(part) > TEXT_LIMIT for part in parts):
        warn(quiz, item, f"its text is longer than Canvas keeps ({TEXT_LIMIT:,} characters)")
        return [item]
    heading = f"<p><strong>{escape(item.title)}</strong> <em>(continued)</em></p>"
    return [
        replace(
            item,
            ident=item.ident if n == 1 else stable_id(item.ident, str(n)),
            title=f"{item.title} ({n} of {len(parts)})",
            html=part if n == 1 else heading + part,
        )
        for n, part in enumerate(parts, 1)
    ]


def _with_images(item: Item, images: dict[str, bytes]) -> Item:
    """Each picture in the package under its name, referenced through Canvas's file
    token. quiz.py makes the name one Canvas's importer keeps (ASCII letters, digits,
    dot, dash, underscore) and unique to the file's bytes, so two lessons' `map.png`
    never share one."""
    html, feedback = item.html, item.feedback
    for image in item.images:
        images[image.name] = image.path.read_bytes()
        old = f'src="{escape(image.name)}"'
        new = f'src="{escape(f"{FILEBASE}/{quote(image.name)}")}"'
        html, feedback = html.replace(old, new), feedback.replace(old, new)
    return replace(item, html=html, feedback=feedback)


def _unrepresentable(item: Item) -> str:
    """Why Canvas cannot show the item as its kind ("" when it can)."""
    choices_wrong = len(item.choices) < 2 or sum(c.correct for c in item.choices) != 1
    if item.kind == "choice" and choices_wrong:
        return "Canvas's multiple choice needs two or more choices and one right answer"
    if item.kind == "truefalse" and item.answer is None:
        return "it has no right answer"
    if item.kind == "matching":
        if len(item.pairs) < 2:
            return "Canvas's matching needs two or more rows to match"
        answers: dict[str, set[str]] = {}
        for left, right in item.pairs:
            answers.setdefault(left, set()).add(right)
        same = next((left for left, rights in answers.items() if len(rights) > 1), None)
        if same is not None:
            return (
                f'two rows read "{same}" but want different answers, which no one could tell apart'
            )
    return ""


def _as_essay(item: Item) -> Item:
    """A written answer to what the item asked: its rows to match, the answers to pick
    from in sorted order (never paired), its choices."""
    extra = ""
    if item.pairs:
        rows = "".join(f"<li>{escape(left)}</li>" for left, _ in item.pairs)
        options = " · ".join(
            str(escape(r)) for r in sorted({r for _, r in item.pairs}, key=natural_key)
        )
        extra = f"<ol>{rows}</ol><p><strong>Answers to choose from:</strong> {options}</p>"
    elif item.choices:
        extra = '<ol type="A">' + "".join(f"<li>{c.html}</li>" for c in item.choices) + "</ol>"
    return replace(item, kind="essay", html=item.html + extra, choices=(), pairs=())


_TAG = re.compile(
    r"""<(/?)([A-Za-z][\w:-]*)(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*(/?)>"""
)
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"}


def _split(html: str) -> list[str]:
    """The HTML in parts of at most TEXT_LIMIT characters, cut only between its
    top-level elements (a paragraph, a figure, the glossary stay whole)."""
    blocks, depth, start = [], 0, 0
    for tag in _TAG.finditer(html):
        if tag.group(2).lower() in _VOID or tag.group(3):
            continue
        depth = max(depth - 1, 0) if tag.group(1) else depth + 1
        if depth == 0:
            blocks.append(html[start : tag.end()])
            start = tag.end()
    blocks.append(html[start:])
    parts = [""]
    for block in blocks:
        if parts[-1].strip() and len(parts[-1]) + len(block) > TEXT_LIMIT:
            parts.append("")
        parts[-1] += block
    return [part for part in parts if part.strip()]


def _meta(quiz: Quiz, ident: str, total: int) -> bytes:
    root = ET.Element(
        "quiz",
        {
            "identifier": ident,
            "xmlns": CANVAS_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{CANVAS_NS} {CANVAS_XSD}",
        },
    )
    for tag, text in (
        ("title", quiz.title),
        ("description", ""),
        ("shuffle_answers", "false"),  # choices keep their printed letters
        ("scoring_policy", "keep_highest"),
        ("quiz_type", "assignment"),
        ("points_possible", str(total)),
    ):
        element(root, tag, text=text)
    return xml_bytes(root)


def _manifest(quizzes: list[Quiz], idents: list[str], images: list[str]) -> bytes:
    root = ET.Element(
        "manifest",
        {
            "identifier": stable_id("canvas", *idents),
            "xmlns": CP_NS,
            "xmlns:imsmd": IMSMD_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd "
            f"{IMSMD_NS} http://www.imsglobal.org/xsd/imsmd_v1p2p2.xsd",
        },
    )
    metadata = element(root, "metadata")
    element(metadata, "schema", text="IMS Content")
    element(metadata, "schemaversion", text="1.1.3")
    title = element(element(element(metadata, "imsmd:lom"), "imsmd:general"), "imsmd:title")
    element(title, "imsmd:string", text=" · ".join(q.title for q in quizzes))
    element(root, "organizations")
    resources = element(root, "resources")
    for ident in idents:
        meta = stable_id(ident, "assessment_meta")
        quiz = element(resources, "resource", {"identifier": ident, "type": ASSESSMENT})
        element(quiz, "file", {"href": f"{ident}/{ident}.xml"})
        element(quiz, "dependency", {"identifierref": meta})
        href = f"{ident}/assessment_meta.xml"
        element(
            element(resources, "resource", {"identifier": meta, "type": META, "href": href}),
            "file",
            {"href": href},
        )
    for path in images:
        image = element(
            resources,
            "resource",
            {"identifier": stable_id("image", path), "type": "webcontent", "href": path},
        )
        element(image, "file", {"href": path})
    return xml_bytes(root)


def _zip(files: dict[str, bytes], images: dict[str, bytes]) -> bytes:
    """The package, the same bytes for the same input: fixed times and permissions, files
    in a fixed order; pictures stored as they are (already compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in [
            *((n, d, zipfile.ZIP_DEFLATED) for n, d in files.items()),
            *((n, d, zipfile.ZIP_STORED) for n, d in images.items()),
        ]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
