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


def block(markdown_text: str) -> Markup:
    """Full Markdown (reading texts): paragraphs, lists, emphasis, tables."""
    converter = _converter()
    converter.reset()
    return Markup(_sanitize(converter.convert(markdown_text)))


def inline(markdown_text: str | None) -> Markup:
    """Inline Markdown (prompts, answers, headnotes): one paragraph without its <p>."""
    if markdown_text is None:
        return Markup("")
    html = str(block(markdown_text)).strip()
    if (match := _SINGLE_PARAGRAPH.match(html)) and "<p>" not in match.group(1):
        html = match.group(1)
    return Markup(html)
