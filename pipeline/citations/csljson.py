"""CSL-JSON (Zotero "Export…" → CSL JSON, citation.js, pandoc) -> ``Reference``s.

In:  the file's text and its name. Out: one ``Reference`` per item of the
top-level array (a single object is one item).

Read with the standard ``json`` module; the line of each item (and of a field
that cannot be used) is found from the decoder's offsets.

Used variables: title, container-title-short (container-title when absent),
issued (date-parts, else the year in raw or literal), volume, issue, page, DOI,
PMID, PMCID, author (family and given, or literal for a group).
"""

from __future__ import annotations

import json
from typing import Any

from .reference import CitationFileError, Reference, clean, found, vancouver, year_of

# Each field of a Reference, from the first of these CSL variables an item has (the year: from "issued").
KEYS = {"title": ("title",), "journal": ("container-title-short", "journalAbbreviation", "container-title"),
        "volume": ("volume",), "issue": ("issue",), "pages": ("page",), "doi": ("DOI",), "pmid": ("PMID",),
        "pmcid": ("PMCID",)}


def read(text: str, name: str) -> list[Reference]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CitationFileError(name, exc.lineno, f"not valid JSON: {exc.msg}", exc.colno) from None
    items = data if isinstance(data, list) else [data]
    offsets = _item_offsets(text) if isinstance(data, list) else [len(text) - len(text.lstrip())]
    if not items:
        raise CitationFileError(name, 1, "no item in the file (CSL-JSON is an array of items)")
    out = []
    for index, (item, offset) in enumerate(zip(items, offsets, strict=True)):
        line = text.count("\n", 0, offset) + 1
        if not isinstance(item, dict):
            raise CitationFileError(name, line, f"item {index + 1} is not an object with title, author, issued …")
        out.append(_reference(item, name, line, text, offset))
    return out


def _item_offsets(text: str) -> list[int]:
    """Where each element of the top-level array starts."""
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    i = text.index("[") + 1
    while True:
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            return offsets
        offsets.append(i)
        _, i = decoder.raw_decode(text, i)


def _line_of_key(text: str, start: int, key: str) -> int:
    at = text.find(f'"{key}"', start)
    return text.count("\n", 0, at if at >= 0 else start) + 1


def _reference(item: dict[str, Any], name: str, line: int, text: str, offset: int) -> Reference:
    def text_of(*keys: str) -> str | None:
        for key in keys:
            value = item.get(key)
            if value is not None and not isinstance(value, (str, int, float)):
                raise CitationFileError(name, _line_of_key(text, offset, key), f"{key!r} must be text, "
                                                                              f"not {type(value).__name__}")
            if clean(value):
                return clean(value)
        return None

    authors: list[str] = []
    group = None
    people = item.get("author", [])
    if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
        raise CitationFileError(name, _line_of_key(text, offset, "author"),
                                "'author' must be a list of names such as {\"family\": …, \"given\": …}")
    for person in people:
        family = clean(person.get("family"))
        if family:
            particle = clean(person.get("non-dropping-particle"))
            authors.append(vancouver(f"{particle} {family}" if particle else family, str(person.get("given") or "")))
        elif clean(person.get("literal")):
            group = group or clean(person.get("literal"))
    return found(name, line, text_of, KEYS, year=_year(item.get("issued"), name, _line_of_key(text, offset, "issued")),
                 authors=tuple(authors), group=group)


def _year(issued: object, name: str, line: int) -> int | None:
    if issued is None:
        return None
    if not isinstance(issued, dict):
        raise CitationFileError(name, line, "'issued' must be a date such as {\"date-parts\": [[2019, 2, 5]]}")
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        return year_of(parts[0][0])
    return year_of(issued.get("raw") or issued.get("literal"))
