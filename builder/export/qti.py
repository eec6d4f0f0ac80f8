"""A quiz as a QTI 1.2 `questestinterop` assessment in Canvas's dialect, as canvas-lms
writes it (lib/cc/qti/qti_items.rb): Canvas's item metadata (question_type,
points_possible, assessment_question_identifierref), its answer fields and scoring per
question type, a written question's model answer only in its general feedback. The
structure keeps to the IMS QTI 1.2.1 ASI DTD (ims_qtiasiv1p2p1.dtd); the tests hold
it to the DTD's rules. Built with ElementTree, so HTML is escaped as text, never
wrapped in CDATA (which a "]]>" in a lesson would break).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .quiz import Item, Quiz, stable_id

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

QUESTION_TYPE = {
    "text": "text_only_question",
    "choice": "multiple_choice_question",
    "truefalse": "true_false_question",
    "essay": "essay_question",
    "matching": "matching_question",
}


def points(item: Item) -> int:
    """What the item is worth in Canvas: a text-only item never counts."""
    return 0 if item.kind == "text" else item.points


def natural_key(text: str):
    """Sort key: "2" before "10", then text by letter."""
    return [
        (0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.split(r"(\d+)", text)
    ]


# --- writing XML ----------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def element(
    parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None
) -> ET.Element:
    """A child element; characters XML 1.0 cannot hold (control codes a lesson might
    carry) are left out rather than making the file unreadable."""
    node = ET.SubElement(parent, tag, {k: _NOT_XML.sub("", v) for k, v in (attrs or {}).items()})
    if text is not None:
        node.text = _NOT_XML.sub("", text)
    return node


def xml_bytes(root: ET.Element) -> bytes:
    """The document as UTF-8 (characters as themselves, not references), indented."""
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    element(element(parent, "material"), "mattext", {"texttype": texttype}, text)


def assessment_xml(quiz: Quiz, ident: str, items: list[Item]) -> bytes:
    """The quiz's assessment `ident`, one item per Item, in the lesson's language; item
    identifiers come from the quiz's and the item's, so they are the same in every
    export and distinct between the quizzes of one package."""
    root = ET.Element(
        "questestinterop",
        {"xmlns": QTI_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{QTI_NS} {QTI_XSD}"},
    )
    assessment = element(root, "assessment", {"ident": ident, "title": quiz.title})
    assessment.set(XML_LANG, quiz.language)
    section = element(assessment, "section", {"ident": "root_section"})
    for item in items:
        _item(section, item, stable_id(ident, item.ident), quiz.language)
    return xml_bytes(root)


def _item(section: ET.Element, item: Item, ident: str, language: str) -> None:
    node = element(section, "item", {"ident": ident, "title": item.title})
    node.set(XML_LANG, language)
    fields = element(element(node, "itemmetadata"), "qtimetadata")
    for label, entry in (
        ("question_type", QUESTION_TYPE[item.kind]),
        ("points_possible", str(points(item))),
        ("assessment_question_identifierref", stable_id(ident, "assessment_question")),
    ):
        field = element(fields, "qtimetadatafield")
        element(field, "fieldlabel", text=label)
        element(field, "fieldentry", text=entry)
    presentation = element(node, "presentation")
    _material(presentation, f"<div>{item.html}</div>")
    if item.kind == "text":
        return
    conditions = _responses(presentation, item, ident)
    processing = element(node, "resprocessing")
    element(
        element(processing, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    if item.feedback:  # shown once the student has submitted, as Canvas does it
        shown = element(processing, "respcondition", {"continue": "Yes"})
        element(element(shown, "conditionvar"), "other")
        element(shown, "displayfeedback", {"feedbacktype": "Response", "linkrefid": "general_fb"})
    for respident, value, action, score in conditions:
        condition = element(
            processing, "respcondition", {"continue": "Yes" if action == "Add" else "No"}
        )
        test = element(condition, "conditionvar")
        if respident:
            element(test, "varequal", {"respident": respident}, value)
        else:
            element(test, "other")
        if score:
            element(condition, "setvar", {"action": action, "varname": "SCORE"}, score)
    if item.feedback:
        _material(
            element(element(node, "itemfeedback", {"ident": "general_fb"}), "flow_mat"),
            item.feedback,
        )


def _responses(presentation: ET.Element, item: Item, ident: str) -> list[tuple]:
    """The item's answer fields; returns its scoring as (response, value, action, score)
    rows, the way Canvas's own export scores each type."""
    if item.kind == "essay":
        field = element(
            presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
        )
        element(
            element(field, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"}
        )
        return [("", "", "Set", "")]
    if item.kind == "matching":
        return _matching(presentation, item)
    if item.kind == "truefalse":
        labels = [
            (stable_id(ident, "true"), "True", True),
            (stable_id(ident, "false"), "False", False),
        ]
        labels = [(i, text, item.answer is correct) for i, text, correct in labels]
        texttype = "text/plain"
    else:
        labels = [(c.ident, c.html, c.correct) for c in item.choices]
        texttype = "text/html"
    field = element(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single"})
    choices = element(field, "render_choice")
    for label, text, _ in labels:
        _material(element(choices, "response_label", {"ident": label}), text, texttype)
    right = next(label for label, _, correct in labels if correct)
    return [("response1", right, "Set", "100")]


def _menu(item: Item) -> list[str]:
    """The distinct answers in natural order ("2" before "10", "A." before "B."), unless
    that lines them up with the rows (a `fill` timeline: events and dates both in date
    order), which would give the answers away: then in an order of their own, the same
    in every export."""
    answers = sorted({right for _, right in item.pairs}, key=natural_key)
    in_row_order = list(dict.fromkeys(right for _, right in item.pairs))
    if len(answers) > 1 and answers == in_row_order:
        answers.sort(key=lambda answer: stable_id(item.ident, answer))
        if answers == in_row_order:
            answers = answers[1:] + answers[:1]
    return answers


def _matching(presentation: ET.Element, item: Item) -> list[tuple]:
    """Canvas's matching: a menu per row, each holding every distinct answer; the answers'
    identifiers are numbers, as Canvas's importer reads them; each right row adds its
    share of 100."""
    answers = _menu(item)
    number = {right: str(1000 + n) for n, right in enumerate(answers, 1)}
    share = f"{100 / len(item.pairs):.2f}"
    scoring = []
    for n, (left, right) in enumerate(item.pairs, 1):
        field = element(presentation, "response_lid", {"ident": f"response_{n}"})
        _material(field, left, "text/plain")
        menu = element(field, "render_choice")
        for answer in answers:
            _material(
                element(menu, "response_label", {"ident": number[answer]}), answer, "text/plain"
            )
        scoring.append((f"response_{n}", number[right], "Add", share))
    return scoring
