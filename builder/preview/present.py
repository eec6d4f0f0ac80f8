"""A preview as the page receives it: plain data, so the page script can only ever insert
lesson text with textContent. Problems carry where they are (relative to the project)
and the lines of the file around them, so a teacher sees the mistake without opening
the file."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, display_path
from ..sandbox import read_text_checked
from .catalog import Target
from .snapshots import Snapshot

QUOTED = {".yaml", ".yml", ".md", ".markdown", ".html", ".css", ".csv", ".txt"}
AROUND = 2  # lines shown before and after the one at fault
MAX_QUOTED_BYTES = 5 * 1024 * 1024


def describe(problem: Problem, root: Path | None) -> dict:
    where = _relative(problem.path, root)
    if problem.line is not None:
        where += f":{problem.line}" + (f":{problem.col}" if problem.col is not None else "")
    return {
        "where": where,
        "severity": problem.severity,
        "message": problem.message,
        "context": _context(problem, root),
    }


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            if path.resolve().is_relative_to(root):
                return Path(os.path.relpath(path.resolve(), root)).as_posix()
        except OSError:
            pass
    return display_path(path)


def _context(problem: Problem, root: Path | None) -> list[dict]:
    """The numbered lines around the problem, read through the sandbox check."""
    if problem.line is None or root is None or problem.path.suffix.lower() not in QUOTED:
        return []
    from ..render.theme import builtin_roots

    try:
        text = read_text_checked(problem.path, [root, *builtin_roots()], MAX_QUOTED_BYTES)
    except Exception:  # refused, gone or unreadable: the message alone must do
        return []
    lines = text.splitlines()
    first = max(1, problem.line - AROUND)
    last = min(len(lines), problem.line + AROUND)
    return [
        {"number": n, "text": lines[n - 1], "at": n == problem.line} for n in range(first, last + 1)
    ]


def browser_state(target: Target, paper: str, snapshot: Snapshot, building: bool) -> dict:
    """The preview as the page script receives it (plain data; the script inserts text
    with textContent only)."""
    base = f"/{target.kind}/{target.name}/{paper}"
    documents = []
    for document in snapshot.documents:
        width, height = document.size
        web = f"{target.name}-{document.name}.html"
        documents.append(
            {
                "name": document.name,
                "label": document.label,
                "variant": document.variant,
                "pdf": f"{base}/{document.name}.pdf",
                "filename": document.filename,
                "web": f"{base}/web/{web}" if web in snapshot.web else None,
                "pages": [
                    {
                        "src": f"/page/{document.digest}/{n}.png",
                        "width": round(width),
                        "height": round(height),
                    }
                    for n in range(1, document.pages + 1)
                ],
            }
        )
    return {
        "version": snapshot.version,
        "title": snapshot.title,
        "building": building,
        "failed": snapshot.failed,
        "seconds": round(snapshot.seconds, 1),
        "problems": [describe(p, target.root) for p in snapshot.problems],
        "documents": documents,
    }


def shown_documents(documents: list[dict], show: str) -> list[dict]:
    """The documents to put on screen: one by name, or the first student sheet and the
    first key side by side."""
    chosen = [d for d in documents if d["name"] == show]
    if chosen:
        return chosen
    pair = [
        next((d for d in documents if d["variant"] == variant), None)
        for variant in ("student", "key")
    ]
    return [d for d in pair if d] or documents[:1]
