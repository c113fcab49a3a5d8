"""deck_fit measures a paragraph of mixed runs (a bold lead-in, then regular text) each run in its own
weight (layout.text.wrap_runs), not the whole paragraph as bold: the regular text takes fewer lines, and the
lines, laid end to end, are the paragraph's words."""

from __future__ import annotations

from pipeline.layout.text import text_width
from pipeline.render.deck_fit import P, Para, Run, indent_for, para_lines, split_para

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
