"""What each output file is, and the one place its name is made (SPEC §3).

A build's files are described, not just named: `Made` says whose file it is (a lesson,
a bundle, or a lesson printed inside a bundle), which `Variant` (student sheet or key,
version, large print) and on which paper. Planning names documents from it, bundles
name their packets from it, and the build's result carries it, so the preview and the
command line read what a file is instead of parsing its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Sheet(StrEnum):
    STUDENT = "student"  # what students get
    KEY = "key"  # the answer key (of one version)
    KEYS = "keys"  # a bundle's keys of every version, in one file
    ROSTER = "roster"  # a bundle's packets, one per student, each stamped with a name
    ANSWERS = "answers"  # scannable answer sheets, one per student or numbered copy


LABELS = {
    Sheet.STUDENT: "Student sheet",
    Sheet.KEY: "Answer key",
    Sheet.KEYS: "Answer keys, every version",
    Sheet.ROSTER: "Roster packets",
    Sheet.ANSWERS: "Answer sheets",
}


@dataclass(frozen=True)
class Variant:
    """Student sheet or key, which version, regular or large print."""

    sheet: Sheet = Sheet.STUDENT
    version: str = ""  # a version letter, or "" when a build makes one version
    large_print: bool = False

    @property
    def show_answers(self) -> bool:
        """Whether the page prints the answers (the key) or leaves them blank."""
        return self.sheet in (Sheet.KEY, Sheet.KEYS)

    @property
    def stem(self) -> str:
        """The variant's part of a file name: student, key-large, student-B ..."""
        large = "-large" if self.large_print else ""
        return f"{self.sheet}{large}{'-' + self.version if self.version else ''}"

    @property
    def label(self) -> str:
        """The variant in words: "Student sheet, large print, version A"."""
        words = [LABELS[self.sheet]]
        if self.large_print:
            words.append("large print")
        if self.version:
            words.append(f"version {self.version}")
        return ", ".join(words)


def sheets(key: bool) -> tuple[Sheet, ...]:
    """The sheets a document is printed as: the student sheet, and the key unless
    `--no-key`."""
    return (Sheet.STUDENT, Sheet.KEY) if key else (Sheet.STUDENT,)


@dataclass(frozen=True)
class Made:
    """What one output file is: whose it is, which variant, on which paper."""

    owner: str  # the lesson's slug, or the bundle's name
    variant: Variant
    paper: str
    bundle: bool = False  # the owner is a bundle
    lesson: str = ""  # a lesson printed inside the bundle (its slug); "" for the packets

    def name(self, extension: str = "") -> str:
        """Where the file goes, relative to the output folder (SPEC §3); without an
        extension, the name that identifies the document while it is made."""
        stem = self.variant.stem
        end = f".{extension}" if extension else ""
        if self.lesson:
            return f"{self.owner}/lessons/{self.lesson}-{stem}{end}"
        return f"{self.owner}/{self.owner}-{stem}{end}"

    def as_dict(self) -> dict:
        """Plain data, for the build record (manifest.py)."""
        variant = self.variant
        return {
            "owner": self.owner,
            "bundle": self.bundle,
            "lesson": self.lesson,
            "paper": self.paper,
            "sheet": str(variant.sheet),
            "version": variant.version,
            "large_print": variant.large_print,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Made:
        variant = Variant(Sheet(data["sheet"]), data["version"], data["large_print"])
        return cls(data["owner"], variant, data["paper"], data["bundle"], data["lesson"])


def paper_cost(pages: int, duplex: bool = False, packets: int = 0) -> str:
    """What one copy of a PDF costs in paper, for the build summary: "7 pages: 4 sheets
    double-sided, 7 single-sided". A duplex bundle's files are copied double-sided, so
    they give that figure only. A roster gives its packets, all of them together being
    what the class costs ("30 packets: 150 sheets double-sided"); without duplex its
    packets are not padded to whole sheets, so it is copied single-sided."""
    double = (pages + 1) // 2
    if pages == 1:
        sheets = "1 sheet"
    elif duplex:
        sheets = f"{double} sheets double-sided"
    elif packets:
        sheets = f"{pages} sheets single-sided"
    else:
        sheets = f"{double} sheet{'s' if double != 1 else ''} double-sided, {pages} single-sided"
    counted = f"{pages} page{'s' if pages != 1 else ''}"
    if packets:
        counted += f", {packets} packet{'s' if packets != 1 else ''}"
    return f"{counted}: {sheets}"
