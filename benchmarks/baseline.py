"""The floor: the same HTML and CSS rendered with plain WeasyPrint, nothing else.

lessonpack's build is HTML -> WeasyPrint -> PDF plus loading, checking, caching and
merging around it. Run cold, this script is the least that design can cost (SPEC §5):
it imports only WeasyPrint (never builder), parses each set of stylesheets once,
shares one FontConfiguration and writes each PDF with lessonpack's PDF options.
run.py plans the jobs with builder in an untimed step and writes them as JSON:

    python benchmarks/baseline.py JOBS.json OUT_DIR

Each job: {"html", "base_url", "stylesheets": [paths], "paper_css", "identifier",
"output"} (output relative to OUT_DIR).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # as lessonpack: reproducible font subsets

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration


class Renderer:
    """Plain WeasyPrint with what any careful caller would reuse across documents."""

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self._sheets: dict[tuple, list[CSS]] = {}

    def stylesheets(self, files: list[str], paper_css: str) -> list[CSS]:
        key = (*files, paper_css)
        if key not in self._sheets:
            fc = self.font_config
            self._sheets[key] = [CSS(filename=f, font_config=fc) for f in files] + [
                CSS(string=paper_css, font_config=fc)
            ]
        return self._sheets[key]

    def render(self, job: dict) -> bytes:
        document = HTML(string=job["html"], base_url=job["base_url"]).render(
            stylesheets=self.stylesheets(job["stylesheets"], job["paper_css"]),
            font_config=self.font_config,
            presentational_hints=False,
        )
        return document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=hashlib.sha256(job["identifier"].encode()).hexdigest()[:32].encode(),
            uncompressed_pdf=False,
        )


def main(jobs_file: Path, out_dir: Path) -> None:
    renderer = Renderer()
    for job in json.loads(jobs_file.read_text(encoding="utf-8")):
        path = out_dir / job["output"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(renderer.render(job))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/baseline.py JOBS.json OUT_DIR")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
