"""A command imports only what it uses (issue #15): the drawing libraries are slow to import, so
validate, audit, import, compare, new, upgrade, schema and export must not load them, and a build
of one output loads only that output's library (and a trial's build no review module: their models
are slow to build). Checked on ``sys.modules`` after the command has run in a fresh interpreter (no timing)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import glyphs
from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
TRIAL = ROOT / "sources" / "imagine-ra.yaml"
REVIEW = ROOT / "sources" / "react-corticosteroids.yaml"
CTGOV = ROOT / "tests" / "fixtures" / "ctgov" / "NCT00763412.json"
RIS = ROOT / "tests" / "fixtures" / "citations" / "imagine-ra.ris"
V1 = ROOT / "tests" / "fixtures" / "v1" / "imagine-ra.yaml"

DRAWING = {"reportlab", "pptx", "matplotlib"}
FONT = {"fontTools"}

RUN = """
import json, sys
from pipeline.cli import main
status = main(sys.argv[1:])
sys.stdout.flush()
print("\\n" + json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def loaded(argv: list[str], cwd: Path) -> set[str]:
    """The modules imported by ``evidence-brief ARGV``, run in a fresh interpreter."""
    result = subprocess.run([sys.executable, "-c", RUN, *argv], cwd=cwd, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["status"] == 0, result.stderr
    modules = set(report["modules"])
    assert "pipeline.cli" in modules   # the build test below shows the probe sees what a command imports
    return modules


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def _copies(tmp_path: Path) -> dict[str, str]:
    for f in (TRIAL, REVIEW, CTGOV, RIS):
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "v1").mkdir()
    shutil.copy(V1, tmp_path / "v1" / V1.name)
    return {"trial": TRIAL.name, "review": REVIEW.name, "ctgov": CTGOV.name, "ris": RIS.name,
            "v1": f"v1/{V1.name}"}


COMMANDS = {
    "validate trial": ["validate", "{trial}"],
    "validate review": ["validate", "{review}"],
    "audit trial": ["audit", "{trial}"],
    "audit review": ["audit", "{review}"],
    "import ctgov": ["import", "ctgov", "{ctgov}", "-o", "imported.yaml"],
    "import citation": ["import", "citation", "{ris}", "-o", "cited.yaml"],
    "compare": ["compare", "compared.yaml", "{ctgov}"],
    "new": ["new", "fresh", "-o", "fresh.yaml"],
    "upgrade": ["upgrade", "{v1}"],
    "schema": ["schema", "--review"],
    "export fhir trial": ["export", "fhir", "{trial}", "-o", "trial.json"],
    "export fhir review": ["export", "fhir", "{review}", "-o", "review.json"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_that_draws_nothing_imports_no_drawing_library(name, tmp_path):
    files = _copies(tmp_path)
    if name == "compare":   # a record of the registry entry's own study, made here (compare refuses another's)
        assert main(["import", "ctgov", str(tmp_path / files["ctgov"]), "-o", str(tmp_path / "compared.yaml")]) == 0
    argv = [arg.format(**files) for arg in COMMANDS[name]]
    modules = top_level(loaded(argv, tmp_path))
    assert not modules & DRAWING, f"{name} imported {sorted(modules & DRAWING)}"
    if name.startswith("validate"):   # ordinary text is checked against the font without reading it
        assert not modules & FONT, f"{name} imported {sorted(modules & FONT)}"


# The SVG figures are written without a drawing library; matplotlib draws the PNGs, made only on request.
@pytest.mark.parametrize(("only", "library"), [("brief", "reportlab"), ("deck", "pptx"), ("figures", None)])
@pytest.mark.parametrize("record", [TRIAL, REVIEW], ids=["trial", "review"])
def test_a_build_of_one_output_imports_only_its_library(only, library, record, tmp_path):
    every = loaded(["build", str(record), "--out", str(tmp_path / "out"), "--only", only], tmp_path)
    modules = top_level(every)
    assert library is None or library in modules
    assert not modules & (DRAWING - {library}), f"--only {only} imported {sorted(modules & DRAWING)}"
    review = sorted(m for m in every if m.startswith("pipeline.review."))
    assert bool(review) == (record == REVIEW), f"a {record.stem} build imported {review}"   # trials: no review model


@pytest.mark.parametrize("record", [TRIAL, REVIEW], ids=["trial", "review"])
def test_a_default_build_does_not_import_matplotlib_and_a_png_build_does(record, tmp_path, monkeypatch):
    monkeypatch.delenv("FIGURES", raising=False)
    out = tmp_path / "out"
    modules = top_level(loaded(["build", str(record), "--out", str(out)], tmp_path))
    assert {"reportlab", "pptx"} <= modules          # the probe sees what the build imported
    assert "matplotlib" not in modules
    figures = list((out / record.stem / "figures").iterdir())
    assert figures and all(p.suffix == ".svg" for p in figures)
    png = top_level(loaded(["build", str(record), "--out", str(out), "--only", "figures", "--figures", "svg,png"],
                           tmp_path))
    assert "matplotlib" in png and not png & {"reportlab", "pptx"}
    assert any(p.suffix == ".png" for p in (out / record.stem / "figures").iterdir())


def test_a_trial_record_is_checked_without_the_review_model(tmp_path):
    modules = loaded(["validate", _copies(tmp_path)["trial"]], tmp_path)
    assert "pipeline.model" in modules
    assert "pipeline.review.model" not in modules


def test_the_ranges_checked_without_the_font_are_all_in_the_font():
    cmap = glyphs.drawn()
    missing = [f"U+{code:04X}" for a, b in glyphs.DRAWN_RANGES for code in range(a, b + 1) if code not in cmap]
    assert not missing
    assert glyphs.missing_glyphs("plain – ≥ × é") == []
    assert glyphs.missing_glyphs("a\x01b 漢") == ["\x01", "漢"]


def test_reportlab_writes_with_its_c_accelerators():
    """``rl_accel`` (a dependency) gives ReportLab C number formatting and ASCII85; without it ReportLab falls back
    to its pure-Python versions (same bytes, a fifth slower brief)."""
    from reportlab.lib import rl_accel

    assert type(rl_accel.fp_str).__name__ == "builtin_function_or_method"
    assert type(rl_accel.asciiBase85Encode).__name__ == "builtin_function_or_method"
