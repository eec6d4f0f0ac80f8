"""Where dates fall on a drawn timeline's axis, and which ticks mark it.

Kept apart from placing labels (`timeline_layout`) and drawing (`timeline_svg`)
because it is calendar arithmetic with rules of its own: there is no year 0, so
1 BCE is followed directly by 1 CE; months and days are fractions of their year;
ticks fall on round days, months or years on either side of the era line, and
BCE/CE appear on the tick labels only when the axis reaches back before 1 CE.
Positions are in years; turning them into points on the page is the layout's job.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..project.dates import MONTHS, HistDate

MAX_TICKS = 10


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str


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


def _precision(dates: list[HistDate]) -> str:
    if any(d.day is not None for d in dates):
        return "day"
    if any(d.month is not None for d in dates):
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


def _span(dates: list[HistDate]) -> tuple[float, float]:
    """The stretch of axis the dates need (padded when they are all one date), kept on
    their side of 1 CE. The axis then runs out to the ticks on either side of it."""
    positions = [axis_position(d) for d in dates]
    low, high = min(positions), max(positions)
    pad = 0.0 if high > low else _MIN_PAD[_precision(dates)]
    low, high = low - pad, high + pad
    if all(d.year > 0 for d in dates):
        low = max(low, 1.0)
    if all(d.year < 0 for d in dates):
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


def _choose_ticks(dates: list[HistDate]) -> tuple[str, list[float]]:
    low, high = _span(dates)
    steps = _STEPS[_FINEST[_precision(dates)] :]
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


def axis(dates: list[HistDate]) -> tuple[tuple[float, float], list[Tick]]:
    """The axis for some dates: the positions of its two ends (its first and last
    ticks) and its ticks, labelled by day, month or year as the dates need."""
    unit, positions = _choose_ticks(dates)
    eras = any(d.year < 0 for d in dates) or positions[0] < 1
    ticks = [Tick(p, _tick_text(p, unit, eras)) for p in positions]
    return (positions[0], positions[-1]), ticks
