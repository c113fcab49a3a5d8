"""The one error hierarchy of evidence-brief.

Every error a user can cause derives from ``EvidenceBriefError``; the CLI turns
each into one or more clear lines (``str(error)``) and a non-zero exit status,
never a traceback.

    EvidenceBriefError
    ├── RecordError        the record is invalid (exit 2); holds every Problem
    ├── LayoutError        valid record, but it cannot be laid out (too long, glyph missing)
    ├── RenderError        a renderer or the file system failed while writing outputs
    ├── ImportSourceError  an external source (ClinicalTrials.gov JSON, a citation file) cannot be read
    └── UsageError         a command-line option or environment variable is wrong, or a command
                           asked for what it cannot do (a bad id, a file that exists) (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a record, located in its source file.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    ``field`` is a dotted path such as ``arms[0].label`` ("" for the file itself).
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        file = shown_name(self.file)
        where = f"{file}:{self.line}:{self.column}" if self.line else file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


def shown_name(name: object) -> str:
    """A file name as messages show it: quoted (Python-style, escapes visible) when it holds a newline, a
    control or format character, so that it cannot fake a ``file:line:column`` or hide part of itself."""
    text = str(name)
    return text if text.isprintable() else repr(text)


class EvidenceBriefError(Exception):
    """Base class: anything the user can fix. ``exit_status`` is the CLI's exit code."""

    exit_status = 1


class RecordError(EvidenceBriefError):
    """A study record is invalid. Carries every problem found, sorted by position."""

    exit_status = 2

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class LayoutError(EvidenceBriefError):
    """A valid record whose content cannot be laid out (e.g. too long for one page)."""

    exit_status = 2


class RenderError(EvidenceBriefError):
    """Writing an output failed (renderer failure, unwritable folder)."""

    exit_status = 1


class ImportSourceError(EvidenceBriefError):
    """An external source file (e.g. ClinicalTrials.gov JSON) cannot be imported."""

    exit_status = 2


class UsageError(EvidenceBriefError):
    """An option or environment variable (e.g. ``SOURCE_DATE_EPOCH``) is wrong, or a command asked
    for something it cannot do (a bad id, a file that exists)."""

    exit_status = 2
