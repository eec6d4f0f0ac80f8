"""Make a lesson's SVG image safe to publish beside the web pages (`build --html`).

An SVG file is a document, not just a picture: it can carry scripts, event handlers,
`javascript:` links, embedded HTML and references to other files or web addresses.
The web page shows it through `<img>`, where none of that runs, but a teacher who puts
the output folder on a class website also publishes the asset's own address, and a
browser opening that address runs whatever the lesson's author put in it (SPEC §6:
lessons are untrusted). So the copy beside the pages keeps only an allowlist of
drawing elements and attributes; every reference must stay inside the file (`#id`),
except raster images embedded as `data:` URLs.

Parsing uses the standard library's expat with handlers that refuse a DOCTYPE with
declarations (entities, default attributes) before anything is expanded, and never
load an external DTD; a bare `<!DOCTYPE svg PUBLIC ...>`, as drawing programs write,
is harmless and allowed. (defusedxml would do the same refusing, but it is one more
dependency for two handlers, and the cleaner needs expat's events anyway.)

A drawing with nothing to remove is published byte for byte as the teacher saved it;
otherwise it is written again, in UTF-8, with only what the allowlist keeps. Data that
drawing programs add and no browser acts on (Inkscape's and Illustrator's own
elements and attributes, `<metadata>`, comments, `data-*` attributes) does not count
as something removed, so an ordinary drawing raises no warning.

The PDF route does not need this: WeasyPrint never runs scripts, and every file or
address an SVG names goes through the build's URL fetcher, which refuses anything
outside the project (tests/test_svg.py checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from ..errors import LessonError, Problem

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_DEPTH = 256  # deeper than any drawing; keeps the walk below Python's recursion limit

# Namespaces that drawing programs write for themselves; browsers ignore them.
EDITOR_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/elements/1.1/",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://ns.adobe.com/AdobeIllustrator/10.0/",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
    "http://ns.adobe.com/Extensibility/1.0/",
    "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/",
    "http://ns.adobe.com/Variables/1.0/",
    "http://www.bohemiancoding.com/sketch/ns",
    "http://www.serif.com/",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FILTERS = (
    "filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix "
    "feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA "
    "feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset "
    "fePointLight feSpecularLighting feSpotLight feTile feTurbulence"
)
ELEMENTS = _words(
    "svg g defs title desc path rect circle ellipse line polyline polygon text tspan "
    "textPath linearGradient radialGradient stop clipPath mask pattern symbol use "
    "image marker style a switch " + _FILTERS
)
SILENT_ELEMENTS = {"metadata"}  # RDF about the drawing: no browser acts on it

ATTRIBUTES = _words(
    """
    id class style lang tabindex role focusable transform
    d x y width height viewBox preserveAspectRatio version baseProfile zoomAndPan
    points cx cy r rx ry fx fy fr x1 y1 x2 y2 dx dy rotate pathLength
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-dasharray
    stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit opacity
    color color-interpolation color-interpolation-filters color-rendering
    display visibility overflow clip clip-path clip-rule mask marker marker-start
    marker-mid marker-end filter flood-color flood-opacity lighting-color stop-color
    stop-opacity paint-order vector-effect shape-rendering text-rendering
    image-rendering mix-blend-mode isolation enable-background
    font font-family font-size font-size-adjust font-stretch font-style font-variant
    font-weight text-anchor text-decoration dominant-baseline alignment-baseline
    baseline-shift letter-spacing word-spacing writing-mode direction unicode-bidi
    textLength lengthAdjust startOffset method spacing side white-space
    gradientUnits gradientTransform spreadMethod offset href
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits
    maskContentUnits markerUnits markerWidth markerHeight refX refY orient
    filterUnits primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4
    values type tableValues slope intercept amplitude exponent baseFrequency
    numOctaves seed stitchTiles scale xChannelSelector yChannelSelector radius order
    kernelMatrix divisor bias targetX targetY edgeMode preserveAlpha surfaceScale
    diffuseConstant specularConstant specularExponent kernelUnitLength azimuth
    elevation z pointsAtX pointsAtY pointsAtZ limitingConeAngle
    requiredFeatures requiredExtensions systemLanguage target
    """
)
PLAIN_ATTRIBUTES = {"id", "class", "lang", "role"}  # never read as CSS
XML_ATTRIBUTES = {"space", "lang"}  # xml:base is left out: it would redirect `#id`

_ID_REF = re.compile(r"\s*#[^\s\"'()]+\s*\Z")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_RASTER = re.compile(r"\s*data:image/(png|jpeg|gif|webp);base64,", re.IGNORECASE)
_CSS_CODE = re.compile(r"javascript:|expression\s*\(", re.IGNORECASE)
_CSS_LOADS = re.compile(
    r"@import|url\s*\(|image-set\s*\(|image\s*\(|cross-fade\s*\(|element\s*\(", re.IGNORECASE
)


class InvalidSvg(ValueError):
    """The file cannot be read as an SVG drawing; the message says why."""


@dataclass(frozen=True)
class CleanSvg:
    data: bytes  # what to publish: the original bytes when nothing was removed
    removed: tuple[str, ...]  # what was removed, in a teacher's words, each once


@dataclass
class _Cleaning:
    removed: list[str] = field(default_factory=list)

    def remove(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)


def clean_svg(data: bytes) -> CleanSvg:
    """The SVG `data` with everything outside the allowlist removed. Raises InvalidSvg
    for a file that is not well-formed XML with an <svg> root, or that declares entities."""
    root, encoding, instructions = _parse(data)
    cleaning = _Cleaning()
    for target in instructions:
        cleaning.remove("a style sheet link" if target == "xml-stylesheet" else "an instruction")
    kept = _clean_element(root, cleaning)
    if not cleaning.removed and _publishable_as_is(data, encoding):
        return CleanSvg(data, ())
    assert kept is not None  # the root is an <svg>, always kept
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + _serialize(kept, root=True) + "\n"
    return CleanSvg(text.encode("utf-8"), tuple(cleaning.removed))


def web_copy(data: bytes, name: str, lesson_file: Path) -> bytes:
    """The bytes to publish for the SVG image `name` of the lesson at `lesson_file`.
    Validation has refused an invalid one already; this only guards against a file
    that changed since."""
    try:
        return clean_svg(data).data
    except InvalidSvg as exc:
        message = f"image '{name}' is not a valid SVG file ({exc})"
        raise LessonError([Problem(lesson_file, message)]) from None


def problem_message(name: str, data: bytes) -> tuple[str, str] | None:
    """What to tell the teacher about the SVG image `name`, as (severity, message); None
    when it is published as it is."""
    try:
        removed = clean_svg(data).removed
    except InvalidSvg as exc:
        return "error", f"image '{name}' is not a valid SVG file ({exc})"
    if not removed:
        return None
    return "warning", (
        f"image '{name}' contains {describe(removed)}; the copy beside the web pages "
        f"leaves {'it' if len(removed) == 1 else 'them'} out, since a picture may not run "
        "code or load other files"
    )


def describe(removed: tuple[str, ...] | list[str]) -> str:
    """'a script, an event handler and a link to another file'."""
    return removed[0] if len(removed) == 1 else ", ".join(removed[:-1]) + " and " + removed[-1]


def _parse(data: bytes) -> tuple[ElementTree.Element, str | None, list[str]]:
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    declared: list[str | None] = [None]
    instructions: list[str] = []
    depth = [0]

    def doctype(name, system_id, public_id, has_internal_subset):
        if has_internal_subset:
            raise InvalidSvg("it declares XML entities or other DOCTYPE declarations")

    def declaration(*_):
        raise InvalidSvg("it declares XML entities or other DOCTYPE declarations")

    def start(name, attributes):
        depth[0] += 1
        if depth[0] > MAX_DEPTH:
            raise InvalidSvg(f"its elements are nested more than {MAX_DEPTH} deep")
        builder.start(_clark(name), {_clark(k): v for k, v in attributes.items()})

    def end(name):
        depth[0] -= 1
        builder.end(_clark(name))

    def xml_declaration(version, encoding, standalone):
        declared[0] = encoding

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = declaration
    parser.UnparsedEntityDeclHandler = declaration
    parser.AttlistDeclHandler = declaration
    parser.ElementDeclHandler = declaration
    parser.NotationDeclHandler = declaration
    parser.XmlDeclHandler = xml_declaration
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.ProcessingInstructionHandler = lambda target, _: instructions.append(target)
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InvalidSvg(f"{expat.errors.messages[exc.code]} at line {exc.lineno}") from None
    root = builder.close()
    if _namespace(root.tag) not in (SVG_NS, None) or _local(root.tag) != "svg":
        raise InvalidSvg(f"its outermost element is <{_local(root.tag)}>, not <svg>")
    return root, declared[0], instructions


def _clean_element(element: ElementTree.Element, cleaning: _Cleaning):
    """A cleaned copy of `element`, or None when it is left out."""
    namespace, name = _namespace(element.tag), _local(element.tag)
    if namespace in EDITOR_NAMESPACES or (namespace in (SVG_NS, None) and name in SILENT_ELEMENTS):
        for child in element:  # left out; but anything active inside must be reported
            _clean_element(child, cleaning)
        return None
    if namespace not in (SVG_NS, None) or name not in ELEMENTS:
        cleaning.remove(_element_word(namespace, name))
        return None
    copy = ElementTree.Element(f"{{{SVG_NS}}}{name}")
    for key, value in element.attrib.items():
        if _keep_attribute(name, key, value, cleaning):
            copy.set(key, value)
    if name in ("use", "image") and not any(_local(k) == "href" for k in copy.attrib):
        return None  # it only shows what its link names, and that link is not kept
    if name == "style":  # CSS only: its text, with no elements inside
        copy.text = "".join(element.itertext())
        if reason := _css_problem(copy.text):
            cleaning.remove(reason)
            return None
        if len(element):
            cleaning.remove("an unsupported element inside <style>")
        return copy
    copy.text = element.text
    for child in element:
        kept = _clean_element(child, cleaning)
        if kept is not None:
            kept.tail = child.tail
            copy.append(kept)
        elif child.tail:
            _append_text(copy, child.tail)
    return copy


def _keep_attribute(element: str, key: str, value: str, cleaning: _Cleaning) -> bool:
    namespace, name = _namespace(key), _local(key)
    if name.lower().startswith("on"):
        cleaning.remove("an event handler")
        return False
    if namespace in EDITOR_NAMESPACES or (namespace is None and name.startswith("data-")):
        return False
    if name == "href" and namespace in (None, XLINK_NS):
        if element == "image" and _RASTER.match(value):
            return True
        if _ID_REF.match(value):
            return True
        cleaning.remove(_link_word(value))
        return False
    if namespace == XML_NS and name in XML_ATTRIBUTES:
        return True
    if namespace is not None or (name not in ATTRIBUTES and not name.startswith("aria-")):
        prefix = {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(namespace or "", "")
        cleaning.remove(f"an unsupported attribute '{prefix}{name}'")
        return False
    if name not in PLAIN_ATTRIBUTES and (reason := _css_problem(value)):
        cleaning.remove(reason)
        return False
    return True


def _css_problem(css: str) -> str | None:
    """Why a style (an attribute's value is CSS too) cannot stay, or None. It may refer
    only to `#id`s in this file; a backslash could spell `url(` in CSS escapes, and an
    unclosed `url(` still loads, so both count."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    if "\\" in css:
        return "a style written with backslash escapes"
    if _CSS_CODE.search(css):
        return "a style that runs code"
    rest = _URL.sub(lambda m: "" if _ID_REF.match(m[2]) else m[0], css)
    outside = _CSS_LOADS.search(rest)
    if outside is None:
        return None
    if outside[0].lower().startswith("url"):
        return _link_word(rest[outside.end() :].lstrip(" \t\n'\""))
    return "a style that loads other files"


def _link_word(target: str) -> str:
    target = re.sub(r"[\x00-\x20]", "", target).lower()
    if target.startswith(("javascript:", "vbscript:")):
        return "a javascript: link"
    if target.startswith(("http:", "https:", "//")):
        return "a link to a web address"
    if target.startswith("data:"):
        return "an embedded file that is not a PNG, JPEG, GIF or WebP image"
    return "a link to another file"


def _element_word(namespace: str | None, name: str) -> str:
    if name in ("script", "handler", "listener"):
        return "a script"
    if name == "foreignObject" or namespace == "http://www.w3.org/1999/xhtml":
        return "embedded web content"
    if name in ("animate", "animateMotion", "animateTransform", "animateColor", "set"):
        return "an animation"
    return f"an unsupported element <{name}>"


def _publishable_as_is(data: bytes, encoding: str | None) -> bool:
    """Whether browsers read the original bytes as the text that was checked: UTF-8."""
    if encoding is not None and encoding.lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _append_text(element: ElementTree.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _serialize(element: ElementTree.Element, root: bool = False) -> str:
    name = _local(element.tag)
    attributes = []
    if root:
        attributes.append(f'xmlns="{SVG_NS}"')
        if any(_namespace(k) == XLINK_NS for e in element.iter() for k in e.attrib):
            attributes.append(f'xmlns:xlink="{XLINK_NS}"')
    for key, value in element.attrib.items():
        prefix = {XLINK_NS: "xlink:", XML_NS: "xml:"}.get(_namespace(key) or "", "")
        attributes.append(f'{prefix}{_local(key)}="{_escape(value, attribute=True)}"')
    start = " ".join([name, *attributes])
    inner = _escape(element.text or "") + "".join(
        _serialize(child) + _escape(child.tail or "") for child in element
    )
    return f"<{start}>{inner}</{name}>" if inner else f"<{start}/>"


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
        text = text.replace("\r", "&#13;")
    return text.replace("\r", "&#13;")


def _clark(name: str) -> str:
    """expat's 'namespace local' as ElementTree's '{namespace}local'."""
    namespace, _, local = name.rpartition(" ")
    return f"{{{namespace}}}{local}" if namespace else local


def _namespace(tag: str) -> str | None:
    return tag[1:].partition("}")[0] if tag.startswith("{") else None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
