"""`evidence-brief watch`, driven as a user would: save, look at the outputs, Ctrl-C.

The watcher runs in a subprocess; its output is read line by line. Every wait is bounded
and waits for a line the watcher prints, never for a length of time. A save the watcher
may not have seen (it prints "watching" just before its watch starts) is saved again.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

from pypdf import PdfReader

from conftest import ROOT, SHIPPED

PATIENCE = 120  # seconds: a bound for a busy 2-core machine, never an expectation


def _ctrl_c_as_in_a_terminal() -> None:
    """A watcher started from a terminal stops on Ctrl-C. A test run started in the background (``make test &``,
    nohup) passes on SIGINT ignored, and Python then never turns it into KeyboardInterrupt: restore the default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watcher:
    def __init__(self, record: Path, out: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", str(record), "--out", str(out),
                                      "--only", "brief"], cwd=ROOT, env=env, text=True, encoding="utf-8",
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     preexec_fn=_ctrl_c_as_in_a_terminal)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, *, timeout: float = PATIENCE) -> list[str]:
        """The lines up to the first one containing ``text``; fails (with the output) if it never comes."""
        seen: list[str] = []
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; output so far:\n" + "\n".join(self.lines)) from None
            if line is None:
                raise AssertionError(f"the watcher ended before {text!r}:\n" + "\n".join(self.lines))
            self.lines.append(line)
            seen.append(line)
            if text in line:
                return seen

    def save_until(self, record: Path, text: str, expect: str) -> list[str]:
        """Save ``text`` as an editor does (write a new file, rename it over) until the watcher answers."""
        for _attempt in range(5):
            tmp = record.with_name(f".{record.name}.swp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, record)
            try:
                return self.wait_for(expect, timeout=PATIENCE / 5)
            except AssertionError:
                if self.proc.poll() is not None:
                    raise
        raise AssertionError(f"no {expect!r} after five saves:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=PATIENCE)
        self._reader.join(timeout=PATIENCE)
        self.proc.stdout.close()


def test_watch_rebuilds_on_save_keeps_last_good_outputs_and_stops_on_ctrl_c(tmp_path):
    record = tmp_path / "imagine-ra.yaml"
    original = SHIPPED.read_text(encoding="utf-8")
    record.write_text(original, encoding="utf-8")
    brief = tmp_path / "out" / "imagine-ra" / "brief.pdf"
    watcher = Watcher(record, tmp_path / "out")
    try:
        watcher.wait_for(f"{record}: built in")
        watcher.wait_for("watching")
        assert "bottom line" not in PdfReader(brief).pages[0].extract_text()

        changed = original.replace(
            "  bottom_line: >-\n    In RA in clinical remission,",
            "  bottom_line: >-\n    Edited while watching (a test): in RA in clinical remission,")
        assert changed != original
        watcher.save_until(record, changed, f"{record}: built in")
        assert "Edited while watching" in PdfReader(brief).pages[0].extract_text()
        good = brief.read_bytes()

        broken = changed.replace("  randomized: 200\n", "  randomized: two hundred\n")
        line = broken.splitlines().index("  randomized: two hundred") + 1
        said = watcher.save_until(record, broken, "not built; the outputs of the last good build are kept")
        assert any(s.startswith(f"{record}:{line}:") and "flow.randomized" in s for s in said), said
        assert brief.read_bytes() == good

        watcher.proc.send_signal(signal.SIGINT)
        status = watcher.proc.wait(timeout=PATIENCE)
        watcher.wait_for("stopped watching")
        assert status == 0
        assert not any("Traceback" in s for s in watcher.lines), watcher.lines
        assert not list(brief.parent.glob(".tmp-*"))
    finally:
        watcher.stop()


def test_watch_refuses_a_missing_record(tmp_path):
    from pipeline.cli import main

    assert main(["watch", str(tmp_path / "none.yaml")]) == 2
