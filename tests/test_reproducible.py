"""Reproducible builds: with SOURCE_DATE_EPOCH set, the same record gives the same bytes.

Twice, in fresh processes, under different time zones, locales, hash seeds
and working folders: every output (brief, deck, every figure) is identical.
And the real Makefile: ``make clean && make -j4 report`` twice, the second
time under another TZ and LC_ALL, in a temporary copy of the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"
SETTINGS = [  # (TZ, LC_ALL, PYTHONHASHSEED): far apart on purpose
    ("UTC", "C.UTF-8", "1"),
    ("Asia/Kathmandu", "POSIX", "4242"),
]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def env_for(tz: str, lc_all: str, seed: str, epoch: str | None = EPOCH) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EVIDENCE_BRIEF_DEBUG", "SOURCE_DATE_EPOCH", "LANG")}
    env.update(TZ=tz, LC_ALL=lc_all, PYTHONHASHSEED=seed)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    return env


def build(sources: Path, out: Path, cwd: Path, env: dict) -> dict[str, bytes]:
    records = sorted(sources.glob("*.yaml"))
    proc = subprocess.run([sys.executable, "-m", "pipeline", "build", *map(str, records), "--out", str(out)],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return snapshot(out)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A copy of the repository's records, and the small test record."""
    dest = tmp_path / "sources"
    shutil.copytree(REPO / "sources", dest)
    shutil.copyfile(REPO / "tests" / "bad_records" / "_valid_minimal.yaml", dest / "minimal.yaml")
    return dest


def test_same_bytes_under_other_tz_locale_and_hash_seed(sources, tmp_path):
    runs = []
    for i, (tz, lc, seed) in enumerate(SETTINGS):
        cwd = tmp_path / f"cwd{i}"
        cwd.mkdir()
        runs.append(build(sources, tmp_path / f"out{i}", cwd, env_for(tz, lc, seed)))
    first, second = runs
    ids = {p.stem for p in sources.glob("*.yaml")}
    for study in ids:
        assert {f"{study}/brief.pdf", f"{study}/deck.pptx"} <= set(first)
        assert any(name.startswith(f"{study}/figures/") for name in first)
    assert set(first) == set(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"outputs differ between runs: {differing}"


def test_the_epoch_is_what_dates_the_build(tmp_path):
    """A different SOURCE_DATE_EPOCH changes the brief (its build date), so the test above is not vacuous."""
    only = tmp_path / "only"
    only.mkdir()
    shutil.copyfile(REPO / "tests" / "bad_records" / "_valid_minimal.yaml", only / "minimal.yaml")
    env = env_for("UTC", "C.UTF-8", "1")
    a = build(only, tmp_path / "a", tmp_path, env)
    b = build(only, tmp_path / "b", tmp_path, dict(env, SOURCE_DATE_EPOCH="1500000000"))
    assert a["minimal/brief.pdf"] != b["minimal/brief.pdf"]


# --- the real Makefile ------------------------------------------------------------------

def _repo_copy(dest: Path) -> None:
    for name in ("pipeline", "sources", "schema"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    (dest / ".venv").symlink_to(REPO / ".venv")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make (not installed): skipping the Makefile test")
def test_make_report_twice_gives_identical_bytes(tmp_path):
    if not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip(f"needs the virtual environment {REPO / '.venv'}")
    repo = tmp_path / "repo"
    repo.mkdir()
    _repo_copy(repo)
    # -o .venv/.installed: never (re)install into the shared virtual environment from the copy.
    make = ["make", "-o", ".venv/.installed", "--no-print-directory"]

    def clean_and_report(tz: str, lc: str, seed: str) -> dict[str, bytes]:
        env = env_for(tz, lc, seed)
        for args in (["clean"], ["-j4", "report"]):
            proc = subprocess.run(make + args, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, f"make {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return snapshot(repo / "outputs")

    first = clean_and_report(*SETTINGS[0])
    second = clean_and_report(*SETTINGS[1])
    for study in (p.stem for p in (repo / "sources").glob("*.yaml")):
        assert {f"{study}/brief.pdf", f"{study}/deck.pptx"} <= set(first)
    assert set(first) == set(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert differing == [], f"outputs differ between make runs: {differing}"
    assert not list((repo / "outputs").rglob(".tmp-*"))
