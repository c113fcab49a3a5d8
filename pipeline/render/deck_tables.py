"""The sections of the deck's tables and bullets, built from ``Content`` (no python-pptx here).

In:  ``Content`` strings (formatted once by ``content``). Out: ``deck_fit`` sections and cells: the results
     table (per arm, then one line per effect naming its comparison; "not reported" muted; CI and P in
     one column when no row reports either, stacked when there are three arms or more), a subgroup table,
     the risk-of-bias fills, a bullet with a bold lead-in.
"""

from __future__ import annotations

from .. import theme
from ..content import ABSENT, NR, Content, EffectText, ResultRow, split_shared_mark
from .deck_fit import TABLE_RATIO, Cell, Para, Run, TableSection

# Risk-of-bias cell fills: none of the arm colours' hues, lighter to darker as the risk rises (the symbol
# and word in the cell carry the judgement in greyscale).
ROB_FILL = {"low": "#EEF3E2", "some concerns": "#F5EC8C", "high": "#E8A3A8", "no information": "#E6E6E6"}


def column_heads(c: Content) -> list[Cell]:
    """The per-arm column headings, in the arm's colours (factorial levels, which are no arm, in none)."""
    if not c.arm_columns:
        return [Cell(n, bold=True, align="right") for n in c.arm_names]
    return [Cell(n, bold=True, fill=theme.arm_fill(i), rule=theme.arm_colour(i), align="right")
            for i, n in enumerate(c.arm_names)]


def results_table(c: Content, rows: tuple[ResultRow, ...], name: str, with_effect: bool = True,
                  label: str = "Outcome", ratio: float = TABLE_RATIO) -> TableSection:
    """Per arm, then effect, interval and P; one line per effect naming its comparison (on the outcome's
    own line when the record makes one comparison); "not reported" is muted, and CI and P share one
    column when no row reports either. Absolute effects go under their effect (muted), recomputed values
    under the last effect, or, in a table without effects (harms), on a line across under their row."""
    value = muted_value

    header = [Cell(label, bold=True)]
    header += column_heads(c)
    effects = [e for r in rows for e in r.effects]
    merge_ci_p = all(e.range in ABSENT and e.p in ABSENT for e in effects)
    # Three arms or more leave no room for an interval on one line: CI over P in one column.
    stack = not merge_ci_p and len(c.arm_names) >= 3
    levels = {e.level for e in effects if e.range not in ABSENT}
    one_level = len(levels) <= 1
    ci_head = f"{levels.pop()}% CI" if len(levels) == 1 else "95% CI" if not levels else "CI"
    if with_effect:
        # The record's one comparison is named once, in the effect column's heading.
        header += [Cell(f"Effect\n{c.comparison}" if c.comparison else "Effect", bold=True,
                        mute_from=1 if c.comparison else None)]
        header += ([Cell(f"{ci_head}; P", bold=True)] if merge_ci_p else [Cell(f"{ci_head}\nP", bold=True)]
                   if stack else [Cell(ci_head, bold=True), Cell("P", bold=True)])

    def stacked_cells(e: EffectText, derived: tuple[str, ...] = ()) -> list[Cell]:
        cells = effect_cells(e, merge_ci_p, one_level, derived)
        if not stack:
            return cells
        ci, p = cells[1].text, cells[2].text
        both = Cell(f"{ci}\n{p}", colour=theme.MUTED if ci in ABSENT and p in ABSENT else None,
                    mute_from=1 if p in ABSENT and ci not in ABSENT else None,
                    keep=0 if ci in ABSENT else 1 if p in ABSENT else 2)
        return [cells[0], both]

    blank = [Cell("")] * (2 if merge_ci_p or stack else 3)
    body: list[list[Cell]] = []
    for r in rows:
        title = r.label + (f"\n{r.timepoint}" if r.timepoint else "")
        inline = len(r.effects) == 1 and c.comparison is not None and not r.effects[0].label
        arm_cells = [value(v, align="right") for v in r.cells]
        if not with_effect:
            body.append([Cell(title, mute_from=1 if r.timepoint else None)] + arm_cells)
        elif inline or not r.effects:
            e = r.first
            qual = list(e.qualifiers) if e else []
            lines = [r.label] + ([r.timepoint] if r.timepoint else []) + qual
            cells = stacked_cells(e, r.derived) if e else [value(NR)] + blank[1:]
            if e is None and r.derived:
                cells[0] = Cell("\n".join([NR] + list(r.derived)), mute_from=0)
            body.append([Cell("\n".join(lines), mute_from=1 if len(lines) > 1 else None)] + arm_cells + cells)
        else:
            body.append([Cell(title, mute_from=1 if r.timepoint else None)] + arm_cells + blank)
            for k, e in enumerate(r.effects):
                name = ", ".join(x for x in ((e.comparison if c.comparison is None else ""), e.label or "") if x)
                lines = [name] + list(e.qualifiers)
                last = k == len(r.effects) - 1
                body.append([Cell("\n".join(lines), mute_from=1 if len(lines) > 1 else None, joined=True)]
                            + [Cell("")] * len(r.cells) + stacked_cells(e, r.derived if last else ()))
        if r.derived and not with_effect:
            values, mark = split_shared_mark(r.derived)
            text = "; ".join(values) + (f"\n{mark}" if mark else "")
            body.append([Cell(text, span=len(body[-1]), mute_from=1 if mark else None)])
    n_arms = len(c.arm_names)
    caps = [1.0] + [0.16] * n_arms
    if with_effect:
        caps += [0.24] + ([0.18] if merge_ci_p or stack else [0.18, 0.13])
    return TableSection(header, body, caps=caps, flex=0, name=name, ratio=ratio)


def subgroup_table(c: Content, r: ResultRow) -> TableSection:
    """The subgroups of ``r``: the variable with its interaction P, then each level's per-arm numbers and
    effect (one line per comparison)."""
    effects = [e for sg in r.subgroups for _, _, es in sg.levels for e in es]
    merge_ci_p = all(e.range in ABSENT and e.p in ABSENT for e in effects)
    levels = {e.level for e in effects if e.range not in ABSENT}
    ci_head = f"{levels.pop()}% CI" if len(levels) == 1 else "95% CI" if not levels else "CI"
    header = [Cell("Subgroup", bold=True)]
    header += column_heads(c)
    header += [Cell("Effect", bold=True)] + ([Cell(f"{ci_head}; P", bold=True)] if merge_ci_p else
                                             [Cell(ci_head, bold=True), Cell("P", bold=True)])
    blank = [Cell("")] * (len(c.arm_names) + (2 if merge_ci_p else 3))
    body: list[list[Cell]] = []
    for sg in r.subgroups:
        interaction = sg.interaction_p if sg.interaction_p not in ABSENT else \
            f"P for interaction {sg.interaction_p}"
        body.append([Cell(f"{sg.variable}\n{interaction}", bold=True, mute_from=1)] + blank)
        for level, cells, level_effects in sg.levels:
            arm_cells = [muted_value(v, align="right") for v in cells]
            first = level_effects[0] if level_effects else None
            many = c.comparison is None and len(level_effects) > 1
            label = level + (f"\n{first.comparison}" if first and many else "")
            body.append([Cell(label, mute_from=1 if first and many else None, joined=True)] + arm_cells +
                        (effect_cells(first, merge_ci_p, len(levels) <= 1) if first else blank[len(cells):]))
            for e in level_effects[1:]:
                body.append([Cell(e.comparison, joined=True)] + [Cell("")] * len(cells) +
                             effect_cells(e, merge_ci_p, len(levels) <= 1))
    caps = [1.0] + [0.16] * len(c.arm_names) + [0.24] + ([0.18] if merge_ci_p else [0.18, 0.13])
    return TableSection(header, body, caps=caps, flex=0, name="Subgroups")


def muted_value(text: str, align: str = "left", keep: int = 0) -> Cell:
    """A value cell, muted when it says a value is missing; ``keep``: lines not to wrap (a value, not the words
    saying it is missing)."""
    missing = text in ABSENT
    return Cell(text, colour=theme.MUTED if missing else None, align=align, keep=0 if missing else keep)


def effect_cells(e: EffectText, merge_ci_p: bool, one_level: bool, derived: tuple[str, ...] = ()) -> list[Cell]:
    """Effect (with significance, absolute effects and ``derived`` muted under it), CI (the level left to the
    header when ``one_level``), P; or "CI; P" in one cell when ``merge_ci_p``."""
    parts = [e.estimate] + ([e.significance] if e.significance else [])
    extra = list(e.absolute_short) + list(derived)     # the methods in full are in the speaker notes
    if e.value in ABSENT and not e.significance and not extra:
        cells = [muted_value(e.estimate)]
    else:
        cells = [Cell("\n".join(parts + extra), mute_from=len(parts) if extra else None, keep=1)]
    ci = e.range if one_level or e.range in ABSENT else e.ci
    # An interval or a P value is read whole: never wrapped, unless its words could not fit otherwise.
    return cells + ([muted_value(e.p if e.range in ABSENT else ci, keep=1)] if merge_ci_p else
                    [muted_value(ci, keep=1), muted_value(e.p, keep=1)])


def lead_in(text: str) -> Para:
    """A bullet whose opening clause (up to the first ": " or " (", when that comes early) is bold."""
    cut = min((i for i in (text.find(": "), text.find(" (")) if i > 0), default=-1)
    if 0 < cut <= 110 and cut < len(text) - 20:
        return Para((Run(text[:cut], bold=True), Run(text[cut:])), bullet=True, gap=0.9)
    return Para((Run(text),), bullet=True, gap=0.9)
