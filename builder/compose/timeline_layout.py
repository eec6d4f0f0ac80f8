"""Where everything in a drawn timeline goes, as plain numbers: no markup.

The timeline worksheet needs the drawing's geometry twice: to draw it
(`timeline_svg`), and before that to decide whether a long timeline fits one page
or must be split into parts (`timeline._parts` asks only for the height). So the
geometry lives here, apart from the SVG text, and can be tested on its own: the
columns (tick labels, axis, leaders, numbers, label text), each label wrapped to
the drawing's width by an estimate of its printed width, the drawing's height, and
each label block placed as near its event as it can be without overlapping
another. Positions are SVG user units, which are points (72 to the inch); where
dates fall on the axis in years comes from `timeline_axis`.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from ..project.dates import HistDate
from .timeline_axis import Tick, axis, axis_position

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
TICK_GAP = 3.0  # between a tick label and its tick
LEADER_END = 80.0  # leaders end this far right of the axis, just before the event number
NUMBER_GAP = 4.0  # between the leader and the number, and the number and the text
WRITE_LINE = 1.3 * PT_PER_IN  # the blank a student writes the date on

MIN_HEIGHT = 3.0 * PT_PER_IN
MAX_HEIGHT = 8.0 * PT_PER_IN
PER_LINE = 0.32 * PT_PER_IN
SLACK = 1.12  # room beyond the label stack, so labels can stay near their events


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
class _Columns:
    """Left to right: tick labels, the axis, leaders, event numbers, label text."""

    axis_x: float
    number_x: float  # right edge of the event numbers
    text_x: float  # where dates, blanks and label lines start

    @property
    def leader_end(self) -> float:
        return self.axis_x + LEADER_END


@dataclass(frozen=True)
class Plan:
    """A whole drawing laid out: what `timeline_svg` turns into SVG text."""

    sizes: _Sizes
    width: float
    height: float
    columns: _Columns
    domain: tuple[float, float]
    ticks: list[Tick]
    placed: list[PlacedLabel]
    lines: dict[int, list[str]]  # id(event) -> wrapped label lines


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


def head_height(show_answers: bool, sizes: _Sizes) -> float:
    """The top line of a label block: the date (key), or a blank with room above it."""
    return sizes.line if show_answers else sizes.student_head


def _block_height(line_count: int, show_answers: bool, sizes: _Sizes) -> float:
    return head_height(show_answers, sizes) + line_count * sizes.line


def head_baseline(show_answers: bool, sizes: _Sizes) -> float:
    """From the top of a label block to the baseline of its number (and date or blank)."""
    if show_answers:
        return sizes.ascent
    return sizes.student_head - sizes.line + sizes.ascent - sizes.blank_drop


def anchor_offset(show_answers: bool, sizes: _Sizes) -> float:
    """From the top of a label block to where its leader line arrives."""
    return head_baseline(show_answers, sizes) - sizes.x_height_mid


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


def _columns(events: list[TimelineEvent], ticks: list[Tick], sizes: _Sizes) -> _Columns:
    widest_tick = max((_text_width(t.text, sizes.tick) for t in ticks), default=0.0)
    axis_x = max(MIN_AXIS_X, math.ceil(widest_tick + TICK_LEN + TICK_GAP + 2))
    numbers = (_text_width(f"{e.number}.", sizes.label, bold=True) for e in events)
    number_x = axis_x + LEADER_END + NUMBER_GAP + max(numbers, default=0.0)
    return _Columns(axis_x, number_x, number_x + NUMBER_GAP)


def _plan(events: list[TimelineEvent], width_in: float, show_answers: bool, sizes: _Sizes) -> Plan:
    width = width_in * PT_PER_IN
    ordered = sorted(events, key=lambda e: e.date.sort_key)
    domain, ticks = axis([e.date for e in ordered]) if ordered else ((0.0, 1.0), [])
    columns = _columns(ordered, ticks, sizes)
    lines = {id(e): _wrap(e.label, width - columns.text_x - 4.0, sizes) for e in ordered}
    counts = [len(lines[id(e)]) for e in ordered]
    height = _drawing_height(counts, sizes)
    axis_ys = [axis_y(axis_position(e.date), domain, height) for e in ordered]
    heights = [_block_height(n, show_answers, sizes) for n in counts]
    ideal = [y - anchor_offset(show_answers, sizes) for y in axis_ys]
    tops = _spread(ideal, heights, height, sizes.gap)
    placed = [
        PlacedLabel(e, y, top, h)
        for e, y, top, h in zip(ordered, axis_ys, tops, heights, strict=True)
    ]
    return Plan(sizes, width, height, columns, domain, ticks, placed, lines)


def axis_y(pos: float, domain: tuple[float, float], height: float) -> float:
    """Where an axis position (in years) falls down the drawing, inside its padding."""
    low, high = domain
    fraction = (pos - low) / (high - low) if high > low else 0.5
    return PAD_Y + fraction * (height - 2 * PAD_Y)


def layout_timeline(
    events: list[TimelineEvent], *, width_in: float, show_answers: bool, large_print: bool = False
) -> tuple[list[PlacedLabel], float]:
    """Place every event; returns labels in axis order and the total SVG height (in user
    units)."""
    plan = plan_timeline(
        events, width_in=width_in, show_answers=show_answers, large_print=large_print
    )
    return plan.placed, plan.height


def plan_timeline(
    events: list[TimelineEvent], *, width_in: float, show_answers: bool, large_print: bool = False
) -> Plan:
    """Everything the drawing needs, at the regular sheet's type sizes or large print's."""
    return _plan(events, width_in, show_answers, LARGE if large_print else REGULAR)
