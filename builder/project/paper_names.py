"""The paper names a lesson, a bundle file or `--paper` may use: one list, read by the
models, the command line and the preview. How each one prints (its size and CSS) is
the table in render/paper.py. Kept free of pydantic so `--help` stays fast."""

from __future__ import annotations

from typing import Literal, get_args

Paper = Literal["letter", "a4", "legal"]
PAPERS: tuple[str, ...] = get_args(Paper)
DEFAULT_PAPER = "letter"  # when neither --paper nor a bundle names one


def paper_label(name: str) -> str:
    """A paper's name as people write it: Letter, Legal, A4."""
    return name.upper() if name[-1].isdigit() else name.capitalize()
