"""The README's examples work as written."""

from __future__ import annotations

import re

from conftest import REPO, pdf_text, write_png
from pypdf import PdfReader


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
    template_path = re.match(r"\{# (\S+) #\}", template)[1]
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(css)
    (tmp_path / template_path).parent.mkdir(parents=True)
    (tmp_path / template_path).write_text(template)
    (tmp_path / "images").mkdir()
    write_png(tmp_path / "images" / "logo.png")
    result = cli("build", "--strict")
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "dist/styled/styled-student.pdf"
    assert "Lincoln High School" in pdf_text(pdf)
    assert PdfReader(pdf).pages[0]["/Resources"]["/XObject"]  # the logo is drawn
    fonts = {
        str(f.get_object()["/BaseFont"])
        for f in PdfReader(pdf).pages[0]["/Resources"]["/Font"].values()
    }
    assert not any("Serif" in font for font in fonts)  # the body font changed


def test_readme_bundle_example_is_valid(write_lesson, cli, tmp_path):
    import shutil

    from conftest import SAMPLE

    shutil.copytree(SAMPLE, tmp_path / "lessons" / "cuban-missile-crisis")
    write_lesson(
        "space-race",
        """\
        title: The space race
        readings:
          - id: speech
            text: We choose to go to the Moon.
        questions:
          - {id: moon, prompt: Who landed first, answer: The United States, tier: core}
          - {id: sputnik, prompt: What was Sputnik, answer: A satellite, tier: core}
        timeline:
          events:
            - {date: 1957, label: Sputnik}
            - {date: 1969, label: Moon landing}
        """,
    )
    (tmp_path / "lessons" / "roster.csv").write_text("name,section,version\nAna,P2,A\n")
    (tmp_path / "lessons" / "week.bundle.yaml").write_text(_blocks("yaml")[1])
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert "2 lessons and 1 bundle ok" in result.stdout


def test_readme_setup_commands_are_marked_for_ci():
    readme = (REPO / "README.md").read_text()
    assert "<!-- ci: build -->\n```sh\n" in readme
    assert "<!-- ci: test -->\n```sh\n" in readme
