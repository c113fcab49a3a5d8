"""The record's ``citation`` (and ``related`` papers) -> an R5 ``Citation``.

In:  ``model.Citation`` and its related publications. Out: the resource as plain data.

citedArtifact carries the article: title, identifiers (DOI, PMID, PMCID),
journal, volume, issue, year (``articleDate``), pages, authors in order
(``complete`` is false when the list ends in et al.; a group author is an entry
of its own) and the DOI's web address. A related paper is a ``relatesTo``
entry (``correction-in`` for a correction, else ``supported-with``) with its
title and web address.
"""

from __future__ import annotations

from ..model import Citation, RelatedPublication
from .codes import DOI, PMC, PUBMED, TITLE_TYPE, Json, coding, concept


def citation_resource(c: Citation, related: list[RelatedPublication]) -> Json:
    artifact: Json = {}
    identifiers = [{"system": system, "value": value}
                   for system, value in ((DOI, c.doi), (PUBMED, c.pmid), (PMC, c.pmcid)) if value]
    if identifiers:
        artifact["identifier"] = identifiers
    if c.title:
        artifact["title"] = [{"type": [concept(coding(TITLE_TYPE, "primary", "Primary title"))],
                              "text": " ".join(c.title.split())}]
    form: Json = {"publishedIn": {"title": c.journal}}
    for key, value in (("volume", c.volume), ("issue", c.issue)):
        if value:
            form[key] = value
    form["articleDate"] = f"{c.year:04d}"
    if c.published:
        form["publicationDateText"] = c.published
    if c.pages:
        form["pageString"] = c.pages
    artifact["publicationForm"] = [form]
    url = f"https://doi.org/{c.doi}" if c.doi else c.url
    if url:
        artifact["webLocation"] = [{"url": url}]
    names = list(c.authors) + ([c.group] if c.group else [])
    if names:
        artifact["contributorship"] = {
            "complete": not c.et_al,
            "entry": [{"contributor": {"display": name}, "rankingOrder": i} for i, name in enumerate(names, 1)],
            "summary": [{"value": ", ".join(names) + (", et al" if c.et_al else "")}],
        }
    if related:
        artifact["relatesTo"] = [_related(r) for r in related]
    out = {"status": "active", "citedArtifact": artifact}
    if c.title:
        out = {"title": " ".join(c.title.split()), **out}
    return out


def _related(r: RelatedPublication) -> Json:
    out: Json = {"type": "correction-in" if "correction" in r.relation.lower() else "supported-with",
           "label": r.relation, "display": " ".join(r.title.split()) if r.title else f"{r.journal} {r.year}"}
    if r.doi or r.url:
        out["document"] = {"url": f"https://doi.org/{r.doi}" if r.doi else r.url}
    return out
