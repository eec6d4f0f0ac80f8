"""The marks lesson text may carry, and the link rule: the syntax the lesson format
defines (SPEC §2), in one place for the rules that check a lesson (rules.py, text_rules.py) and the
code that prints it (compose/text.py).

- `{#name}` in a reading marks the word after it; `{line:name}` elsewhere prints the
  line number of that word.
- A glossary term matches as a whole word or phrase, any case, plural allowed.
- A link survives only when it goes to the web (http, https), to e-mail (mailto) or to
  a place in the same page (#name); any other target prints as plain text (SPEC §6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser

URL_SCHEMES = {"http", "https", "mailto"}

# `{#name}` in a reading marks the word after it; `{line:name}` elsewhere prints its line.
ANCHOR = re.compile(r"\{#([A-Za-z0-9][A-Za-z0-9_-]*)\}")
LINE_REF = re.compile(r"\{line:([A-Za-z0-9][A-Za-z0-9_-]*)\}")


def term_pattern(term: str) -> re.Pattern:
    """A glossary term as a whole word or phrase, any case, plural allowed, any spacing."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<![\w-])({words}(?:s|es)?)(?![\w-])", re.IGNORECASE)


@cache
def markdown_converter():
    """The one Markdown converter lesson text goes through (reset before each use)."""
    import markdown

    return markdown.Markdown(extensions=["sane_lists", "smarty", "tables"], output_format="html")


# What a browser (and WeasyPrint, through urllib) ignores around and inside a URL.
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_INSIDE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def link_target(href: str) -> str | None:
    """The target a link may keep (cleaned of the blanks a URL parser skips), or None when
    it goes anywhere but the web, e-mail or an in-page `#name` (SPEC §6)."""
    target = _URL_INSIDE.sub("", href).strip(_URL_EDGES)
    if target.startswith("#") and len(target) > 1:
        return target
    scheme = _SCHEME.match(target)
    if scheme and scheme[1].lower() in URL_SCHEMES:
        return target
    return None


@dataclass(frozen=True)
class RefusedLink:
    """A link in lesson text that prints as plain text: its target as the HTML parser read
    it, and, to find it in the lesson's own text, the <a> tag and href as written there
    (for a Markdown link, as python-markdown wrote them)."""

    target: str
    tag: str
    href: str


_RAW_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refused: list[RefusedLink] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = next((value for name, value in attrs if name == "href"), None)
        if tag != "a" or href is None or link_target(href) is not None:
            return
        tag_text = self.get_starttag_text() or ""
        raw = _RAW_HREF.search(tag_text)
        raw_href = next((group for group in raw.groups() if group is not None), "") if raw else ""
        self.refused.append(RefusedLink(href, tag_text, raw_href))


def refused_links(markdown_text: str) -> list[RefusedLink]:
    """The links in a Markdown text that `block` and `inline` print as plain text, in
    order, for project/text_rules.py to warn about (nothing here decides what is printed)."""
    converter = markdown_converter()
    converter.reset()
    finder = _LinkFinder()
    finder.feed(converter.convert(markdown_text))
    finder.close()
    return finder.refused
