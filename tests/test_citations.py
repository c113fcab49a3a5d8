"""`import citation`: RIS, BibTeX, PubMed .nbib and CSL-JSON files into a record's citation.

The IMAGINE-RA fixtures were written for these tests from sources/imagine-ra.yaml; they list
only the three authors our facts name, and no PMID (our facts do not give it). Files whose
titles say SYNTHETIC are made up for the tests (their PMID and DOIs are fakes).
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from conftest import ROOT, SHIPPED
from pipeline.citations import read_reference
from pipeline.citations.fields import citation_node, record_id
from pipeline.citations.reference import Reference, pages_of, vancouver
from pipeline.cli import main
from pipeline.validate import load_study

FIXTURES = ROOT / "tests" / "fixtures" / "citations"
IMAGINE = [FIXTURES / f"imagine-ra.{ext}" for ext in ("ris", "bib", "nbib", "json")]


def _shipped_citation() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["citation"]


@pytest.mark.parametrize("path", IMAGINE, ids=lambda p: p.suffix)
def test_each_format_gives_the_imagine_ra_citation(path):
    citation = dict(citation_node(read_reference(path)))
    expected = _shipped_citation()
    expected.pop("et_al")  # the fixtures list just the three authors our facts name
    assert citation == expected
    assert citation["authors"][0] == "Møller-Bisgaard S"


def test_new_records_from_the_four_formats_are_the_same(tmp_path, capsys):
    citations = []
    for path in IMAGINE:
        out = tmp_path / path.suffix[1:] / "imagine-ra.yaml"
        out.parent.mkdir()
        assert main(["import", "citation", str(path), "-o", str(out)]) == 0
        study = load_study(out).study
        assert study.id == "imagine-ra"
        citations.append(study.citation)
    assert all(c == citations[0] for c in citations)
    assert citations[0].doi == "10.1001/jama.2018.21362" and citations[0].pages == "461–472"


def test_a_new_record_from_a_citation_builds_and_says_what_is_missing(tmp_path, capsys):
    from pypdf import PdfReader

    from pipeline.build import BuildOptions, build_record

    out = tmp_path / "imagine-ra.yaml"
    assert main(["import", "citation", str(FIXTURES / "imagine-ra.bib"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "TODO" in text and "# From imagine-ra.bib (line 2)" in text
    build_record(out, tmp_path / "out", BuildOptions(only=("brief",)))
    page = PdfReader(tmp_path / "out" / "imagine-ra" / "brief.pdf").pages[0].extract_text()
    assert "Møller-Bisgaard S, Hørslev-Petersen K, Ejbjerg B" in page
    assert "JAMA. 2019;321(5):461–472" in page
    assert "not yet written" in page


def test_without_output_the_record_goes_to_stdout_named_after_author_and_year(capsys):
    assert main(["import", "citation", str(FIXTURES / "imagine-ra.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# yaml-language-server") and "\nid: moller-bisgaard-2019\n" in out


def test_an_existing_output_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "x.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    assert main(["import", "citation", str(IMAGINE[0]), "-o", str(out)]) == 2
    assert "--into" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me\n"


# --- several references --------------------------------------------------------------------

def test_several_references_are_listed_and_one_must_be_chosen(tmp_path, capsys):
    several = FIXTURES / "several.ris"
    out = tmp_path / "x.yaml"
    assert main(["import", "citation", str(several), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "2 references; choose one with --pick N or --doi DOI" in err
    assert "1. line 1: Møller-Bisgaard S 2019. Effect of Magnetic" in err
    assert "2. line 15: Example A 2020. SYNTHETIC reference" in err
    assert not out.exists()
    assert read_reference(several, pick=2).journal == "Synthetic Journal"
    assert read_reference(several, doi="https://doi.org/10.1001/JAMA.2018.21362").year == 2019
    assert main(["import", "citation", str(several), "--pick", "3"]) == 2
    assert "--pick 3: the file holds 2 references" in capsys.readouterr().err
    assert main(["import", "citation", str(several), "--doi", "10.5555/none"]) == 2
    assert "no reference with DOI 10.5555/none" in capsys.readouterr().err


# --- what each format carries ----------------------------------------------------------------

def test_medline_pmid_group_author_and_abbreviated_pages(tmp_path, capsys):
    ref = read_reference(FIXTURES / "synthetic-pmid.nbib")
    assert (ref.pmid, ref.pmcid, ref.doi) == ("99999999", "PMC0000000", "10.5555/synthetic.2")
    assert ref.journal == "Synthetic J" and ref.pages == "10–19" and ref.year == 2020
    assert ref.authors == ("Example A", "Sample B") and ref.group == "SYNTHETIC Trial Group"
    assert ref.title == "SYNTHETIC record written for the tests; its PMID is fake"
    out = tmp_path / "synthetic.yaml"
    assert main(["import", "citation", str(FIXTURES / "synthetic-pmid.nbib"), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# PMID 99999999" in text  # kept: the record has no field for it yet
    assert load_study(out).study.citation.authors == ["Example A", "Sample B", "SYNTHETIC Trial Group"]


def test_bibtex_and_others_and_group_author(tmp_path):
    path = tmp_path / "x.bib"
    path.write_text("@article{k, author = {{SYNTHETIC Trial Group} and Sample, Bo Anders and others},\n"
                    " title = {SYNTHETIC}, journal = {Synthetic J}, year = 2020, pmid = {99999999}}\n",
                    encoding="utf-8")
    ref = read_reference(path)
    assert ref.authors == ("Sample BA",) and ref.group == "SYNTHETIC Trial Group" and ref.et_al
    assert ref.pmid == "99999999"
    assert citation_node(ref)["et_al"] is True


def test_more_than_six_authors_are_cited_as_three_et_al():
    names = tuple(f"Example {letter}" for letter in "ABCDEFG")
    node = citation_node(Reference("x", 1, title="SYNTHETIC", journal="Synthetic J", year=2020, authors=names))
    assert node["authors"] == ["Example A", "Example B", "Example C"] and node["et_al"] is True
    six = citation_node(Reference("x", 1, journal="Synthetic J", year=2020, authors=names[:6]))
    assert len(six["authors"]) == 6 and "et_al" not in six


@pytest.mark.parametrize("given, expected", [
    (("461", "472"), "461–472"), (("461-72",), "461–472"), (("1199-201",), "1199–1201"),
    (("e1234",), "e1234"), (("S12--S14",), "S12–S14"), (("461", None), "461"), ((None,), None),
])
def test_pages(given, expected):
    assert pages_of(*given) == expected


def test_vancouver_initials_and_id():
    assert vancouver("Møller-Bisgaard", "Signe") == "Møller-Bisgaard S"
    assert vancouver("Sample", "Hans-Peter J.") == "Sample HPJ"
    ref = Reference("x", 1, year=2019, authors=("Hørslev-Petersen K",))
    assert record_id(ref) == "horslev-petersen-2019"


# --- broken files -----------------------------------------------------------------------------

BROKEN = [
    ("no-end.ris", "TY  - JOUR\nTI  - SYNTHETIC\n", ":1: this reference has no end line 'ER  - '"),
    ("stray.ris", "Hello\nTY  - JOUR\nER  - \n", ":1:1: expected 'TY  - JOUR' to start a reference"),
    ("two-open.ris", "TY  - JOUR\nTI  - a\nTY  - JOUR\nER  - \n", ":1: this reference has no end line 'ER  - ' "
                                                                  "before the next 'TY' on line 3"),
    ("latin1.ris", "TY  - JOUR\nAU  - M\xf8ller\nER  - \n".encode("latin-1"), ":2:8: byte 0xF8 is not UTF-8"),
    ("open.bib", "@article{a,\n  title = {SYNTHETIC,\n  year = 2020\n}\n@article{b, title={x}}\n",
     ":1: BibTeX entry cannot be read: Unexpected block start"),
    ("none.bib", "just words\n", ":1: no entry in the file"),
    ("bad.nbib", "PMID- 99999999\nTI  - SYNTHETIC\nnot a medline line\n", ":3:1: not a MEDLINE line"),
    ("bad.json", '[\n  {"title": "SYNTHETIC",}\n]\n', ":2:25: not valid JSON: Expecting property name"),
    ("issued.json", '[\n  {"title": "SYNTHETIC",\n   "issued": "2020"}\n]\n', ":3: 'issued' must be a date"),
    ("nojournal.json",
     '[{"title": "SYNTHETIC", "author": [{"family": "Example"}], "issued": {"date-parts": [[2020]]}}]',
     ":1: this reference has no journal"),
    ("empty.ris", "", ": the file is empty"),
    ("utf16.ris", "TY  - JOUR\nER  - \n".encode("utf-16"), ": the file is UTF-16; export it as UTF-8"),
    ("unknown.txt", "Example A. SYNTHETIC. 2020.\n", ": cannot tell the format"),
]


@pytest.mark.parametrize("name, content, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_files_are_refused_with_their_location(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out = tmp_path / "record.yaml"
    assert main(["import", "citation", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}{message}"), err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


# --- --into: fill an existing record -------------------------------------------------------------

def test_into_a_record_without_citation_adds_it_after_the_title_and_keeps_the_rest(tmp_path, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    record = tmp_path / "imagine-ra-minimal.yaml"
    record.write_text(text, encoding="utf-8")
    assert main(["import", "citation", str(IMAGINE[2]), "--into", str(record)]) == 0
    after = record.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in text.splitlines()]
    assert added[0] == "# From imagine-ra.nbib (line 1) by `evidence-brief import citation`."
    assert added[1] == "citation:" and all(line.startswith("  ") for line in added[2:])
    assert [line for line in after.splitlines() if line in text.splitlines()] == text.splitlines()  # comments too
    assert after.index("citation:") > after.index("\ntitle:") and after.index("citation:") < after.index("question:")
    study = load_study(record).study
    assert study.citation.authors == ["Møller-Bisgaard S", "Hørslev-Petersen K", "Ejbjerg B"]
    assert study.citation.volume == "321"


def test_into_reports_conflicts_keeps_the_record_and_fills_the_rest(tmp_path, capsys):
    record = tmp_path / "imagine-ra.yaml"
    original = SHIPPED.read_text(encoding="utf-8")
    edited = original.replace("  year: 2019\n", "  year: 2018\n").replace("  pmcid: PMC6440221\n", "")
    record.write_text(edited, encoding="utf-8")
    line = edited.splitlines().index("  year: 2018") + 1
    assert main(["import", "citation", str(IMAGINE[0]), "--into", str(record)]) == 0
    captured = capsys.readouterr()
    assert f"{record}:{line}:9: citation.year: the record has 2018, the file 2019: kept the record's; " \
           f"--force to take the file's" in captured.err
    assert "citation: wrote pmcid" in captured.out
    assert record.read_text(encoding="utf-8") == edited.replace("  doi: 10.1001/jama.2018.21362\n",
                                                                "  doi: 10.1001/jama.2018.21362\n  pmcid: PMC6440221\n")
    assert main(["import", "citation", str(IMAGINE[0]), "--into", str(record), "--force"]) == 0
    assert "replaced (--force)" in capsys.readouterr().err
    assert record.read_text(encoding="utf-8") == original


def test_into_the_shipped_record_changes_nothing(tmp_path, capsys):
    record = tmp_path / "imagine-ra.yaml"
    shutil.copy(SHIPPED, record)
    for path in IMAGINE:
        assert main(["import", "citation", str(path), "--into", str(record)]) == 0
    assert "nothing to add" in capsys.readouterr().out
    assert record.read_bytes() == SHIPPED.read_bytes()


def test_into_a_broken_record_writes_nothing(tmp_path, capsys):
    record = tmp_path / "x.yaml"
    record.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    assert main(["import", "citation", str(IMAGINE[0]), "--into", str(record)]) == 2
    assert capsys.readouterr().err.startswith(f"{record}:")
    assert record.read_text(encoding="utf-8") == "id: x\ntitle: [unclosed\n"


def test_into_an_empty_citation_fills_it_and_a_text_citation_is_refused(tmp_path, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    record = tmp_path / "imagine-ra-minimal.yaml"
    record.write_text(text.replace("\nquestion:", "\ncitation:\nquestion:", 1), encoding="utf-8")
    assert main(["import", "citation", str(IMAGINE[1]), "--into", str(record)]) == 0
    assert load_study(record).study.citation.journal == "JAMA"
    wrong = text.replace("\nquestion:", "\ncitation: Møller-Bisgaard S et al. JAMA 2019\nquestion:", 1)
    record.write_text(wrong, encoding="utf-8")
    line = wrong.splitlines().index("citation: Møller-Bisgaard S et al. JAMA 2019") + 1
    assert main(["import", "citation", str(IMAGINE[1]), "--into", str(record)]) == 2
    assert capsys.readouterr().err.startswith(f"{record}:{line}:11: citation: must be a mapping")
    assert record.read_text(encoding="utf-8") == wrong


def test_a_folder_is_not_a_citation_file(tmp_path, capsys):
    assert main(["import", "citation", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: cannot read the file: it is a folder; give a citation " \
                                      "(.ris, .bib, .nbib or .json) file\n"


def test_citation_options_are_refused_for_ctgov(capsys):
    assert main(["import", "ctgov", "x.json", "--pick", "1"]) == 2
    assert "for import citation" in capsys.readouterr().err
