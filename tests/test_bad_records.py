"""The bad-record corpus: every file in tests/bad_records/NN-*.yaml is rejected.

Each case is the small valid record ``_valid_minimal.yaml`` (version 2) with
one defect (or, for file-level defects, a file that is not a record at all).
A few cases are version-1 records: they are upgraded when read, and their
problems must still point at the line and field the user wrote. The expected
line, field and message fragment of each is in ``expected.yaml``.
Every case, run through the real ``build`` command, must exit with status 2,
print ``file:line:column: field: message`` naming the expected line and
field, print no traceback, and leave the output folder exactly as it was.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

from pipeline.cli import main
from pipeline.errors import RecordError
from pipeline.validate import load_study

HERE = Path(__file__).parent
CORPUS = HERE / "bad_records"
REPO = HERE.parent
EXPECTED: dict[str, dict] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
CASES = sorted(p.name for p in CORPUS.glob("[0-9][0-9]-*.yaml"))

# The renderers are never reached for a bad record, but a previous build's files must survive.
PREVIOUS = {
    "minimal/brief.pdf": b"%PDF-1.4 previous brief\n",
    "minimal/deck.pptx": b"PK previous deck",
    "minimal/figures/flow.svg": b"<svg/>",
    "other-study/brief.pdf": b"%PDF-1.4 another study\n",
}


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file (including hidden temporaries) under ``root``, by relative path."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def seed_outputs(root: Path) -> dict[str, bytes]:
    for rel, data in PREVIOUS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return snapshot(root)


def expected_line_pattern(file: str, case: dict) -> re.Pattern:
    """``file:LINE:COL: FIELD: ...FRAGMENT...`` for this case (no field part for file-level problems)."""
    head = rf"^{re.escape(file)}:{case['line']}:\d+: "
    fragment = re.escape(case["message"])
    if "field_prefix" in case:
        return re.compile(head + re.escape(case["field_prefix"]) + r"[^\s:]*: .*" + fragment, re.M)
    if case["field"] == "":
        return re.compile(head + r"[^:]*" + fragment, re.M)   # the message itself, no "field:" before it
    return re.compile(head + re.escape(case["field"]) + r": .*" + fragment, re.M)


# --- the corpus itself -------------------------------------------------------

def test_corpus_is_complete_and_large_enough():
    assert len(CASES) >= 30
    assert set(CASES) == set(EXPECTED), "every bad record needs an expected entry, and vice versa"
    assert len({(c.get("field", c.get("field_prefix")), c["message"]) for c in EXPECTED.values()}) >= 20
    for name in CASES:
        raw = (CORPUS / name).read_bytes()
        assert raw.startswith(b"# Bad record: "), f"{name}: first line should say what is wrong"


def test_every_case_differs_from_the_valid_record_by_a_defect():
    """Guards against a case that is accidentally valid (it would then test nothing)."""
    for name in CASES:
        with pytest.raises(RecordError):
            load_study(CORPUS / name)


def test_minimal_record_is_valid():
    checked = load_study(CORPUS / "_valid_minimal.yaml")
    assert checked.study.id == "minimal"
    assert [w.message for w in checked.warnings] == [
        "the id 'minimal' differs from the file name '_valid_minimal'; outputs go to outputs/minimal/"]
    assert [a.id for a in checked.study.arms] == ["drug", "placebo"]


def test_corpus_is_mostly_version_2_with_a_few_version_1_cases():
    version_1 = [n for n in CASES if b"\nrecord:" not in (CORPUS / n).read_bytes()
                 and b"\nid: minimal" in (CORPUS / n).read_bytes()]
    assert version_1 == ["16-nan-estimate.yaml", "21-missing-required.yaml", "29-ci-excludes-estimate.yaml",
                         "32-unknown-arm-compares.yaml", "76-v1-compares-same-arm.yaml",
                         "77-integer-over-4300-digits.yaml", "78-hebrew-text.yaml", "79-arabic-text.yaml",
                         "80-bidi-override.yaml"]
    for name in version_1:   # their fields are the user's version-1 paths
        assert ".effect." in EXPECTED[name]["field"] or name == "21-missing-required.yaml" or name >= "77"
    assert len(CASES) - len(version_1) >= 60


def test_many_unknown_keys_give_a_short_report(capsys):
    path = CORPUS / "55-many-unknown-keys.yaml"
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 21
    assert sum("valid fields here" in line for line in lines) == 1   # the list of valid fields is given once


def test_byte_order_mark_is_accepted():
    raw = (CORPUS / "_valid_bom.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    checked = load_study(CORPUS / "_valid_bom.yaml")
    assert checked.study.title == "A small two-arm trial"
    assert checked.study == load_study(CORPUS / "_valid_minimal.yaml").study


def test_shipped_record_validates(capsys):
    records = sorted((REPO / "sources").glob("*.yaml"))
    assert records
    assert main(["validate", *map(str, records)]) == 0
    out = capsys.readouterr().out
    for r in records:
        assert f"{r}: valid" in out


# --- every case through the real command, in process --------------------------

@pytest.mark.parametrize("name", CASES)
def test_bad_record_is_rejected_and_writes_nothing(name, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)          # where a constructed !!python/object would have acted
    out = tmp_path / "outputs"
    before = seed_outputs(out)
    path = CORPUS / name

    status = main(["build", str(path), "--out", str(out)])

    captured = capsys.readouterr()
    assert status == 2, captured.err
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    assert "wrote" not in captured.out
    pattern = expected_line_pattern(str(path), EXPECTED[name])
    assert pattern.search(captured.err), f"expected {pattern.pattern!r} in:\n{captured.err}"
    for line in captured.err.strip().splitlines():  # every line is a located problem of this file
        assert line.startswith(f"{path}:"), line
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"], "something else was written"


def test_validate_reports_every_case_and_stays_nonzero(capsys):
    """`validate` over the whole corpus: one run, status 2, every file named."""
    paths = [str(CORPUS / n) for n in CASES]
    assert main(["validate", *paths]) == 2
    err = capsys.readouterr().err
    for p in paths:
        assert f"{p}:" in err


# --- a few through a real process: no traceback can reach stderr ---------------

SUBPROCESS_CASES = ["01-python-object-tag.yaml", "02-billion-laughs.yaml", "03-deep-nesting.yaml",
                    "09-unclosed-quote.yaml", "10-invalid-utf8.yaml", "11-raw-nul.yaml",
                    "29-ci-excludes-estimate.yaml", "42-recursive-alias.yaml", "51-int-over-digit-limit.yaml",
                    "53-ratio-underflow.yaml", "67-percent-of-nobody.yaml", "71-record-version-3.yaml"]


def _limit_memory():  # runs in the child: the alias bomb must not need more than this
    limit = 768 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_bad_records_in_a_real_process(tmp_path):
    out = tmp_path / "outputs"     # does not exist, and must not be created
    env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_BRIEF_DEBUG"}
    for name in SUBPROCESS_CASES:
        path = CORPUS / name
        proc = subprocess.run([sys.executable, "-m", "pipeline", "build", str(path), "--out", str(out)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env,
                              preexec_fn=_limit_memory)
        assert proc.returncode == 2, (name, proc.stderr)
        assert "Traceback" not in proc.stderr, proc.stderr
        assert expected_line_pattern(str(path), EXPECTED[name]).search(proc.stderr), proc.stderr
        assert proc.stdout == ""
        assert not out.exists(), f"{name}: the output folder was created"
        assert list(tmp_path.iterdir()) == [], f"{name}: wrote {list(tmp_path.iterdir())}"


def test_alias_bomb_is_rejected_after_bounded_work_and_memory(monkeypatch):
    """Work is counted, not timed (timings flake on a busy machine): the walk stops at the limit."""
    from pipeline import loader

    built = []
    original = loader._Walker.build

    def counting(self, node, path):
        built.append(path)
        return original(self, node, path)

    monkeypatch.setattr(loader._Walker, "build", counting)
    tracemalloc.start()
    try:
        with pytest.raises(RecordError, match="expands to more than"):
            load_study(CORPUS / "02-billion-laughs.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(built) == loader.MAX_VALUES + 1   # 9^10 values written, the walk stops at the limit
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_python_tag_constructs_nothing(tmp_path, monkeypatch):
    """The tag is refused by name; os.system never runs (it would create the file)."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecordError) as info:
        load_study(CORPUS / "01-python-object-tag.yaml")
    assert "python/object/apply:os.system" in str(info.value)
    assert not (tmp_path / "evidence-brief-pwned").exists()
    assert list(tmp_path.iterdir()) == []
