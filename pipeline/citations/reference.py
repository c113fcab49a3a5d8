"""The reference every citation format is read into, and the clean-ups they share.

In:  values as a format module found them (names, dates, page ranges, DOIs).
Out: ``Reference``: one article as the record needs it, with the file and line it
     starts at; ``CitationFileError`` for a file that cannot be read, located as
     ``file:line[:column]: message``.

Authors are kept as cited in Vancouver style (``Møller-Bisgaard S``), in full;
``pages`` use an en dash (``461–472``, an abbreviated ``461-72`` written out).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ImportSourceError, shown_name
from ..inputfile import NotReadable, looks_like_utf16, read_limited

MAX_BYTES = 10 * 1024 * 1024


class CitationFileError(ImportSourceError):
    """A citation file that cannot be read: one located line, exit 2."""

    def __init__(self, file: str, line: int, message: str, column: int | None = None):
        where = f"{file}:{line}" + (f":{column}" if column else "") if line else file
        super().__init__(f"{where}: {message}")


Given = str | None      # a field of the entry: None when the entry does not give it
GivenYear = int | None


@dataclass(frozen=True)
class Reference:
    """One article. ``line`` is where it starts in ``file``; a ``Given`` field is None when absent."""

    file: str
    line: int
    title: Given = None
    journal: Given = None
    year: GivenYear = None
    volume: Given = None
    issue: Given = None
    pages: Given = None
    doi: Given = None
    pmid: Given = None
    pmcid: Given = None
    authors: tuple[str, ...] = ()
    group: Given = None
    et_al: bool = False  # the file itself shortens the list ("and others")

    def summary(self) -> str:
        """One line to tell references apart: first author, year, title, DOI."""
        first = self.authors[0] if self.authors else (self.group or "no author")
        title = (self.title or "no title")
        title = title if len(title) <= 70 else title[:67].rstrip() + "…"
        doi = f" (doi {self.doi})" if self.doi else ""
        return f"{first} {self.year or 'n.d.'}. {title}{doi}"


def read_text(path: Path) -> tuple[str, str]:
    """The file's text (UTF-8, a byte-order mark dropped, line ends made ``\\n``) and its display name."""
    name = shown_name(path)
    try:
        raw = read_limited(path, MAX_BYTES, "citation (.ris, .bib, .nbib or .json)")
    except NotReadable as exc:
        raise CitationFileError(name, 0, str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if looks_like_utf16(raw):
            raise CitationFileError(name, 0, "the file is UTF-16; export it as UTF-8 (Unicode) from your "
                                             "reference manager") from None
        line = raw[:exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CitationFileError(name, line, f"byte 0x{raw[exc.start]:02X} is not UTF-8; export the file "
                                            "as UTF-8 (Unicode) from your reference manager", column) from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), name


def clean(value: object) -> str | None:
    """Text with white space folded, or None when empty."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def clean_title(value: object) -> str | None:
    """A title without the full stop PubMed and some exports end it with."""
    text = clean(value)
    if text and text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    return text


_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d|2100)(?!\d)")


def year_of(value: object) -> int | None:
    """The first plausible four-digit year in a date such as ``2019 Feb 5`` or ``2019///``."""
    match = _YEAR.search(str(value)) if value is not None else None
    return int(match.group(1)) if match else None


_RANGE = re.compile(r"^([A-Za-z]?)(\d+)\s*(?:-|–|—|--)\s*([A-Za-z]?)(\d+)$")


def pages_of(start: object, end: object = None) -> str | None:
    """``461-472``, ``461-72`` or start and end apart -> ``461–472``; anything else as given."""
    first, last = clean(start), clean(end)
    if first and last and first != last:
        first = f"{first}-{last}"
    if not first:
        return None
    match = _RANGE.match(first)
    if not match:
        return first
    p1, a, p2, b = match.groups()
    if len(b) < len(a):  # 461-72: the end leaves out the start's leading digits
        b = a[: len(a) - len(b)] + b
    return f"{p1}{a}–{p2}{b}"


_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)


def doi_of(value: object) -> str | None:
    """A DOI without ``https://doi.org/`` or ``doi:`` in front."""
    text = clean(value)
    return _DOI.sub("", text) if text else None


def digits_of(value: object) -> str | None:
    """A PubMed id: the digits of ``30747964`` or ``PMID: 30747964``."""
    text = clean(value)
    match = re.fullmatch(r"(?:PMID:?\s*)?(\d{1,9})", text or "", re.I)
    return match.group(1) if match else None


def pmcid_of(value: object) -> str | None:
    text = clean(value)
    match = re.fullmatch(r"(?:PMCID:?\s*)?(PMC\d+)", text or "", re.I)
    return match.group(1).upper() if match else None


def vancouver(family: str, given: str = "") -> str:
    """``Møller-Bisgaard`` and ``Signe`` (or ``S.``) -> ``Møller-Bisgaard S``; ``Hans-Peter`` gives ``HP``."""
    family = " ".join(family.split())
    initials = "".join(part[0].upper() for part in re.split(r"[\s.\-‐]+", given) if part and part[0].isalpha())
    return f"{family} {initials}" if initials else family


def author_of(text: str) -> str:
    """An author written ``Family, Given`` (RIS, BibTeX) or already ``Family GH`` (PubMed)."""
    text = " ".join(text.split())
    if "," in text:
        family, given = text.split(",", 1)
        return vancouver(family, given)
    return text.replace(".", "")


_CLEAN: dict[str, Callable[[Any], Any]] = {"title": clean_title, "year": year_of, "pages": pages_of, "doi": doi_of,
                                           "pmid": digits_of, "pmcid": pmcid_of}


def found(file: str, line: int, look_up: Callable[..., str | None], keys: Mapping[str, tuple[str, ...]],
          **made: Any) -> Reference:
    """The ``Reference`` of one entry of a format: each field ``keys`` names is the first of its keys the entry
    has (``look_up(*keys)``), cleaned the one way for that field (a title loses its final stop, a year is read
    from a date, a page range is written out, a DOI or PubMed id loses its prefix, other text is folded);
    ``made`` holds the fields the format works out itself (authors, group, …), as they are."""
    values = {name: _CLEAN.get(name, clean)(look_up(*names)) for name, names in keys.items()}
    return Reference(file=file, line=line, **values, **made)
