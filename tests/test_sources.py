"""Every shipped record in sources/ validates, builds, and shows each of its numbers as printed.

For each ``sources/*.yaml``: it validates (its file name is its id), builds a
brief, a deck and figures, the brief is exactly one page, and the printed text
of every number in the record's data (counts, per-arm results, rates, effects,
CIs, P values, the margin) is found in the brief or on a slide, with its sign
and decimals (``0.60`` as ``0.60``, ``-4.8`` with its minus).
"""

from __future__ import annotations

import pytest

import shapes
from conftest import ROOT
from pipeline.build import build_record
from pipeline.loader import load_file
from pipeline.validate import load_study
from readback import brief_text, deck_text, missing_numbers, page_count

RECORDS = sorted((ROOT / "sources").glob("*.yaml"))
EXPECTED = {"dapa-hf", "imagine-ra", "re-ly", "ssass", "step-1", "vital"}


def test_every_facts_sheet_example_is_shipped():
    assert EXPECTED <= {path.stem for path in RECORDS}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("sources")
    cache: dict[str, tuple[bytes, bytes]] = {}

    def build(path):
        if path.stem not in cache:
            result = build_record(path, out)
            folder = out / result.study_id
            assert (folder / "figures").is_dir()
            cache[path.stem] = ((folder / "brief.pdf").read_bytes(), (folder / "deck.pptx").read_bytes())
        return cache[path.stem]

    return build


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_shipped_record_validates(path):
    checked = load_study(path)
    assert checked.study.id == path.stem
    assert checked.study.record == 2


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_shipped_record_builds_a_one_page_brief(path, built):
    brief, deck = built(path)
    assert page_count(brief) == 1
    assert deck_text(deck).strip()


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_shipped_record_numbers_reach_the_reader(path, built):
    brief, deck = built(path)
    numbers = shapes.printed_numbers(load_file(path).data)
    assert numbers
    missing = missing_numbers(numbers, brief_text(brief) + "\n" + deck_text(deck))
    assert missing == {}, f"{path.name}: numbers in the record but in neither the brief nor the deck: {missing}"
