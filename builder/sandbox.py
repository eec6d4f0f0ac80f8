"""The one check every file read goes through (SPEC §6).

Lessons are untrusted: a reading file, an image, a stylesheet or a template may be
named by a stranger. Before anything is opened, its path is resolved (symlinks
included) and must lie inside the lesson's project or the built-in theme, and be a
regular file. Everything else is refused with a reason a teacher can act on.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import display_path

MAX_IMAGE_BYTES = 20 * 1024 * 1024  # SPEC §2: images up to 20 MB


class Refused(Exception):
    """A path or URL the build will not read; the message says why."""


def checked_path(path: Path, allowed_roots: Iterable[Path]) -> Path:
    """Return the resolved `path` if it is a regular file inside one of `allowed_roots`."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        raise Refused(f"'{display_path(path)}' does not exist") from None
    except (OSError, RuntimeError) as exc:  # symlink loops, permissions
        raise Refused(f"'{display_path(path)}' cannot be opened ({exc})") from None
    roots = [Path(root).resolve() for root in allowed_roots]
    if not any(resolved.is_relative_to(root) for root in roots):
        raise Refused(
            f"'{display_path(path)}' is outside the lesson project; lessons may only use "
            "files inside their own project folder"
        )
    mode = resolved.stat().st_mode
    if not stat.S_ISREG(mode):
        raise Refused(f"'{display_path(path)}' is not a regular file")
    return resolved


def read_text_checked(path: Path, allowed_roots: Iterable[Path], limit: int) -> str:
    """Read a UTF-8 text file that passed `checked_path`, refusing files above `limit` bytes."""
    resolved = checked_path(path, allowed_roots)
    size = resolved.stat().st_size
    if size > limit:
        raise Refused(
            f"'{display_path(path)}' is {size // 1024} KB; the limit is {limit // (1024 * 1024)} MB"
        )
    try:
        return resolved.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise Refused(f"'{display_path(path)}' is not UTF-8 text; save it as UTF-8") from None
