"""The trial design schema as geometry: population → randomization → arms → follow-up → outcomes.

In:  a ``Study``, the area ``width`` × ``height`` in points, a starting font
     size ``base_size`` and the smallest size allowed ``min_size``.
Out: a ``Diagram`` (kind ``design``) whose ``height`` is the height actually
     used (≤ the height given); or ``LayoutError`` naming the fields too long
     to fit even at ``min_size``.

Rows, top to bottom (each box spans the width unless said otherwise):

* ``population`` (role ``population``): the population in bold, then
  "Eligible: a; b; c" and the setting when given.
* ``randomization`` (role ``randomization``, centred): "Randomized 1:1,
  n = 200" — left out for a single-group study (one arm, or design type
  ``single-group``); a non-randomized comparison reads "Allocated (not
  randomized)".
* ``arm-<id>`` (role ``arm``, ``arm`` = index into ``study.arms``): one column
  per arm, side by side: the label in bold, "n = 100 randomized" (or "n not
  reported"), then "Target: …" (or the description when no target is given).
* ``followup`` (role ``followup``): "Follow-up: …" and "Visits: …" — left out
  when the record gives neither.
* ``outcomes`` (role ``outcome``, left-aligned): "Primary outcome(s)" (with the common time
  point) and one paragraph per primary outcome; without primary outcomes the
  outcomes of the question are listed instead; left out when there are none.

Connectors are orthogonal polylines from the middle of the source's bottom
edge to the target's top edge. Randomization branches to each arm through a
horizontal bus half-way between the rows; each arm drops straight into the
follow-up box at its own x (no arrowheads pile up on one point).

Every box in a row has the same height; a box's text is one block, centred
vertically in the box and aligned as ``Box.align`` says, inset by
``Box.padding``. All text of a diagram has one size (``Diagram.extra
["font_size"]``): the font shrinks in 0.5 pt steps from ``base_size`` until the
content fits the height with no word broken across lines; if no size fits
without breaking a word, the largest size that fits at all is used; if none
fits, ``LayoutError``.

``compact=True`` lays the same boxes out across instead, as one short band
for a page that states the question above it (the PDF brief): population
(the population only: eligibility and setting are said beside it) →
randomization → the arms stacked, each named by its short label with its n and,
when the record's flow gives it, how many completed ("76 completed") →
follow-up → outcomes, each column as tall as the band (the arms share it).
Column widths are the narrowest that give the lowest band the width allows
(each at least its longest word), the room left shared out in proportion;
connectors run left to right, one per arm into the follow-up box.

Boxes, wrapping and connectors come from ``boxes``; the size search from ``fit``.
"""

from __future__ import annotations

from ..content import count, design_facts, factor_text, missing, n_equals, number, shared_care
from ..errors import LayoutError
from ..model import Arm, Study, known
from .alt import design_alt, total_randomized
from .boxes import (
    WRAP_SAFETY,
    Para,
    Sheet,
    branch,
    drop,
    para,
    row_gap,
    sideways,
    straight,
    text_height,
    wrap_paragraphs,
)
from .columns import Column, solve
from .fit import Attempt, first_fit, sizes, too_long_message
from .geometry import Align, Box, Connector, Diagram
from .memo import per_study
from .text import text_width


def design_diagram(study: Study, width: float, height: float, base_size: float = 8.0,
                   min_size: float = 6.0, compact: bool = False) -> Diagram:
    """The design schema of ``study`` laid out in ``width`` × ``height`` points (``compact``: a wide band)."""
    if width <= 0 or height <= 0:
        raise LayoutError(f"design diagram: the area {width:g} × {height:g} pt is empty")
    # The full schema says what every arm received alike with the follow-up when that fits; else it leaves
    # it to the text beside it (the brief's question, the deck's notes).
    last: Attempt | None = None
    for shared in ((False,) if compact else (True, False)):
        attempts = (_layout_across(study, width, size) if compact else _layout(study, width, size, shared)
                    for size in sizes(base_size, min_size))
        chosen, last = first_fit(attempts, height)
        if chosen is not None:
            return chosen
    raise LayoutError(too_long_message("design diagram", width, height, min_size, last))


# ---------------------------------------------------------------------------
# The layout at one font size.

@per_study
def _layout(study: Study, width: float, size: float, shared: bool = True) -> Attempt:
    sheet = Sheet(size)
    pad, gap = sheet.pad, row_gap(size)
    col_gap = max(6.0, 1.2 * size)
    boxes, connectors = sheet.boxes, sheet.connectors
    y = 0.0

    pop_paras, pop_fields = population_paragraphs(study)
    population = sheet.box("population", pop_paras, 0.0, width, y, "population", fields=pop_fields)
    y = population.bottom + gap

    single = len(study.arms) == 1 or study.design.type == "single-group"
    above = population
    if not single:
        text = randomization_text(study)
        extra = [para(line) for line in randomization_notes(study)]
        widest = max([text_width(text, size, True)] + [text_width(p.text, size) for p in extra])
        w = min(width, max(0.4 * width, widest + 2 * pad + 2 * size))
        rand = sheet.box("randomization", [para(text, bold=True)] + extra, (width - w) / 2, w, y, "randomization",
                         fields=["design.allocation_ratio", "flow.randomized", "design.hypothesis", "design.margin"])
        connectors.append(straight(population, rand))
        above = rand
        y = rand.bottom + gap * 1.25   # room for the branching bus

    # Arm columns: wrap first, then give the row one height.
    n = len(study.arms)
    col_w = (width - (n - 1) * col_gap) / n
    arm_content = [sheet.wrap(arm_paragraphs(study, arm), col_w) for arm in study.arms]
    row_h = max(text_height(lines) for lines in arm_content) + 2 * pad
    arm_boxes = []
    for i, (arm, lines) in enumerate(zip(study.arms, arm_content, strict=True)):
        box = sheet.add(Box(f"arm-{arm.id}", i * (col_w + col_gap), y, col_w, row_h, tuple(lines), role="arm",
                            arm=i, padding=pad),
                        [f"arms[{i}].label", f"arms[{i}].target" if arm.target else f"arms[{i}].description"])
        arm_boxes.append(box)
        connectors.append(branch(above, box) if not single else straight(above, box))
    y += row_h + gap

    last_row: list[Box] = arm_boxes
    # The factorial structure: which arms pool into each level of each factor.
    fact = factorial_paragraphs(study)
    if fact:
        factorial = sheet.box("factorial", fact, 0.0, width, y, "followup", fields=["design.factorial"],
                              align="left")
        for box in arm_boxes:
            connectors.append(drop(box, factorial))
        last_row = [factorial]
        y = factorial.bottom + gap

    # Follow-up, what every arm received, early stopping.
    fu_paras = followup_paragraphs(study, shared=shared)
    if fu_paras:
        followup = sheet.box("followup", fu_paras, 0.0, width, y, "followup",
                             fields=["design.follow_up", "design.visit_schedule", "design.co_interventions",
                                     "design.stopped_early"])
        for box in last_row:
            connectors.append(drop(box, followup) if box.w < width else straight(box, followup))
        last_row = [followup]
        y = followup.bottom + gap

    # Primary outcomes.
    out_paras = outcome_paragraphs(study)
    if out_paras:
        outcomes = sheet.box("outcomes", out_paras, 0.0, width, y, "outcome", fields=["outcomes"], align="left")
        for box in last_row:
            connectors.append(drop(box, outcomes) if box.w < width else straight(box, outcomes))
        y = outcomes.bottom + gap

    used = max(b.bottom for b in boxes)
    diagram = Diagram(kind="design", width=width, height=used, boxes=tuple(boxes), connectors=tuple(connectors),
                      alt_text=design_alt(study), title=f"{study.name}: trial design",
                      extra={"font_size": size, "shared_care": shared and shared_care(study) is not None})
    return sheet.attempt(diagram)


@per_study
def _layout_across(study: Study, width: float, size: float) -> Attempt:
    """The compact variant: one band, read left to right (see the module docstring)."""
    sheet = Sheet(size)
    pad = sheet.pad
    gap = max(12.0, 1.7 * size)          # between columns: a shaft and an arrowhead
    bus_gap = gap * 1.5                  # before the arms: room for the branching bus
    arm_gap = max(4.0, 0.8 * size)       # between stacked arms
    q, d = study.question, study.design
    single = len(study.arms) == 1 or d.type == "single-group"
    verb = "randomized" if d.randomized and not single else "enrolled"

    # When no arm's size is known, the band says so once (beside the randomization) rather than per arm.
    sizes_unknown = all(known(a.randomized) is None and known(a.clusters) is None for a in study.arms)

    def arm_paras(arm: Arm) -> list[Para]:
        if sizes_unknown and len(study.arms) > 2:
            return [para(arm.short, bold=True)]
        return [para(arm.short, bold=True), para(arm_size(study, arm, verb))] + \
            [para(text) for text in [arm_completed(study, arm)] if text]

    columns: list[tuple[str, list[Para], list[str], Align]] = [
        ("population", [para(q.population, bold=True)], ["question.population"], "center")]
    if not single:
        text = randomization_text(study)
        head, _, rest = text.partition(", ")
        notes = randomization_notes(study)
        if d.factorial is not None:
            notes.insert(0, "×".join(str(len(f.groups)) for f in d.factorial.factors) + " factorial")
        if sizes_unknown and len(study.arms) > 2:
            notes.append(f"arm sizes {missing(study.arms[0].randomized)}")
        columns.append(("randomization", [para(head, bold=True)] + ([para(rest)] if rest else []) +
                        [para(line) for line in notes],
                        ["design.allocation_ratio", "flow.randomized", "design.hypothesis"], "center"))
    columns.append(("arms", [], [], "center"))
    fu = followup_paragraphs(study, shared=False)
    if fu:
        columns.append(("followup", fu, ["design.follow_up", "design.visit_schedule"], "center"))
    out = outcome_paragraphs(study)
    if out:
        columns.append(("outcomes", out, ["outcomes"], "left"))
    per_arm = [arm_paras(arm) for arm in study.arms]
    n_arms = max(1, len(study.arms))

    def words_width(paras: list[Para]) -> float:
        return max((text_width(w, size, p.bold) for p in paras for w in p.text.split()), default=0.0)

    def natural(paras: list[Para]) -> float:
        return max((text_width(p.text, size, p.bold) for p in paras), default=0.0)

    def content(i: int) -> list[list[Para]]:
        return per_arm if columns[i][0] == "arms" else [columns[i][1]]

    def column_height(i: int, w: float) -> float:
        heights = [text_height(wrap_paragraphs(ps, size, w - 2 * pad)[0]) + 2 * pad for ps in content(i)]
        if columns[i][0] == "arms":
            return max(heights, default=0.0) * n_arms + arm_gap * (n_arms - 1)
        return heights[0]

    gaps = [bus_gap if columns[i][0] == "arms" and not single else gap for i in range(1, len(columns))]
    room = width - sum(gaps)
    # Each column starts at its longest word; the randomization box keeps its first line ("Randomized
    # 1:1") whole, and the arm boxes their short labels.
    keep = {"randomization", "arms"}
    widths = [max(max(words_width(ps) for ps in content(i)),
                  max((text_width(ps[0].text, size, ps[0].bold) for ps in content(i) if ps), default=0.0)
                  if columns[i][0] in keep else 0.0) / (1 - WRAP_SAFETY) + 2 * pad + 1.0
              for i in range(len(columns))]
    most = [max(min(max(natural(ps) for ps in content(i)) / (1 - WRAP_SAFETY) + 2 * pad + 1.0, room),
                widths[i]) for i in range(len(columns))]
    # A band is one row of columns; too narrow for their words, they stay at their narrowest (the fit shrinks the type).
    widths = solve([Column(w, m) for w, m in zip(widths, most, strict=True)], room,
                   lambda i, w: (column_height(i, w),)) or widths
    band = max(column_height(i, widths[i]) for i in range(len(columns)))

    x = 0.0
    previous: list[Box] = []
    for i, (kind, paras, source_fields, align) in enumerate(columns):
        if i:
            x += gaps[i - 1]
        w = widths[i]
        current: list[Box] = []
        if kind == "arms":
            arm_h = (band - arm_gap * (n_arms - 1)) / n_arms
            for k, (arm, ps) in enumerate(zip(study.arms, per_arm, strict=True)):
                current.append(sheet.box(f"arm-{arm.id}", ps, x, w, k * (arm_h + arm_gap), "arm", arm=k, h=arm_h,
                                         fields=[f"arms[{k}].short_label"]))
        else:
            role = {"outcomes": "outcome"}.get(kind, kind)
            current.append(sheet.box(kind, paras, x, w, 0.0, role, h=band, align=align, fields=source_fields))
        for source in previous:
            for target in current:
                if len(previous) > 1 and len(current) > 1:
                    continue
                sheet.connectors.append(across(source, target, len(previous) > 1, len(current) > 1))
        previous = current
        x += w
    diagram = Diagram(kind="design", width=width, height=band, boxes=tuple(sheet.boxes),
                      connectors=tuple(sheet.connectors), alt_text=design_alt(study),
                      title=f"{study.name}: trial design", extra={"font_size": size, "compact": True})
    return sheet.attempt(diagram)


def across(source: Box, target: Box, from_many: bool, to_many: bool) -> Connector:
    """Left to right: one box into several through a vertical bus half-way; several into one at each
    source's own height; one into one at mid-height."""
    if to_many and not from_many:
        return sideways(source, target, bend=0.45)
    sx, sy = source.anchor("right")
    tx, ty = target.anchor("left")
    points: tuple[tuple[float, float], ...]
    if from_many:
        ty = min(max(sy, target.y + 2.0), target.bottom - 2.0)
        points = ((sx, sy), (tx, ty))
    else:
        points = ((sx, sy), (tx, sy if target.y <= sy <= target.bottom else ty))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "right", "left", points)


def population_paragraphs(study: Study) -> tuple[list[Para], list[str]]:
    """The population in bold, "Eligible: a; b; c" and the setting when given; and the fields they show."""
    q = study.question
    paras = [para(q.population, bold=True)]
    fields = ["question.population"]
    if q.eligibility:
        paras.append(para("Eligible: " + "; ".join(q.eligibility)))
        fields.append("question.eligibility")
    if q.setting:
        paras.append(para(q.setting))
        fields.append("question.setting")
    return paras, fields


def randomization_text(study: Study) -> str:
    d = study.design
    n = total_randomized(study)
    n_text = n_equals(n)
    if not d.randomized:
        return f"Allocated (not randomized), {n_text}"
    ratio = f" {d.allocation_ratio}" if d.allocation_ratio else ""
    return f"Randomized{ratio}, {n_text}"


def arm_size(study: Study, arm: Arm, verb: str) -> str:
    """"n = 100 randomized"; "n = 500 randomized (24 villages)"; "300 villages randomized" (a cluster trial
    that gives clusters only); "n randomized: not reported"."""
    n = known(arm.randomized)
    clusters = known(arm.clusters)
    unit = study.design.cluster.unit if study.design.cluster is not None else "cluster"
    if n is not None:
        in_clusters = f" ({count(clusters)} {plural(unit, clusters)})" if clusters is not None else ""
        return f"{n_equals(n)} {verb}{in_clusters}"
    if clusters is not None:
        return f"{count(clusters)} {plural(unit, clusters)} {verb}"
    return f"n {verb}: {missing(arm.randomized)}"


def arm_completed(study: Study, arm: Arm) -> str | None:
    """"76 completed" from the arm's flow, or None when the record does not give the count."""
    flow = study.arm_flow(arm.id)
    n = known(flow.completed) if flow is not None else None
    return None if n is None else f"{count(n)} completed"


def plural(unit: str, n: int) -> str:
    unit = " ".join(unit.split())
    return unit if n == 1 or unit.endswith("s") else unit + "s"


def randomization_notes(study: Study) -> list[str]:
    """Lines under "Randomized …": the cluster unit and number, the hypothesis and its margin."""
    d = study.design
    out = []
    if d.cluster is not None:
        n = known(d.cluster.number)
        unit = " ".join(d.cluster.unit.split())
        out.append(f"by {unit}: {count(n)} {plural(unit, n)}" if n is not None else f"by {unit}")
        if d.cluster.icc is not None:
            out.append(f"ICC {number(d.cluster.icc)}")
    facts = dict(design_facts(study))
    if "Hypothesis" in facts:
        out.append(facts["Hypothesis"].split(" (", 1)[0])
    return out


def factorial_paragraphs(study: Study) -> list[Para]:
    """"2×2 factorial" then, per factor, its levels and the arms pooled into each."""
    f = study.design.factorial
    if f is None:
        return []
    out = [para("×".join(str(len(x.groups)) for x in f.factors) + " factorial", bold=True)]
    out += [para("• " + factor_text(study, factor)) for factor in f.factors]
    return out


def followup_paragraphs(study: Study, shared: bool = True) -> list[Para]:
    """Follow-up and visits; what every arm received alike (``shared``); early stopping."""
    d = study.design
    out = []
    if d.follow_up:
        out.append(para("Follow-up: " + d.follow_up))
    if d.visit_schedule:
        out.append(para("Visits: " + d.visit_schedule))
    care = shared_care(study) if shared else None
    if care:
        out.append(para(f"{care[0]}: {care[1]}"))
    facts = dict(design_facts(study))
    if "Stopped early" in facts:
        out.append(para("Stopped early: " + facts["Stopped early"], bold=True))
    return out


def arm_paragraphs(study: Study, arm: Arm, with_size: bool = True, short: bool = False) -> list[Para]:
    """The arm's label (``short``: its short label), its size (unless ``with_size`` is False), then its target
    or description."""
    verb = "randomized" if study.design.randomized and len(study.arms) > 1 else "enrolled"
    out = [para(arm.short if short else arm.label, bold=True)] + ([para(arm_size(study, arm, verb))] if with_size
                                                                   else [])
    if arm.target:
        out.append(para("Target: " + arm.target))
    elif arm.description:
        out.append(para(arm.description))
    return out


def outcome_paragraphs(study: Study) -> list[Para]:
    """"Primary outcome(s) at …" and one paragraph per primary outcome (else the question's outcomes)."""
    primary = study.primary_outcomes
    if primary:
        times = {o.timepoint for o in primary}
        common = times.pop() if len(times) == 1 else None
        head = "Primary outcome" + ("s" if len(primary) > 1 else "") + (f" at {common}" if common else "")
        out = [para(head, bold=True)]
        for o in primary:
            text = o.label if common or not o.timepoint else f"{o.label} at {o.timepoint}"
            out.append(para(("• " if len(primary) > 1 else "") + text))
        facts = dict(design_facts(study))
        for label in ("Analysis", "Estimand"):
            if label in facts:
                out.append(para(f"{label}: {facts[label]}"))
        return out
    if study.question.outcomes:
        out = [para("Outcomes", bold=True)]
        many = len(study.question.outcomes) > 1
        out += [para(("• " if many else "") + o) for o in study.question.outcomes]
        return out
    return []
