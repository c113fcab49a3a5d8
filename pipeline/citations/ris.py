"""RIS (EndNote, Zotero, Mendeley, journal sites) -> ``Reference``s.

In:  the file's text and its name. Out: one ``Reference`` per ``TY`` … ``ER`` block.

``rispy`` reads the fields. It passes over what is not RIS without a word (a
missing ``ER``, stray lines), so the structure is checked here first, which also
gives the line each reference starts at. Lines that do not start with a tag
continue the field above (some exports wrap long titles); rispy joins them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import rispy

from .reference import CitationFileError, Reference, author_of, clean, digits_of, found, pages_of, pmcid_of

# Each field of a Reference, from the first of these rispy keys an entry has (the journal: its abbreviation first).
KEYS = {"title": ("title", "primary_title"),
        "journal": ("alternate_title2", "alternate_title1", "journal_name", "secondary_title", "alternate_title3"),
        "year": ("year", "publication_year", "date"), "volume": ("volume",), "issue": ("number",), "doi": ("doi",)}

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")


def read(text: str, name: str) -> list[Reference]:
    starts = _check_structure(text, name)
    entries = rispy.loads(text)
    if len(entries) != len(starts):  # pragma: no cover - the structure check and rispy disagree: our bug
        raise AssertionError(f"{name}: rispy read {len(entries)} references, the structure check {len(starts)}")
    return [_reference(entry, name, line) for entry, line in zip(entries, starts, strict=True)]


def _check_structure(text: str, name: str) -> list[int]:
    """The line of every ``TY``; a located error for anything that is not a RIS reference."""
    starts: list[int] = []
    open_at = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        match = _TAG.match(line)
        tag = match.group(1) if match else None
        if tag == "TY":
            if open_at:
                raise CitationFileError(name, open_at, "this reference has no end line 'ER  - ' before the next "
                                                       f"'TY' on line {number}")
            open_at = number
            starts.append(number)
        elif not open_at:
            expected = "expected 'TY  - JOUR' to start a reference"
            raise CitationFileError(name, number, f"{expected}, found {line.strip()[:40]!r}" if tag != "ER"
                                    else f"'ER' without a reference before it; {expected}", 1)
        elif tag == "ER":
            open_at = 0
    if open_at:
        raise CitationFileError(name, open_at, "this reference has no end line 'ER  - '")
    if not starts:
        raise CitationFileError(name, 1, "no reference in the file (a RIS reference starts with 'TY  - ')")
    return starts


def _first(entry: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if clean(value):
            return clean(value)
    return None


def _notes(entry: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("notes", "note", "custom1", "custom2", "accession_number"):
        value = entry.get(key)
        out.extend(value if isinstance(value, list) else [value] if value else [])
    return [str(v) for v in out]


def _tagged(notes: list[str], pattern: str, parse: Callable[[str], str | None]) -> str | None:
    """``PMID: 30747964`` or ``PMCID: PMC6440221`` written in a note (as Zotero and EndNote do)."""
    for note in notes:
        for match in re.finditer(pattern, note, re.I):
            value = parse(match.group(0))
            if value:
                return value
    return None


def _reference(entry: dict[str, Any], name: str, line: int) -> Reference:
    notes = _notes(entry)
    authors = [author_of(a) for key in ("authors", "first_authors") for a in entry.get(key, []) if clean(a)]
    pmid = (_tagged(notes, r"PMID:?\s*\d{1,9}", digits_of)
            or (digits_of(entry.get("accession_number")) if "pubmed" in str(entry.get("name_of_database", "")).lower()
                else None))
    return found(name, line, partial(_first, entry), KEYS,
                 pages=pages_of(_first(entry, "start_page"), _first(entry, "end_page")), pmid=pmid,
                 pmcid=_tagged(notes, r"(PMCID:?\s*)?PMC\d+", pmcid_of), authors=tuple(authors))
