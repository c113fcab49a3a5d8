"""The words and numbers every renderer shows, formatted once.

In:  a valid ``Study`` (and optionally the audit's derived values and reader notes).
Out: ``Content``: plain strings and rows (citation, PICO, design, results
     table with one line per reported effect, harms, appraisal, conclusions,
     footer). The PDF brief, the deck, the figures and the alt text all draw
     from this module's formatters, so they can never disagree about a number.

Conventions:
* a number is shown exactly as the record printed it (``Printed.text``):
  ``14.0`` stays "14.0", ``0.60`` stays "0.60"; a value computed here is
  formatted once with a stated number of decimals (``number(x, decimals)``);
* the minus sign is U+2212; an interval reads "0.60 to 0.90";
* a value the trial did not report reads "not reported"; a value the sources
  behind the record do not give reads "not in our sources" (a gap in our
  sourcing, never a flaw of the trial);
* a count the record lacks is never shown as 0;
* every effect names its comparison ("A vs B"), its measure, the CI level when
  it is not 95%, the P value as printed, whether and for what it is adjusted,
  and a non-inferiority or equivalence hypothesis with its margin.

The package, one job a module: ``formatting`` (numbers and short texts), ``effects``,
``certainty`` (GRADE), ``study`` (citation, design, dates), ``rows`` (table rows) and ``build``
(``Content`` and ``build_content``). Import from the package: its names are the API.
"""

from __future__ import annotations

from .build import Content, build_content, warning_texts
from .certainty import (
    CERTAINTY_SYMBOL,
    LEVEL_WORDS,
    CertaintyText,
    certainty_of,
    certainty_text,
    effect_direction,
    grade_statement,
    interval_direction,
    lower_first,
)
from .effects import (
    MEASURE_SHORT,
    EffectText,
    comparison_text,
    effect_hypothesis,
    effect_text,
    hypothesis_text,
    margin_text,
    measure_name,
    significance_text,
    split_shared_mark,
)
from .formatting import (
    ABSENT,
    MINUS,
    MISSING_WORDS,
    NIS,
    NOT_YET,
    NR,
    arm_cell,
    count,
    interval,
    missing,
    n_equals,
    number,
    p_value,
    rate_text,
    signed,
    text_or_placeholder,
    with_unit,
)
from .rows import (
    FLOW_STAGES,
    ArmText,
    FlowStage,
    FlowText,
    OutcomeRob,
    ResultRow,
    RobRow,
    SubgroupText,
    flow_stages,
    flow_text,
    result_columns,
    result_row,
    rob_rows,
)
from .study import (
    DESIGN_KIND,
    KIND_WORDS,
    MAX_EPOCH,
    build_date,
    centres_text,
    citation_text,
    creators_text,
    design_basics,
    design_facts,
    design_kind,
    design_summary,
    fact_phrases,
    factor_text,
    journal_text,
    registry_url,
    shared_care,
    single_comparison,
    source_date,
)

__all__ = [
    "ABSENT",
    "CERTAINTY_SYMBOL",
    "DESIGN_KIND",
    "FLOW_STAGES",
    "KIND_WORDS",
    "LEVEL_WORDS",
    "MAX_EPOCH",
    "MEASURE_SHORT",
    "MINUS",
    "MISSING_WORDS",
    "NIS",
    "NOT_YET",
    "NR",
    "ArmText",
    "CertaintyText",
    "Content",
    "EffectText",
    "FlowStage",
    "FlowText",
    "OutcomeRob",
    "ResultRow",
    "RobRow",
    "SubgroupText",
    "arm_cell",
    "build_content",
    "build_date",
    "centres_text",
    "certainty_of",
    "certainty_text",
    "citation_text",
    "comparison_text",
    "count",
    "creators_text",
    "design_basics",
    "design_facts",
    "design_kind",
    "design_summary",
    "effect_direction",
    "effect_hypothesis",
    "effect_text",
    "fact_phrases",
    "factor_text",
    "flow_stages",
    "flow_text",
    "grade_statement",
    "hypothesis_text",
    "interval",
    "interval_direction",
    "journal_text",
    "lower_first",
    "margin_text",
    "measure_name",
    "missing",
    "n_equals",
    "number",
    "p_value",
    "rate_text",
    "registry_url",
    "result_columns",
    "result_row",
    "rob_rows",
    "shared_care",
    "signed",
    "significance_text",
    "single_comparison",
    "source_date",
    "split_shared_mark",
    "text_or_placeholder",
    "warning_texts",
    "with_unit",
]
