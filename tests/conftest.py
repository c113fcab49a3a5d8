"""Shared fixtures: paths of the repository and the shipped record; a disk that fills up."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sources" / "imagine-ra.yaml"


@pytest.fixture
def shipped_path() -> Path:
    return SHIPPED


@pytest.fixture(autouse=True)
def _fixed_build_date(monkeypatch):
    """Builds in tests are reproducible unless a test says otherwise."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


class _FullDisk:
    """A file opened for writing on a full disk: its first write fails, as ``write(2)`` does."""

    def __init__(self, fh):
        self._fh = fh

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def disk_full_at(monkeypatch) -> Callable[[int], list[int]]:
    """``disk_full_at(n)``: the n-th file written from then on (``os.fdopen`` for writing) and every one after it
    fails to write as on a full disk. Returns the count of files opened for writing so far, as it grows."""
    def arm(n: int) -> list[int]:
        real, count = os.fdopen, [0]

        def fdopen(fd, mode="r", *args, **kwargs):
            fh = real(fd, mode, *args, **kwargs)
            if "w" not in mode:
                return fh
            count[0] += 1
            return _FullDisk(fh) if count[0] >= n else fh

        monkeypatch.setattr(os, "fdopen", fdopen)
        return count
    return arm
