"""Hostile and careless inputs (issue 14): each is refused with a clear, located message (exit 2) or
handled correctly, quickly and with bounded memory, and nothing is written for a refused input.

The files live in tests/hostile/ (records, registry entries, templates); inputs that cannot be files
in a repository (a named pipe, /dev/zero, a name holding a newline) are made in a temporary folder.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.cli import main

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile"
MINIMAL = HERE / "bad_records" / "_valid_minimal.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def minimal_with(tmp_path: Path, old: str, new: str, name: str = "minimal.yaml") -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 60):
    """The real command in a child process with its address space capped at 300 MB."""
    def cap():
        limit = 300 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    full_env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_BRIEF_DEBUG"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=timeout, preexec_fn=cap)


# --- 1. figure text is never mathtext ------------------------------------------------------

def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("label", ["Voucher $50 then $25 weekly", r"Dose $\frac{1}{$ x"])
def test_dollar_signs_in_figure_text_are_printed_literally(tmp_path, capsys, label):
    record = minimal_with(tmp_path, "label: Drug A", f"label: '{label}'")
    out = tmp_path / "out"
    assert main(["build", str(record), "--out", str(out), "--only", "figures"]) == 0, capsys.readouterr().err
    design = svg_text((out / "minimal" / "figures" / "design.svg").read_bytes())
    assert label in design, design


# --- 6. only regular files are read ----------------------------------------------------------

def test_record_that_is_dev_zero_is_refused(tmp_path):
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    proc = run_cli("build", str(link), "--out", str(tmp_path / "out"), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert f"{link}: cannot read the file: it is a device; give a record file" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_record_and_registry_file_that_are_named_pipes_are_refused(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = run_cli("validate", str(fifo), timeout=30)       # today: blocks forever on open()
    assert proc.returncode == 2 and "it is a named pipe" in proc.stderr, proc.stderr
    proc = run_cli("import", "ctgov", str(fifo), timeout=30)
    assert proc.returncode == 2 and "it is a named pipe" in proc.stderr, proc.stderr


def test_registry_file_that_is_dev_zero_is_refused(tmp_path):
    link = tmp_path / "study.json"
    link.symlink_to("/dev/zero")
    proc = run_cli("import", "ctgov", str(link), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "it is a device" in proc.stderr and "Traceback" not in proc.stderr


def test_oversized_registry_file_is_refused_within_the_memory_cap(tmp_path):
    """16 MiB of JSON is the most read: a list of millions of numbers stays under the 300 MB cap."""
    path = tmp_path / "study.json"
    path.write_text("[" + "0," * (8 * 1024 * 1024 - 10) + "0]", encoding="ascii")
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "not an object with a protocolSection" in proc.stderr, proc.stderr
    path.write_text("[" + "0," * (8 * 1024 * 1024) + "0]", encoding="ascii")
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "may be at most 16,777,216 bytes" in proc.stderr, proc.stderr


# --- 7. numbers Python will not convert, and SOURCE_DATE_EPOCH ----------------------------------

def test_integer_over_4300_digits_in_a_registry_file_is_a_user_error():
    path = HOSTILE / "registry-huge-integer.json"
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "a number with thousands of digits" in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("epoch", ["253402300800", "99999999999999999999", "1e9", "yesterday", "-1"])
def test_bad_source_date_epoch_is_a_usage_error(tmp_path, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    assert main(["build", str(record), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("SOURCE_DATE_EPOCH must be a whole number of seconds") and repr(epoch) in err, err
    assert not (tmp_path / "out").exists()


def test_last_second_of_year_9999_is_accepted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    assert main(["build", str(record), "--out", str(tmp_path / "out"), "--only", "brief"]) == 0
    capsys.readouterr()


# --- 12. messages ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["record-utf16-le-bom.yaml", "record-utf16-be-no-bom.yaml"])
def test_utf16_record_says_so(capsys, name):
    path = HOSTILE / name
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"{path}:1:1: the file is not UTF-8, it looks like UTF-16 (as some Windows editors save); save it as UTF-8\n"


def test_utf16_registry_file_says_so(tmp_path):
    path = tmp_path / "study.json"
    path.write_bytes('{"protocolSection": {}}'.encode("utf-16"))
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "not UTF-8, it looks like UTF-16" in proc.stderr, proc.stderr


def test_file_name_with_a_newline_cannot_fake_a_location(tmp_path, capsys):
    name = "x.yaml\nimagine-ra.yaml:1:1: id: all good"
    path = tmp_path / name
    path.write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err                     # one problem, one line
    assert err.startswith(repr(str(path)) + ":"), err      # the name quoted, its newline visible as \n


def test_file_name_with_a_bidi_override_is_quoted(tmp_path, capsys):
    path = tmp_path / "record\u202elmay.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.startswith(repr(str(path)) + ":")


def test_disk_full_names_the_file_and_leaves_no_new_folders(tmp_path, monkeypatch, capsys):
    from pipeline import atomic
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "new" / "outputs"
    real = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    assert main(["build", str(record), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "minimal" in err and "brief.pdf" in err, err
    assert "output:" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.yaml"], "an empty folder was left"
    monkeypatch.setattr(atomic.os, "fsync", real)
