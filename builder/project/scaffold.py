"""`lessonpack new`: a starter lesson that builds at once and shows every field by example.

Teachers learn the format by editing a working lesson, so the scaffold uses every
field SPEC §2 defines, each with a comment saying what it does.
"""

from __future__ import annotations

import json
from pathlib import Path

from .files import LESSON_FILE, SLUG

LESSON_YAML = """\
# A lessonpack lesson. Build it with:  lessonpack build lessons/{slug}
# Lines starting with # are comments. Text with a colon followed by a space needs "quotes".
title: {title}                          # required
subtitle: A one-line subtitle under the title
subject: History
grade: "9-12"                           # quoted, so it stays text
duration: 50 minutes
language: en                            # en, es, fr, ... (for hyphenation and screen readers)
central_question: What question should students be able to answer by the end?
objectives:
  - Read two documents closely and say who wrote them and why
  - Put the key events in order

readings:                               # printed as Document A, B, ...
  - id: first-document                  # required; questions point at it
    title: The first document
    source: Author, *Title of the work* (publisher, year), excerpt
    headnote: One or two sentences of context that students read before the text.
    focus_question: What should students look for as they read?
    line_numbers: true                  # numbers every 5th printed line in the margin
    # {{#name}} before a word marks a passage; {{line:name}} in a prompt prints its line.
    text: |                             # the text itself (Markdown) ...
      Paste the excerpt here. Leave a blank line between paragraphs. A cut in the
      text is marked [...].

      {{#key-passage}}This sentence carries an anchor, so a question can cite its line
      number, which lessonpack works out for each paper size.
    original: The unmodified excerpt, if you changed the text above.
    show_original: false                # true prints the original after the text
    images:                             # files in this folder: PNG, JPEG, GIF, WebP, SVG
      - file: images/example.svg
        alt: A simple map with two places joined by a line   # read aloud by screen readers
        caption: A map of the places in the document
        credit: Drawn for this lesson
    glossary:                           # words marked in the text, explained below it
      - term: excerpt
        meaning: a short part taken from a longer text
    sourcing:                           # what the key's sourcing chart says (see organizers)
      author: Who wrote it, and what we know about them
      date: When it was written
      audience: Who it was written for
      purpose: Why it was written
  - id: second-document
    title: The second document
    source: Anonymous, web page (n.d.)
    file: readings/second-document.md   # ... or a Markdown file in this folder

questions:                              # numbered 1, 2, ... in this order
  - id: q1                              # optional; q1, q2, ... by position otherwise
    group: Sourcing                     # a heading, printed when the group changes
    reading: first-document             # optional: shown as "Document A"
    prompt: Who wrote Document A, and for whom?
    kind: short                         # short | long | choice | truefalse
    lines: 3                            # writing lines on the student sheet
    points: 2
    answer: The model answer, printed only in the answer key.
  - group: Close reading
    prompt: What does the passage at {{line:key-passage}} of Document A ask you to do?
    reading: first-document
    answer: To mark a passage and refer to its line.
    points: 2
  - prompt: Which word best describes the tone of Document B?
    reading: second-document
    kind: choice
    choices: [Angry, Hopeful, Neutral, Fearful]
    answer: C                           # a letter, or the choice written out
    points: 1
  - prompt: Document A and Document B were written by the same person.
    kind: truefalse
    answer: false                       # true or false
    points: 1
  - group: Extended response
    prompt: Using both documents, answer the central question.
    kind: long
    lines: 10
    points: 8
    answer:                             # a list prints as "look for" bullets in the key
      - A clear claim that answers the question
      - Evidence from Document A
      - Evidence from Document B
    rubric:                             # printed in the answer key only
      - points: 8
        label: Thorough
        descriptor: A clear claim, evidence from both documents, explained.
      - points: 4
        label: Partial
        descriptor: A claim with evidence from one document.
      - points: 1
        label: Beginning
        descriptor: A restatement of the question.

organizers:                             # optional worksheets, printed after the questions
  - kind: sourcing                      # sourcing | corroboration | chart | chain
    method: basic                       # basic | hipp | soapstone | apparts
    readings: [first-document]          # default: every reading
  - kind: chart                         # a T-chart: 2 to 4 columns
    columns: [Causes, Effects]
    rows: 3                             # blank rows on the student sheet
    answers: [[A cause], [An effect]]   # one list per column, for the key

timeline:                               # optional worksheet
  title: Key events
  mode: order                           # order | fill | match
  instructions: Number the events from 1 (earliest) to 4 (latest).
  events:                               # dates: 1962, 1962-10, 1962-10-22, -44 or 44 BCE
    - date: 1957-10-04
      label: First event
      text: A sentence of detail shown in the answer key.
    - date: 1959
      label: Second event
    - date: 1961-04
      label: Third event
    - date: 1962-10-22
      label: Fourth event
"""

READING_MD = """\
This text lives in its own Markdown file, next to `lesson.yaml`.

Write paragraphs separated by blank lines. Lists work too:

1. a first point
2. a second point
"""


EXAMPLE_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">
  <rect x="1" y="1" width="298" height="118" fill="none" stroke="#000"/>
  <circle cx="60" cy="70" r="6"/><circle cx="240" cy="40" r="6"/>
  <path d="M60 70 L240 40" stroke="#000" stroke-dasharray="6 4"/>
  <text x="60" y="95" font-family="DejaVu Sans" font-size="12" text-anchor="middle">Place A</text>
  <text x="240" y="65" font-family="DejaVu Sans" font-size="12" text-anchor="middle">Place B</text>
</svg>
"""


def create_lesson(lessons_dir: Path, slug: str, title: str | None = None) -> Path:
    """Write `lessons_dir/<slug>/lesson.yaml` (and a reading file); never overwrites."""
    if not SLUG.match(slug):
        raise ValueError(
            f"'{slug}' is not a valid lesson name: use lowercase letters, digits "
            "and hyphens, e.g. 'fall-of-rome'"
        )
    folder = lessons_dir / slug
    if folder.exists():
        raise FileExistsError(
            f"{folder} already exists; lessonpack will not overwrite it. "
            "Pick another name or delete the folder first"
        )
    title = title or slug.replace("-", " ").capitalize()
    (folder / "readings").mkdir(parents=True)
    (folder / LESSON_FILE).write_text(
        LESSON_YAML.format(slug=slug, title=json.dumps(title, ensure_ascii=False)), encoding="utf-8"
    )
    (folder / "readings" / "second-document.md").write_text(READING_MD, encoding="utf-8")
    (folder / "images").mkdir()
    (folder / "images" / "example.svg").write_text(EXAMPLE_SVG, encoding="utf-8")
    return folder / LESSON_FILE
