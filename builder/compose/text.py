"""Markdown from lessons -> sanitized HTML that is safe to put in a template.

Lesson text is untrusted: Markdown lets authors write raw HTML, so the output goes
through nh3 with a small allowlist of formatting tags (no script, style, iframe,
object, form, link, meta or event handlers). A link survives only when it goes to the
web (http, https), to e-mail (mailto) or to a place in the same page (#name): WeasyPrint
would resolve any other target, even a harmless-looking `notes.txt`, against the lesson
folder into a clickable `file:` link, so such a link is unwrapped to its text (SPEC §6)
and project/text_rules.py warns about it (project/syntax.py holds the rule).
Lesson text is never compiled as a Jinja template; it enters the page as data.
"""

from __future__ import annotations

import re

import nh3
from markupsafe import Markup

from ..project.syntax import ANCHOR, URL_SCHEMES, link_target, markdown_converter, term_pattern

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "small",
    "mark",
    "code",
    "pre",
    "blockquote",
    "q",
    "cite",
    "abbr",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "a",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)

# Anchors travel through Markdown and nh3 as private-use characters, which no text rule
# (smart quotes, glossary marking) matches; the name is encoded in the same range.
ANCHOR_START, ANCHOR_END = "\ue000", "\ue001"
_NAME_BASE = 0xF0000


def encode_anchor(name: str) -> str:
    return ANCHOR_START + "".join(chr(_NAME_BASE + ord(c)) for c in name) + ANCHOR_END


def decode_anchor(encoded: str) -> str:
    return "".join(chr(ord(c) - _NAME_BASE) for c in encoded)


def _keep_allowed_links(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return link_target(value)
    return value


# A tag as nh3 writes it: attribute values always in double quotes, `"` inside escaped.
_TAG = re.compile(r'<(/?)([A-Za-z][^\s/>]*)((?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE_NAME = re.compile(r'\s([^\s"\'>/=]+)(?:="[^"]*")?')


def _unwrap_links_without_href(html: str) -> str:
    """Drop the <a> tags whose href nh3 removed (and <a name>), keeping their text, so a
    refused link prints as plain words rather than as a dead, link-coloured one."""
    out: list[str] = []
    kept: list[bool] = []  # one entry per open <a>: is it printed?
    end = 0
    for match in _TAG.finditer(html):
        between = html[end : match.start()]
        if "<" in between:  # not nh3's output as expected: print no link at all
            return _without_links(html)
        out.append(between)
        end = match.end()
        closing, name, attributes = match[1], match[2].lower(), match[3]
        if name != "a":
            out.append(match[0])
        elif not closing:
            kept.append("href" in _ATTRIBUTE_NAME.findall(attributes))
            if kept[-1]:
                out.append(match[0])
        elif not kept:
            return _without_links(html)
        elif kept.pop():
            out.append(match[0])
    if "<" in html[end:] or kept:
        return _without_links(html)
    out.append(html[end:])
    return "".join(out)


def _without_links(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS - {"a"}, attributes=ALLOWED_ATTRIBUTES)


def _sanitize(html: str) -> str:
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_allowed_links,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return _unwrap_links_without_href(clean)


def block(markdown_text: str, anchors: bool = True) -> Markup:
    """Full Markdown (reading texts): paragraphs, lists, emphasis, tables. Anchors become
    invisible marks that line_numbers.number_words turns into word positions; with
    `anchors=False` (text outside readings) they print as written."""
    converter = markdown_converter()
    converter.reset()
    if anchors:
        markdown_text = ANCHOR.sub(lambda m: encode_anchor(m[1]), markdown_text)
    return Markup(_sanitize(converter.convert(markdown_text)))


def mark_terms(body: Markup, terms: list[str]) -> tuple[Markup, list[bool]]:
    """Mark the first use of each glossary term in a reading with its note number.

    Returns the marked HTML and, per term, whether it was found in the text."""
    html = str(body)
    found = []
    for number, term in enumerate(terms, start=1):
        html, hit = _sub_in_text(
            html,
            term_pattern(term),
            rf'<span class="glossed">\1</span>'
            rf'<sup class="note-ref">{number}</sup>',
        )
        found.append(hit)
    return Markup(html), found


def _sub_in_text(html: str, pattern: re.Pattern, replacement: str) -> tuple[str, bool]:
    """Replace the first match of `pattern` outside tags."""
    parts = re.split(r"(<[^>]*>)", html)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            continue
        new, count = pattern.subn(replacement, part, count=1)
        if count:
            parts[i] = new
            return "".join(parts), True
    return html, False


def inline(markdown_text: str | None) -> Markup:
    """Inline Markdown (prompts, answers, headnotes): one paragraph without its <p>."""
    if markdown_text is None:
        return Markup("")
    html = str(block(markdown_text, anchors=False)).strip()
    if (match := _SINGLE_PARAGRAPH.match(html)) and "<p>" not in match.group(1):
        html = match.group(1)
    return Markup(html)
