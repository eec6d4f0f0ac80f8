"""Whether a build prints answer sheets without `--answer-sheets`: a bundle among its
inputs says `answer_sheets: true` (SPEC §7).

Read from the bundle files' text, so that a build printing no sheets (nearly all of
them, and every no-op rebuild) loads nothing more; the sheets' own run then loads and
validates properly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_ASKS = re.compile(r"^answer_sheets\s*:\s*['\"]?true\b", re.MULTILINE | re.IGNORECASE)


def asks_for_sheets(paths: Iterable[Path]) -> bool:
    from ..project.discover import find_inputs

    _, bundles, _ = find_inputs(paths)
    for path in bundles:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if _ASKS.search(text):
            return True
    return False
