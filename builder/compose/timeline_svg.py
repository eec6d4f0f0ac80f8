"""A drawn timeline, as inline SVG, for the printed timeline worksheet.

A table of dates tells students the order of events but not their spacing: that
Sputnik came five years before the missile crisis, and that the crisis itself was
thirteen days. This module draws events on a vertical axis to scale, so the gaps
show. The key labels each event with its date; the student sheet (`fill` mode)
shows a numbered blank where the date is to be written, and no dates at all.

The drawing is built from plain numbers (SVG user units are points: 72 to the
inch) so that it prints the same through WeasyPrint on Letter or A4, in black on
white for the photocopier. Events that sit close together on the axis get their
labels pushed apart and joined to their dots by thin leader lines; the drawing
grows taller when the labels need it. Labels come from untrusted lesson files and
are always escaped.
"""

from __future__ import annotations

import calendar
import math
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..project.dates import MONTHS, HistDate

PT_PER_IN = 72.0

LABEL_FONT = 8.5  # pt, event labels
TICK_FONT = 8.0  # pt, axis years; never below 7.5 for the photocopier
LINE = 10.6  # pt between label baselines
ASCENT = 8.0  # pt from the top of a line box to its baseline at LABEL_FONT
X_HEIGHT_MID = 3.0  # pt above the baseline where a leader points at the text
STUDENT_HEAD = 23.0  # pt: room to write a date above the blank, and air below it
BLANK_DROP = 3.0  # pt from the blank up to the baseline of the first student line
GAP = 4.5  # pt between label blocks
MAX_LINES = 3  # wrapped lines of event label text
WRAP_CHARS = 48

PAD_Y = 14.0  # pt above the first tick and below the last
MIN_AXIS_X = 66.0  # tick labels sit in the margin to the left of the axis
TICK_LEN = 5.0
OVERHANG = 6.0  # the axis runs on a little past its first and last ticks
TICK_GAP = 3.0  # between a tick label and its tick
DOT_R = 2.6
ELBOW = 14.0  # leaders run level this far right of the axis, then slant to their label
LEADER_END = 80.0  # and end this far right of the axis, just before the event number
NUMBER_GAP = 4.0  # between the leader and the number, and the number and the text
WRITE_LINE = 1.3 * PT_PER_IN  # the blank a student writes the date on

MIN_HEIGHT = 3.0 * PT_PER_IN
MAX_HEIGHT = 8.0 * PT_PER_IN
PER_LINE = 0.32 * PT_PER_IN
MAX_TICKS = 10
SLACK = 1.12  # room beyond the label stack, so labels can stay near their events

FONT_FAMILY = "'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class _Sizes:
    """What depends on the type size: the regular sheet's, or large print's (SPEC §4: no
    text below 16 pt there, so labels wrap to more lines and the drawing grows taller or
    splits into more parts)."""

    label: float  # LABEL_FONT
    tick: float  # TICK_FONT
    line: float  # LINE
    ascent: float  # ASCENT
    x_height_mid: float  # X_HEIGHT_MID
    student_head: float  # STUDENT_HEAD
    blank_drop: float  # BLANK_DROP
    gap: float  # GAP
    max_lines: int  # MAX_LINES
    write_line: float  # WRITE_LINE
    per_line: float  # PER_LINE


REGULAR = _Sizes(
    LABEL_FONT,
    TICK_FONT,
    LINE,
    ASCENT,
    X_HEIGHT_MID,
    STUDENT_HEAD,
    BLANK_DROP,
    GAP,
    MAX_LINES,
    WRITE_LINE,
    PER_LINE,
)
# Large print: 16 pt labels and axis years, lines spaced in the same proportion, a taller
# head for a student's larger handwriting above a longer blank, and more lines per label:
# a line holds about half the characters, so seven lines keep what three hold at 8.5 pt.
LARGE = _Sizes(
    label=16.0,
    tick=16.0,
    line=20.0,
    ascent=15.0,
    x_height_mid=5.6,
    student_head=44.0,
    blank_drop=5.0,
    gap=8.0,
    max_lines=7,
    write_line=2.0 * PT_PER_IN,
    per_line=0.6 * PT_PER_IN,
)

# Advance widths of DejaVu Sans, in em, in coarse classes: enough to keep wrapped
# lines inside the drawing without reading font files.
_NARROW = set("iljIJ.,:;'!|/\\()[]ftr-`\"")
_WIDE = set("mwMW%@&")


@dataclass(frozen=True)
class TimelineEvent:
    date: HistDate
    label: str  # plain text from the lesson; escaped when drawn
    number: str  # the number students see for this event, e.g. "3"


@dataclass(frozen=True)
class PlacedLabel:
    event: TimelineEvent
    axis_y: float  # where the event sits on the axis (SVG user units)
    label_y: float  # top of its label block
    height: float  # height of its label block (depends on wrapped line count)


@dataclass(frozen=True)
class _Tick:
    pos: float
    text: str


@dataclass(frozen=True)
class _Columns:
    """Left to right: tick labels, the axis, leaders, event numbers, label text."""

    axis_x: float
    number_x: float  # right edge of the event numbers
    text_x: float  # where dates, blanks and label lines start

    @property
    def leader_end(self) -> float:
        return self.axis_x + LEADER_END


@dataclass(frozen=True)
class _Plan:
    sizes: _Sizes
    width: float
    height: float
    columns: _Columns
    domain: tuple[float, float]
    ticks: list[_Tick]
    placed: list[PlacedLabel]
    lines: dict[int, list[str]]  # id(event) -> wrapped label lines


# --- the axis ---------------------------------------------------------------------------


def _astronomical(year: int) -> int:
    """1 BCE is astronomical year 0, 2 BCE is -1; CE years are unchanged."""
    return year + 1 if year < 0 else year


def _historical(astronomical: int) -> int:
    """The inverse of `_astronomical`: never returns 0."""
    return astronomical - 1 if astronomical <= 0 else astronomical


def _days_in_month(astronomical: int, month: int) -> int:
    # `calendar` needs years >= 1; 4000 years is a whole number of Gregorian cycles.
    return calendar.monthrange(astronomical + 4000, month)[1]


def axis_position(date: HistDate) -> float:
    """Continuous position in years on one axis: no year 0, so 1 BCE is immediately
    followed by 1 CE; months and days as fractions."""
    year = _astronomical(date.year)
    position = float(year)
    if date.month is not None:
        position += (date.month - 1) / 12
        if date.day is not None:
            position += (date.day - 1) / _days_in_month(year, date.month) / 12
    return position


def _precision(events: list[TimelineEvent]) -> str:
    if any(e.date.day is not None for e in events):
        return "day"
    if any(e.date.month is not None for e in events):
        return "month"
    return "year"


_MIN_PAD = {"day": 0.5 / 365, "month": 1 / 12, "year": 0.5}
_STEPS = [("day", n) for n in (1, 2, 5, 10)] + [("month", n) for n in (1, 3, 6)]
_STEPS += [
    ("year", n)
    for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000)
]
_STEP_YEARS = {"day": 1 / 365, "month": 1 / 12, "year": 1.0}
_FINEST = {"day": 0, "month": 4, "year": 7}  # index of the first step each precision may use


def _span(events: list[TimelineEvent]) -> tuple[float, float]:
    """The stretch of axis the events need (padded when they all share one date), kept on
    their side of 1 CE. The axis then runs out to the ticks on either side of it."""
    positions = [axis_position(e.date) for e in events]
    low, high = min(positions), max(positions)
    pad = 0.0 if high > low else _MIN_PAD[_precision(events)]
    low, high = low - pad, high + pad
    if all(e.date.year > 0 for e in events):
        low = max(low, 1.0)
    if all(e.date.year < 0 for e in events):
        high = min(high, 1.0)
    return low, high


def _day_candidates(step: int, low: float, high: float) -> Iterator[float]:
    for year in range(math.floor(low) - 1, math.floor(high) + 2):
        for month in range(1, 13):
            days = _days_in_month(year, month)
            for day in range(1, days + 1, step):
                if step == 1 or day + step <= days + 1:
                    yield year + (month - 1) / 12 + (day - 1) / days / 12


def _month_candidates(step: int, low: float, high: float) -> Iterator[float]:
    for year in range(math.floor(low) - 1, math.floor(high) + 2):
        for month in range(1, 13, step):
            yield year + (month - 1) / 12


def _year_candidates(step: int, low: float, high: float) -> Iterator[float]:
    """Historical multiples of the step on both sides of the era line, and 1 CE itself."""
    first, last = math.floor(low / step) - 1, math.ceil(high / step) + 1
    for k in range(max(first, 1), last + 1):
        yield float(k * step)  # k*step CE
    for k in range(max(1, math.floor((1 - high) / step) - 1), math.ceil((1 - low) / step) + 2):
        yield float(1 - k * step)  # k*step BCE
    yield 1.0


def _candidates(unit: str, step: int, low: float, high: float) -> list[float]:
    make = {"day": _day_candidates, "month": _month_candidates, "year": _year_candidates}[unit]
    found = sorted(set(make(step, low, high)))
    if unit == "year":  # keep 1 CE clear of its neighbours: 2 CE is no tick beside it
        found = [p for p in found if p == 1.0 or abs(p - 1.0) > step / 2]
    return found


def _ticks_between(unit: str, step: int, low: float, high: float) -> list[float] | None:
    """Tick positions from the last at or before `low` to the first at or after `high`."""
    found = _candidates(unit, step, low, high)
    below = [p for p in found if p <= low + 1e-9]
    above = [p for p in found if p >= high - 1e-9]
    if not below or not above:
        return None
    return [p for p in found if below[-1] <= p <= above[0]]


def _choose_ticks(events: list[TimelineEvent]) -> tuple[str, list[float]]:
    low, high = _span(events)
    steps = _STEPS[_FINEST[_precision(events)] :]
    for unit, step in steps:
        if (high - low) / (step * _STEP_YEARS[unit]) > MAX_TICKS + 1:
            continue  # far too many: don't even list them
        ticks = _ticks_between(unit, step, low, high)
        if ticks is not None and len(ticks) <= MAX_TICKS:
            return unit, ticks
    unit, step = steps[-1]
    return unit, _ticks_between(unit, step, low, high) or [low, high]


def _year_text(astronomical: int, eras: bool) -> str:
    year = _historical(astronomical)
    if year < 0:
        return f"{-year} BCE"
    return f"{year} CE" if eras else str(year)


def _tick_text(pos: float, unit: str, eras: bool) -> str:
    year = math.floor(pos + 1e-9)
    year_text = _year_text(year, eras)
    if unit == "year":
        return year_text
    month_float = (pos - year) * 12
    month = min(12, math.floor(month_float + 1e-6) + 1)
    name = MONTHS[month - 1][:3]
    if unit == "month":
        return f"{name} {year_text}"
    days = _days_in_month(year, month)
    day = round((month_float - (month - 1)) * days) + 1
    return f"{day} {name} {year_text}"


def _axis(events: list[TimelineEvent]) -> tuple[tuple[float, float], list[_Tick]]:
    unit, positions = _choose_ticks(events)
    eras = any(e.date.year < 0 for e in events) or positions[0] < 1
    ticks = [_Tick(p, _tick_text(p, unit, eras)) for p in positions]
    return (positions[0], positions[-1]), ticks


# --- label text -------------------------------------------------------------------------


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the printed width of `text` in DejaVu Sans."""
    em = 0.0
    for char in text:
        if char == " ":
            em += 0.32
        elif char in _NARROW:
            em += 0.42
        elif char in _WIDE or unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif char.isupper():
            em += 0.76
        else:
            em += 0.66
    return em * size * (1.1 if bold else 1.0)


def _fits(text: str, max_width: float, sizes: _Sizes) -> bool:
    return len(text) <= WRAP_CHARS and _text_width(text, sizes.label) <= max_width


def _pieces(word: str, max_width: float, sizes: _Sizes) -> list[str]:
    """A word too long for one line, cut into pieces that fit."""
    pieces, current = [], ""
    for char in word:
        if current and not _fits(current + char, max_width, sizes):
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current]


def _wrap(label: str, max_width: float, sizes: _Sizes) -> list[str]:
    """Word-wrapped lines of a label, at most `max_lines`; an ellipsis marks a cut."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        trial = f"{current} {word}" if current else word
        if _fits(trial, max_width, sizes):
            current = trial
            continue
        if current:
            lines.append(current)
        *whole, current = _pieces(word, max_width, sizes)
        lines += whole
    if current:
        lines.append(current)
    if len(lines) > sizes.max_lines:
        last = lines[sizes.max_lines - 1]
        while last and not _fits(last + " …", max_width, sizes):
            last = last[:-1]
        lines = [*lines[: sizes.max_lines - 1], last.rstrip() + " …"]
    return lines or [""]


def _head_height(show_answers: bool, sizes: _Sizes) -> float:
    return sizes.line if show_answers else sizes.student_head


def _block_height(line_count: int, show_answers: bool, sizes: _Sizes) -> float:
    return _head_height(show_answers, sizes) + line_count * sizes.line


def _head_baseline(show_answers: bool, sizes: _Sizes) -> float:
    """From the top of a label block to the baseline of its number (and date or blank)."""
    if show_answers:
        return sizes.ascent
    return sizes.student_head - sizes.line + sizes.ascent - sizes.blank_drop


def _anchor_offset(show_answers: bool, sizes: _Sizes) -> float:
    """From the top of a label block to where its leader line arrives."""
    return _head_baseline(show_answers, sizes) - sizes.x_height_mid


# --- placing labels ---------------------------------------------------------------------


def _pool(targets: list[float]) -> list[float]:
    """Closest non-decreasing sequence to `targets` (least squares, pool adjacent)."""
    blocks: list[list[float]] = []  # [sum, count]
    for target in targets:
        blocks.append([target, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    pooled: list[float] = []
    for total, count in blocks:
        pooled += [total / count] * int(count)
    return pooled


def _spread(ideal: list[float], heights: list[float], total: float, gap: float) -> list[float]:
    """Tops of label blocks: in order, `gap` apart, as near their ideal as they can be,
    inside [0, total].

    Blocks that would overlap are centred as a group on their events (a forward pass
    that pools neighbours); then a forward pass keeps them below the top edge and a
    backward pass keeps them above the bottom edge.
    """
    offsets, run = [], 0.0
    for height in heights:
        offsets.append(run)
        run += height + gap
    pooled = _pool([y - o for y, o in zip(ideal, offsets, strict=True)])
    tops = [p + o for p, o in zip(pooled, offsets, strict=True)]
    floor = 0.0
    for i, height in enumerate(heights):
        tops[i] = max(tops[i], floor)
        floor = tops[i] + height + gap
    ceiling = total
    for i in reversed(range(len(heights))):
        tops[i] = min(tops[i], ceiling - heights[i])
        ceiling = tops[i] - gap
    return tops


def _stack_height(line_counts: list[int], show_answers: bool, sizes: _Sizes) -> float:
    heights = [_block_height(n, show_answers, sizes) for n in line_counts]
    return sum(heights) + sizes.gap * (len(heights) - 1)


def _drawing_height(line_counts: list[int], sizes: _Sizes) -> float:
    """About `per_line` per label line within [MIN_HEIGHT, MAX_HEIGHT], taller when the
    labels need it. Key and student sheets get the same height, so the same axis."""
    wanted = min(max(sizes.per_line * sum(line_counts), MIN_HEIGHT), MAX_HEIGHT)
    needed = max(_stack_height(line_counts, mode, sizes) for mode in (True, False))
    return float(math.ceil(max(wanted, needed * SLACK)))


def _columns(events: list[TimelineEvent], ticks: list[_Tick], sizes: _Sizes) -> _Columns:
    widest_tick = max((_text_width(t.text, sizes.tick) for t in ticks), default=0.0)
    axis_x = max(MIN_AXIS_X, math.ceil(widest_tick + TICK_LEN + TICK_GAP + 2))
    numbers = (_text_width(f"{e.number}.", sizes.label, bold=True) for e in events)
    number_x = axis_x + LEADER_END + NUMBER_GAP + max(numbers, default=0.0)
    return _Columns(axis_x, number_x, number_x + NUMBER_GAP)


def _plan(events: list[TimelineEvent], width_in: float, show_answers: bool, sizes: _Sizes) -> _Plan:
    width = width_in * PT_PER_IN
    ordered = sorted(events, key=lambda e: e.date.sort_key)
    domain, ticks = _axis(ordered) if ordered else ((0.0, 1.0), [])
    columns = _columns(ordered, ticks, sizes)
    lines = {id(e): _wrap(e.label, width - columns.text_x - 4.0, sizes) for e in ordered}
    counts = [len(lines[id(e)]) for e in ordered]
    height = _drawing_height(counts, sizes)
    axis_ys = [_axis_y(axis_position(e.date), domain, height) for e in ordered]
    heights = [_block_height(n, show_answers, sizes) for n in counts]
    ideal = [y - _anchor_offset(show_answers, sizes) for y in axis_ys]
    tops = _spread(ideal, heights, height, sizes.gap)
    placed = [
        PlacedLabel(e, y, top, h)
        for e, y, top, h in zip(ordered, axis_ys, tops, heights, strict=True)
    ]
    return _Plan(sizes, width, height, columns, domain, ticks, placed, lines)


def _axis_y(pos: float, domain: tuple[float, float], height: float) -> float:
    low, high = domain
    fraction = (pos - low) / (high - low) if high > low else 0.5
    return PAD_Y + fraction * (height - 2 * PAD_Y)


def layout_timeline(
    events: list[TimelineEvent], *, width_in: float, show_answers: bool, large_print: bool = False
) -> tuple[list[PlacedLabel], float]:
    """Place every event; returns labels in axis order and the total SVG height (in user
    units)."""
    plan = _plan(events, width_in, show_answers, LARGE if large_print else REGULAR)
    return plan.placed, plan.height


# --- drawing ----------------------------------------------------------------------------


def _f(value: float) -> str:
    return f"{value:.2f}"


def _inches(points: float) -> str:
    return f"{points / PT_PER_IN:.4f}in"


def _line(x1: float, y1: float, x2: float, y2: float, width: float) -> str:
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" '
        f'stroke="#000" stroke-width="{width}"/>'
    )


def _draw_axis(plan: _Plan) -> list[str]:
    x = plan.columns.axis_x
    top, bottom = (_axis_y(end, plan.domain, plan.height) for end in plan.domain)
    parts = [_line(x, top - OVERHANG, x, bottom + OVERHANG, 1.2)]
    for tick in plan.ticks:
        y = _axis_y(tick.pos, plan.domain, plan.height)
        parts.append(_line(x - TICK_LEN, y, x, y, 0.8))
        parts.append(
            f'<text class="tick" x="{_f(x - TICK_LEN - TICK_GAP)}" '
            f'y="{_f(y + plan.sizes.tick * 0.36)}" font-size="{plan.sizes.tick}" '
            'text-anchor="end">'
            f"{escape(tick.text)}</text>"
        )
    return parts


def _draw_leader(plan: _Plan, label: PlacedLabel, show_answers: bool) -> str:
    x = plan.columns.axis_x
    points = [
        (x + DOT_R + 1.0, label.axis_y),
        (x + ELBOW, label.axis_y),
        (plan.columns.leader_end, label.label_y + _anchor_offset(show_answers, plan.sizes)),
    ]
    text = " ".join(f"{_f(px)},{_f(py)}" for px, py in points)
    return f'<polyline points="{text}" fill="none" stroke="#000" stroke-width="0.6"/>'


def _draw_dot(plan: _Plan, label: PlacedLabel) -> str:
    x = plan.columns.axis_x
    return f'<circle cx="{_f(x)}" cy="{_f(label.axis_y)}" r="{_f(DOT_R)}" fill="#000"/>'


def _draw_label(plan: _Plan, label: PlacedLabel, show_answers: bool) -> list[str]:
    """The event number, then the date in bold (key) or a blank to write it on (student),
    then the wrapped label lines."""
    event, x, sizes = label.event, plan.columns.text_x, plan.sizes
    baseline = label.label_y + _head_baseline(show_answers, sizes)
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
    first_line = label.label_y + _head_height(show_answers, sizes) + sizes.ascent
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
    plan = _plan(events, width_in, show_answers, LARGE if large_print else REGULAR)
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
