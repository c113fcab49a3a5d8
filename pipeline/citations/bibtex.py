"""BibTeX (``.bib`` from Zotero, Mendeley, JabRef, journal sites) -> ``Reference``s.

In:  the file's text and its name. Out: one ``Reference`` per entry.

``bibtexparser`` (v2) parses the file and splits the author names; its first
failed block becomes the located error. LaTeX (``M{\\o}ller``, ``--``) is turned
into text with ``pylatexenc`` (bibtexparser's own decoder), after the names
are split so that a braced group author (``{The X Trial Group}``) stays whole.
``and others`` sets ``et_al``.
"""

from __future__ import annotations

import logging

from bibtexparser import middlewares
from bibtexparser.entrypoint import parse_string
from bibtexparser.model import Entry
from pylatexenc.latex2text import LatexNodes2Text

from .reference import CitationFileError, Reference, clean, found, vancouver

_latex = LatexNodes2Text()
# Each field of a Reference, from the first of these BibTeX (biblatex) fields an entry has.
KEYS = {"title": ("title",), "journal": ("shortjournal", "journaltitle", "journal"), "year": ("year", "date"),
        "volume": ("volume",), "issue": ("number", "issue"), "pages": ("pages",), "doi": ("doi",), "pmid": ("pmid",),
        "pmcid": ("pmcid",)}


def read(text: str, name: str) -> list[Reference]:
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its failures are reported below, located
    library = parse_string(text, append_middleware=[middlewares.NormalizeFieldKeys(),
                                                                  middlewares.SeparateCoAuthors(),
                                                                  middlewares.SplitNameParts()])
    if library.failed_blocks:
        block = library.failed_blocks[0]
        reason = getattr(block.error, "abort_reason", "") or str(block.error) or "cannot be read"
        raise CitationFileError(name, (block.start_line or 0) + 1, f"BibTeX entry cannot be read: {reason.strip()}")
    if not library.entries:
        raise CitationFileError(name, 1, "no entry in the file (a BibTeX entry starts with '@article{')")
    return [_reference(entry, name) for entry in library.entries]


def _text(value: object) -> str | None:
    return clean(_latex.latex_to_text(str(value))) if value is not None else None


def _reference(entry: Entry, name: str) -> Reference:
    fields = {f.key: f.value for f in entry.fields}

    def text_of(*keys: str) -> str | None:
        return next((_text(fields[k]) for k in keys if isinstance(fields.get(k), (str, int)) and _text(fields[k])),
                    None)

    authors: list[str] = []
    group = None
    et_al = False
    for parts in fields.get("author", []) if isinstance(fields.get("author"), list) else []:
        last = " ".join(parts.last)
        if not parts.first and not parts.von and last == "others":
            et_al = True
        elif not parts.first and not parts.von and last.startswith("{") and last.endswith("}"):
            group = group or _text(last)
        else:
            family = _text(" ".join(parts.von + parts.last + parts.jr)) or ""
            authors.append(vancouver(family, _text(" ".join(parts.first)) or ""))
    return found(name, (entry.start_line or 0) + 1, text_of, KEYS, authors=tuple(authors), group=group, et_al=et_al)
