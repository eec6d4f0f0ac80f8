"""The hard lessons of SPEC §4 as YAML, shared by the tests that build them
(test_fixtures.py, test_large_print_sizes.py): a long reading, twenty questions, a long
BCE-to-CE timeline, Unicode names and very long words. FIXTURES maps each name to a
function giving (lesson.yaml text, {file name: content})."""

from __future__ import annotations

import textwrap
from pathlib import Path

SENTENCE = (
    "The senate met in the curia while messengers rode along the roads to the "
    "frontier provinces, and the legions waited for their pay. "
)


def _long_reading() -> tuple[str, dict[str, str]]:
    paragraphs = "\n\n".join(SENTENCE * 6 for _ in range(14))
    yaml = """\
title: The long reading
readings:
  - id: annals
    title: Annals of a long century
    source: A chronicle (n.d.), excerpt
    headnote: A long text over several pages.
    line_numbers: true
    file: annals.md
    glossary:
      - term: senate
        meaning: the council of Rome
      - term: legions
        meaning: Roman army units
questions:
  - prompt: What waited at {line:pay}?
    reading: annals
    answer: The legions.
"""
    text = paragraphs.replace("and the legions waited", "and {#pay}the legions waited", 1)
    return yaml, {"annals.md": text}


def _twenty_questions() -> tuple[str, dict[str, str]]:
    kinds = []
    for n in range(1, 21):
        if n % 5 == 0:
            kinds.append(
                f"  - prompt: Explain change and continuity, part {n}.\n    kind: long\n"
                f"    points: 6\n    answer: [A claim, Evidence, Reasoning]\n"
                f"    rubric:\n      - points: 6\n        descriptor: All three.\n"
                f"      - points: 2\n        descriptor: One of them.\n"
            )
        elif n % 4 == 0:
            kinds.append(
                f"  - prompt: Statement number {n} is true.\n    kind: truefalse\n"
                f"    answer: true\n    points: 1\n"
            )
        elif n % 3 == 0:
            kinds.append(
                f"  - prompt: Pick the right answer for question {n}.\n"
                f"    kind: choice\n    choices: [First, Second, Third, Fourth]\n"
                f"    answer: D\n    points: 1\n"
            )
        else:
            kinds.append(
                f"  - prompt: Short question number {n}?\n    group: Part {n // 7 + 1}\n"
                f"    answer: Short answer {n}.\n    points: 2\n"
            )
    return "title: Twenty questions\nquestions:\n" + "".join(kinds), {}


def _long_timeline() -> tuple[str, dict[str, str]]:
    years = [
        "753 BC",
        "509 BCE",
        "264 BCE",
        "146 BCE",
        "73 BCE",
        "49 BCE",
        "44 BCE",
        "27 BCE",
        "AD 9",
        "64 CE",
        "79 CE",
        "117 CE",
        "212 CE",
        "285 CE",
        "312 CE",
        "330 CE",
        "378 CE",
        "410 CE",
        "455 CE",
        "476 CE",
    ]
    events = "".join(
        f"    - date: {y}\n      label: Event in the year {y}, with a longer label that wraps\n"
        for y in years
    )
    return f"title: Rome, 753 BCE to 476 CE\ntimeline:\n  mode: fill\n  events:\n{events}", {}


def _unicode() -> tuple[str, dict[str, str]]:
    return (
        """\
title: "Names: Ngô Quyền, Ἀλέξανδρος, صلاح الدين"
readings:
  - id: names
    title: Trần Hưng Đạo and Σωκράτης
    source: Nguyễn Trãi, Bình Ngô đại cáo (1428), excerpt
    text: |
      Trần Hưng Đạo defeated the Yuan fleet at Bạch Đằng in 1288. Ἡρόδοτος wrote of
      the Persian wars; صلاح الدين الأيوبي took Jerusalem in 1187.
questions:
  - prompt: Who was Lý Thường Kiệt, and who was Θεμιστοκλῆς?
    answer: A Vietnamese general; an Athenian statesman (صلاح الدين is Saladin).
timeline:
  events:
    - date: 1288
      label: Battle of Bạch Đằng
    - date: 1187
      label: صلاح الدين takes Jerusalem
""",
        {},
    )


def _long_words() -> tuple[str, dict[str, str]]:
    word = "Antidisestablishmentarianism" * 4
    url = "https://archive.example.org/" + "very-long-path-segment/" * 8 + "document.pdf"
    return (
        f"""\
title: Long words
readings:
  - id: a
    text: "{word} and <{url}>"
questions:
  - prompt: "Explain {word}."
    answer: "See {url}"
  - prompt: Choose.
    kind: choice
    choices: ["{word}", Short]
    answer: A
timeline:
  events:
    - date: 1900
      label: "{word}"
    - date: 1901
      label: Short
""",
        {},
    )


FIXTURES = {
    "long-reading": _long_reading,
    "twenty-questions": _twenty_questions,
    "long-timeline": _long_timeline,
    "unicode-names": _unicode,
    "long-words": _long_words,
}


def write_fixture(root: Path, name: str) -> Path:
    """Fixture lesson `name` as `root/lessons/<name>`; returns its folder."""
    yaml_text, files = FIXTURES[name]()
    folder = root / "lessons" / name
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
    for file, content in files.items():
        (folder / file).write_text(content, encoding="utf-8")
    return folder
