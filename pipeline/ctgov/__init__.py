"""Import a ClinicalTrials.gov registry entry, and compare a record with one.

    from pipeline.ctgov import import_ctgov_file, compare_record

    result = import_ctgov_file("NCT02552212.json")   # ImportResult
    result.yaml_text      # the record, validated, ready to write to sources/<id>.yaml
    result.warnings       # one-line strings: what was left out or could not be read

    differences = compare_record(study, "NCT01656278.json")   # list[Difference]

Both read the ClinicalTrials.gov API v2 JSON format (one study: protocolSection,
resultsSection, ...). Bad input raises ``ImportSourceError`` with one line.
Modules: ``source`` (read and tidy the JSON), ``groups`` (match result groups
to arms), ``importer`` (the mapping), ``yamlout`` (YAML with comments),
``compare`` (record against registry).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .compare import Difference, compare_record, compare_study
from .importer import ImportResult, import_study
from .source import read_study, study_of


def import_ctgov_file(path: str | Path) -> ImportResult:
    """Read a ClinicalTrials.gov API v2 study file and return the record it gives."""
    return import_study(read_study(path), str(path))


def import_ctgov_data(data: Any, name: str = "<json>") -> ImportResult:
    """Like ``import_ctgov_file`` for JSON already parsed."""
    return import_study(study_of(data, name), name)


__all__ = ["Difference", "ImportResult", "compare_record", "compare_study", "import_ctgov_data",
           "import_ctgov_file", "read_study"]
