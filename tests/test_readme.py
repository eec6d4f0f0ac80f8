"""The README's examples work as written."""

from __future__ import annotations

import re

from conftest import REPO, write_png


def _blocks(language: str) -> list[str]:
    readme = (REPO / "README.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", readme, flags=re.DOTALL)


def test_readme_lesson_example_is_a_valid_lesson(write_lesson, cli):
    example = _blocks("yaml")[0]
    folder = write_lesson(
        "readme-example",
        example,
        files={
            "readings/origins.md": "{#validates}A deterrent.\n",
            "readings/origins-original.md": "A deterent.\n",
        },
    )
    (folder / "images").mkdir()
    write_png(folder / "images" / "map.png")
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.stderr
    built = cli("build")
    assert built.exit_code == 0, built.output


def test_readme_custom_css_and_template_examples_build(write_lesson, cli, tmp_path):
    write_lesson("styled", "title: Styled\n")
    css = _blocks("css")[0]
    template = _blocks(r"html\+jinja")[0]
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(css)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "student.html").write_text(template)
    result = cli("build")
    assert result.exit_code == 0, result.output
    from conftest import pdf_text

    assert "Lincoln High School" in pdf_text(tmp_path / "dist/styled/styled-student.pdf")


def test_readme_setup_commands_are_marked_for_ci():
    readme = (REPO / "README.md").read_text()
    assert "<!-- ci: build -->\n```sh\n" in readme
    assert "<!-- ci: test -->\n```sh\n" in readme
