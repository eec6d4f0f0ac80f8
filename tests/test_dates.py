"""Dates as historians write them: precision kept, BCE without a year 0."""

from __future__ import annotations

import pytest

from builder.letters import letter, letter_index
from builder.project.dates import HistDate


@pytest.mark.parametrize(
    ("text", "printed", "year"),
    [
        ("1957-10-04", "4 October 1957", 1957),
        ("1959-10", "October 1959", 1959),
        ("1959", "1959", 1959),
        ("-44", "44 BCE", -44),
        ("44 BCE", "44 BCE", -44),
        ("753 BC", "753 BC", -753),
        ("476 CE", "476 CE", 476),
        ("AD 476", "AD 476", 476),
        ("2024-02-29", "29 February 2024", 2024),
    ],
)
def test_dates_print_at_the_precision_written(text, printed, year):
    date = HistDate.parse(text)
    assert str(date) == printed
    assert date.year == year


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1962-02-30", "February has 28 days"),
        ("2023-02-29", "February has 28 days"),
        ("1962-13", "months run from 01 to 12"),
        ("0", "no year 0"),
        ("Oct 1962", "YYYY-MM-DD"),
        ("1962/10/22", "YYYY-MM-DD"),
        # at the edges
        ("-4-02-29", "February has 28 days"),  # 4 BCE is astronomical year -3: common
        ("-2-02-29", "February has 28 days"),
        ("1900-02-29", "February has 28 days"),
        ("1962-00", "months run from 01 to 12"),
        ("1962-10-00", "October has 31 days"),
        ("1962-10-32", "October has 31 days"),
        ("1962-04-31", "April has 30 days"),
    ],
)
def test_impossible_or_unreadable_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        HistDate.parse(text)


def test_bce_dates_sort_before_ce_dates():
    dates = [HistDate.parse(t) for t in ["476 CE", "753 BC", "-44", "1 BCE", "1"]]
    ordered = [str(d) for d in sorted(dates, key=lambda d: d.sort_key)]
    assert ordered == ["753 BC", "44 BCE", "1 BCE", "1", "476 CE"]


def test_labels_run_a_to_z_then_aa():
    assert [letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]
    assert all(letter_index(letter(i)) == i for i in range(200))
