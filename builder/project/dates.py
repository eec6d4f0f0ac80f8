"""Historians' dates: years, year-months and full dates, BCE and CE, with no year 0.

YAML never parses dates for us (see yamlfile.py); this module reads the text the
teacher wrote, rejects impossible dates with a clear reason, sorts them on one
axis and prints them at the precision they were written ("1959", "October 1959",
"4 October 1957", "44 BCE").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_ISO = re.compile(r"^(?P<neg>-)?(?P<year>\d{1,4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_ERA_AFTER = re.compile(r"^(?P<year>\d{1,4})\s*(?P<era>BCE|BC|CE|AD)$", re.IGNORECASE)
_ERA_BEFORE = re.compile(r"^(?P<era>AD)\s*(?P<year>\d{1,4})$", re.IGNORECASE)

FORMATS_HELP = "write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 1962-10-22), -44 or 44 BCE"


@dataclass(frozen=True)
class HistDate:
    """A date on the historical axis. `year` is negative for BCE (-44 = 44 BCE)."""

    year: int
    month: int | None = None
    day: int | None = None
    era: str | None = None  # the era label the teacher wrote (BCE, BC, CE, AD), if any

    @classmethod
    def parse(cls, text: str) -> HistDate:
        """Read a date as a teacher writes it; ValueError says what is wrong."""
        text = str(text).strip()
        if m := _ISO.match(text):
            year = int(m["year"])
            if year == 0:
                raise ValueError("there is no year 0: 1 BCE is followed by 1 CE")
            month = int(m["month"]) if m["month"] else None
            day = int(m["day"]) if m["day"] else None
            if month is not None and not 1 <= month <= 12:
                raise ValueError(f"'{text}' has month {month}; months run from 01 to 12")
            if day is not None:
                assert month is not None
                # Proleptic Gregorian leap years; BCE year y is astronomical year 1 - y,
                # moved by 4000 (a whole number of 400-year cycles) to suit `calendar`.
                astronomical = 1 - year if m["neg"] else year
                last = calendar.monthrange(astronomical + 4000, month)[1]
                if not 1 <= day <= last:
                    raise ValueError(
                        f"'{text}' is not a real date: {MONTHS[month - 1]} "
                        f"has {last} days that year"
                    )
            return cls(-year if m["neg"] else year, month, day, "BCE" if m["neg"] else None)
        if m := (_ERA_AFTER.match(text) or _ERA_BEFORE.match(text)):
            year = int(m["year"])
            if year == 0:
                raise ValueError("there is no year 0: 1 BCE is followed by 1 CE")
            era = m["era"].upper()
            return cls(-year if era in ("BCE", "BC") else year, era=era)
        raise ValueError(f"'{text}' is not a date lessonpack can read: {FORMATS_HELP}")

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Position on the axis; a bare year sorts before dated events in that year."""
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        year = abs(self.year)
        if self.era == "AD":
            year_text = f"AD {year}"
        elif self.era:
            year_text = f"{year} {self.era}"
        else:
            year_text = str(year)
        if self.day is not None and self.month is not None:
            return f"{self.day} {MONTHS[self.month - 1]} {year_text}"
        if self.month is not None:
            return f"{MONTHS[self.month - 1]} {year_text}"
        return year_text
