"""PubMed's MEDLINE text (``.nbib``, "Cite" → "Download .nbib") -> ``Reference``s.

In:  the file's text and its name. Out: one ``Reference`` per record.

The format is small: records are separated by blank lines; each line is a tag
of up to four letters padded to four, ``- ``, and the value (``TI  - …``,
``PMID- 30747964``); a line starting with six spaces continues the one above.
The one package for it on PyPI (``nbib``) has not been released since 2021, so
the format is read here.

Used tags: PMID, TI, TA (journal abbreviation; JT, the full title, when absent),
DP (date), VI, IP, PG, LID / AID (``… [doi]``), PMC, AU (``FAU`` when no AU),
CN (group author).
"""

from __future__ import annotations

import re

from .reference import CitationFileError, Reference, author_of, clean, found, pmcid_of

# Each field of a Reference, from the first of these MEDLINE tags a record has.
KEYS = {"title": ("TI",), "journal": ("TA", "JT"), "year": ("DP",), "volume": ("VI",), "issue": ("IP",),
        "pages": ("PG",), "pmid": ("PMID",)}

_LINE = re.compile(r"^([A-Z]{2,4}) {0,2}- (.*)$")


def read(text: str, name: str) -> list[Reference]:
    records: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            current = None
            continue
        match = _LINE.match(line)
        if match and len(line) >= 6 and line[4:6] == "- ":
            if current is None:
                current = []
                records.append((number, current))
            current.append((match.group(1), match.group(2)))
        elif line.startswith("      ") and current:
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
        else:
            raise CitationFileError(name, number, f"not a MEDLINE line (expected a tag such as 'TI  - '): "
                                                  f"{line.strip()[:40]!r}", 1)
    if not records:
        raise CitationFileError(name, 1, "no record in the file (a PubMed .nbib record starts with 'PMID- ')")
    return [_reference(fields, name, line) for line, fields in records]


def _reference(fields: list[tuple[str, str]], name: str, line: int) -> Reference:
    def first(*tags: str) -> str | None:
        return next((clean(v) for tag in tags for t, v in fields if t == tag and clean(v)), None)

    def every(tag: str) -> list[str]:
        return [c for t, v in fields if t == tag and (c := clean(v))]

    ids = every("LID") + every("AID")
    doi = next((i[: -len("[doi]")].strip() for i in ids if i.endswith("[doi]")), None)
    authors = every("AU") or [author_of(full) for full in every("FAU")]
    return found(name, line, first, KEYS, doi=doi, pmcid=pmcid_of((first("PMC") or "").split(" ")[0]),
                 authors=tuple(authors), group=first("CN"))
