"""Labels A–Z, then AA, AB, ... (documents, choices, match letters; SPEC §2)."""

from __future__ import annotations

import string


def letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = string.ascii_uppercase[rest] + label
    return label


def letter_index(label: str) -> int | None:
    """The inverse of `letter`; None when `label` is not a letter label."""
    if not label or not label.isalpha() or not label.isascii():
        return None
    index = 0
    for char in label.upper():
        index = index * 26 + string.ascii_uppercase.index(char) + 1
    return index - 1


def version_letters(count: int) -> list[str]:
    """The versions a build makes: A, B, ... for two or more; [""] (no letter) for one."""
    return [letter(i) for i in range(count)] if count > 1 else [""]
