"""A drawn timeline, as inline SVG, for the printed timeline worksheet.

A table of dates tells students the order of events but not their spacing: that
Sputnik came five years before the missile crisis, and that the crisis itself was
thirteen days. The drawing puts events on a vertical axis to scale, so the gaps
show. The key labels each event with its date; the student sheet (`fill` mode)
shows a numbered blank where the date is to be written, and no dates at all.

This module only writes the SVG text, from a drawing already laid out by
`timeline_layout` (where the axis, dots, leaders and labels go). SVG user units
are points (72 to the inch), so it prints the same through WeasyPrint on Letter or
A4, in black on white for the photocopier. Labels come from untrusted lesson files
and are always escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .timeline_layout import (
    PT_PER_IN,
    TICK_GAP,
    TICK_LEN,
    PlacedLabel,
    Plan,
    TimelineEvent,
    anchor_offset,
    axis_y,
    head_baseline,
    head_height,
    plan_timeline,
)

OVERHANG = 6.0  # the axis runs on a little past its first and last ticks
DOT_R = 2.6
ELBOW = 14.0  # leaders run level this far right of the axis, then slant to their label

FONT_FAMILY = "'DejaVu Sans', sans-serif"


def _f(value: float) -> str:
    return f"{value:.2f}"


def _inches(points: float) -> str:
    return f"{points / PT_PER_IN:.4f}in"


def _line(x1: float, y1: float, x2: float, y2: float, width: float) -> str:
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
        f'stroke="#000" stroke-width="{width}"/>'
    )


def _draw_axis(plan: Plan) -> list[str]:
    x = plan.columns.axis_x
    top, bottom = (axis_y(end, plan.domain, plan.height) for end in plan.domain)
    parts = [_line(x, top - OVERHANG, x, bottom + OVERHANG, 1.2)]
    for tick in plan.ticks:
        y = axis_y(tick.pos, plan.domain, plan.height)
        parts.append(_line(x - TICK_LEN, y, x, y, 0.8))
        parts.append(
            f'<text class="tick" x="{_f(x - TICK_LEN - TICK_GAP)}" '
            f'y="{_f(y + plan.sizes.tick * 0.36)}" font-size="{plan.sizes.tick}" '
            'text-anchor="end">'
            f"{escape(tick.text)}</text>"
        )
    return parts


def _draw_leader(plan: Plan, label: PlacedLabel, show_answers: bool) -> str:
    x = plan.columns.axis_x
    points = [
        (x + DOT_R + 1.0, label.axis_y),
        (x + ELBOW, label.axis_y),
        (plan.columns.leader_end, label.label_y + anchor_offset(show_answers, plan.sizes)),
    ]
    text = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
    return f'<polyline points="{text}" fill="none" stroke="#000" stroke-width="0.6"/>'


def _draw_dot(plan: Plan, label: PlacedLabel) -> str:
    x = plan.columns.axis_x
    return f'<circle cx="{_f(x)}" cy="{_f(label.axis_y)}" r="{_f(DOT_R)}" fill="#000"/>'


def _draw_label(plan: Plan, label: PlacedLabel, show_answers: bool) -> list[str]:
    """The event number, then the date in bold (key) or a blank to write it on (student),
    then the wrapped label lines."""
    event, x, sizes = label.event, plan.columns.text_x, plan.sizes
    baseline = label.label_y + head_baseline(show_answers, sizes)
    parts = [
        f'<text x="{_f(plan.columns.number_x)}" y="{_f(baseline)}" font-weight="bold" '
        f'text-anchor="end">{escape(event.number)}.</text>'
    ]
    spans = []
    if show_answers:
        spans.append(
            f'<tspan x="{_f(x)}" y="{_f(baseline)}" font-weight="bold">'
            f"{escape(str(event.date))}</tspan>"
        )
    else:
        parts.append(_line(x, baseline + 1.0, x + sizes.write_line, baseline + 1.0, 0.6))
    first_line = label.label_y + head_height(show_answers, sizes) + sizes.ascent
    for line in plan.lines[id(event)]:
        position = f'dy="{_f(sizes.line)}"' if spans else f'y="{_f(first_line)}"'
        spans.append(f'<tspan x="{_f(x)}" {position}>{escape(line)}</tspan>')
    parts.append(f"<text>{''.join(spans)}</text>")
    return parts


def timeline_svg(
    events: list[TimelineEvent],
    *,
    width_in: float,
    show_answers: bool,
    title: str,
    large_print: bool = False,
) -> Markup:
    """The whole drawing as an inline <svg> element (escaped, safe to put in HTML);
    `large_print` draws its text at 16 pt (SPEC §4)."""
    plan = plan_timeline(
        events, width_in=width_in, show_answers=show_answers, large_print=large_print
    )
    name = escape(f"Timeline: {title}")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline-svg" '
        f'width="{_inches(plan.width)}" height="{_inches(plan.height)}" '
        f'viewBox="0 0 {_f(plan.width)} {_f(plan.height)}" role="img" aria-label="{name}" '
        f'font-family="{FONT_FAMILY}" font-size="{plan.sizes.label}" fill="#000">',
        f"<title>{name}</title>",
    ]
    if plan.placed:
        parts += _draw_axis(plan)
        parts += [_draw_leader(plan, label, show_answers) for label in plan.placed]
        parts += [_draw_dot(plan, label) for label in plan.placed]
        for label in plan.placed:
            parts += _draw_label(plan, label, show_answers)
    parts.append("</svg>")
    return Markup("\n".join(parts))
