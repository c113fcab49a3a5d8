"""The command line as a thin layer: exit statuses, one line per problem, no tracebacks."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, SHIPPED
from pipeline.cli import main


def test_validate_shipped_record(capsys):
    assert main(["validate", str(SHIPPED)]) == 0
    assert "valid (imagine-ra)" in capsys.readouterr().out


def test_validate_a_version_1_record_warns_and_exits_0(capsys):
    old = ROOT / "tests" / "fixtures" / "v1" / "imagine-ra.yaml"
    assert main(["validate", str(old)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{old}: valid (imagine-ra)\n"
    assert captured.err == (f"warning: {old}:8:1: version-1 record; run `evidence-brief upgrade {old}` "
                            f"to rewrite it as version 2\n")


def test_help_lists_the_upgrade_command():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "upgrade" in result.stdout
    result = subprocess.run([sys.executable, "-m", "pipeline", "upgrade"], capture_output=True, text=True)
    assert result.returncode == 2 and "the following arguments are required: records" in result.stderr


def test_validate_reports_every_invalid_file_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(SHIPPED), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "valid (imagine-ra)" in captured.out
    assert captured.err.startswith(f"{bad}:")
    assert "Traceback" not in captured.err


def test_build_only_brief_writes_only_the_brief(tmp_path, capsys):
    assert main(["build", str(SHIPPED), "--out", str(tmp_path), "--only", "brief"]) == 0
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["imagine-ra/brief.pdf"]
    err = capsys.readouterr().err
    assert "64 of 76 who completed is 84% (reported 85%)" in err


def test_build_with_missing_template_is_one_line(tmp_path, capsys):
    status = main(["build", str(SHIPPED), "--out", str(tmp_path), "--template", str(tmp_path / "none.pptx")])
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "none.pptx" in err
    assert not any(tmp_path.rglob("*.pdf"))


def test_audit_prints_findings_and_exits_0(capsys):
    assert main(["audit", str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert "64 of 76 who completed is 84%, not the reported 85%" in out
    assert out.strip().endswith("6 warnings, 2 notes")


def test_usage_errors_exit_2_without_traceback():
    result = subprocess.run([sys.executable, "-m", "pipeline", "build"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "evidence-brief" in result.stderr


def test_version():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("evidence-brief ")


def test_the_collector_is_off_for_the_first_record_then_on_and_left_as_found(monkeypatch, capsys):
    """main() keeps the garbage collector off while start-up and the first record make their long-lived
    objects, freezes those and turns it on for the records after, and leaves it as it found it."""
    import gc

    import pipeline.validate

    check = pipeline.validate.check_source
    seen: list[tuple[bool, bool]] = []

    def watched(source):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return check(source)

    monkeypatch.setattr(pipeline.validate, "check_source", watched)
    assert gc.isenabled()
    assert main(["validate", str(SHIPPED), str(ROOT / "sources" / "vital.yaml")]) == 0
    assert seen == [(False, False), (True, True)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert main(["validate", str(SHIPPED)]) == 0
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
    capsys.readouterr()


def test_a_build_runs_each_record_with_the_collector_off_and_collects_after_it(tmp_path, monkeypatch, capsys):
    """The first record as for validate (its objects frozen after it); each later one built with the collector off
    and its young garbage collected when it is done, so none of it waits in the oldest generation."""
    import gc

    import pipeline.build

    build = pipeline.build.build_record
    seen: list[tuple[bool, bool]] = []
    collected: list[int] = []

    def watched(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return build(*args, **kwargs)

    def on_collect(phase, info):
        if phase == "stop" and not seen[-1][0]:
            collected.append(info["generation"])

    monkeypatch.setattr(pipeline.build, "build_record", watched)
    gc.callbacks.append(on_collect)
    try:
        assert main(["build", str(SHIPPED), str(ROOT / "sources" / "vital.yaml"), "--out", str(tmp_path),
                     "--only", "brief"]) == 0
    finally:
        gc.callbacks.remove(on_collect)
    assert seen == [(False, False), (False, True)]
    assert 1 in collected                              # the second record's garbage, collected after it
    assert gc.isenabled() and gc.get_freeze_count() == 0
    capsys.readouterr()


def test_build_with_two_jobs_reads_refuses_and_builds_as_one_job_does(tmp_path):
    """``--jobs 2`` reads the records in its workers too: an unreadable record and two records sharing an id are
    refused with the same messages, in the same order, and the others built, as with one job."""
    minimal = (ROOT / "tests" / "bad_records" / "_valid_minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: [unclosed\n", encoding="utf-8")
    for name in ("twin-a", "twin-b"):
        (tmp_path / f"{name}.yaml").write_text(minimal, encoding="utf-8")
    records = [str(SHIPPED), *(str(tmp_path / f"{n}.yaml") for n in ("bad", "twin-a", "twin-b"))]
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        done = subprocess.run([sys.executable, "-m", "pipeline", "build", *records, "--out", str(out), "--only",
                               "brief", "--jobs", jobs], cwd=ROOT, capture_output=True, text=True, timeout=300)
        written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        runs[jobs] = (done.returncode, done.stdout.replace(str(out), "OUT"), done.stderr, written)
    assert runs["1"] == runs["2"]
    status, stdout, stderr, written = runs["2"]
    assert status == 2 and written == ["imagine-ra/brief.pdf"] and "imagine-ra/brief.pdf" in stdout
    assert stderr.index("bad.yaml:3") < stderr.index("twin-a.yaml") < stderr.index("twin-b.yaml"), stderr
    assert "is also the id of" in stderr and "Traceback" not in stderr


def test_a_run_holds_each_record_packed_and_builds_it_as_read():
    """A run reads every record before building any (to refuse two with one id), and holds each packed: the
    source comes back as the loader read it, with its id and where the id stands."""
    from pipeline.cli import _read
    from pipeline.loader import load_file

    read = _read(SHIPPED)
    source = load_file(SHIPPED)
    assert read.id is not None and read.id[0] == "imagine-ra" and (read.id[1].line, read.id[1].column) > (0, 0)
    unpacked = read.source()
    assert unpacked.data == source.data and unpacked.file == source.file
    assert unpacked.problem(("arms", 0, "n"), "x") == source.problem(("arms", 0, "n"), "x")
