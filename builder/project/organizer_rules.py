"""Rules for organizers that span fields: unique ids, readings they name, a key that can
fill every cell (SPEC §2 "Organizers").

The models check each organizer's shape; these rules need the lesson's readings too.
A cell the key cannot fill is a warning (an error under `--strict`): the teacher may
want to fill it by hand, but should know before printing.
"""

from __future__ import annotations

from typing import Any

from .ids import organizer_id, twice, unknown_reading_hint
from .models import METHODS, Chain, Chart, CorroborationGrid, Reading, SourcingChart
from .text_rules import check_line_refs


def check_organizers(
    organizers: list[tuple[int, Any]],
    readings: list[tuple[int, Reading]],
    reading_ids: set[str],
    problem,
    links,
    anchors: dict,
) -> None:
    seen: set[str] = set()
    by_id = {reading.id: (i, reading) for i, reading in readings}
    for i, organizer in organizers:
        loc = ("organizers", i)
        oid = organizer_id(organizer, i)
        if oid in seen:
            twice("organizer", oid, "o", organizer.id is not None, loc, problem)
        seen.add(oid)

        def texts(value: object, where: tuple) -> None:
            check_line_refs(value, where, anchors, problem)
            links(value, where)

        texts(organizer.instructions, (*loc, "instructions"))
        if isinstance(organizer, SourcingChart):
            _sourcing(organizer, oid, loc, by_id, reading_ids, problem)
        elif isinstance(organizer, CorroborationGrid):
            _corroboration(organizer, oid, loc, readings, reading_ids, problem, texts)
        elif isinstance(organizer, Chart):
            _chart(organizer, oid, loc, problem, texts)
        elif isinstance(organizer, Chain):
            _chain(organizer, oid, loc, problem, texts)
    for i, reading in readings:
        for name, value in reading.sourcing or ():
            if value is not None:
                check_line_refs(value, ("readings", i, "sourcing", name), anchors, problem)
                links(value, ("readings", i, "sourcing", name))


def _sourcing(chart: SourcingChart, oid, loc, by_id, reading_ids, problem) -> None:
    chosen = chart.readings if chart.readings is not None else list(by_id)
    for j, rid in enumerate(chart.readings or []):
        if rid not in reading_ids:
            problem(
                f"organizer {oid} lists reading '{rid}', which this lesson does not have"
                + unknown_reading_hint(rid, reading_ids),
                (*loc, "readings", j),
            )
    columns = METHODS[chart.method]
    for rid in chosen:
        if rid not in by_id:
            continue
        index, reading = by_id[rid]
        values = reading.sourcing.model_dump() if reading.sourcing else {}
        missing = [
            (label, fields)
            for label, fields in columns
            if not any(values.get(name) for name in fields)
        ]
        if not missing:
            continue
        labels = ", ".join(label for label, _ in missing)
        fields = ", ".join(" or ".join(f"'{name}:'" for name in f) for _, f in missing)
        where = ("readings", index, "sourcing") if reading.sourcing else ("readings", index, "id")
        problem(
            f"the key's sourcing chart ({oid}, {chart.method}) cannot fill "
            f"{labels} for reading '{rid}': add {fields} under its 'sourcing:', or the "
            "key's cell stays blank",
            where,
            severity="warning",
            key=reading.sourcing is not None,
        )


def _corroboration(grid: CorroborationGrid, oid, loc, readings, reading_ids, problem, texts):
    for j, claim in enumerate(grid.claims):
        where = (*loc, "claims", j)
        texts(claim.text, (*where, "text"))
        texts(claim.note, (*where, "note"))
        for rid in claim.answers:
            if rid not in reading_ids:
                problem(
                    f"claim {j + 1} of organizer {oid} has an answer for reading '{rid}', "
                    "which this lesson does not have" + unknown_reading_hint(rid, reading_ids),
                    (*where, "answers", rid),
                    key=True,
                )
        missing = [reading.id for _, reading in readings if reading.id not in claim.answers]
        if missing:
            problem(
                f"claim {j + 1} of organizer {oid} has no answer for reading "
                f"{', '.join(repr(m) for m in missing)}: add '{missing[0]}: supports' (or "
                "contradicts, or silent) under its 'answers:', or the key's cell stays blank",
                where,
                severity="warning",
            )


def _chart(chart: Chart, oid, loc, problem, texts) -> None:
    if len(chart.answers) > len(chart.columns):
        problem(
            f"organizer {oid} has {len(chart.answers)} lists of answers but "
            f"{len(chart.columns)} columns: give one list per column, in the columns' order",
            (*loc, "answers"),
        )
    for j, column in enumerate(chart.answers):
        texts(column, (*loc, "answers", j))


def _chain(chain: Chain, oid, loc, problem, texts) -> None:
    for j, step in enumerate(chain.steps):
        where = (*loc, "steps", j)
        if (step.given is None) == (step.answer is None):
            problem(
                f"step {j + 1} of organizer {oid} needs exactly one of 'given' (printed on "
                "both sheets) or 'answer' (a blank box the key fills in)"
                + (", not both" if step.given is not None else ""),
                where,
            )
        texts(step.given, (*where, "given"))
        texts(step.answer, (*where, "answer"))
