"""The whole build: load -> validate -> assemble -> HTML -> PDF -> combine -> write.

Everything is gathered before anything is written: every lesson and bundle is loaded
and validated first (all problems reported together), then every document is made —
from the build cache when its inputs are unchanged (cache.py, keys.py), otherwise
rendered on every core (workers.py) — and only when all of them succeeded are the
changed files moved into place through a staging folder (SPEC §3). A failed build
leaves earlier outputs exactly as they were; a rebuild where nothing changed stops
after comparing file stamps (manifest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .discover import Loaded, find_inputs, load_all, load_found
from .errors import LessonError, Problem, errors_in
from .letters import letter
from .write import Output, assets, write_changed

if TYPE_CHECKING:  # rendering modules load only when something is rendered (fast `check`)
    from .bundles import BundleSource
    from .cache import BuildCache, Entry
    from .jobs import Group, Layout
    from .load import LessonSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path = Path("dist")
    paper: str | None = None  # None: a bundle's own paper, else Letter
    key: bool = True
    html: bool = False
    strict: bool = False
    large_print: bool = False
    versions: int | None = None  # None: 1, or a bundle's own
    seed: int | None = None  # None: 1, or a bundle's own
    force: bool = False  # rebuild everything, ignoring the build cache
    jobs: int | None = None  # worker processes; None: one per core, 1: render in this process


class Progress(Protocol):
    """How a long build tells its caller what it is doing (the CLI draws a bar)."""

    def planned(self, steps: int) -> None:
        """How many documents must be rendered (and bundles combined)."""

    def done(self, what: str) -> None:
        """One step finished; `what` names the document."""


@dataclass
class Result:
    """What a check or build found and made. `problems` holds warnings and errors."""

    lessons: list[LessonSource] = field(default_factory=list)
    bundles: list[BundleSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    def add(self, problems: list[Problem]) -> None:
        """Add problems, once each (the student sheet and key often report the same)."""
        self.problems += [p for p in problems if p not in self.problems]


def load(paths: Iterable[Path]) -> Result:
    return _result(load_all(paths))


def _result(loaded: Loaded) -> Result:
    return Result(lessons=loaded.lessons, bundles=loaded.bundles, problems=loaded.problems)


def check(paths: Iterable[Path], strict: bool = False) -> Result:
    """Validate without writing. With `strict`, also render and report layout problems,
    and treat every warning as an error."""
    result = load(paths)
    if strict and not errors_in(result.problems):
        from .workers import executor_for, render_groups

        groups = plan(result, BuildOptions())
        with executor_for(None, groups) as executor:
            entries, problems = render_groups(groups, executor)
        result.add(problems)
        for entry in entries.values():
            result.add(entry.warnings)
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    return result


def build(
    paths: Iterable[Path],
    options: BuildOptions,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Result:
    """Build every lesson's and bundle's PDFs (and HTML with `options.html`); all or nothing.

    Documents whose inputs are unchanged come from the build cache; the rest render on
    `executor` (default: a process pool of `options.jobs` workers). Raises LessonError
    carrying every problem when anything is invalid or cannot be rendered; then
    nothing is written.
    """
    from . import manifest
    from .cache import BuildCache

    cache = BuildCache(options.out_dir, enabled=not options.force)
    folders, bundle_files, found_problems = find_inputs(paths)
    request = manifest.request_key(_request(options), folders, bundle_files)
    if cache.enabled and not found_problems:
        recorded = manifest.unchanged(cache.folder, request)
        if recorded is not None:
            return Result(
                problems=recorded.warnings,
                outputs=[Output(path, pages, up_to_date=True) for path, pages in recorded.outputs],
            )
    result = _result(load_found(folders, bundle_files, found_problems))
    _stop_on_errors(result, options.strict)
    files = _make(result, options, cache, executor, progress)
    _stop_on_errors(result, options.strict)
    result.outputs += write_changed(files, options.out_dir)
    manifest.record(
        cache.folder,
        request,
        _inputs(result),
        [s.root for s in _sources(result)],
        [(output.path, output.pages) for output in result.outputs],
        result.problems,
    )
    return result


def plan(result: Result, options: BuildOptions) -> list[Group]:
    """Every group of documents to make: each lesson, and each lesson as printed in each
    bundle, in every layout."""
    from .jobs import Group, bundle_header

    groups = []
    for source in result.lessons:
        for layout in _layouts(options.paper or "letter", options.large_print):
            groups.append(
                Group(
                    source,
                    layout,
                    tuple(_versions(options.versions or 1)),
                    options.seed or 1,
                    options.key,
                    options.html,
                    folder=source.slug,
                )
            )
    for bundle, layouts in _bundles(result.bundles, options):
        for source in bundle.entries:
            for layout in layouts:
                groups.append(
                    Group(
                        source,
                        layout,
                        tuple(bundle.versions),
                        bundle.bundle.seed,
                        options.key,
                        html=False,
                        folder=f"{bundle.name}/lessons",
                        header=bundle_header(bundle),
                        bundle_path=bundle.path,
                    )
                )
    return groups


def lesson_view(source: LessonSource, options: BuildOptions):
    """The render context of a lesson as a build with `options` prints it."""
    from . import jobs
    from .jobs import Layout

    return jobs.lesson_view(source, Layout(options.paper or "letter", options.large_print))


def _bundles(bundles: list[BundleSource], options: BuildOptions):
    """Each bundle as this build prints it, with its layouts (command line first)."""
    for bundle in bundles:
        bundle = _with_options(bundle, options)
        paper = options.paper or bundle.bundle.paper or "letter"
        yield bundle, _layouts(paper, options.large_print or bundle.bundle.large_print)


def _with_options(bundle: BundleSource, options: BuildOptions) -> BundleSource:
    """Command-line --versions and --seed win over the bundle file's."""
    update = {
        k: v for k, v in (("versions", options.versions), ("seed", options.seed)) if v is not None
    }
    return replace(bundle, bundle=bundle.bundle.model_copy(update=update)) if update else bundle


def _layouts(paper: str, large_print: bool) -> list[Layout]:
    from .jobs import Layout

    return [Layout(paper)] + ([Layout(paper, large_print=True)] if large_print else [])


def _versions(count: int) -> list[str]:
    return [letter(i) for i in range(count)] if count > 1 else [""]


def _stop_on_errors(result: Result, strict: bool) -> None:
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)


def _make(
    result: Result,
    options: BuildOptions,
    cache: BuildCache,
    executor: Executor | None,
    progress: Progress | None,
) -> dict[str, tuple[bytes, int | None]]:
    """Every output file's bytes (and pages) by name: from the cache, or rendered."""
    from .keys import Keys, group_slot, packets_slot
    from .workers import executor_for, render_groups, render_steps

    keys = Keys()
    groups = plan(result, options)
    group_keys = {group: keys.group(group) for group in groups}
    entries = {}
    for group in groups:
        entry = cache.get(group_slot(group), group_keys[group], group.source.root)
        if entry is not None:
            entries[group] = entry
    todo = [group for group in groups if group not in entries]
    packets = []
    for bundle, layouts in _bundles(result.bundles, options):
        mine = [group_keys[g] for g in groups if g.bundle_path == bundle.path]
        slot = packets_slot(bundle, layouts[0].paper, len(layouts) > 1)
        key = keys.packets(bundle, mine, options.key, slot)
        packets.append((bundle, layouts, slot, key, cache.get(slot, key, bundle.root)))
    if progress:
        progress.planned(render_steps(todo) + sum(1 for *_, entry in packets if entry is None))
    with nullcontext(executor) if executor else executor_for(options.jobs, todo) as pool:
        rendered, problems = render_groups(todo, pool, progress)
    for group, entry in rendered.items():
        cache.put(group_slot(group), group_keys[group], entry, group.source.root)
    entries.update(rendered)
    result.add(problems)
    _stop_on_errors(result, options.strict)
    files: dict[str, tuple[bytes, int | None]] = {}
    for group in groups:
        result.add(entries[group].warnings)
        files.update(_named(entries[group]))
    for bundle, layouts, slot, key, entry in packets:
        if entry is None:
            if progress:
                progress.done(f"{bundle.name} (combining)")
            entry = _packets(bundle, layouts, files, options.key, cache)
            cache.put(slot, key, entry, bundle.root)
        files.update(_named(entry))
    if options.html:
        files.update(assets(result.lessons, options.large_print))
    return files


def _named(entry: Entry) -> dict[str, tuple[bytes, int | None]]:
    return {name: (data, entry.pages.get(name)) for name, data in entry.files.items()}


def _packets(
    bundle: BundleSource, layouts: list[Layout], files: dict, key: bool, cache: BuildCache
) -> Entry:
    """Join a bundle's lessons; its cover and page numbers come from the cache when an
    edit changed no page count."""
    from .cache import Entry, Renders
    from .merge import remembering
    from .packets import packet_files

    pdfs = {name.removesuffix(".pdf"): data for name, (data, _) in files.items()}
    pages = {name.removesuffix(".pdf"): n for name, (_, n) in files.items() if n}
    entry = Entry()
    with remembering(Renders(cache)):
        for packet in packet_files(bundle, pdfs, layouts, key, pages):
            entry.files[packet.name] = packet.data
            entry.pages[packet.name] = packet.pages
    return entry


def _sources(result: Result) -> list[LessonSource]:
    return [*result.lessons, *(s for b in result.bundles for s in b.entries)]


def _inputs(result: Result) -> list[Path]:
    """Every file this build read, for the no-op fast path (manifest.py)."""
    from .keys import lesson_files, theme_files

    files = [f for source in _sources(result) for f in lesson_files(source)]
    for bundle in result.bundles:
        files.append(bundle.path)
        if bundle.bundle.roster:
            files.append(bundle.path.parent / bundle.bundle.roster)
    files += [f for root in {s.root for s in _sources(result)} for f in theme_files(root)]
    return files


def _request(options: BuildOptions) -> dict:
    """The options that change what is built (not where, how fast, or whether cached)."""
    fields = asdict(options)
    for name in ("out_dir", "force", "jobs"):
        fields.pop(name)
    return fields
