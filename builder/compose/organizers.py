"""Organizers -> the rows and cells both sheets print (SPEC §2 "Organizers").

A sourcing chart has a row per document and a column per prompt of its method; a
corroboration grid a row per claim and a column per printed document; a chart its
teacher's columns; a chain one row per step. Each row carries what the key prints in
its cells, so the student sheet (which leaves them blank) and the key share one layout.
"""

from __future__ import annotations

from markupsafe import Markup

from ..project.ids import organizer_id
from ..project.models import METHODS, Chain, Chart, CorroborationGrid, SourcingChart
from .views import DocumentView, OrganizerRowView, OrganizerView

DEFAULT_TITLES = {
    "sourcing": "Sourcing the documents",
    "corroboration": "Corroboration: do the documents agree?",
    "chain": "Cause and effect",
}
DEFAULT_INSTRUCTIONS = {
    "sourcing": "For each document, fill in every box from what the document and its "
    "source line tell you.",
    "corroboration": "For each claim and each document, write supports, contradicts or "
    "silent, and a few words of evidence.",
    "chart": "Fill in the chart with evidence from the documents.",
    "chain": "Fill in each empty box: every step causes the one after it.",
}


def organizer_views(
    organizers: list, documents: list[DocumentView], readings: list, anchor: str, resolve
) -> list[OrganizerView]:
    """The lesson's organizers as printed beside `documents`; `resolve` turns inline
    Markdown into HTML with `{line:name}` resolved for this layout."""
    sourcing = {reading.id: reading.sourcing for reading in readings}
    views = []
    for index, organizer in enumerate(organizers):
        oid = organizer_id(organizer, index)
        if isinstance(organizer, SourcingChart):
            columns, rows = _sourcing(organizer, documents, sourcing, resolve)
            if not rows:  # a bundle left out every document it names
                continue
        elif isinstance(organizer, CorroborationGrid):
            columns, rows = _corroboration(organizer, documents, resolve)
        elif isinstance(organizer, Chart):
            columns, rows = list(organizer.columns), _chart(organizer, resolve)
        else:
            columns, rows = ["Step"], _chain(organizer, resolve)
        instructions = organizer.instructions or DEFAULT_INSTRUCTIONS[organizer.kind]
        views.append(
            OrganizerView(
                id=oid,
                anchor=f"{anchor}-{oid}",
                kind=organizer.kind,
                title=organizer.title or _default_title(organizer),
                instructions=resolve(instructions),
                points=organizer.points,
                columns=columns,
                rows=rows,
                student_rows=organizer.rows if isinstance(organizer, Chart) else len(rows),
            )
        )
    return views


def _default_title(organizer) -> str:
    if isinstance(organizer, Chart):
        names = list(organizer.columns)
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return DEFAULT_TITLES[organizer.kind]


def _sourcing(chart: SourcingChart, documents, sourcing, resolve):
    method = METHODS[chart.method]
    wanted = chart.readings if chart.readings is not None else [d.id for d in documents]
    rows = []
    for document in documents:
        if document.id not in wanted:
            continue
        values = sourcing[document.id].model_dump() if sourcing.get(document.id) else {}
        cells = [
            Markup(", ").join(resolve(values[name]) for name in fields if values.get(name))
            for _, fields in method
        ]
        rows.append(
            OrganizerRowView(
                head=Markup(""),
                cells=cells,
                label=document.label,
                title=document.title,
                source=document.source,
            )
        )
    return [label for label, _ in method], rows


def _corroboration(grid: CorroborationGrid, documents, resolve):
    """Columns are the documents printed; answers for documents left out are ignored."""
    columns = [f"Document {document.label}" for document in documents]
    rows = [
        OrganizerRowView(
            head=resolve(claim.text),
            cells=[Markup(claim.answers.get(document.id, "")) for document in documents],
            note=resolve(claim.note),
        )
        for claim in grid.claims
    ]
    return columns, rows


def _chart(chart: Chart, resolve) -> list[OrganizerRowView]:
    """As many rows as the student gets, or as the longest column of answers needs."""
    answers = [list(column) for column in chart.answers]
    answers += [[] for _ in range(len(chart.columns) - len(answers))]
    count = max([chart.rows, *(len(column) for column in answers)])
    return [
        OrganizerRowView(
            head=Markup(""),
            cells=[resolve(column[r]) if r < len(column) else Markup("") for column in answers],
        )
        for r in range(count)
    ]


def _chain(chain: Chain, resolve) -> list[OrganizerRowView]:
    return [
        OrganizerRowView(
            head=Markup(str(number)),
            cells=[resolve(step.given if step.given is not None else step.answer)],
            given=step.given is not None,
        )
        for number, step in enumerate(chain.steps, start=1)
    ]
