"""The pipeline stays visible in the folders (README, developers' section): the
import-linter contracts in pyproject.toml hold (stages import only the stages below
them, no cycles, WeasyPrint and Jinja only where pages are rendered), every module is
small and says why it exists, and the stage packages import nothing on their own, so
`lessonpack --help` and `check` stay fast."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "builder"
STAGES = ["project", "compose", "render", "output", "preview"]
MAX_LINES = 400


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    """`lint-imports` in its own process (in-process it leaves Python's logging switched
    off, which hides WeasyPrint's missing-glyph warnings from later tests)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        text=True,
    )


def test_the_import_contracts_hold():
    root = PACKAGE.parent
    done = _lint_imports(root, root)
    assert done.returncode == 0, done.stdout
    assert "Contracts: 5 kept, 0 broken." in done.stdout


def test_a_broken_layer_is_caught(tmp_path):
    """The contracts can fail: a copy of the package whose project/ imports render/."""
    import shutil

    copy = tmp_path / "builder"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    bad = copy / "project" / "files.py"
    bad.write_text(bad.read_text() + "\nfrom ..render import paper  # noqa\n")
    config = PACKAGE.parent / "pyproject.toml"
    shutil.copy(config, tmp_path / "pyproject.toml")
    done = _lint_imports(tmp_path, tmp_path)
    assert done.returncode != 0
    assert "builder.project is not allowed to import builder.render" in done.stdout


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_is_a_folder_whose_init_imports_nothing(stage):
    init = PACKAGE / stage / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{stage}/__init__.py should say what the stage does"
    assert not [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]


def test_every_module_is_small_and_says_why_it_exists():
    too_long, silent = [], []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_LINES:
            too_long.append(f"{path.relative_to(PACKAGE)}: {len(text.splitlines())} lines")
        if not ast.get_docstring(ast.parse(text)):
            silent.append(str(path.relative_to(PACKAGE)))
    assert not too_long, too_long
    assert not silent, silent


def test_the_code_fingerprint_covers_every_module_of_every_stage(tmp_path):
    """An edit in any sub-package must change every cache key, or a rebuild would serve
    PDFs made by the old code."""
    import shutil

    from builder.output import fingerprints
    from builder.project.files import builtin_theme_root

    copy = tmp_path / "builder"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    theme = builtin_theme_root()
    assert fingerprints.code_digest(PACKAGE, theme) == fingerprints.code_fingerprint()
    before = fingerprints.code_digest(copy, theme)
    modules = sorted(copy.rglob("*.py"))
    assert {p.parent.name for p in modules} >= {"builder", *STAGES}
    for path in modules:
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n# edited\n", encoding="utf-8")
        assert fingerprints.code_digest(copy, theme) != before, path.relative_to(copy)
        path.write_text(original, encoding="utf-8")
