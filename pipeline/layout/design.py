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

The helpers at the bottom (``para``, ``wrap_paragraphs``, ``sizes``,
``too_long_message``) are shared with ``flow`` and ``forest``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import LayoutError
from ..model import Study, known
from .alt import design_alt
from .geometry import Box, Connector, Diagram, TextLine
from .text import line_height, text_width, wrap


def design_diagram(study: Study, width: float, height: float, base_size: float = 8.0,
                   min_size: float = 6.0) -> Diagram:
    """The design schema of ``study`` laid out in ``width`` × ``height`` points."""
    if width <= 0 or height <= 0:
        raise LayoutError(f"design diagram: the area {width:g} × {height:g} pt is empty")
    fallback: Diagram | None = None
    last: _Attempt | None = None
    for size in sizes(base_size, min_size):
        attempt = _layout(study, width, size)
        last = attempt
        if attempt.diagram.height <= height:
            if not attempt.broken:
                return attempt.diagram
            fallback = fallback or attempt.diagram
    if fallback is not None:
        return fallback
    assert last is not None
    raise LayoutError(too_long_message("design diagram", width, height, min_size, last.diagram, last.fields))


# ---------------------------------------------------------------------------
# The layout at one font size.

@dataclass
class _Attempt:
    diagram: Diagram
    broken: bool                      # a word had to be broken across lines
    fields: dict[str, list[str]]      # box id -> record fields shown in it


def _layout(study: Study, width: float, size: float) -> _Attempt:
    pad = padding_for(size)
    gap = row_gap(size)
    col_gap = max(6.0, 1.2 * size)
    boxes: list[Box] = []
    connectors: list[Connector] = []
    fields: dict[str, list[str]] = {}
    broken = False
    y = 0.0

    def add(box_id: str, paragraphs: list[Para], x: float, w: float, top: float, role: str,
            arm: int | None = None, source_fields: list[str] | None = None, h: float | None = None,
            align: str = "center") -> Box:
        nonlocal broken
        lines, was_broken = wrap_paragraphs(paragraphs, size, w - 2 * pad)
        broken = broken or was_broken
        box = Box(box_id, x, top, w, h if h is not None else text_height(lines) + 2 * pad, tuple(lines),
                  role=role, arm=arm, align=align, padding=pad)
        boxes.append(box)
        fields[box_id] = source_fields or []
        return box

    q = study.question
    # Population and eligibility.
    pop_paras = [para(q.population, bold=True)]
    pop_fields = ["question.population"]
    if q.eligibility:
        pop_paras.append(para("Eligible: " + "; ".join(q.eligibility)))
        pop_fields.append("question.eligibility")
    if q.setting:
        pop_paras.append(para(q.setting))
        pop_fields.append("question.setting")
    population = add("population", pop_paras, 0.0, width, y, "population", source_fields=pop_fields)
    y = population.bottom + gap

    single = len(study.arms) == 1 or study.design.type == "single-group"
    above = population
    if not single:
        text = randomization_text(study)
        w = min(width, max(0.4 * width, text_width(text, size, True) + 2 * pad + 2 * size))
        rand = add("randomization", [para(text, bold=True)], (width - w) / 2, w, y, "randomization",
                   source_fields=["design.allocation_ratio", "flow.randomized"])
        connectors.append(straight(population, rand))
        above = rand
        y = rand.bottom + gap * 1.25   # room for the branching bus

    # Arm columns: wrap first, then give the row one height.
    n = len(study.arms)
    col_w = (width - (n - 1) * col_gap) / n
    arm_content: list[tuple[list[TextLine], bool]] = []
    for arm in study.arms:
        arm_content.append(wrap_paragraphs(_arm_paragraphs(study, arm), size, col_w - 2 * pad))
    row_h = max(text_height(lines) for lines, _ in arm_content) + 2 * pad
    arm_boxes = []
    for i, (arm, (lines, was_broken)) in enumerate(zip(study.arms, arm_content)):
        broken = broken or was_broken
        box = Box(f"arm-{arm.id}", i * (col_w + col_gap), y, col_w, row_h, tuple(lines), role="arm", arm=i,
                  padding=pad)
        boxes.append(box)
        fields[box.id] = [f"arms[{i}].label", f"arms[{i}].target" if arm.target else f"arms[{i}].description"]
        arm_boxes.append(box)
        connectors.append(branch(above, box) if not single else straight(above, box))
    y += row_h + gap

    # Follow-up.
    d = study.design
    fu_paras: list[Para] = []
    if d.follow_up:
        fu_paras.append(para("Follow-up: " + d.follow_up))
    if d.visit_schedule:
        fu_paras.append(para("Visits: " + d.visit_schedule))
    last_row: list[Box] = arm_boxes
    if fu_paras:
        followup = add("followup", fu_paras, 0.0, width, y, "followup",
                       source_fields=["design.follow_up", "design.visit_schedule"])
        for box in arm_boxes:
            connectors.append(drop(box, followup))
        last_row = [followup]
        y = followup.bottom + gap

    # Primary outcomes.
    out_paras = _outcome_paragraphs(study)
    if out_paras:
        outcomes = add("outcomes", out_paras, 0.0, width, y, "outcome", source_fields=["outcomes"], align="left")
        for box in last_row:
            connectors.append(drop(box, outcomes))
        y = outcomes.bottom + gap

    used = max(b.bottom for b in boxes)
    diagram = Diagram(kind="design", width=width, height=used, boxes=tuple(boxes), connectors=tuple(connectors),
                      alt_text=design_alt(study), title=f"{study.name}: trial design",
                      extra={"font_size": size})
    return _Attempt(diagram, broken, fields)


def randomization_text(study: Study) -> str:
    d = study.design
    n = total_randomized(study)
    n_text = f"n = {n}" if n is not None else "n not reported"
    if not d.randomized:
        return f"Allocated (not randomized), {n_text}"
    ratio = f" {d.allocation_ratio}" if d.allocation_ratio else ""
    return f"Randomized{ratio}, {n_text}"


def total_randomized(study: Study) -> int | None:
    """The number randomized as the record gives it: ``flow.randomized``, else the arm sizes summed
    when every arm gives one; None otherwise."""
    if study.flow is not None and known(study.flow.randomized) is not None:
        return known(study.flow.randomized)
    counts = [known(a.randomized) for a in study.arms]
    if counts and all(c is not None for c in counts):
        return sum(c for c in counts if c is not None)
    return None


def _arm_paragraphs(study: Study, arm) -> list[Para]:
    n = known(arm.randomized)
    verb = "randomized" if study.design.randomized and len(study.arms) > 1 else "enrolled"
    out = [para(arm.label, bold=True), para(f"n = {n} {verb}" if n is not None else f"n {verb}: not reported")]
    if arm.target:
        out.append(para("Target: " + arm.target))
    elif arm.description:
        out.append(para(arm.description))
    return out


def _outcome_paragraphs(study: Study) -> list[Para]:
    primary = study.primary_outcomes
    if primary:
        times = {o.timepoint for o in primary}
        common = times.pop() if len(times) == 1 else None
        head = "Primary outcome" + ("s" if len(primary) > 1 else "") + (f" at {common}" if common else "")
        out = [para(head, bold=True)]
        for o in primary:
            text = o.label if common or not o.timepoint else f"{o.label} at {o.timepoint}"
            out.append(para(("• " if len(primary) > 1 else "") + text))
        return out
    if study.question.outcomes:
        out = [para("Outcomes", bold=True)]
        many = len(study.question.outcomes) > 1
        out += [para(("• " if many else "") + o) for o in study.question.outcomes]
        return out
    return []


# ---------------------------------------------------------------------------
# Shared helpers (used by flow and forest too).

@dataclass(frozen=True)
class Para:
    """A paragraph of box text; ``bold`` sets the whole paragraph bold."""

    text: str
    bold: bool = False


def para(text: str, bold: bool = False) -> Para:
    """A paragraph with runs of white space collapsed (explicit newlines kept)."""
    return Para(" ".join(text.split()) if "\n" not in text else text, bold)


WRAP_SAFETY = 0.02   # wrap 2% short of the width, for renderers whose glyph positioning rounds up

GLUE_BOTH = {"=", "–", "—"}                 # never break on either side: "n = 12", "0.7 – 1.2"
GLUE_NEXT = {"<", ">", "≤", "≥", "±", "•"}   # never break after: "< 2.6", "• reason"


def units(text: str) -> list[str]:
    """Words, with the spaces that must not break glued: "n = 12", "(n not reported)", "< 2.6", "• a"."""
    words = text.split()
    out: list[str] = []
    glue_next = False
    for word in words:
        glue = glue_next or word in GLUE_BOTH or (word.startswith("reported") and out and out[-1].endswith("not")) \
            or (word == "not" and out and out[-1] in ("n", "(n"))
        if glue and out:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
        glue_next = word in GLUE_BOTH or word in GLUE_NEXT
    return out


BULLET = "• "
HANG = "\u00a0" * 3     # continuation indent of a bullet: three no-break spaces ≈ the width of "• "


def wrap_glued(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Greedy wrap like ``text.wrap`` that keeps glued units (see ``units``) on one line when they fit.

    A paragraph starting with "• " gets a hanging indent: its continuation lines start with ``HANG``.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        hang = HANG if paragraph.startswith(BULLET) and text_width(HANG, size, bold) < width / 3 else ""
        current = ""
        started = False          # a line of this paragraph has been emitted
        for unit in units(paragraph):
            candidate = f"{current} {unit}" if current else unit
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
                started = True
            start = hang if started else ""
            if text_width(start + unit, size, bold) <= width:
                current = start + unit
            else:
                pieces = wrap(unit, size, width - text_width(hang, size, bold), bold)
                lines.extend(start + piece for piece in pieces[:-1])
                started = started or len(pieces) > 1
                current = (hang if started else "") + pieces[-1]
        lines.append(current)
    return lines


def wrap_paragraphs(paragraphs: list[Para], size: float, width: float) -> tuple[list[TextLine], bool]:
    """Wrap paragraphs to ``width`` (less ``WRAP_SAFETY``); also say whether a word had to be broken."""
    lines: list[TextLine] = []
    broken = False
    avail = max(width * (1 - WRAP_SAFETY), 1.0)
    for p in paragraphs:
        if any(text_width(word, size, p.bold) > avail for word in p.text.split()):
            broken = True
        for line in wrap_glued(p.text, size, avail, p.bold):
            lines.append(TextLine(line, size, p.bold))
    return lines, broken


def text_height(lines: list[TextLine] | tuple[TextLine, ...]) -> float:
    return sum(line_height(line.size) for line in lines)


def padding_for(size: float) -> float:
    return round(max(3.0, 0.6 * size), 2)


def row_gap(size: float) -> float:
    """Vertical room between rows: enough for a visible shaft and an arrowhead."""
    return max(12.0, 2.2 * size)


def sizes(base_size: float, min_size: float) -> list[float]:
    """Font sizes to try: ``base_size`` down to ``min_size`` in 0.5 pt steps."""
    if base_size < min_size:
        raise LayoutError(f"base size {base_size:g} pt is below the minimum {min_size:g} pt")
    out = []
    s = base_size
    while s >= min_size - 1e-9:
        out.append(round(s, 2))
        s -= 0.5
    if out[-1] > min_size:
        out.append(min_size)
    return out


def too_long_message(what: str, width: float, height: float, min_size: float, diagram: Diagram,
                     fields: dict[str, list[str]]) -> str:
    """Name the fields in the tallest boxes of a layout that did not fit."""
    ranked = sorted(diagram.boxes, key=lambda b: len(b.lines), reverse=True)
    named: list[str] = []
    for box in ranked[:3]:
        for f in fields.get(box.id, []):
            if f not in named:
                named.append(f)
    names = ", ".join(named[:6]) or "the record"
    return (f"{what}: the content needs {diagram.height:.0f} pt of height but only {height:.0f} pt is available "
            f"at {width:.0f} pt wide, even with {min_size:g} pt text; shorten: {names}")


# Connectors -----------------------------------------------------------------

def straight(source: Box, target: Box) -> Connector:
    """Source bottom to target top; straight when they are aligned, else an orthogonal dog-leg."""
    sx, sy = source.anchor("bottom")
    tx, ty = target.anchor("top")
    if abs(sx - tx) < 0.01:
        points = ((sx, sy), (sx, ty))
    else:
        mid = (sy + ty) / 2
        points = ((sx, sy), (sx, mid), (tx, mid), (tx, ty))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "bottom", "top", points)


def branch(source: Box, target: Box) -> Connector:
    """Source bottom centre down to a bus half-way, across, and down to the target's top centre."""
    sx, sy = source.anchor("bottom")
    tx, ty = target.anchor("top")
    if abs(sx - tx) < 0.01:
        points = ((sx, sy), (tx, ty))
    else:
        mid = sy + (ty - sy) * 0.45
        points = ((sx, sy), (sx, mid), (tx, mid), (tx, ty))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "bottom", "top", points)


def drop(source: Box, target: Box) -> Connector:
    """Straight down from the source's bottom centre onto the target's top edge (the target is wider)."""
    sx, sy = source.anchor("bottom")
    x = min(max(sx, target.x + 1), target.right - 1)
    if abs(x - sx) < 0.01:
        points = ((sx, sy), (sx, target.y))
    else:
        mid = (sy + target.y) / 2
        points = ((sx, sy), (sx, mid), (x, mid), (x, target.y))
    return Connector(f"{source.id}->{target.id}", source.id, target.id, "bottom", "top", points)
