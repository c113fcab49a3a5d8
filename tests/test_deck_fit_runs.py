"""deck_fit measures a paragraph of mixed runs (a bold lead-in, then regular text) each run in its own
weight (layout.text.wrap_runs), not the whole paragraph as bold: the regular text takes fewer lines, and the
lines, laid end to end, are the paragraph's words."""

from __future__ import annotations

import random

from pipeline.layout.text import text_width
from pipeline.render.deck_fit import (
    CELL_MX,
    CELL_MY,
    Cell,
    P,
    Para,
    Run,
    _cell_paras,
    _measure,
    indent_for,
    para_lines,
    paras_height,
    row_height,
    split_para,
)

LEAD = "Primary outcome"
REST = (": the rate of stroke or systemic embolism was lower with dabigatran 150 mg than with warfarin,"
        " and major bleeding was similar")


def test_a_bold_lead_in_is_measured_alone():
    mixed = Para((Run(LEAD, bold=True), Run(REST)), bullet=True)
    all_bold = P(LEAD + REST, bold=True, bullet=True)
    lines = para_lines(mixed, 20.0, 300.0)
    assert len(lines) < len(para_lines(all_bold, 20.0, 300.0))
    assert " ".join(lines) == mixed.text
    inner = 300.0 - indent_for(20.0)
    # Each line fits, measured as drawn: the lead-in bold, the rest regular.
    bold_words = set(LEAD.split())
    for line in lines:
        width = sum(text_width(w, 20.0, w in bold_words) for w in line.split())
        assert width + text_width(" ", 20.0) * (len(line.split()) - 1) <= inner + 1.0


def test_a_split_keeps_the_lead_in_bold():
    mixed = Para((Run(LEAD, bold=True), Run(REST)), bullet=True)
    got = split_para(mixed, 20.0, 300.0, 20.0 * 1.2 * 2 + 1, True)
    assert got is not None
    head, tail = got
    assert head.runs[0].bold and head.runs[0].text == LEAD
    assert not any(r.bold for r in tail.runs)
    assert f"{head.text} {tail.text}" == mixed.text


def test_a_cells_height_is_its_paragraphs_height():
    """A cell's height counts its lines without making its paragraphs: the same height, to the bit."""
    rng = random.Random(3)
    words = ["0.74", "(0.65 to 0.85)", "not reported", "placebo", "mycophenolate mofetil", "n = 12", "≤40%"]
    for _ in range(200):
        text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
                         for _ in range(rng.randint(1, 3)))
        cell = Cell(text, bold=rng.random() < 0.3, mute_from=1)
        size, width = rng.choice((13.5, 16.0, 18.0)), rng.uniform(10.0, 400.0)
        paras = _cell_paras(cell)
        assert row_height([cell], size, [width]) == paras_height(paras, size, width - 2 * CELL_MX) + 2 * CELL_MY


def test_a_columns_narrowest_width_is_its_longest_word_and_its_widest_its_longest_line():
    """At the width factor asked for (a template's text is measured 10% wider), whatever the factor in force."""
    rows = ((Cell("Outcome", bold=True), Cell("Hazard ratio\n0.74 (0.65 to 0.85)", keep=1)),
            (Cell("All-cause mortality at 28 days\n "), Cell("")))
    for factor in (1.0, 1.1):
        natural, minimum, _ = _measure(rows, 2, 16.0, factor)
        for j in range(2):
            words = [(w, row[j].bold) for row in rows for part in row[j].text.split("\n") for w in part.split()]
            assert minimum[j] == max(text_width(w, 16.0, bold) * factor + 2 * CELL_MX + 1 for w, bold in words)
            lines = [(part, row[j].bold) for row in rows for part in row[j].text.split("\n")]
            assert natural[j] == max(text_width(part, 16.0, bold) * factor + 2 * CELL_MX + 1 for part, bold in lines)
