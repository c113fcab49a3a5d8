"""What the importer's parts share: the registry study, the arms found so far, text cleaning, warnings.

In:  the study as parsed JSON (ClinicalTrials.gov API v2).
Out: ``ImporterBase``, which ``flow``, ``outcomes`` and ``question`` extend and ``importer`` runs;
     ``Arm`` (an arm as the record will name it) and ``Unit`` (one outcome measure's rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .groups import ArmKey
from .source import (
    TextCleaner,
    get,
)
from .yamlout import Node


@dataclass
class Arm:
    id: str
    label: str
    short: str | None
    role: str | None
    description: str | None
    names: list[str]
    allocated: int | None = None

    def key(self) -> ArmKey:
        return ArmKey(self.id, list(self.names), self.description or "")


@dataclass
class Unit:
    """One registry outcome measure, as the outcome rows it gives."""

    index: int
    primary: bool
    title: str
    rows: list[Node]
    has_effect: bool
    comparable: bool
    kind_word: str  # PRIMARY / SECONDARY / OTHER_PRE_SPECIFIED / POST_HOC


Json = dict[str, Any]          # a JSON object of the registry's study
ByGroup = dict[str | None, Any]  # a registry value per group id (None: a value without one)


def of_group(entries: list[Json], gid: Any, key: str) -> Any:
    """``key`` of the first entry that belongs to group ``gid`` (None when none does)."""
    return next((e.get(key) for e in entries if e.get("groupId") == gid), None)


class ImporterBase:
    def __init__(self, study: Json, name: str):
        self.raw = study
        self.name = name
        self.p = study["protocolSection"]
        self.r = study.get("resultsSection") if isinstance(study.get("resultsSection"), dict) else {}
        self.nct = get(self.p, "identificationModule", "nctId").strip()
        self.text = TextCleaner()
        self.warnings: list[str] = []
        self.arms: list[Arm] = []
        self.hypothesis = "superiority"

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.nct}: {message}")
