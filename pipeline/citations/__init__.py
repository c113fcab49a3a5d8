"""Citations in: read a reference manager's or PubMed's file, pick one reference.

In:  a path to RIS (``.ris``), BibTeX (``.bib``), PubMed MEDLINE (``.nbib``) or
     CSL-JSON (``.json``) text; ``--pick N`` or ``--doi DOI`` when it holds
     several references.
Out: one ``Reference`` (``read_reference``); its record ``citation`` comes from
     ``fields.citation_node``; ``CitationFileError`` (exit 2) names the file
     and line of anything unreadable, or lists the references to choose from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import bibtex, csljson, medline, ris
from .reference import CitationFileError, Reference, doi_of, read_text

Reader = Callable[[str, str], list[Reference]]
"""A format's ``read(text, file name)``."""

FORMATS: dict[str, Reader] = {".ris": ris.read, ".bib": bibtex.read, ".bibtex": bibtex.read, ".nbib": medline.read,
                              ".medline": medline.read, ".json": csljson.read}


def _format_of(path: Path, text: str) -> Reader:
    if path.suffix.lower() in FORMATS:
        return FORMATS[path.suffix.lower()]
    start = text.lstrip()
    readers: tuple[tuple[str, Reader], ...] = (("TY  -", ris.read), ("PMID-", medline.read), ("@", bibtex.read),
                                               ("[", csljson.read), ("{", csljson.read))
    for prefix, reader in readers:
        if start.startswith(prefix):
            return reader
    raise CitationFileError(str(path), 0, "cannot tell the format; expected RIS (.ris), BibTeX (.bib), "
                                          "PubMed MEDLINE (.nbib) or CSL-JSON (.json)")


def read_references(path: str | Path) -> list[Reference]:
    path = Path(path)
    text, name = read_text(path)
    if not text.strip():
        raise CitationFileError(name, 0, "the file is empty")
    return _format_of(path, text)(text, name)


def read_reference(path: str | Path, *, pick: int | None = None, doi: str | None = None) -> Reference:
    """The one reference the file holds, or the one ``pick`` (1-based) or ``doi`` names."""
    refs = read_references(path)
    name = refs[0].file
    if doi is not None:
        wanted = (doi_of(doi) or "").lower()
        found = [r for r in refs if r.doi and r.doi.lower() == wanted]
        if not found:
            raise CitationFileError(name, 0, f"no reference with DOI {doi}; the file holds:\n{_listing(refs)}")
        return found[0]
    if pick is not None:
        if not 1 <= pick <= len(refs):
            raise CitationFileError(name, 0, f"--pick {pick}: the file holds {len(refs)} reference"
                                             f"{'' if len(refs) == 1 else 's'}:\n{_listing(refs)}")
        return refs[pick - 1]
    if len(refs) > 1:
        raise CitationFileError(name, 0, f"{len(refs)} references; choose one with --pick N or --doi DOI:\n"
                                         f"{_listing(refs)}")
    return refs[0]


def _listing(refs: list[Reference]) -> str:
    return "\n".join(f"  {i}. line {r.line}: {r.summary()}" for i, r in enumerate(refs, 1))
