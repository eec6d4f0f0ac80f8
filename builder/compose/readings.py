"""Readings -> documents as printed: label, source line, headnote, focus question,
images, text with glossed words marked and margin line numbers, notes, original text.

Also resolves `{line:name}` references, since only the documents know on which
printed line each anchor `{#name}` fell in this layout.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import PurePosixPath

from markupsafe import Markup

from ..letters import letter
from ..project.lesson import LessonSource
from ..project.syntax import LINE_REF
from . import text
from .line_numbers import LineMap, number_words
from .views import DocumentView, ImageView, NoteView


class LineRefs:
    """Anchor name -> the printed line it fell on, for `{line:name}` in any text."""

    def __init__(self) -> None:
        self.lines: dict[str, int | None] = {}

    def resolve(self, markup: Markup) -> Markup:
        def line(match) -> str:
            number = self.lines.get(match[1])
            return f"line {number}" if number is not None else "line ___"

        return Markup(LINE_REF.sub(line, str(markup)))

    def inline(self, value: str | None) -> Markup:
        """Inline Markdown as HTML, its `{line:name}` resolved for this layout."""
        return self.resolve(text.inline(value))


def document_views(
    source: LessonSource, prefix: str, lines: dict[str, LineMap] | None
) -> tuple[list[DocumentView], LineRefs]:
    refs = LineRefs()
    documents = []
    for index, reading in enumerate(source.lesson.readings):
        anchor = f"{prefix}-doc-{reading.id}"
        numbered = reading.line_numbers
        body = text.block(source.reading_texts.get(reading.id, ""))
        body, _ = text.mark_terms(body, [entry.term for entry in reading.glossary])
        line_map = (lines or {}).get(reading.id) if numbered else None
        words = number_words(body, line_map.markers() if line_map else None)
        for name, word in words.anchors.items():
            refs.lines[name] = line_map.line_of(word) if line_map else None
        original = None
        if reading.show_original and reading.id in source.original_texts:
            original = number_words(text.block(source.original_texts[reading.id])).html
        documents.append(
            DocumentView(
                id=reading.id,
                anchor=anchor,
                label=letter(index),
                title=reading.title,
                source=text.inline(reading.source),
                headnote=text.inline(reading.headnote),
                focus_question=text.inline(reading.focus_question),
                images=[_image(image) for image in reading.images],
                body=words.html,
                numbered=numbered,
                printed_lines=len(line_map.starts) if line_map else None,
                notes=[
                    NoteView(n, entry.term, text.inline(entry.meaning))
                    for n, entry in enumerate(reading.glossary, start=1)
                ],
                original=original,
            )
        )
    documents = [_resolved(document, refs) for document in documents]
    return documents, refs


def _resolved(document: DocumentView, refs: LineRefs) -> DocumentView:
    return replace(
        document,
        headnote=refs.resolve(document.headnote),
        focus_question=refs.resolve(document.focus_question),
    )


def _image(image) -> ImageView:
    return ImageView(
        src=image.file,
        asset=image_asset(image.file),
        alt=image.alt,
        caption=text.inline(image.caption),
        credit=text.inline(image.credit),
    )


def image_asset(file: str) -> str:
    """Where `--html` puts an image, beside the page: unique, and never outside the folder."""
    digest = hashlib.sha256(file.encode()).hexdigest()[:8]
    return f"assets/{digest}-{PurePosixPath(file).name}"
