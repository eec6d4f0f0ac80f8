"""Typed lesson models: what a teacher may write in `lesson.yaml`, and nothing else.

Pydantic checks shapes, types and limits (SPEC §2); `extra="forbid"` turns a typo'd
field into an error that lesson.py enriches with a "did you mean" suggestion. Every
scalar arrives as text (yamlfile.py does no type guessing), so numbers, booleans
and dates are converted here by rules we control.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from .dates import HistDate
from .paper_names import Paper

MAX_QUESTIONS = 500
MAX_READINGS = 50
MAX_EVENTS = 200
MAX_LINES = 30


def _strict_bool(value: object) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f"'{value}' is not a yes/no value lessonpack accepts: use true or false")


def _hist_date(value: object) -> HistDate:
    if isinstance(value, HistDate):
        return value
    if not isinstance(value, str):
        raise ValueError("a date must be written as text such as 1962-10-22")
    return HistDate.parse(value)


Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Date = Annotated[HistDate, BeforeValidator(_hist_date)]
Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class GlossaryEntry(Model):
    term: Text
    meaning: Text


class Image(Model):
    file: Text  # relative to lesson.yaml, inside the project
    alt: Text  # what a screen reader says; required, the PDFs are tagged
    caption: Text | None = None
    credit: Text | None = None


class Sourcing(Model):
    """What the key's sourcing chart says about a document (SPEC §2 "Organizers")."""

    author: Text | None = None  # SOAPSTone's Speaker
    date: Text | None = None
    place: Text | None = None
    occasion: Text | None = None
    audience: Text | None = None
    purpose: Text | None = None  # APPARTS's Reason
    point_of_view: Text | None = None
    context: Text | None = None
    subject: Text | None = None
    tone: Text | None = None
    main_idea: Text | None = None
    significance: Text | None = None
    prior_knowledge: Text | None = None


class Reading(Model):
    id: Id
    title: Text | None = None
    source: Text | None = None
    headnote: Text | None = None
    focus_question: Text | None = None
    file: Text | None = None
    text: Text | None = None
    original: Text | None = None  # the unmodified excerpt (Markdown) ...
    original_file: Text | None = None  # ... or a file holding it
    show_original: Bool = False
    line_numbers: Bool = False
    images: Annotated[list[Image], Field(max_length=20)] = []
    glossary: list[GlossaryEntry] = []
    sourcing: Sourcing | None = None


QuestionKind = Literal["short", "long", "choice", "truefalse"]


class RubricLevel(Model):
    points: Annotated[int, Field(ge=0, le=1000)]
    label: Text | None = None  # e.g. "Thorough"
    descriptor: Text


Points = Annotated[int, Field(ge=0, le=1000)]


class Question(Model):
    id: Id | None = None
    reading: Id | None = None
    prompt: Text
    kind: QuestionKind = "short"
    lines: Annotated[int, Field(ge=0, le=MAX_LINES)] | None = None
    points: Points | None = None
    choices: Annotated[list[Text], Field(min_length=2, max_length=8)] | None = None
    answer: Text | list[Text] | None = None
    rubric: Annotated[list[RubricLevel], Field(min_length=1, max_length=8)] | None = None
    group: Text | None = None  # a heading printed when the group changes
    tier: Literal["core", "extension"] | None = None  # a bundle may keep only some tiers


class Event(Model):
    date: Date
    label: Text
    text: Text | None = None


class Timeline(Model):
    title: Text | None = None
    instructions: Text | None = None
    mode: Literal["order", "fill", "match"] = "order"
    points: Points | None = None  # per correct row (event or date); then it is scored
    events: Annotated[list[Event], Field(min_length=2, max_length=MAX_EVENTS)]


# --- organizers: worksheets printed after the questions, filled in on the key ---------

MAX_ORGANIZERS = 20


class OrganizerBase(Model):
    id: Id | None = None  # o1, o2, ... by position when not given
    title: Text | None = None
    instructions: Text | None = None
    points: Points | None = None


# Each method's columns (SPEC §2), and the `sourcing:` fields the key fills them from.
METHODS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "basic": [
        ("Author", ("author",)),
        ("Date", ("date",)),
        ("Audience", ("audience",)),
        ("Purpose", ("purpose",)),
    ],
    "hipp": [
        ("Historical context", ("context",)),
        ("Intended audience", ("audience",)),
        ("Purpose", ("purpose",)),
        ("Point of view", ("point_of_view",)),
    ],
    "soapstone": [
        ("Speaker", ("author",)),
        ("Occasion", ("occasion",)),
        ("Audience", ("audience",)),
        ("Purpose", ("purpose",)),
        ("Subject", ("subject",)),
        ("Tone", ("tone",)),
    ],
    "apparts": [
        ("Author", ("author",)),
        ("Place and time", ("place", "date")),
        ("Prior knowledge", ("prior_knowledge",)),
        ("Audience", ("audience",)),
        ("Reason", ("purpose",)),
        ("The main idea", ("main_idea",)),
        ("Significance", ("significance",)),
    ],
}


class SourcingChart(OrganizerBase):
    kind: Literal["sourcing"]
    method: Literal["basic", "hipp", "soapstone", "apparts"] = "basic"
    readings: Annotated[list[Id], Field(min_length=1)] | None = None  # default: every reading


class Claim(Model):
    text: Text
    answers: dict[str, Literal["supports", "contradicts", "silent"]] = {}  # reading id -> word
    note: Text | None = None  # key only


class CorroborationGrid(OrganizerBase):
    kind: Literal["corroboration"]
    claims: Annotated[list[Claim], Field(min_length=1, max_length=30)]


class Chart(OrganizerBase):
    kind: Literal["chart"]
    columns: Annotated[list[Text], Field(min_length=2, max_length=4)]
    rows: Annotated[int, Field(ge=1, le=12)] = 4  # blank rows on the student sheet
    answers: list[list[Text]] = []  # one list per column


class Step(Model):
    given: Text | None = None  # printed on both sheets
    answer: Text | None = None  # a blank box on the student sheet, filled on the key


class Chain(OrganizerBase):
    kind: Literal["chain"]
    steps: Annotated[list[Step], Field(min_length=2, max_length=12)]


ORGANIZER_KINDS = {
    "sourcing": "SourcingChart",
    "corroboration": "CorroborationGrid",
    "chart": "Chart",
    "chain": "Chain",
}


def _organizer_kind(value: object) -> object:
    """The model an organizer's `kind` names; an unknown kind is an error naming the four
    (and the nearest one), before pydantic would try all four models."""
    if isinstance(value, dict):
        kind = value.get("kind")
        if kind is None:
            raise ValueError(f"an organizer needs a 'kind': one of {', '.join(ORGANIZER_KINDS)}")
        if kind not in ORGANIZER_KINDS:
            close = difflib.get_close_matches(str(kind), list(ORGANIZER_KINDS), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ValueError(
                f"'kind' must be one of {', '.join(ORGANIZER_KINDS)}, not '{kind}'{hint}"
            )
    return value


def _organizer_tag(value: object) -> str | None:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return ORGANIZER_KINDS.get(kind)


Organizer = Annotated[
    Annotated[SourcingChart, Tag("SourcingChart")]
    | Annotated[CorroborationGrid, Tag("CorroborationGrid")]
    | Annotated[Chart, Tag("Chart")]
    | Annotated[Chain, Tag("Chain")],
    Discriminator(_organizer_tag),
    BeforeValidator(_organizer_kind),
]


Section = Literal["readings", "questions", "organizers", "timeline"]


def _one_or_list(value: object) -> object:
    """`page_break_before: timeline` reads as the one-item list it means."""
    return [value] if isinstance(value, str) else value


# Sections that start on a fresh page (SPEC §2): otherwise each follows the one before.
PageBreaks = Annotated[list[Section], BeforeValidator(_one_or_list), Field(max_length=4)]


class Lesson(Model):
    title: Text
    subtitle: Text | None = None
    subject: Text | None = None
    grade: Text | None = None
    duration: Text | None = None
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")] = "en"
    central_question: Text | None = None
    objectives: list[Text] = []
    readings: Annotated[list[Reading], Field(max_length=MAX_READINGS)] = []
    questions: Annotated[list[Question], Field(max_length=MAX_QUESTIONS)] = []
    timeline: Timeline | None = None
    organizers: Annotated[list[Organizer], Field(max_length=MAX_ORGANIZERS)] = []
    page_break_before: PageBreaks = []


# --- bundles: a packet of lessons for one class (SPEC §2) ------------------------------

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Tier = Literal["core", "extension"]


def _false_or_mapping(value: object) -> object:
    """A bundle entry's `timeline`: true, false, or fields such as `mode: fill`; nothing
    else (not yes, on or 1, which `duplex` and the other yes/no fields refuse too)."""
    if isinstance(value, dict | bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    shown = "a list" if isinstance(value, list) else f"'{value}'"
    raise ValueError(
        f"{shown} is not a timeline setting lessonpack accepts: use true, false, "
        "or a mode such as {mode: fill}"
    )


def _slug_or_mapping(value: object) -> object:
    return {"lesson": value} if isinstance(value, str) else value


class TimelineOverride(Model):
    mode: Literal["order", "fill", "match"]


class BundleLesson(Model):
    lesson: Slug
    questions: Annotated[list[Id], Field(min_length=1)] | None = None  # a subset, in order
    readings: list[Id] | None = None  # a subset
    timeline: Annotated[TimelineOverride | bool, BeforeValidator(_false_or_mapping)] = True
    tiers: Annotated[list[Tier], Field(min_length=1)] | None = None
    organizers: Bool = True  # false leaves the lesson's organizers out
    page_break_before: PageBreaks | None = None  # replaces the lesson's own list


class Bundle(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    title: Text
    class_name: Annotated[Text | None, Field(alias="class")] = None
    teacher: Text | None = None
    date: Date | None = None
    paper: Paper | None = None
    duplex: Bool = False
    cover: Bool | None = None  # default: a cover when the bundle has 2+ lessons
    versions: Annotated[int, Field(ge=1, le=26)] = 1
    seed: int = 1
    large_print: Bool = False
    roster: Text | None = None
    answer_sheets: Bool = False  # scannable answer sheets (SPEC §7)
    copies: Annotated[int, Field(ge=1, le=500)] = 30  # numbered sheets per version, no roster
    lessons: Annotated[
        list[Annotated[BundleLesson, BeforeValidator(_slug_or_mapping)]],
        Field(min_length=1, max_length=60),
    ]
