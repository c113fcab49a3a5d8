"""What the audit says: findings, their placing in the file, and their wording for readers and the CLI.

In:  ``Finding`` objects (from the trial audit or the review audit) and the loader's ``Source``.
Out: ``AuditResult``; findings placed at their first field's line and column (``placed``); reader
     notes (one per kind of warning); CLI text; a located ``RecordError`` for error findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ..absolute import Absolute
from ..errors import Problem, RecordError, shown_name
from ..loader import Source, parse_path

Severity = Literal["info", "warning", "error"]
RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One observation about the record's numbers."""

    severity: Severity
    code: str
    message: str
    fields: tuple[str, ...] = ()
    detail: str = ""
    fragment: str = ""   # the arithmetic alone, e.g. "64/76 is 84% (reported 85%)", for grouped reader notes
    comparison: str = ""  # e.g. "Dabigatran 150 mg vs Warfarin"; "" for per-arm and flow findings
    line: int = field(default=0, compare=False)    # where fields[0] stands in the record file; 0: not known
    column: int = field(default=0, compare=False)
    beside: str = ""      # ``fragment`` as said beside a results table: without the reported value the table shows

    def __str__(self) -> str:
        where = f" {', '.join(self.fields)}:" if self.fields else ""
        return f"{self.severity}:{where} {self.message}"


@dataclass(frozen=True)
class AuditResult:
    findings: tuple[Finding, ...] = ()
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    absolute: dict[str, tuple[Absolute, ...]] = field(default_factory=dict)
    recomputed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def notes_beside(self) -> tuple[str, ...]:
        """``notes`` as said beside the results table: the reported values it shows are not said again."""
        return reader_notes(self.findings, beside_table=True)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")


def placed(findings: Iterable[Finding], source: Source | None) -> tuple[Finding, ...]:
    """The findings, each with the line and column of its first field in ``source`` (when there is one)."""
    if source is None:
        return tuple(findings)
    return tuple(replace(f, line=line, column=column) if f.fields else f for f in findings
                 for line, column in [source.position(parse_path(f.fields[0])) if f.fields else (0, 0)])


_NOTE_LEADS = {
    "percent-denominator": ("Reported percentages do not match the counts in the participant flow: ",
                            ". The paper's denominators are not in the record."),
    "percent-mismatch": ("Reported percentages do not match the counts: ", "."),
    "effect-vs-crude": ("Reported effects differ from the crude values recomputed from the arms' numbers (",
                        "); the paper may report adjusted estimates."),
}


def reader_notes(findings: Iterable[Finding], beside_table: bool = False) -> tuple[str, ...]:
    """Short notes for readers: one per kind of warning, the arithmetic listed, in first-seen order
    (``beside_table``: each finding's ``beside`` form, where it has one)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == "warning":
            key = f.code if f.fragment and f.code in _NOTE_LEADS else f"{f.code}#{len(groups)}"
            groups.setdefault(key, []).append(f)
    notes = []
    for key, items in groups.items():
        if key in _NOTE_LEADS:
            lead, tail = _NOTE_LEADS[key]
            notes.append(lead + "; ".join((f.beside or f.fragment) if beside_table else f.fragment
                                          for f in items) + tail)
        else:
            notes.extend(f.message for f in items)
    return tuple(notes)


def format_findings(path: str | Path, findings: Iterable[Finding]) -> str:
    """CLI text: one line per finding prefixed by ``path``, then a summary line."""
    findings = list(findings)
    name = shown_name(path)
    lines = [f"{name}: {f}" for f in findings]
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    words = {"error": "error", "warning": "warning", "info": "note"}
    parts = [f"{n} {words[s]}{'' if n == 1 else 's'}" for s, n in counts.items() if n]
    lines.append(f"{name}: {', '.join(parts) if parts else 'no findings'}")
    return "\n".join(lines)


def errors_as_record_error(result: AuditResult, file: str | Path = "") -> RecordError | None:
    """A ``RecordError`` naming ``file`` and the fields of every error finding, or None when there is none."""
    errors = [f for f in result.findings if f.severity == "error"]
    return RecordError(located(errors, file)) if errors else None


def located(findings: Iterable[Finding], file: str | Path = "") -> list[Problem]:
    """Each finding as a ``Problem`` in ``file`` at its first field's line and column (see ``placed``)."""
    return [Problem(str(file), f.line, f.column, f.fields[0] if f.fields else "", f.message) for f in findings]


def raise_for_errors(result: AuditResult, source_file: str | Path = "") -> None:
    """Raise ``RecordError`` when the audit found impossible numbers."""
    error = errors_as_record_error(result, source_file)
    if error is not None:
        raise error
