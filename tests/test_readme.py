"""The README's field reference is generated from the model and must be current."""

from __future__ import annotations

import shutil

from conftest import ROOT
from pipeline.fieldref import END, START, markdown, refresh_readme


def test_readme_field_reference_is_current(tmp_path):
    copy = tmp_path / "README.md"
    shutil.copy(ROOT / "README.md", copy)
    assert not refresh_readme(copy), "README field reference is stale: run `make docs`"
    text = copy.read_text(encoding="utf-8")
    section = text.split(START)[1].split(END)[0]
    assert section.strip() == markdown().strip()
    assert "| `outcomes[].effects[].ci` |" in section
    assert "| `record` | `2` | yes |" in section
    assert "Fields as in `outcomes[].results[]`." in section   # a part is listed once, then pointed to


def test_readme_puts_the_two_commands_first():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh", 1)[1].split("```", 1)[0]
    assert "make report" in first_block and "make test" in first_block


def test_readme_minimal_record_validates_and_builds(tmp_path):
    from pipeline.build import BuildOptions, build_record
    from pipeline.validate import load_study

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    record = tmp_path / "imagine-ra-minimal.yaml"
    record.write_text(example, encoding="utf-8")
    checked = load_study(record)
    assert checked.study.id == "imagine-ra-minimal"
    result = build_record(record, tmp_path / "out", BuildOptions(only=("brief",)))
    assert (tmp_path / "out" / "imagine-ra-minimal" / "brief.pdf").stat().st_size > 0
    assert result.study_id == "imagine-ra-minimal"
