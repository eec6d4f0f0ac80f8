"""The timeline worksheet in its three modes (SPEC §2), with its seeded shuffle and the
drawn timeline: in the key always, on the student sheet in `fill` mode only."""

from __future__ import annotations

import random

from markupsafe import Markup

from ..letters import letter
from ..project.models import Timeline
from . import text
from .views import EventView, TimelineView

DRAWING_WIDTH_IN = 6.7  # fits the text column of Letter and A4
MAX_DRAWING_PT = 8.4 * 72  # leaves room for the page's banner and footer on Letter


def timeline_view(
    timeline: Timeline, rng: random.Random, large_print: bool = False
) -> TimelineView:
    chronological = sorted(timeline.events, key=lambda e: e.date.sort_key)
    count = len(chronological)
    title = timeline.title or "Timeline"
    position = {id(event): i for i, event in enumerate(chronological)}
    if timeline.mode == "order":
        printed = _shuffled(chronological, rng)
        events = [_event(str(position[id(e)] + 1), e) for e in printed]
        default = f"Number the events from 1 (earliest) to {count} (latest)."
        dates: list[tuple[str, str]] = []
    elif timeline.mode == "fill":
        events = [_event(str(i + 1), e) for i, e in enumerate(chronological)]
        default = "Write the date of each event on its line."
        dates = []
    else:
        printed = _shuffled(chronological, rng)
        slot = {id(e): letter(i) for i, e in enumerate(printed)}
        events = [_event(slot[id(e)], e) for e in printed]
        dates = [(str(e.date), slot[id(e)]) for e in chronological]
        default = "Write the letter of the matching event beside each date."
    drawing_key, drawing_student = _drawings(timeline, chronological, events, title, large_print)
    return TimelineView(
        title,
        text.inline(timeline.instructions or default),
        timeline.mode,
        events,
        dates,
        drawing_key,
        drawing_student,
        None if timeline.points is None else timeline.points * count,
    )


def _event(key: str, event) -> EventView:
    return EventView(key, str(event.date), event.label, text.inline(event.text))


def _drawings(
    timeline: Timeline, chronological: list, events: list[EventView], title: str, large_print: bool
) -> tuple[list[Markup], list[Markup]]:
    from .timeline_layout import TimelineEvent
    from .timeline_svg import timeline_svg

    number = {(e.label, e.date): e.key for e in events}
    placed = [TimelineEvent(e.date, e.label, number[(e.label, str(e.date))]) for e in chronological]
    parts = _parts(placed, large_print)

    def draw(show_answers: bool) -> list[Markup]:
        return [
            timeline_svg(
                part,
                width_in=DRAWING_WIDTH_IN,
                show_answers=show_answers,
                title=title if len(parts) == 1 else f"{title} (part {n} of {len(parts)})",
                large_print=large_print,
            )
            for n, part in enumerate(parts, start=1)
        ]

    return draw(True), draw(False) if timeline.mode == "fill" else []


def _parts(events: list, large_print: bool) -> list[list]:
    """Split a timeline too tall for one page into consecutive parts that each fit (more
    of them in large print, whose labels take more lines)."""
    from .timeline_layout import layout_timeline

    count = 1
    while True:
        size = -(-len(events) // count)
        parts = [events[i : i + size] for i in range(0, len(events), size)]
        heights = [
            layout_timeline(
                part, width_in=DRAWING_WIDTH_IN, show_answers=False, large_print=large_print
            )[1]
            for part in parts
        ]
        if max(heights) <= MAX_DRAWING_PT or size == 1:
            return parts
        count += 1


def _shuffled(events: list, rng: random.Random) -> list:
    """A reproducible shuffle that is never the answer itself (SPEC §2)."""
    shuffled = list(events)
    rng.shuffle(shuffled)
    if shuffled == events:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled
