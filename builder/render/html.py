"""Render context -> HTML, through the project's templates or the built-in theme.

The key is the student sheet rendered with `show_answers=True` (templates/key.html
extends student.html), never a second copy of the markup. Template mistakes become
problems naming the template file and line, not tracebacks.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..compose.assemble import LessonView
from ..errors import LessonError, Problem
from .paper import paper_size
from .theme import environment

STUDENT = "student.html"
KEY = "key.html"


def render_html(
    view: LessonView,
    project_root: Path,
    *,
    show_answers: bool,
    paper: str,
    stylesheets: list[str] | None = None,
) -> str:
    """HTML for one document. `stylesheets` are hrefs to link (HTML output only); the
    PDF path passes parsed CSS to WeasyPrint directly instead."""
    env = environment(project_root)
    name = KEY if show_answers else STUDENT
    size = paper_size(paper)
    try:
        template = env.get_template(name)
        return template.render(
            lesson=view,
            show_answers=show_answers,
            paper=paper,
            # The room inside the margins (lesson.css; large print's top is 0.05 in taller):
            # organizers pick their form by it.
            body_width_in=size.width / 72 - 1.5,
            body_height_in=size.height / 72 - 1.5,
            stylesheets=stylesheets or [],
            for_screen=stylesheets is not None,
        )
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else project_root / "templates" / name
        raise LessonError([Problem(path, f"template error: {exc.message}", exc.lineno)]) from exc
    except jinja2.TemplateNotFound as exc:
        raise LessonError(
            [Problem(project_root / "templates", f"template not found: {exc.message}")]
        ) from exc
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError, TypeError) as exc:
        path, line = _template_frame(exc)
        raise LessonError(
            [Problem(path or project_root / "templates" / name, f"template error: {exc}", line)]
        ) from exc


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """The innermost template file and line in a rendering traceback."""
    found: tuple[Path | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") and Path(filename).exists():
            found = (Path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_cover(cover, project_root: Path, *, show_answers: bool) -> str:
    """HTML for a bundle's cover page (templates/cover.html)."""
    env = environment(project_root)
    try:
        return env.get_template("cover.html").render(cover=cover, show_answers=show_answers)
    except jinja2.TemplateError as exc:
        path, line = _template_frame(exc)
        raise LessonError(
            [
                Problem(
                    path or project_root / "templates" / "cover.html",
                    f"template error: {exc}",
                    line,
                )
            ]
        ) from exc
