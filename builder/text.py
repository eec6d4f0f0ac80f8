"""Markdown from lessons -> sanitized HTML that is safe to put in a template.

Lesson text is untrusted: Markdown lets authors write raw HTML, so the output goes
through nh3 with a small allowlist of formatting tags (no script, style, iframe,
object, form, link, meta or event handlers; links only to http, https and mailto).
Lesson text is never compiled as a Jinja template; it enters the page as data.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from markupsafe import Markup

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
URL_SCHEMES = {"http", "https", "mailto"}
_SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)

# `{#name}` in a reading marks the word after it; `{line:name}` elsewhere prints its line.
ANCHOR = re.compile(r"\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}")
LINE_REF = re.compile(r"\{line:([A-Za-z0-9][A-Za-z0-9_-]*)\}")
# Anchors travel through Markdown and nh3 as private-use characters, which no text rule
# (smart quotes, glossary marking) matches; the name is encoded in the same range.
ANCHOR_START, ANCHOR_END = "\ue000", "\ue001"
_NAME_BASE = 0xF0000


def encode_anchor(name: str) -> str:
    return ANCHOR_START + "".join(chr(_NAME_BASE + ord(c)) for c in name) + ANCHOR_END


def decode_anchor(encoded: str) -> str:
    return "".join(chr(ord(c) - _NAME_BASE) for c in encoded)


@cache
def _converter():
    import markdown

    return markdown.Markdown(extensions=["sane_lists", "smarty", "tables"], output_format="html")


def _sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def block(markdown_text: str, anchors: bool = True) -> Markup:
    """Full Markdown (reading texts): paragraphs, lists, emphasis, tables. Anchors become
    invisible marks that line_numbers.number_words turns into word positions; with
    `anchors=False` (text outside readings) they print as written."""
    converter = _converter()
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


def term_pattern(term: str) -> re.Pattern:
    """A glossary term as a whole word or phrase, any case, plural allowed, any spacing."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<![\w-])({words}(?:s|es)?)(?![\w-])", re.IGNORECASE)


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
