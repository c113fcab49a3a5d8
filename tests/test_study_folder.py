"""A study's outputs are replaced as one set, builds of one study take turns, one run never holds two
records of one id (issue 14, items 4, 5 and 11).

Kills are made deterministic: a forked build counts its file-system steps (make a folder, open, sync,
link, rename, exchange, remove) and sends itself SIGKILL at a step drawn from a seeded generator.
After every kill the study folder must be entirely the previous build or entirely the new one.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
from pathlib import Path

import pytest

from pipeline import atomic
from pipeline.build import BuildOptions, build_record
from pipeline.cli import main

HERE = Path(__file__).parent
MINIMAL = HERE / "bad_records" / "_valid_minimal.yaml"
OLD_EPOCH, NEW_EPOCH = "1600000000", "1700000000"


def study_files(out: Path, study: str = "minimal") -> dict[str, bytes]:
    root = out / study
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.exists() else {}


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(atomic.TEMP_PREFIX)) if out.exists() else []


@pytest.fixture
def record(tmp_path) -> Path:
    return Path(shutil.copy(MINIMAL, tmp_path / "minimal.yaml"))


def build(record: Path, out: Path, epoch: str, monkeypatch, **options) -> dict[str, bytes]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    build_record(record, out, BuildOptions(**options))
    return study_files(out)


def in_child(action) -> int:
    """Run ``action`` in a forked child; return its wait status (a signal number when killed)."""
    pid = os.fork()
    if pid == 0:      # the child: never return into pytest
        code = 1
        try:
            action()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


# --- a figure the study no longer has is removed; what was not built is kept ---------------------

def test_a_figure_the_study_no_longer_has_is_removed(tmp_path, record, monkeypatch):
    out = tmp_path / "out"
    assert "forest.svg" in " ".join(build(record, out, OLD_EPOCH, monkeypatch))
    text = record.read_text(encoding="utf-8")
    record.write_text(text[:text.index("    effects:")] + text[text.index("conclusions:"):], encoding="utf-8")
    files = build(record, out, NEW_EPOCH, monkeypatch)
    assert "figures/design.svg" in files and not any("forest" in name for name in files), sorted(files)


def test_building_one_kind_keeps_the_others_byte_for_byte(tmp_path, record, monkeypatch):
    out = tmp_path / "out"
    old = build(record, out, OLD_EPOCH, monkeypatch)
    (out / "minimal" / "notes.txt").write_text("mine")                 # a reader's own file stays too
    new = build(record, out, NEW_EPOCH, monkeypatch, only=("brief",))
    assert new["brief.pdf"] != old["brief.pdf"]
    assert {k: v for k, v in new.items() if k not in ("brief.pdf", "notes.txt")} == \
        {k: v for k, v in old.items() if k != "brief.pdf"}
    assert new["notes.txt"] == b"mine"


@pytest.mark.parametrize("syncfs", [True, False])
def test_writing_a_study_syncs_its_own_folders_not_every_study_beside_it(tmp_path, record, monkeypatch, syncfs):
    """A thousand studies in one output root: each write puts its own new folder on disk (one syncfs of the file
    system, else each file and folder of it synced) and the root's names, and does not sync the other studies'
    folders again (that made a build of N studies cost N² syncs)."""
    out = tmp_path / "out"
    synced: list[str] = []
    real_fsync, real_syncfs = os.fsync, atomic._sync_file_system

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    def sync_file_system(fd):
        synced.append(f"syncfs {os.readlink(f'/proc/self/fd/{fd}')}")
        return real_syncfs(fd)

    for k in range(12):
        (out / f"other-{k}" / "figures").mkdir(parents=True)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic, "_sync_file_system", sync_file_system if syncfs else lambda fd: False)
    files = build(record, out, OLD_EPOCH, monkeypatch)
    assert not any("other-" in path for path in synced), synced
    assert synced.count(str(out)) == 1, synced
    new = [path for path in synced if f"{atomic.TEMP_PREFIX}minimal." in path]
    if syncfs:
        assert len(new) == 1 and new[0].startswith("syncfs "), synced
    else:     # every file written, the new folder and its figures folder
        assert len(new) == len(files) + 2, synced


# --- kills at any moment: entirely old or entirely new ----------------------------------------------

STEPS = ("mkdir", "open", "fsync", "link", "rename", "replace", "unlink", "rmdir")


def counting_build(record: Path, out: Path, kill_at: int | None, counter: list[int]):
    """A build whose file-system steps are counted; at step ``kill_at`` it SIGKILLs itself."""
    def step():
        counter[0] += 1
        if counter[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def wrap(real):
        def wrapped(*args, **kwargs):
            result = real(*args, **kwargs)
            step()
            return result
        return wrapped

    def run():
        for name in STEPS:
            setattr(os, name, wrap(getattr(os, name)))
        atomic._exchange = wrap(atomic._exchange)
        atomic._sync_file_system = wrap(atomic._sync_file_system)
        os.environ["SOURCE_DATE_EPOCH"] = NEW_EPOCH
        build_record(record, out)
        with open(out / "steps", "w") as fh:
            fh.write(str(counter[0]))
    return run


def test_sigkill_at_random_steps_leaves_each_study_entirely_old_or_new(tmp_path, record, monkeypatch):
    out = tmp_path / "out"
    new = build(record, out, NEW_EPOCH, monkeypatch)
    assert in_child(counting_build(record, tmp_path / "count", None, [0])) == 0
    steps = int((tmp_path / "count" / "steps").read_text())
    assert steps > 12
    old = build(record, out, OLD_EPOCH, monkeypatch)
    assert old != new

    chosen = sorted(random.Random(14).sample(range(1, steps + 1), 10)) + [steps - 2, steps - 1]
    outcomes = set()
    for kill_at in chosen:
        status = in_child(counting_build(record, out, kill_at, [0]))
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (kill_at, status)
        files = study_files(out)
        assert files in (old, new), f"killed at step {kill_at} of {steps}: a mixed or partial study"
        outcomes.add("new" if files == new else "old")
        # The next build sweeps what the killed one left, and completes.
        assert build(record, out, OLD_EPOCH, monkeypatch) == old
        assert temporaries(out) == []
    assert outcomes == {"old", "new"}, "the kills should fall both before and after the swap"


# --- builds of one study take turns; one run never holds two records of one id ---------------------

def test_twenty_paired_builds_of_one_study_all_complete(tmp_path, record, monkeypatch):
    out = tmp_path / "out"
    expected = build(record, out, NEW_EPOCH, monkeypatch)
    for _ in range(20):
        pids = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                code = 1
                try:      # the brief only (cheaper): the deck and figures are carried over each time
                    build_record(record, out, BuildOptions(only=("brief",)))
                    code = 0
                finally:
                    os._exit(code)
            pids.append(pid)
        statuses = [os.waitpid(pid, 0)[1] for pid in pids]
        assert statuses == [0, 0]
        assert study_files(out) == expected
        assert temporaries(out) == []


def test_stale_temporaries_of_this_study_are_swept_and_others_left(tmp_path, record, monkeypatch):
    out = tmp_path / "out"
    build(record, out, OLD_EPOCH, monkeypatch)
    (out / ".tmp-minimal.deadbeef").mkdir()
    (out / ".tmp-minimal.deadbeef" / "brief.pdf").write_bytes(b"half")
    (out / ".tmp-other-study.cafe0123").mkdir()                 # another study's build, running now
    build(record, out, NEW_EPOCH, monkeypatch)
    assert temporaries(out) == [".tmp-other-study.cafe0123"]


def test_two_records_with_one_id_are_refused(tmp_path, capsys):
    first = Path(shutil.copy(MINIMAL, tmp_path / "minimal.yaml"))
    (tmp_path / "copy").mkdir()
    second = Path(shutil.copy(MINIMAL, tmp_path / "copy" / "minimal.yaml"))
    other = tmp_path / "other.yaml"
    other.write_text(MINIMAL.read_text(encoding="utf-8").replace("id: minimal", "id: other"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(first), str(second), str(other), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{first}:4:5: id: the id 'minimal' is also the id of {second}" in err
    assert f"{second}:4:5: id: the id 'minimal' is also the id of {first}" in err
    assert not (out / "minimal").exists() and (out / "other" / "brief.pdf").exists()
    assert main(["validate", str(first), str(second)]) == 2
    assert "is also the id of" in capsys.readouterr().err


def test_id_must_match_file_name_when_asked(tmp_path, capsys):
    record = Path(shutil.copy(MINIMAL, tmp_path / "renamed.yaml"))
    out = tmp_path / "out"
    assert main(["build", str(record), "--out", str(out), "--id-must-match-file-name"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{record}:4:5: id: the id 'minimal' differs from the file name 'renamed'; "
                          f"make names a study's outputs by its file"), err
    assert not out.exists()
    assert main(["validate", "--id-must-match-file-name", str(record)]) == 2
    capsys.readouterr()
