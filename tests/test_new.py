"""`evidence-brief new ID`: a commented skeleton record that validates and builds at once."""

from __future__ import annotations

from pypdf import PdfReader

from pipeline.build import BuildOptions, build_record
from pipeline.cli import main
from pipeline.validate import load_study


def test_new_record_validates_builds_and_says_not_yet_written(tmp_path, capsys):
    record = tmp_path / "my-study.yaml"
    assert main(["new", "my-study", "-o", str(record)]) == 0
    assert capsys.readouterr().out == f"wrote {record}\n"
    text = record.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/study-record.schema.json\n")
    assert "#   outcomes:" in text and "#   flow:" in text  # the shape of what a first draft leaves out
    checked = load_study(record)
    assert checked.study.id == "my-study"
    assert any("placeholder not yet written" in w.message for w in checked.warnings)
    result = build_record(record, tmp_path / "out", BuildOptions(only=("brief", "deck")))
    assert {p.name for p in result.written} == {"brief.pdf", "deck.pptx"}
    reader = PdfReader(tmp_path / "out" / "my-study" / "brief.pdf")
    assert len(reader.pages) == 1
    page = reader.pages[0].extract_text()
    assert "Bottom line not yet written" in " ".join(page.split())


def test_new_prints_to_stdout_and_never_overwrites(tmp_path, capsys):
    assert main(["new", "x"]) == 0
    assert "\nid: x\n" in capsys.readouterr().out
    record = tmp_path / "x.yaml"
    record.write_text("mine\n", encoding="utf-8")
    assert main(["new", "x", "-o", str(record)]) == 2
    assert f"{record} exists" in capsys.readouterr().err
    assert record.read_text(encoding="utf-8") == "mine\n"


def test_new_refuses_an_id_that_cannot_name_a_folder(tmp_path, capsys):
    assert main(["new", "../My Study", "-o", str(tmp_path / "x.yaml")]) == 2
    assert "'../My Study' cannot name a record" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()
