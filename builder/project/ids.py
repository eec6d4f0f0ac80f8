"""The ids a lesson gives its parts, and the two problems every kind of id shares: an id
used twice, and a reference to a reading that does not exist.

Questions are q1, q2, … and organizers o1, o2, … by position unless they give `id:`;
rules.py and organizer_rules.py report both problems in the same words.
"""

from __future__ import annotations

import difflib
from typing import Any


def organizer_id(organizer: Any, index: int) -> str:
    """`o1`, `o2`, … by position among all organizers, unless the organizer gives `id:`."""
    return organizer.id or f"o{index + 1}"


def twice(kind: str, ident: str, prefix: str, explicit: bool, loc: tuple, problem) -> None:
    """Report `ident` used a second time; `explicit`: written as `id:`, not positional."""
    problem(
        f"{kind} id '{ident}' is used twice ({kind}s without an id are {prefix}1, "
        f"{prefix}2, ... by position); give this {kind} another id",
        (*loc, "id") if explicit else loc,
    )


def unknown_reading_hint(name: str, known: set[str]) -> str:
    """'; did you mean ...' for a reading id the lesson does not have."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        return f"; did you mean '{close[0]}'?"
    if known:
        return f"; the readings are {', '.join(sorted(known))}"
    return "; this lesson has no readings"
