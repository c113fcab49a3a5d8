"""The Bundle being built: stable ids and references between its resources.

In:  the study id; resources as they are made. Out: a ``collection`` Bundle.

Every resource gets a UUID derived from the study id, its type and a key
(``Evidence`` / ``outcome-id/effect-1``), so an export of the same record is
the same text each time, and resources refer to each other by ``urn:uuid:``
full URLs, which a Bundle resolves without a server.
"""

from __future__ import annotations

import uuid

from .codes import Json

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://evidence-brief.invalid/fhir")


class Entries:
    def __init__(self, study_id: str):
        self.study_id = study_id
        self._entries: list[Json] = []

    def _id(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(NAMESPACE, f"{self.study_id}/{kind}/{key}"))

    def ref(self, kind: str, key: str, display: str | None = None) -> Json:
        """A Reference to the resource of ``kind`` and ``key`` (made before or after it)."""
        out = {"reference": f"urn:uuid:{self._id(kind, key)}", "type": kind}
        if display:
            out["display"] = display
        return out

    def add(self, kind: str, key: str, resource: Json) -> Json:
        """Put ``resource`` in the Bundle; returns a Reference to it."""
        rid = self._id(kind, key)
        self._entries.append({"fullUrl": f"urn:uuid:{rid}",
                              "resource": {"resourceType": kind, "id": rid, **resource}})
        return self.ref(kind, key, resource.get("title"))

    def bundle(self) -> Json:
        return {"resourceType": "Bundle", "id": self._id("Bundle", ""), "type": "collection",
                "entry": self._entries}
