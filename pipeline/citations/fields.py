"""A ``Reference`` -> the record's ``citation`` mapping (record version 1).

In:  a ``Reference``. Out: a ``Node`` (ordered mapping with comments) holding
     the fields ``model.Citation`` has, or ``CitationFileError`` when the
     reference lacks what a citation needs (a journal, a year, an author).

This is the one place that knows the record's citation fields: when records
gain ``pmid`` and ``group`` (version 2), only this function changes. Until
then the PubMed id is kept as a comment and a group author joins the authors.
"""

from __future__ import annotations

import unicodedata

from ..ctgov.yamlout import Node
from .reference import CitationFileError, Reference

MAX_LISTED = 6  # Vancouver/AMA: up to six authors; more are cited as the first three, et al.
LISTED_WHEN_SHORTENED = 3


def citation_node(ref: Reference) -> Node:
    missing = [what for what, value in (("journal", ref.journal), ("year", ref.year),
                                         ("author", ref.authors or ref.group)) if not value]
    if missing:
        raise CitationFileError(ref.file, ref.line, f"this reference has no {' and no '.join(missing)}; "
                                                    "a citation needs a journal, a year and an author")
    authors = list(ref.authors) + ([ref.group] if ref.group else [])
    et_al = ref.et_al or len(authors) > MAX_LISTED
    if len(authors) > MAX_LISTED:
        authors = authors[:LISTED_WHEN_SHORTENED]
    node = Node(authors=authors)
    if et_al:
        node["et_al"] = True
    node.put("title", ref.title)
    node["journal"] = ref.journal
    node["year"] = ref.year
    for key in ("volume", "issue", "pages", "doi", "pmcid"):
        node.put(key, getattr(ref, key))
    if ref.pmid:
        node.note("journal" if "doi" not in node else "doi", f"PMID {ref.pmid}")
    return node


_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l",
                       "Ł": "L", "þ": "th", "ð": "d"})


def record_id(ref: Reference) -> str:
    """A record id from the first author and the year, e.g. ``moller-bisgaard-2019``."""
    from ..slugs import slug

    first = ref.authors[0].rsplit(" ", 1)[0] if ref.authors else (ref.group or "study")
    ascii_name = unicodedata.normalize("NFKD", first.translate(_FOLD)).encode("ascii", "ignore").decode()
    return slug(f"{ascii_name} {ref.year or ''}", 63)
