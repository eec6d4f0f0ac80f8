"""Where templates and styles come from: the project's own files first, then the built-in theme.

A project (the folder holding `lessons/`) may have `templates/` and `styles/`; a file
there replaces the built-in file of the same name, and can extend the original as
`default/<name>` (MkDocs-style ChoiceLoader + PrefixLoader). `styles/custom.css`
is added after the built-in CSS. Project templates are untrusted, so every template
renders in Jinja's immutable sandbox, and template files pass the same path check
as every other read.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..project.files import builtin_dir, builtin_roots
from ..sandbox import Refused, checked_path

if TYPE_CHECKING:  # Jinja loads only to render: `lessonpack check` needs just the paths
    import jinja2

STYLESHEETS = ["lesson.css"]  # built-in order; a project override of a name replaces it
LARGE_PRINT_CSS = "large-print.css"  # added for the large-print variant
CUSTOM_CSS = "custom.css"


@cache
def _checked_loader() -> type:
    import jinja2

    class CheckedLoader(jinja2.FileSystemLoader):
        """A FileSystemLoader that refuses templates resolving outside the allowed roots."""

        def __init__(self, folder: Path, allowed: list[Path]):
            super().__init__(str(folder))
            self._folder = folder
            self._allowed = allowed

        def get_source(self, environment, template):
            for piece in template.split("/"):
                if piece in ("", ".", ".."):
                    raise jinja2.TemplateNotFound(template)
            candidate = self._folder / template
            if not candidate.exists():
                raise jinja2.TemplateNotFound(template)
            try:
                checked_path(candidate, self._allowed)
            except Refused as exc:
                raise jinja2.TemplateNotFound(f"{template} (refused: {exc})") from None
            return super().get_source(environment, template)

    return CheckedLoader


def environment(project_root: Path) -> jinja2.Environment:
    """The Jinja environment for a project: its overrides, then the built-in theme.

    Cached per project; Jinja itself reloads templates whose files changed."""
    return _environment(project_root, (project_root / "templates").is_dir())


def forget_environments() -> None:
    """Drop the cached environments. Jinja reloads a template whose file changed, but
    keeps using the built-in file after a project override of the same name is added,
    so a long-lived process (`lessonpack serve`) calls this whenever a project's
    templates/ or styles/ change."""
    _environment.cache_clear()


@cache
def _environment(project_root: Path, has_templates: bool) -> jinja2.Environment:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loader = _checked_loader()
    builtin = builtin_dir("templates")
    allowed = [project_root, *builtin_roots()]
    loaders: list[jinja2.BaseLoader] = []
    project_templates = project_root / "templates"
    if project_templates.is_dir() and project_templates.resolve() != builtin.resolve():
        loaders.append(loader(project_templates, allowed))
    loaders.append(loader(builtin, allowed))
    loaders.append(jinja2.PrefixLoader({"default": loader(builtin, allowed)}))
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def stylesheet_paths(project_root: Path, large_print: bool = False) -> list[Path]:
    """CSS files in cascade order: built-in (or its project override), the large-print
    sheet for that variant, then custom.css."""
    builtin = builtin_dir("styles")
    project_styles = project_root / "styles"
    paths = []
    for name in [*STYLESHEETS, *([LARGE_PRINT_CSS] if large_print else [])]:
        override = project_styles / name
        paths.append(override if override.is_file() else builtin / name)
    if (project_styles / CUSTOM_CSS).is_file():
        paths.append(project_styles / CUSTOM_CSS)
    return paths


def stylesheet_path(project_root: Path, name: str) -> Path:
    """One stylesheet of its own document (answers.css): the project's copy, or the
    built-in one."""
    override = project_root / "styles" / name
    return override if override.is_file() else builtin_dir("styles") / name
