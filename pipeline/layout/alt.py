"""Alt text for each figure, written from the record's data.

In:  a ``Study``. Out: one plain sentence or a few per figure. Only values the
record gives appear; a count it does not give reads "not reported". The
layout modules put these strings into ``Diagram.alt_text``.

* ``design_alt``: population, how many were randomized (and the ratio) to
  which arms, follow-up, primary outcomes.
* ``flow_alt``: assessed, excluded, randomized per arm, completed and
  analysed per arm (when the record has a flow).
* ``forest_alt``: per axis group, the measure, the comparison, each outcome's
  estimate and interval (or "CI not reported"), and which side favours whom.
"""

from __future__ import annotations

from ..content import ABSENT, NR, count, number
from ..model import Study, known


def fmt_count(value: int | str | None) -> str:
    return count(value)


def join_and(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {word} {items[1]}"
    return ", ".join(items[:-1]) + f" {word} {items[-1]}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def design_alt(study: Study) -> str:
    from .design import total_randomized

    d = study.design
    q = study.question
    parts: list[str] = []
    n = total_randomized(study)
    single = len(study.arms) == 1 or d.type == "single-group"
    if single:
        arm = study.arms[0]
        n_arm = known(arm.randomized)
        who = f"{n_arm:,} participants" if n_arm is not None else "Participants (number not reported)"
        parts.append(f"Single-group study. Population: {q.population}. {who} received {arm.label}.")
    else:
        arms = [f"{a.label} (n = {fmt_count(a.randomized)})" for a in study.arms]
        how = "randomized" if d.randomized else "allocated (not randomized)"
        ratio = f" {d.allocation_ratio}" if d.allocation_ratio and d.randomized else ""
        who = f"{n:,} participants" if n is not None else "Participants (total not reported)"
        parts.append(f"Trial design. Population: {q.population}. {who} {how}{ratio} to {join_and(arms, 'or')}.")
    if d.follow_up:
        parts.append(_sentence(f"Follow-up: {d.follow_up}"))
    if d.visit_schedule:
        parts.append(_sentence(f"Visits: {d.visit_schedule}"))
    primary = study.primary_outcomes
    if primary:
        labels = [o.label + (f" at {o.timepoint}" if o.timepoint else "") for o in primary]
        word = "Primary outcomes" if len(primary) > 1 else "Primary outcome"
        parts.append(_sentence(f"{word}: " + "; ".join(labels)))
    return " ".join(parts)


def flow_alt(study: Study) -> str:
    from .design import total_randomized

    flow = study.flow
    single = len(study.arms) == 1 or study.design.type == "single-group"
    verb = "enrolled" if single or not study.design.randomized else "randomized"
    n = total_randomized(study)
    parts = ["Participant flow."]
    if flow is None:
        arms = [f"{fmt_count(a.randomized)} to {a.label}" for a in study.arms]
        total = f"{n:,} participants" if n is not None else "Participants (total not reported)"
        parts.append(f"{total} {verb}: " + "; ".join(arms) + ".")
        parts.append("Follow-up and analysis numbers: not reported.")
        return " ".join(parts)
    parts.append(f"Assessed for eligibility: {fmt_count(flow.assessed)}; excluded: {fmt_count(flow.excluded)}.")
    ratio = f" {study.design.allocation_ratio}" if study.design.allocation_ratio and verb == "randomized" else ""
    arms = []
    for a in study.arms:
        af = study.arm_flow(a.id)
        allocated = af.allocated if af is not None and known(af.allocated) is not None else a.randomized
        arms.append(f"{fmt_count(allocated)} to {a.label}")
    total = f"{n:,} participants" if n is not None else "Participants (total not reported)"
    parts.append(f"{total} {verb}{ratio}: " + ", ".join(arms) + ".")
    for field, word in (("discontinued", "Discontinued"), ("lost", "Lost to follow-up"),
                        ("completed", "Completed"), ("analysed", "Analysed")):
        values = []
        for a in study.arms:
            af = study.arm_flow(a.id)
            values.append((a.short, fmt_count(getattr(af, field) if af is not None else None)))
        if all(v in ABSENT for _, v in values):
            if field in ("completed", "analysed"):
                parts.append(f"{word}: not reported.")
            continue
        if len(values) == 1:
            parts.append(f"{word}: {values[0][1]}.")
        else:
            parts.append(f"{word}: " + ", ".join(f"{v} ({name})" for name, v in values) + ".")
    return " ".join(parts)


def flow_caption(study: Study) -> str:
    """One short line on who was randomized, completed and analysed, e.g. "200 randomized 1:1: 100 to
    MRI-guided, 100 to Conventional; completed: 76 and 95; analysed: not reported"."""
    from .design import total_randomized

    d = study.design
    n = total_randomized(study)
    how = "randomized" if d.randomized and len(study.arms) > 1 else "enrolled"
    ratio = f" {d.allocation_ratio}" if d.allocation_ratio and how == "randomized" else ""
    flows = [study.arm_flow(a.id) for a in study.arms]
    allocated = [known(f.allocated) if f and known(f.allocated) is not None else known(a.randomized)
                 for a, f in zip(study.arms, flows)]
    parts = [f"{fmt_count(n)} {how}{ratio}" + (": " + ", ".join(f"{fmt_count(k)} to {a.short}"
                                                              for a, k in zip(study.arms, allocated))
                                              if len(study.arms) > 1 else "")]
    for name in ("completed", "analysed"):
        counts = [getattr(f, name) if f else None for f in flows]
        values = [fmt_count(c) for c in counts]
        if all(v in ABSENT for v in values):
            parts.append(f"{name}: {values[0] if len(set(values)) == 1 else NR}")
        else:
            parts.append(f"{name}: {join_and(values)}" if len(values) > 1 else f"{name}: {values[0]}")
    return "; ".join(parts)


def forest_alt(study: Study, groups: list | None = None) -> str:
    """Per axis group: the measure, each row's comparison, estimate and interval as printed, which side
    favours whom, and the non-inferiority margin."""
    if groups is None:
        from .forest import forest_groups
        groups = forest_groups(study)
    if not groups:
        return ""
    parts = []
    for g in groups:
        unit = f" ({g.unit})" if g.unit else ""
        rows = []
        heading = ""
        for row in g.rows:
            if row.text is None:
                heading = row.label
                continue
            t = row.text
            est, ci = row.cells(False)
            name = row.label if row.indent == 0 else f"{heading}, {row.label}" if heading else row.label
            comparison = "" if t.comparison in g.title() or t.comparison in name else f" ({t.comparison})"
            rows.append(f"{name}{comparison}: {est} {ci}")
        parts.append(f"Forest plot, {g.title()[0].lower()}{g.title()[1:]}{unit if unit not in g.title() else ''}: "
                     + "; ".join(rows) + ".")
        left, right = g.side_words()
        null = number(g.null)
        parts.append(f"Values below {null} {left}; values above {null} {right}.")
        for m, text in sorted(g.margins.items()):
            parts.append(f"Dashed line: {text}.")
    return " ".join(parts)
