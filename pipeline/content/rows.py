"""The rows of the results, risk-of-bias and flow tables.

In:  a ``Study`` and one outcome or harm (with the audit's absolute effects and recomputed values).
Out: ``ResultRow`` (cells per arm, each effect's ``EffectText``, certainty, subgroups), ``RobRow``,
     ``ArmText``, ``FlowText`` and ``OutcomeRob``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import ArmResult, Outcome, RoB2, Study, Subgroup, known
from .certainty import certainty_of, certainty_text
from .effects import effect_text
from .formatting import ABSENT, NR, _flat, arm_cell, count, p_value, text_or_placeholder

if TYPE_CHECKING:
    from ..absolute import Absolute
    from .certainty import CertaintyText
    from .effects import EffectText


# --- rows -----------------------------------------------------------------------

@dataclass(frozen=True)
class SubgroupText:
    variable: str
    interaction_p: str                                  # "P for interaction = 0.28" or the missing words
    levels: tuple[tuple[str, tuple[str, ...], tuple[EffectText, ...]], ...]   # (level, cells, effects)


@dataclass(frozen=True)
class ResultRow:
    """One outcome (or harm); ``cells`` follow ``Content.arm_names``; one ``EffectText`` per reported effect."""

    id: str
    label: str
    timepoint: str | None
    primary: bool
    cells: tuple[str, ...]
    effects: tuple[EffectText, ...] = ()
    derived: tuple[str, ...] = ()   # recomputed values, each already marked, e.g. "−30 per 1,000 (recomputed)"
    note: str | None = None
    kind: str = "binary"
    unit: str | None = None
    certainty: str | None = None    # "Moderate (imprecision)"
    grade: CertaintyText | None = None   # the same, for the brief's table: rating, why, whose, GRADE's statement
    source: str = ""                # the record field it comes from: "outcomes[0]", "harms[1]"
    subgroups: tuple[SubgroupText, ...] = ()
    component_of: str | None = None

    @property
    def first(self) -> EffectText | None:
        return self.effects[0] if self.effects else None

    @property
    def estimate(self) -> str:
        return self.effects[0].estimate if self.effects else NR

    @property
    def ci(self) -> str:
        return self.effects[0].ci if self.effects else NR

    @property
    def p(self) -> str:
        return self.effects[0].p if self.effects else NR

    @property
    def significance(self) -> str:
        return self.effects[0].significance if self.effects else ""


@dataclass(frozen=True)
class RobRow:
    domain: str
    judgement: str      # low / some concerns / high / no information
    symbol: str
    word: str
    support: str


@dataclass(frozen=True)
class ArmText:
    """One arm as the deck's design slide and notes say it: label, short label, the number randomized
    (``None`` when the record has none), what it received and its target."""

    label: str
    short: str
    randomized: str | None
    description: str | None
    target: str | None


FLOW_STAGES = ("allocated", "received", "discontinued", "lost", "completed", "analysed")


@dataclass(frozen=True)
class FlowText:
    """The participant flow's counts as text: the top of the diagram, the exclusion reasons as
    (reason, n), and per arm (label, short label, one count per ``FLOW_STAGES``; ``None``: no flow)."""

    assessed: str
    excluded: str
    randomized: str
    reasons: tuple[tuple[str, str], ...]
    arms: tuple[tuple[str, str, tuple[str, ...] | None], ...]


@dataclass(frozen=True)
class OutcomeRob:
    """The RoB 2 domains judged for one result apart from the study's (the others are the study's)."""

    outcome: str
    rows: tuple[RobRow, ...]

    def differing(self, study: tuple[RobRow, ...]) -> tuple[RobRow, ...]:
        """The domains whose judgement differs from the study's (``study``: ``Content.rob_rows``)."""
        judged = {r.domain: r.judgement for r in study}
        return tuple(r for r in self.rows if judged.get(r.domain) != r.judgement)


def rob_rows(rob: RoB2) -> tuple[RobRow, ...]:
    from ..theme import ROB_SYMBOL, ROB_WORD
    return tuple(RobRow(title, d.judgement, ROB_SYMBOL[d.judgement], ROB_WORD[d.judgement],
                        text_or_placeholder(d.support) or "")
                 for title, d in rob.domains())


def result_columns(study: Study) -> list[tuple[str, str, str]]:
    """(id, short label, label) of the table's per-arm columns: the arms; or, when results are given per level
    of a factorial factor, those levels (then any arm that has results of its own)."""
    outcomes = [*study.outcomes, *study.harms]
    used = {r.arm for o in outcomes for r in o.results}
    used |= {r.arm for o in outcomes for s in o.subgroups for lv in s.levels for r in lv.results}
    groups = [g for g in study.factor_groups if g.id in used]
    if not groups:
        return [(a.id, _flat(a.short), _flat(a.label)) for a in study.arms]
    return [(g.id, _flat(g.short), _flat(g.label)) for g in groups] + \
        [(a.id, _flat(a.short), _flat(a.label)) for a in study.arms if a.id in used]


def _cells(study: Study, results: list[ArmResult], kind: str, unit: str | None = None) -> tuple[str, ...]:
    by_arm = {r.arm: r for r in results}
    return tuple(arm_cell(by_arm.get(key), kind, unit) for key, _, _ in result_columns(study))


def counted_only(rows: Sequence[ResultRow]) -> str | None:
    """What the per-arm cells of ``rows`` count when each one given is a bare number of events (no total, no
    percentage, rate or summary: "793" says nothing by itself): "participants with the event"; else None."""
    given = [cell for r in rows for cell in r.cells if cell not in ABSENT]
    return "participants with the event" if given and all(_BARE.fullmatch(c) for c in given) else None


_BARE = re.compile(r"\d[\d,]*")


def _subgroup(study: Study, outcome: Outcome, s: Subgroup) -> SubgroupText:
    ip = p_value(s.interaction_p)
    levels = tuple((_flat(lv.level), _cells(study, lv.results, outcome.kind, outcome.unit),
                    tuple(effect_text(study, outcome, e) for e in lv.effects)) for lv in s.levels)
    return SubgroupText(_flat(s.variable), ip if ip in ABSENT else "P for interaction" + ip[1:], levels)


def result_row(study: Study, outcome: Outcome, derived: tuple[str, ...] = (),
               absolute: tuple[Absolute, ...] = (), source: str = "") -> ResultRow:
    """``absolute``: the audit's ``Absolute`` values for this outcome; each is shown under the effect it
    comes from (``.effect``), a recomputed one (``.effect`` None) with the row's ``derived``."""
    per_effect = [tuple((a.text, a.said) for a in absolute if a.effect == k) for k in range(len(outcome.effects))]
    if absolute:
        pairs = {a.comparison for a in absolute if a.effect is None}
        derived = tuple((f"{a.label}: " if len(pairs) > 1 else "") + str(a) for a in absolute if a.effect is None)
    return ResultRow(
        id=outcome.id, label=_flat(outcome.label), timepoint=_flat(outcome.timepoint) or None,
        primary=outcome.primary, cells=_cells(study, outcome.results, outcome.kind, outcome.unit),
        effects=tuple(effect_text(study, outcome, e, per_effect[k]) for k, e in enumerate(outcome.effects)),
        derived=derived,
        note=text_or_placeholder(outcome.note) or None, kind=outcome.kind, unit=_flat(outcome.unit) or None,
        certainty=certainty_text(outcome), grade=certainty_of(study, outcome),
        subgroups=tuple(_subgroup(study, outcome, s) for s in outcome.subgroups),
        component_of=outcome.component_of, source=source)


def _given(*values: int | str | None) -> bool:
    return any(known(v) is not None for v in values)


@dataclass(frozen=True)
class FlowStage:
    """One stage of the participant flow after randomization's count."""

    key: str                    # "screening", "received", "followup", "completed", "analysed"
    words: str                  # "assessed for eligibility and excluded", …
    value: int | str | None     # the first arm's (or the flow's) value: how the stage is missing
    given: bool                 # whether any arm (or the flow) has a number for it


def flow_stages(study: Study) -> list[FlowStage]:
    """The flow's stages after randomization's count, in CONSORT order. A flow none of whose stages is given
    tells nothing the design does not (who was randomized and allocated): ``flow_text`` is then None and no
    flow is drawn."""
    flow = study.flow
    if flow is None:
        return []
    arms = [study.arm_flow(arm.id) for arm in study.arms]
    first = arms[0]
    return [
        FlowStage("screening", "assessed for eligibility and excluded", flow.assessed,
                  _given(flow.assessed, flow.excluded) or bool(flow.excluded_reasons)),
        FlowStage("received", "received allocated intervention", first.received if first else None,
                  any(af is not None and _given(af.received) for af in arms)),
        FlowStage("followup", "discontinued or lost to follow-up", first.discontinued if first else None,
                  any(af is not None and (_given(af.discontinued, af.lost) or bool(af.discontinued_reasons)
                                          or bool(af.lost_reasons)) for af in arms)),
        FlowStage("completed", "completed", first.completed if first else None,
                  any(af is not None and _given(af.completed) for af in arms)),
        FlowStage("analysed", "analysed", first.analysed if first else None,
                  any(af is not None and _given(af.analysed) for af in arms))]


def flow_text(study: Study) -> FlowText | None:
    flow = study.flow
    if flow is None or not any(stage.given for stage in flow_stages(study)):
        return None
    arms = []
    for a in study.arms:
        af = study.arm_flow(a.id)
        counts = tuple(count(getattr(af, stage)) for stage in FLOW_STAGES) if af is not None else None
        arms.append((_flat(a.label), _flat(a.short), counts))
    return FlowText(count(flow.assessed), count(flow.excluded), count(flow.randomized),
                    tuple((_flat(r.reason), count(r.n)) for r in flow.excluded_reasons), tuple(arms))
