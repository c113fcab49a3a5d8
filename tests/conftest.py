"""Shared fixtures: paths of the repository and the shipped record."""

from __future__ import annotations

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
