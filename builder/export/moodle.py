"""A lesson's quiz items as Moodle XML, the file Moodle's question bank imports
(Question bank → Import → "Moodle XML format"): one question category per lesson, then
its documents as descriptions and its questions, organizers and timeline as Moodle
questions.

The element names, their order and their values follow what Moodle's own importer reads
(`question/format/xml/format.php`: `import_headers`, `import_multichoice`,
`import_truefalse`, `import_description`, `import_essay`, `import_match`,
`import_category`) and what its exporter (`writequestion`) writes, so a file from
lessonpack looks like one exported from Moodle. Answers a teacher needs to grade go
into an essay's `graderinfo`, which Moodle shows to graders only; never into the
question text or the general feedback, which students see.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import replace
from html import escape as html_escape
from pathlib import PurePosixPath
from urllib.parse import quote

from markupsafe import escape

from .quiz import Image, Item, Quiz, stable_id

Warn = Callable[[Quiz, Item, str], None]

# Right-to-left scripts: the wrapper around the text says so, as the PDF does with lang.
_RTL = {"ar", "arc", "dv", "fa", "ha", "he", "khw", "ks", "ku", "ps", "sd", "ur", "yi"}
# Characters XML 1.0 forbids; a stray control character would make Moodle's parser
# reject the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG = re.compile(r"<[^>]*>")


def moodle_xml(quizzes: list[Quiz], warn: Warn | None = None) -> bytes:
    """Moodle XML (UTF-8 bytes) that Moodle's question/format/xml importer reads: per Quiz a
    `<question type="category">` then its questions."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    for quiz in quizzes:
        parts.append(_category(quiz))
        for item in quiz.items:
            parts.append(_question(quiz, item, warn))
    parts.append("</quiz>\n")
    return "".join(parts).encode("utf-8")


# --- the category ---------------------------------------------------------------------


def _category(quiz: Quiz) -> str:
    """Moodle 3.5+ puts every category under "top"; `create_category_path` finds a
    category of the same name and reuses it, so a second import of the lesson lands in
    the same category. `/` inside a name is written `//` (`assemble_category_path`)."""
    name = _plain(quiz.title) or quiz.slug
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    # Moodle keeps category idnumbers unique per context and matches categories by name,
    # not idnumber: an idnumber tied to the name too keeps a renamed lesson's new
    # category from clashing with the old one (a database error that stops the import).
    return (
        '  <question type="category">\n'
        "    <category>\n"
        f"      {_text('$course$/top/' + escaped)}"
        "    </category>\n"
        '    <info format="html">\n'
        "      <text></text>\n"
        "    </info>\n"
        f"    <idnumber>{_xml(stable_id(quiz.ident, name))}</idnumber>\n"
        "  </question>\n"
    )


# --- questions ------------------------------------------------------------------------


def _question(quiz: Quiz, item: Item, warn: Warn | None) -> str:
    problem = _unrepresentable(item)
    if problem:
        if warn is not None:
            warn(quiz, item, problem)
        return _essay(quiz, _as_essay(item))
    if item.kind == "text":
        return _head(quiz, item, "description", penalty="0", grade=0) + "  </question>\n"
    if item.kind == "choice":
        return _multichoice(quiz, item)
    if item.kind == "truefalse":
        return _truefalse(quiz, item)
    if item.kind == "matching":
        return _matching(quiz, item)
    return _essay(quiz, item)


def _head(quiz: Quiz, item: Item, qtype: str, penalty: str, grade: int | None = None) -> str:
    """What `import_headers` reads for every type, in the order `writequestion` writes
    it; the images ride inside the question text as `<file>` elements."""
    html, files = _with_files(item.html, item.images)
    return (
        f'  <question type="{qtype}">\n'
        "    <name>\n"
        f"      {_text(_plain(item.title)[:255] or item.ident)}"
        "    </name>\n"
        '    <questiontext format="html">\n'
        f"      {_text(_in_language(html, quiz.language, 'div'))}"
        f"{files}"
        "    </questiontext>\n"
        '    <generalfeedback format="html">\n'
        "      <text></text>\n"
        "    </generalfeedback>\n"
        f"    <defaultgrade>{item.points if grade is None else grade}</defaultgrade>\n"
        f"    <penalty>{penalty}</penalty>\n"
        "    <hidden>0</hidden>\n"
        f"    <idnumber>{_xml(item.ident)}</idnumber>\n"
    )


def _multichoice(quiz: Quiz, item: Item) -> str:
    answers = "".join(
        f'    <answer fraction="{100 if choice.correct else 0}" format="html">\n'
        f"      {_text(_in_language(choice.html, quiz.language, 'span'))}"
        '      <feedback format="html">\n'
        "        <text></text>\n"
        "      </feedback>\n"
        "    </answer>\n"
        for choice in item.choices
    )
    return (
        _head(quiz, item, "multichoice", penalty="0.3333333")
        + "    <single>true</single>\n"
        + "    <shuffleanswers>true</shuffleanswers>\n"
        + "    <answernumbering>abc</answernumbering>\n"
        + "    <showstandardinstruction>1</showstandardinstruction>\n"
        + _combined_feedback()
        + answers
        + "  </question>\n"
    )


def _truefalse(quiz: Quiz, item: Item) -> str:
    """`import_truefalse` matches the answers by their text, `true` and `false`, and
    takes the one scoring 100 as right."""
    answers = "".join(
        f'    <answer fraction="{100 if item.answer is value else 0}"'
        ' format="moodle_auto_format">\n'
        f"      <text>{text}</text>\n"
        '      <feedback format="html">\n'
        "        <text></text>\n"
        "      </feedback>\n"
        "    </answer>\n"
        for text, value in (("true", True), ("false", False))
    )
    return _head(quiz, item, "truefalse", penalty="1") + answers + "  </question>\n"


def _box_lines(item: Item) -> int:
    """The handout's writing lines, as one of the sizes Moodle's essay form offers (5 to
    40 in fives); 15, its default, for an organizer."""
    if not item.lines:
        return 15
    return min(40, max(5, -(-item.lines // 5) * 5))


def _essay(quiz: Quiz, item: Item) -> str:
    """The model answer, look-fors, rubric or filled-in organizer go into `graderinfo`,
    which Moodle shows only to those who grade."""
    graderinfo = _in_language(item.feedback, quiz.language, "div") if item.feedback else ""
    return (
        _head(quiz, item, "essay", penalty="0")
        + "    <responseformat>editor</responseformat>\n"
        + "    <responserequired>1</responserequired>\n"
        + f"    <responsefieldlines>{_box_lines(item)}</responsefieldlines>\n"
        + "    <attachments>0</attachments>\n"
        + "    <attachmentsrequired>0</attachmentsrequired>\n"
        + '    <graderinfo format="html">\n'
        + f"      {_text(graderinfo)}"
        + "    </graderinfo>\n"
        + '    <responsetemplate format="html">\n'
        + "      <text></text>\n"
        + "    </responsetemplate>\n"
        + "  </question>\n"
    )


def _matching(quiz: Quiz, item: Item) -> str:
    """Each pair a `subquestion`: its text is HTML (the prompt), its answer plain text
    (`import_match` reads `answer/text` as a plain string)."""
    subquestions = "".join(
        '    <subquestion format="html">\n'
        f"      {_text(_in_language(_html(prompt), quiz.language, 'span'))}"
        "      <answer>\n"
        f"        {_text(answer.strip())}"
        "      </answer>\n"
        "    </subquestion>\n"
        for prompt, answer in item.pairs
    )
    return (
        _head(quiz, item, "matching", penalty="0.3333333")
        + "    <shuffleanswers>true</shuffleanswers>\n"
        + _combined_feedback()
        + subquestions
        + "  </question>\n"
    )


def _combined_feedback() -> str:
    return "".join(
        f'    <{field} format="html">\n      <text></text>\n    </{field}>\n'
        for field in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
    )


# --- what Moodle cannot hold ----------------------------------------------------------


def _unrepresentable(item: Item) -> str:
    """Why Moodle would refuse the item as its type ("" when it takes it). The matching
    rules are qtype_match's editing form's (`edit_match_form.php` `validation`): at
    least 2 questions and 3 answers, an answer for every question, answers of at most
    255 characters; a multiple choice needs 2 choices and a right one."""
    if item.kind == "choice":
        if len(item.choices) < 2:
            return "Moodle needs at least two choices; exported as an essay question"
        if not any(choice.correct for choice in item.choices):
            return "no choice is marked right; exported as an essay question"
        return ""
    if item.kind != "matching":
        return ""
    prompts = [prompt.strip() for prompt, _ in item.pairs]
    answers = [answer.strip() for _, answer in item.pairs]
    if len(item.pairs) < 3:
        why = f"Moodle's matching needs at least 3 pairs, this has {len(item.pairs)}"
    elif not all(prompts) or not all(answers):
        why = "a matching pair has an empty side, which Moodle's matching cannot hold"
    elif any(len(answer) > 255 for answer in answers):
        why = "a matching answer is longer than Moodle's 255 characters"
    elif len({p: a for p, a in zip(prompts, answers, strict=True)}) < len(
        set(zip(prompts, answers, strict=True))
    ):
        why = "two matching rows have the same text but different answers"
    else:
        return ""
    return f"{why}; exported as an essay question with the answers for the grader"


def _as_essay(item: Item) -> Item:
    """The closest Moodle can hold: an essay listing the rows to match and the answers
    to match them with (sorted, so the order gives nothing away); the key in graderinfo."""
    if item.kind == "choice":
        listing = "".join(f"<li>{choice.html}</li>" for choice in item.choices)
        key = "".join(f"<li>{choice.html}</li>" for choice in item.choices if choice.correct)
        html = item.html + f'<ol type="A">{listing}</ol>'
        return _replace(item, html, key and f"<ul>{key}</ul>")
    rows = "".join(f"<li>{_html(prompt)}</li>" for prompt, _ in item.pairs)
    choices = "".join(
        f"<li>{_html(answer)}</li>" for answer in sorted({answer for _, answer in item.pairs})
    )
    key = "".join(
        f"<tr><td>{_html(prompt)}</td><td>{_html(answer)}</td></tr>"
        for prompt, answer in item.pairs
    )
    html = item.html + f"<ol>{rows}</ol><p><strong>Answers:</strong></p><ul>{choices}</ul>"
    return _replace(item, html, f'<table border="1"><tbody>{key}</tbody></table>')


def _replace(item: Item, html: str, feedback: str) -> Item:
    return replace(item, kind="essay", html=html, feedback=item.feedback or feedback)


# --- text -----------------------------------------------------------------------------


def _with_files(html: str, images: tuple[Image, ...]) -> tuple[str, str]:
    """The HTML with each image's src pointing at its embedded copy, as Moodle's exporter
    writes it (`@@PLUGINFILE@@/name`), and the `<file>` elements `import_files_as_draft`
    stores next to the question text."""
    files = []
    for image in sorted(set(images), key=lambda i: i.name):
        name = PurePosixPath(image.name).name  # quiz.py made it safe for Moodle's file API
        src = f'src="{escape(image.name)}"'
        html = html.replace(src, f'src="@@PLUGINFILE@@/{escape(quote(name))}"')
        data = base64.b64encode(image.path.read_bytes()).decode("ascii")
        files.append(
            f'      <file name="{_attribute(name)}" path="/" encoding="base64">{data}</file>\n'
        )
    return html, "".join(files)


def _in_language(html: str, language: str, tag: str) -> str:
    """Moodle XML has no xml:lang on a question, so the language goes on an HTML wrapper
    (`lang`, and `dir="rtl"` for right-to-left scripts): screen readers and the browser's
    hyphenation and fonts read it; Moodle's HTML purifier keeps both attributes."""
    if not html:
        return html
    lang = escape(language)
    direction = ' dir="rtl"' if language.split("-")[0].lower() in _RTL else ""
    return f'<{tag} lang="{lang}"{direction}>{html}</{tag}>'


def _plain(text: str) -> str:
    """A name as Moodle keeps it (PARAM_TEXT): no tags, one line."""
    return " ".join(_TAG.sub("", text).split())


def _xml(text: str) -> str:
    """Text escaped for XML content (HTML inside `<text>` included: escaping it, rather
    than a CDATA section, cannot be broken by a `]]>` in the lesson)."""
    return html_escape(_NOT_XML.sub("", text), quote=False)


def _attribute(text: str) -> str:
    return _xml(text).replace('"', "&quot;")


def _html(text: str) -> str:
    """Plain text (a timeline pair) as HTML."""
    return html_escape(text, quote=False)


def _text(text: str) -> str:
    return f"<text>{_xml(text)}</text>\n"
