"""The committed JSON Schema matches the model, and records point editors at it."""

from __future__ import annotations

import json

from conftest import ROOT
from pipeline.cli import main
from pipeline.model import study_schema


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "schema" / "study-record.schema.json").read_text(encoding="utf-8"))
    assert committed == study_schema(), "schema is stale: run `make schema` and commit it"


def test_schema_forbids_unknown_keys_and_lists_fields():
    schema = study_schema()
    assert schema["additionalProperties"] is False
    for name in ("id", "title", "question", "design", "arms", "conclusions"):
        assert name in schema["required"]
    assert "Outcome" in schema["$defs"] and schema["$defs"]["Outcome"]["additionalProperties"] is False


def test_schema_is_version_2():
    schema = study_schema()
    assert "record" in schema["required"] and schema["properties"]["record"]["const"] == 2
    effect = schema["$defs"]["Effect"]["properties"]
    assert effect["ci_level"]["default"] == 95 and "compares" in effect
    assert "registrations" in schema["properties"] and "registration" not in schema["properties"]


def test_every_shipped_record_names_the_schema_on_its_first_line():
    for record in sorted((ROOT / "sources").glob("*.yaml")):
        text = record.read_text(encoding="utf-8")
        schema = "review-record" if "\nkind: review\n" in text else "study-record"
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schema/{schema}.schema.json", record


def test_schema_command_writes_json(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "evidence-brief study record"
