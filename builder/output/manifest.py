"""The no-op rebuild: when nothing changed, say so without loading a single lesson.

After each successful build, `last-build.json` in the cache folder records the
request (the options and the lessons and bundles found), every file the build read
with its size, modification time and hash, the templates and styles present, every
output with its size and modification time, and the warnings it printed. The next
build of the same request compares that with the disk: if every input and output is
as recorded, the outputs cannot differ, so it reports them up to date without
importing pydantic or WeasyPrint. The request includes the installed fonts
(fingerprints.font_fingerprint), so a font installed or removed means a full build. Anything
else — a changed or new file, a touched output, a manifest that does not read back
cleanly — means the full build, which still skips unchanged documents through the
cache.

The same file keeps the output record (`made`): for every lesson and bundle built
into this folder, by this build or an earlier one, the files made for it and the
options they needed. It is how a build finds the files an earlier build made that it
no longer makes (write.remove_stale has the rule); it is carried from build to build,
so building one lesson keeps the other lessons' lines.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .fingerprints import FORMAT, code_fingerprint, digest, file_digest, theme_files
from .outputs import Made
from .write import Output, Record

log = logging.getLogger(__name__)

MANIFEST = "last-build.json"


@dataclass
class Recorded:
    outputs: list[Output]  # each up to date
    warnings: list[Problem]


def request_key(options: dict, folders: list[Path], bundles: list[Path], fonts: str) -> str:
    """What a build was asked to do, and with which code and fonts (font_fingerprint)."""
    return digest(
        "request",
        code_fingerprint(),
        fonts,
        options,
        [str(f) for f in folders],
        [str(b) for b in bundles],
    )


def unchanged(cache_folder: Path, request: str) -> Recorded | None:
    """The last build's outputs if it was this request and nothing changed since."""
    try:
        data = json.loads((cache_folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("request") != request:
            return None
        for path, (mtime, size, sha) in data["inputs"].items():
            if not _same_file(Path(path), mtime, size, sha):
                return None
        for root, files in data["themes"].items():
            if sorted(str(p) for p in theme_files(Path(root))) != files:
                return None
        outputs = []
        for path, (mtime, size, pages, made) in data["outputs"].items():
            stat = os.stat(path)
            if (stat.st_mtime_ns, stat.st_size) != (mtime, size):
                return None
            made = Made.from_dict(made) if made else None
            outputs.append(Output(Path(path), pages, up_to_date=True, made=made))
        warnings = [Problem.from_plain(p) for p in data["warnings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Recorded(outputs, warnings)


def made_before(cache_folder: Path) -> Record:
    """The output record the last build left (empty if there is none that reads back)."""
    try:
        data = json.loads((cache_folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            return {}
        return {
            str(owner): {str(name): [str(n) for n in needs] for name, needs in files.items()}
            for owner, files in data.get("made", {}).items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def record(
    cache_folder: Path,
    request: str,
    inputs: list[Path],
    roots: list[Path],
    outputs: list[Output],
    warnings: list[Problem],
    made: Record,
) -> None:
    """Write the manifest of a successful build (best effort: without it the next build
    is slower, and cannot remove what this build made and a later one no longer makes)."""
    try:
        data = {
            "format": FORMAT,
            "request": request,
            "inputs": {str(p): _stamp(p) for p in sorted(set(inputs))},
            "themes": {str(r): sorted(str(p) for p in theme_files(r)) for r in set(roots)},
            "outputs": {
                str(o.path): [*_stat(o.path), o.pages, o.made.as_dict() if o.made else None]
                for o in outputs
            },
            "warnings": [p.to_plain() for p in warnings],
            "made": made,
        }
        cache_folder.mkdir(parents=True, exist_ok=True)
        temporary = cache_folder / f".{MANIFEST}.new"
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, cache_folder / MANIFEST)
    except OSError as exc:
        log.warning("could not record the build for the next no-op rebuild: %s", exc)


def _stat(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


def _stamp(path: Path) -> list:
    try:
        return [*_stat(path), file_digest(path)]
    except OSError:
        return [0, -1, ""]  # missing: it must still be missing next time


def _same_file(path: Path, mtime: int, size: int, sha: str) -> bool:
    try:
        stat = os.stat(path)
    except OSError:
        return size == -1
    if (stat.st_mtime_ns, stat.st_size) == (mtime, size):
        return True
    return stat.st_size == size and file_digest(path) == sha  # touched, not changed
