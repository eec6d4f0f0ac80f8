"""Deterministic lesson projects of increasing size for the speed benchmark.

The benchmark needs realistic input that is the same on every run: lessons with two
readings (Markdown files or inline text, some line-numbered, with glossaries), 6-10
questions of every kind and an 8-event timeline. The text is the sample lesson's
readings, shuffled sentence by sentence with a fixed seed per lesson, so no two
lessons are identical but every run produces the same bytes.

    python benchmarks/generate.py SIZE DEST      # SIZE: one, ten, thirty or long
"""

from __future__ import annotations

import random
import re
import sys
from functools import cache
from pathlib import Path

import yaml

SIZES = ("one", "ten", "thirty", "long")
SAMPLE = Path(__file__).resolve().parent.parent / "lessons" / "cuban-missile-crisis"

TOPICS = [
    "Origins of the Cuban Missile Crisis",
    "Sputnik and the missile gap",
    "The Bay of Pigs",
    "Thirteen days in October",
    "Jupiter missiles in Turkey",
    "Brinkmanship and diplomacy",
    "The Cold War in the Caribbean",
    "Khrushchev and Kennedy",
    "The quarantine of Cuba",
    "After the crisis: the hotline",
]
GLOSSARY = {
    "deterrent": "a weapon or threat meant to stop an attack before it starts",
    "Socialist bloc": "the Soviet Union and the communist countries allied with it",
    "missile gap": "a supposed difference in the number of missiles each superpower had",
    "brinkmanship": "pushing a dangerous situation to the edge of war to win",
    "blockade": "using warships to stop goods from reaching a place",
    "superpower": "a country with the power to act everywhere in the world",
    "arms race": "a contest between countries to build more and better weapons",
    "Western Hemisphere": "the half of the Earth that holds the Americas",
    "declassified": "no longer secret; released to the public",
    "ballistic missile": "a rocket that flies a high arc and falls on its target",
}
EVENTS = [
    ("1957-10-04", "The Soviet Union launches Sputnik 1"),
    ("1958-01-31", "The United States launches Explorer 1"),
    ("1959-01-01", "Fidel Castro's revolution takes power in Cuba"),
    ("1959-10", "The U.S. agrees with Turkey to base Jupiter missiles there"),
    ("1960-05-01", "A U-2 spy plane is shot down over the Soviet Union"),
    ("1960-11-08", "John F. Kennedy is elected president"),
    ("1961-04-17", "The Bay of Pigs invasion begins"),
    ("1961-08-13", "East Germany closes the border in Berlin"),
    ("1961-11-30", "Kennedy approves Operation Mongoose against Castro"),
    ("1962-05", "Soviet leaders decide to send nuclear missiles to Cuba"),
    ("1962-10-14", "A U-2 photographs missile sites in Cuba"),
    ("1962-10-22", "Kennedy announces a naval quarantine of Cuba"),
    ("1962-10-27", "A U-2 is shot down over Cuba"),
    ("1962-10-28", "Khrushchev announces the missiles will be dismantled"),
    ("1963-06-20", "The Washington–Moscow hotline agreement is signed"),
    ("1963-08-05", "The Limited Test Ban Treaty is signed"),
]
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">'
    '<rect x="1" y="1" width="398" height="158" fill="none" stroke="black"/>'
    '<circle cx="90" cy="60" r="8"/><text x="105" y="65" font-size="14">Florida</text>'
    '<circle cx="200" cy="120" r="8"/><text x="215" y="125" font-size="14">Cuba</text>'
    '<line x1="90" y1="60" x2="200" y2="120" stroke="black" stroke-dasharray="4"/></svg>'
)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # lessonpack refuses YAML aliases
        return True


@cache
def _sentences() -> tuple[str, ...]:
    """Every sentence of the sample lesson's readings, without markup."""
    found = []
    for name in ("origins.md", "us-aims.md", "origins-original.md"):
        text = (SAMPLE / "readings" / name).read_text(encoding="utf-8")
        text = re.sub(r"\{#[\w-]+\}|\*\*|^\d+\.\s", "", text, flags=re.M)
        text = text.replace("…show more content…", " ")
        for sentence in re.split(r"(?<=[.?!])\s+(?=[A-Z“\"])", text.replace("\n", " ")):
            sentence = sentence.strip()
            if len(sentence) > 40 and sentence[-1] in ".?!" and sentence not in found:
                found.append(sentence)
    return tuple(found)


def _paragraphs(rng: random.Random, pool: list[str], count: int) -> list[str]:
    return [" ".join(rng.sample(pool, rng.randint(2, 3))) for _ in range(count)]


def _words(sentence: str, n: int = 9) -> str:
    return " ".join(sentence.replace('"', "").split()[:n]).rstrip(",;:.")


def _reading(rng, pool, folder: Path, rid: str, index: int, paragraphs: int, numbered: bool):
    clean = _paragraphs(rng, pool, paragraphs)
    paras, anchors = list(clean), []
    if numbered:
        for k in range(1, len(paras), max(1, len(paras) // 3)):
            anchors.append(f"{rid}-p{k}")
            paras[k] = f"{{#{anchors[-1]}}}{paras[k]}"
    body = "\n\n".join(paras) + "\n"
    reading = {
        "id": rid,
        "title": _words(rng.choice(pool), 7),
        "source": f"Anonymous web text {index} (web, n.d.), excerpt, modified",
        "headnote": rng.choice(pool),
        "focus_question": f'What does the author mean by "{_words(rng.choice(pool), 6)}"?',
    }
    if index % 4 == 3:  # some readings are written inline
        reading["text"] = body
    else:
        (folder / "readings").mkdir(parents=True, exist_ok=True)
        (folder / "readings" / f"{rid}.md").write_text(body, encoding="utf-8")
        reading["file"] = f"readings/{rid}.md"
    reading["line_numbers"] = numbered
    if index % 3 == 0:
        (folder / "images").mkdir(parents=True, exist_ok=True)
        (folder / "images" / "map.svg").write_text(SVG, encoding="utf-8")
        reading["images"] = [
            {"file": "images/map.svg", "alt": "Map: Cuba 90 miles from Florida", "caption": "Cuba"}
        ]
    terms = [t for t in GLOSSARY if re.search(rf"(?<![\w-]){t}", body, re.I)][:3]
    reading["glossary"] = [{"term": t, "meaning": GLOSSARY[t]} for t in terms]
    return reading, clean, anchors  # questions quote the text without anchors


def _questions(rng, pool, readings, count: int) -> list[dict]:
    """Sourcing, close reading (citing lines), choice, true/false, and one long question."""
    questions = []
    for n in range(count - 1):
        rid, paras, anchors = readings[n % len(readings)]
        quote = _words(rng.choice(paras), 10)
        kind = ("short", "short", "choice", "truefalse")[n % 4]
        q = {"id": f"q{n + 1}", "reading": rid, "kind": kind, "points": rng.randint(1, 3)}
        if kind == "choice":
            choices = [_words(s, 6) for s in rng.sample(pool, 4)]
            q["prompt"] = f'Which of these does the document say after "{quote}"?'
            q["choices"] = choices
            q["answer"] = "ABCD"[rng.randrange(4)]
        elif kind == "truefalse":
            q["prompt"] = f"The document says: {rng.choice(pool)}"
            q["answer"] = True
        else:
            where = f" at {{line:{rng.choice(anchors)}}}" if anchors else ""
            q["prompt"] = f'What does the author mean by "{quote}"{where}? Explain.'
            q["lines"] = rng.randint(2, 4)
            q["answer"] = rng.choice(pool)
        q["group"] = ("Sourcing", "Close reading", "Corroboration")[min(n // 3, 2)]
        questions.append(q)
    points = rng.choice((6, 8, 10))
    questions.append(
        {
            "id": f"q{count}",
            "group": "Extended response",
            "prompt": "Using both documents, answer the central question.",
            "kind": "long",
            "lines": 8,
            "points": points,
            "answer": ["A clear claim", "Evidence from both documents", "An explanation"],
            "rubric": [
                {"points": points, "label": "Thorough", "descriptor": "Claim, evidence, reasons."},
                {"points": points // 2, "label": "Partial", "descriptor": "Claim, thin evidence."},
                {"points": 1, "label": "Beginning", "descriptor": "A restatement."},
            ],
        }
    )
    return questions


def write_lesson(
    lessons: Path, index: int, paragraphs: int = 2, questions: int | None = None
) -> str:
    """One lesson folder under `lessons/`; returns its slug."""
    rng = random.Random(1000 + index)
    pool = list(_sentences())
    rng.shuffle(pool)
    topic = TOPICS[index % len(TOPICS)]
    slug = f"lesson-{index + 1:03d}-" + re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")
    folder = lessons / slug
    folder.mkdir(parents=True, exist_ok=True)
    numbered = index % 2 == 0
    first = _reading(rng, pool, folder, "doc-a", index, paragraphs, numbered)
    second = _reading(rng, pool, folder, "doc-b", index + 1, paragraphs, not numbered)
    events = sorted(rng.sample(EVENTS, 8))
    mode = ("order", "fill", "match")[index % 3]
    lesson = {
        "title": f"{topic} ({index + 1})",
        "subtitle": "A generated lesson for the speed benchmark",
        "subject": "U.S. History",
        "grade": "9-12",
        "duration": "50 minutes",
        "language": "en",
        "central_question": "Why did the Soviet Union put nuclear missiles in Cuba in 1962?",
        "objectives": [_words(s, 12) for s in rng.sample(pool, 2)],
        "readings": [first[0], second[0]],
        "questions": _questions(
            rng,
            pool,
            [(r["id"], paras, anchors) for r, paras, anchors in (first, second)],
            questions or rng.randint(6, 10),
        ),
        "timeline": {
            "title": "Key events",
            "mode": mode,
            "instructions": "Number the events from 1 (earliest) to 8 (latest)."
            if mode == "order"
            else "Fill in or match the dates.",
            "events": [
                {"date": d, "label": label, "text": rng.choice(pool)} for d, label in events
            ],
        },
    }
    text = yaml.dump(lesson, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
    (folder / "lesson.yaml").write_text(text, encoding="utf-8")
    return slug


def generate(size: str, dest: Path) -> Path:
    """Write the project for `size` into `dest` (which holds `lessons/`); returns `dest`."""
    lessons = dest / "lessons"
    if size == "long":  # one lesson of ~100 pages: long readings, many questions
        write_lesson(lessons, 0, paragraphs=280, questions=180)
        return dest
    count = {"one": 1, "ten": 10, "thirty": 30}[size]
    slugs = [write_lesson(lessons, i) for i in range(count)]
    if size == "thirty":
        listed = "".join(f"  - {slug}\n" for slug in slugs)
        (lessons / "unit.bundle.yaml").write_text(
            "title: Cold War unit\nclass: Period 4, U.S. History\nteacher: Mr. Okafor\n"
            "date: 2026-09-14\npaper: letter\nduplex: true\ncover: true\nversions: 1\n"
            f"seed: 1\nlessons:\n{listed}",
            encoding="utf-8",
        )
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in SIZES:
        sys.exit(f"usage: python benchmarks/generate.py {{{','.join(SIZES)}}} DEST")
    print(generate(sys.argv[1], Path(sys.argv[2])))
