"""The Makefile as a user meets it: help by default, incremental and parallel builds.

Runs the real Makefile in a temporary copy of the repository (sharing this
checkout's .venv), with two records so "rebuild only what changed" can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if not (ROOT / ".venv" / ".installed").exists():
        pytest.skip("no .venv in this checkout (run `make test` so the Makefile creates it)")
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("pipeline", "sources", "schema"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    second = (copy / "sources" / "imagine-ra.yaml").read_text(encoding="utf-8").replace(
        "id: imagine-ra\n", "id: second-study\n", 1)
    (copy / "sources" / "second-study.yaml").write_text(second, encoding="utf-8")
    return copy


def make(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run(["make", "--no-print-directory", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def mtimes(repo: Path) -> dict[str, int]:
    return {str(p.relative_to(repo)): p.stat().st_mtime_ns for p in sorted((repo / "outputs").rglob("*.p*"))}


def test_default_goal_lists_every_target(repo):
    result = make(repo)
    assert result.returncode == 0
    for target in ("report", "test", "validate", "schema", "clean", "bench", "audit", "watch"):
        assert f"make {target} " in result.stdout
    assert not (repo / "outputs" / "imagine-ra").exists(), "help must not build anything"


def test_watch_asks_which_record(repo):
    result = make(repo, "watch")
    assert result.returncode == 2
    assert "make watch RECORD=sources/imagine-ra.yaml" in result.stderr


def test_parallel_build_then_nothing_then_only_the_touched_study(repo):
    first = make(repo, "-j4", "report")
    assert first.returncode == 0, first.stderr
    for study in ("imagine-ra", "second-study"):
        assert (repo / "outputs" / study / "brief.pdf").stat().st_size > 0
        assert (repo / "outputs" / study / "deck.pptx").stat().st_size > 0
        assert (repo / "outputs" / study / "figures" / "design.svg").exists()
    assert first.stdout.count("wrote outputs/imagine-ra/brief.pdf") == 1

    before = mtimes(repo)
    again = make(repo, "report")
    assert again.returncode == 0 and "wrote" not in again.stdout
    assert mtimes(repo) == before

    time.sleep(0.05)
    os.utime(repo / "sources" / "second-study.yaml")
    touched = make(repo, "report")
    assert touched.returncode == 0
    assert "wrote outputs/second-study/brief.pdf" in touched.stdout
    assert "imagine-ra" not in touched.stdout
    after = mtimes(repo)
    assert all(after[k] == before[k] for k in before if k.startswith("outputs/imagine-ra"))
    assert all(after[k] != before[k] for k in before if k.startswith("outputs/second-study/") and k.endswith((".pdf", ".pptx")))


def test_an_invalid_record_fails_make_and_keeps_the_previous_outputs(repo):
    assert make(repo, "report").returncode == 0
    brief = repo / "outputs" / "second-study" / "brief.pdf"
    old = brief.read_bytes()
    record = repo / "sources" / "second-study.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("  randomized: 200\n", "  randomized: -1\n"),
                      encoding="utf-8")
    result = make(repo, "report")
    assert result.returncode != 0
    assert "sources/second-study.yaml:" in result.stderr and "flow.randomized" in result.stderr
    assert "Traceback" not in result.stderr
    assert brief.read_bytes() == old
    assert not list((repo / "outputs").rglob(".tmp-*"))


def test_paper_option_rebuilds(repo):
    assert make(repo, "report").returncode == 0
    letter = make(repo, "report", "PAPER=letter")
    assert letter.returncode == 0 and "wrote outputs/imagine-ra/brief.pdf" in letter.stdout
    from pypdf import PdfReader
    box = PdfReader(repo / "outputs" / "imagine-ra" / "brief.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_template_path_with_a_space(repo):
    folder = repo / "my templates"
    folder.mkdir()
    shutil.copy2(ROOT / "tests" / "fixtures" / "template.pptx", folder / "our template.pptx")
    result = make(repo, "report", "TEMPLATE=my templates/our template.pptx")
    assert result.returncode == 0, result.stderr
    from pptx import Presentation
    deck = Presentation(str(repo / "outputs" / "imagine-ra" / "deck.pptx"))
    assert deck.slides[0].slide_layout.name == "Inst Cover"
    again = make(repo, "report", "TEMPLATE=my templates/our template.pptx")
    assert again.returncode == 0 and "wrote" not in again.stdout


def test_a_record_whose_id_is_not_its_file_name_is_refused(repo):
    """Make names a study's outputs by the file; a different id would rebuild on every run."""
    record = repo / "sources" / "second-study.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("id: second-study\n", "id: another-name\n", 1),
                      encoding="utf-8")
    line = record.read_text(encoding="utf-8").splitlines().index("id: another-name") + 1
    for target in ("report", "validate"):
        result = make(repo, target)
        assert result.returncode != 0
        assert (f"sources/second-study.yaml:{line}:5: id: the id 'another-name' differs from the file name "
                "'second-study'") in result.stderr, result.stderr
    assert not (repo / "outputs" / "another-name").exists()


def test_two_make_report_at_once_in_one_clone(repo):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    runs = [subprocess.Popen(["make", "--no-print-directory", "report"], cwd=repo, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in runs]
    for status, out, err in results:
        assert status == 0, err
    outputs = {str(p.relative_to(repo / "outputs")): p.read_bytes()
               for p in sorted((repo / "outputs").rglob("*")) if p.is_file() and "/" in str(p.relative_to(repo / "outputs"))}
    assert {"imagine-ra/brief.pdf", "imagine-ra/deck.pptx", "second-study/brief.pdf", "second-study/deck.pptx",
            "imagine-ra/figures/forest.svg"} <= set(outputs)
    assert not list((repo / "outputs").glob(".tmp-*")) and not list((repo / "outputs").glob(".queue*"))
    # The same bytes as one build on its own.
    shutil.rmtree(repo / "outputs")
    assert make(repo, "report").returncode == 0
    assert {k: (repo / "outputs" / k).read_bytes() for k in outputs} == outputs
