"""Rebuild one study whenever its record (or the deck template) is saved.

In:  a record path, the output root, ``BuildOptions``; the ``print`` target.
Out: the study's outputs, rebuilt in this process after every save (the
     renderers stay imported, so a rebuild costs only the build itself); for
     each build the files written, the warnings and audit notes, or the
     record's problems and the audit's findings as
     ``file:line:column: field: message``. An invalid
     record writes nothing, so the last good outputs stay for the viewer.

``watchfiles`` watches the folders, not the files: editors save by writing a
new file and renaming it over the old one. Ctrl-C stops it (exit status 0).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from watchfiles import watch as watch_changes

from .audit import located
from .build import BuildOptions, build_record, preload_renderers
from .errors import EvidenceBriefError, RecordError


def build_once(record: Path, out: Path, options: BuildOptions, say: Callable[[str], None]) -> bool:
    """Build ``record``; say what happened. False when the record could not be built."""
    started = time.perf_counter()
    try:
        result = build_record(record, out, options)
    except RecordError as exc:
        say(str(exc))
        say(f"{record}: not built; the outputs of the last good build are kept")
        return False
    except EvidenceBriefError as exc:
        say(f"{exc}\n{record}: not built; the outputs of the last good build are kept")
        return False
    for warning in result.warnings:
        say(f"warning: {warning}")
    for finding in located([f for f in result.findings if f.severity != "info"], record):
        say(f"note: {finding}")
    shown = ", ".join(str(p) for p in result.written if p.suffix in (".pdf", ".pptx"))
    say(f"{record}: built in {time.perf_counter() - started:.2f} s: {shown}")
    return True


def watch(record: Path, out: Path, options: BuildOptions, say: Callable[[str], None] = print) -> int:
    """Build, then rebuild on every save until Ctrl-C. Returns the exit status (0)."""
    watched = {record.resolve()} | ({options.template.resolve()} if options.template else set())
    preload_renderers(options)
    build_once(record, out, options, say)
    say(f"watching {', '.join(str(p) for p in sorted(watched))} (Ctrl-C to stop)")
    try:
        for _changes in watch_changes(*sorted({p.parent for p in watched}),
                                      watch_filter=lambda _change, path: Path(path).resolve() in watched,
                                      raise_interrupt=True):
            if record.is_file():  # an editor renaming the file over the old one: wait for the new one
                build_once(record, out, options, say)
    except KeyboardInterrupt:
        say("stopped watching")
    return 0
