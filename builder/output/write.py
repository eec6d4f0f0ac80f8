"""The last step: put the built files in the output folder, all or nothing, then take
away the files an earlier build made that this one no longer makes.

Files are first written to a staging folder inside the output folder, then moved into
place with os.replace, so a failed or interrupted build never leaves a partial file
(SPEC §3). A file whose bytes did not change is left alone. Only after every new file
is in place are outdated ones removed (remove_stale), and only files the build record
lists: a failed build removes nothing, and nothing a teacher put there is touched.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .outputs import Made

if TYPE_CHECKING:
    from ..project.lesson import LessonSource

# The build record: for each lesson or bundle (by slug or bundle name), each file made
# for it (its name under the output folder) and the options it needed (OutputFile.needs).
Record = dict[str, dict[str, list[str]]]


@dataclass
class Output:
    path: Path
    pages: int | None = None  # None for HTML and assets
    up_to_date: bool = False  # already there with the same bytes: not written again
    made: Made | None = None  # what the file is; None for the assets of --html pages
    duplex: bool = False  # copied double-sided only (a duplex bundle's files)
    packets: int = 0  # a roster's packets, one per student


@dataclass(frozen=True)
class OutputFile:
    """One file a build makes: its bytes, and what it is made for."""

    data: bytes
    pages: int | None  # None for HTML and assets
    owner: str  # the lesson's slug or the bundle's name it is made for
    needs: frozenset[str] = frozenset()  # the options that only add files ("html",
    # "large_print", "key") without which this build would not have made it
    made: Made | None = None  # what the file is; None for the assets of --html pages
    duplex: bool = False  # copied double-sided only (a duplex bundle's files)
    packets: int = 0  # a roster's packets, one per student


def write_changed(files: dict[str, OutputFile], out_dir: Path) -> list[Output]:
    """Move the changed files into place through a staging folder; leave the rest alone,
    so a PDF viewer showing an unchanged handout is not disturbed."""
    outputs = []
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lessonpack-staging-", dir=out_dir))
    try:
        staged = []
        for name, file in files.items():
            final = out_dir / name
            if _same_bytes(final, file.data):
                outputs.append(_output(final, file, up_to_date=True))
                continue
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.data)
            staged.append((path, final, file))
        for path, final, file in staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            outputs.append(_output(final, file))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outputs


def _output(path: Path, file: OutputFile, up_to_date: bool = False) -> Output:
    return Output(path, file.pages, up_to_date, file.made, file.duplex, file.packets)


def remove_stale(
    out_dir: Path, before: Record, files: dict[str, OutputFile], options: Set[str]
) -> tuple[list[Path], Record]:
    """Remove what an earlier build made that this build would make differently; return
    the removed paths and the build record to keep. Call it only after a successful
    build has put every file in place.

    The rule. Only lessons and bundles this build builds are looked at: a file the
    record lists for one of them, that this build did not make, is removed when this
    build had every option the file needed (`options`, the build's own among "html",
    "large_print", "key"): the build could have made it and did not, so the lesson no
    longer has it — a version after fewer versions, a roster packet after the roster
    went, a bundle's copy of a lesson it dropped. A file that needed an option this
    build lacks (a page from --html, a large-print copy, a key under --no-key) is left
    alone and stays listed while it exists, so a later build with that option still
    removes it if the lesson changed meanwhile. A file this build made (a4 after
    letter: the same names) is replaced, never removed. Other lessons' and bundles'
    files are neither looked at nor removed; their lines stay while their files exist.
    Never removed, whatever the record says: anything that is not a regular file of
    the output folder once symlinks are resolved (a link, a folder, a path leading
    outside), the cache, and every file the record does not list — a teacher's notes
    or a PDF of their own, whatever its name.
    """
    root = out_dir.resolve()
    built = {file.owner for file in files.values()}
    after: Record = {}
    for owner, listed in before.items():
        if owner not in built:
            after[owner] = {n: needs for n, needs in listed.items() if _ours(root, n)}
    for name, file in files.items():
        after.setdefault(file.owner, {})[name] = sorted(file.needs)
    removed = []
    for owner in sorted(built):
        for name, needs in sorted(before.get(owner, {}).items()):
            path = None if name in files else _ours(root, name)
            if path is None:
                continue
            if not set(needs) <= options:
                after[owner][name] = needs
                continue
            try:
                path.unlink()
            except OSError:
                after[owner][name] = needs  # try again next time
                continue
            removed.append(out_dir / name)
    return removed, {owner: listed for owner, listed in after.items() if listed}


def _ours(root: Path, name: str) -> Path | None:
    """The file `name` inside the resolved output folder `root`, if it is one a build may
    have made: a relative name with no hidden part (the cache, staging folders), and a
    regular file reached without any symlink (none can lead outside)."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or any(part.startswith(".") for part in relative.parts):
        return None
    path = root.joinpath(*relative.parts)
    try:
        if path.is_symlink() or not path.is_file() or path.resolve() != path:
            return None
    except OSError:
        return None
    return path


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def assets(lessons: list[LessonSource], large_print: bool) -> dict[str, OutputFile]:
    """The stylesheets and images beside each lesson's HTML, so the pages work offline."""
    from ..compose.readings import image_asset
    from ..project.files import builtin_roots
    from ..project.svg import web_copy
    from ..render.theme import stylesheet_paths
    from ..sandbox import checked_path

    files = {}
    for source in lessons:
        roots = [source.root, *builtin_roots()]
        regular = stylesheet_paths(source.root)
        for css in stylesheet_paths(source.root, large_print):
            needs = frozenset({"html"} if css in regular else {"html", "large_print"})
            data = checked_path(css, roots).read_bytes()
            files[f"{source.slug}/{css.name}"] = OutputFile(data, None, source.slug, needs)
        for reading in source.lesson.readings:
            for image in reading.images:
                path = checked_path(source.folder / image.file, roots)
                data = path.read_bytes()
                if path.suffix.lower() == ".svg":  # no scripts or links on a class website
                    data = web_copy(data, path.name, source.yaml_path)
                files[f"{source.slug}/{image_asset(image.file)}"] = OutputFile(
                    data, None, source.slug, frozenset({"html"})
                )
    return files
