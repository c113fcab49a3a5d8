"""Alt text for each figure, written from the record's data.

In:  a ``Study``. Out: one plain sentence or a few per figure. Only values the
record gives appear; a count it does not give reads "not reported". The
layout modules put these strings into ``Diagram.alt_text``.

* ``design_alt``: population, how many were randomized (and the ratio) to
  which arms, follow-up, what every arm received alike, the design facts
  (hypothesis and margin, clusters, factorial structure, analysis, early
  stopping), primary outcomes.
* ``flow_alt``: assessed, excluded, randomized per arm, completed and
  analysed per arm (when the record has a flow).

The forest plot's alt text is ``forest.forest_alt`` (it reads the plot's axis groups).

``total_randomized`` (the number randomized as the record gives it) is here because the alt text, the
design schema and the flow diagram all say it, and this module imports no other layout module.
"""

from __future__ import annotations

from ..content import ABSENT, NIS, NR, count, design_facts, flow_stages, shared_care
from ..model import Study, known


def join_and(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {word} {items[1]}"
    return ", ".join(items[:-1]) + f" {word} {items[-1]}"


def total_randomized(study: Study) -> int | None:
    """The number randomized as the record gives it: ``flow.randomized``, else the arm sizes summed
    when every arm gives one; None otherwise."""
    if study.flow is not None and known(study.flow.randomized) is not None:
        return known(study.flow.randomized)
    counts = [known(a.randomized) for a in study.arms]
    if counts and all(c is not None for c in counts):
        return sum(c for c in counts if c is not None)
    return None



def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def design_alt(study: Study) -> str:
    d = study.design
    q = study.question
    parts: list[str] = []
    n = total_randomized(study)
    single = len(study.arms) == 1 or d.type == "single-group"
    if single:
        arm = study.arms[0]
        n_arm = known(arm.randomized)
        who = f"{count(n_arm)} participants" if n_arm is not None else "Participants (number not reported)"
        parts.append(f"Single-group study. Population: {q.population}. {who} received {arm.label}.")
    else:
        arms = [f"{a.label} (n = {count(a.randomized)})" for a in study.arms]
        how = "randomized" if d.randomized else "allocated (not randomized)"
        ratio = f" {d.allocation_ratio}" if d.allocation_ratio and d.randomized else ""
        who = f"{count(n)} participants" if n is not None else "Participants (total not reported)"
        parts.append(f"Trial design. Population: {q.population}. {who} {how}{ratio} to {join_and(arms, 'or')}.")
    if d.follow_up:
        parts.append(_sentence(f"Follow-up: {d.follow_up}"))
    if d.visit_schedule:
        parts.append(_sentence(f"Visits: {d.visit_schedule}"))
    care = shared_care(study)
    if care:
        parts.append(_sentence(f"{care[0]}: {care[1]}"))
    parts += [_sentence(f"{label}: {text}") for label, text in design_facts(study)]
    primary = study.primary_outcomes
    if primary:
        labels = [o.label + (f" at {o.timepoint}" if o.timepoint else "") for o in primary]
        word = "Primary outcomes" if len(primary) > 1 else "Primary outcome"
        parts.append(_sentence(f"{word}: " + "; ".join(labels)))
    return " ".join(parts)


def flow_alt(study: Study) -> str:
    flow = study.flow
    single = len(study.arms) == 1 or study.design.type == "single-group"
    verb = "enrolled" if single or not study.design.randomized else "randomized"
    n = total_randomized(study)
    parts = ["Participant flow."]
    if flow is None:
        arms = [f"{count(a.randomized)} to {a.label}" for a in study.arms]
        total = f"{count(n)} participants" if n is not None else "Participants (total not reported)"
        parts.append(f"{total} {verb}: " + "; ".join(arms) + ".")
        parts.append("Follow-up and analysis numbers: not reported.")
        return " ".join(parts)
    parts.append(f"Assessed for eligibility: {count(flow.assessed)}; excluded: {count(flow.excluded)}.")
    ratio = f" {study.design.allocation_ratio}" if study.design.allocation_ratio and verb == "randomized" else ""
    arms = []
    for a in study.arms:
        af = study.arm_flow(a.id)
        allocated = af.allocated if af is not None and known(af.allocated) is not None else a.randomized
        arms.append(f"{count(allocated)} to {a.label}")
    total = f"{count(n)} participants" if n is not None else "Participants (total not reported)"
    parts.append(f"{total} {verb}{ratio}: " + ", ".join(arms) + ".")
    for field, word in (("discontinued", "Discontinued"), ("lost", "Lost to follow-up"),
                        ("completed", "Completed"), ("analysed", "Analysed")):
        values = []
        for a in study.arms:
            af = study.arm_flow(a.id)
            values.append((a.short, count(getattr(af, field) if af is not None else None)))
        if all(v in ABSENT for _, v in values):
            if field in ("completed", "analysed"):
                parts.append(f"{word}: {values[0][1] if len({v for _, v in values}) == 1 else NR}.")
            continue
        if len(values) == 1:
            parts.append(f"{word}: {values[0][1]}.")
        else:
            parts.append(f"{word}: " + ", ".join(f"{v} ({name})" for name, v in values) + ".")
    return " ".join(parts)


def flow_caption(study: Study, beside_band: bool = False, beside_schema: bool = False) -> str:
    """One short line on who was randomized, completed and analysed, e.g. "200 randomized 1:1: 100 to
    MRI-guided, 100 to Conventional; completed: 76 and 95; analysed: not reported". ``beside_band``: only
    what the brief's design band does not show (it shows who was randomized and, per arm, who completed),
    and no count that is missing only from the sources behind the record; ``beside_schema``: without who was
    randomized (the full design schema shows it); "" when nothing is left. Both stages missing for one
    reason are said once: "completed and analysed: not reported"."""
    d = study.design
    n = total_randomized(study)
    how = "randomized" if d.randomized and len(study.arms) > 1 else "enrolled"
    ratio = f" {d.allocation_ratio}" if d.allocation_ratio and how == "randomized" else ""
    flows = [study.arm_flow(a.id) for a in study.arms]
    allocated = [f.allocated if f and known(f.allocated) is not None else a.randomized
                 for a, f in zip(study.arms, flows, strict=True)]
    sizes = [count(k) for k in allocated]
    if len(study.arms) < 2:
        per_arm = ""
    elif all(v in ABSENT for v in sizes):     # said once, not once per arm
        per_arm = f" (arm sizes {sizes[0] if len(set(sizes)) == 1 else NR})"
    else:
        per_arm = ": " + ", ".join(f"{v} to {a.short}" for a, v in zip(study.arms, sizes, strict=True))
    parts = [] if beside_band or beside_schema else [f"{count(n)} {how}{ratio}{per_arm}"]
    given = {stage.key: stage.given for stage in flow_stages(study)}
    stages: list[tuple[str, str]] = []    # (stage, what is said of it)
    for name in ("completed", "analysed"):
        values = [count(getattr(f, name) if f else None) for f in flows]
        if not given.get(name, False):
            said = values[0] if len(set(values)) == 1 else NR
            if not (beside_band and said == NIS):
                stages.append((name, said))
        elif not (beside_band and name == "completed" and NIS not in values and NR not in values):
            stages.append((name, join_and(values)))
    if len(stages) == 2 and stages[0][1] == stages[1][1] in ABSENT:  # said once, the reason they are missing
        stages = [(f"{stages[0][0]} and {stages[1][0]}", stages[0][1])]
    return "; ".join(parts + [f"{name}: {said}" for name, said in stages])
