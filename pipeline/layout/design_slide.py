"""The trial design schema shaped for a slide: the same boxes as ``design.design_diagram``, arranged to use
a wide, low area so the text stays large.

In:  a ``Study``, the area ``width`` × ``height`` in points, a starting font size ``base_size`` and the
     smallest allowed ``min_size``. Out: a ``Diagram`` (kind ``design``) no taller than ``height``, or
     ``LayoutError`` naming the fields too long to fit even at ``min_size``.

Two arrangements, at sizes from ``base_size`` down to ``min_size`` in 0.5 pt steps:

* ``columns`` (only in an area wider than tall), read left to right: the population (with its eligibility
  and setting) over the randomization box | the arms, stacked, all one height | the factorial structure,
  the follow-up (what every arm received alike) and the primary outcomes, stacked. Column widths are those
  that make the tallest column lowest, then the columns' total height (``columns.solve``), none narrower
  than ``MEASURE`` ems unless its text is; each column's stack is centred in the band.
* ``rows``, read top to bottom: the population and the randomization box side by side; the arms side by
  side; then the factorial structure, the follow-up and the outcomes side by side. The boxes of a row are
  one height, joined left to right, their widths the ones that make the row lowest. Its rows are what a
  slide too short for it is cut between.

An arrangement whose columns (or last row) cannot be as narrow as their longest words is not tried.
The columns are used at the largest size at which they fit without breaking a word; when they fit at no
size, the rows are (the search starts from the size the smallest one's height suggests).
What every arm received alike is said in the follow-up box when that fits at ``min_size``, else left to the
text beside the diagram (``extra["shared_care"]`` says which); when even then nothing fits, the arms are
named by their short labels (the full ones are on the question slide). When no arm's size is known, the
randomization box says so once instead of every arm box. Boxes, wrapping and connectors are ``boxes``'s,
the texts ``design``'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

from ..content import missing, shared_care
from ..errors import LayoutError
from ..model import Study, known
from .alt import design_alt
from .boxes import WRAP_SAFETY, BoxHeights, Para, Sheet, para, sideways, straight
from .columns import Column, solve
from .design import (
    across,
    arm_paragraphs,
    factorial_paragraphs,
    followup_paragraphs,
    outcome_paragraphs,
    population_paragraphs,
    randomization_notes,
    randomization_text,
)
from .fit import Attempt, largest_fit, sizes, too_long_message
from .geometry import Box, Diagram
from .memo import per_study
from .text import text_width, widest_word

MEASURE = 10.0       # a column at least this many ems wide (unless its text is narrower): no ragged strips
Stack = list[tuple[str, list[Para], list[str]]]     # one column's boxes, top to bottom: (id, text, fields)
Arrange = Callable[[Study, float, float, bool, bool], Attempt | None]     # (study, width, size, shared, short)


def slide_design(study: Study, width: float, height: float, base_size: float = 18.0,
                 min_size: float = 16.0) -> Diagram:
    """The design schema of ``study`` in ``width`` × ``height`` points, arranged for a slide."""
    if width <= 0 or height <= 0:
        raise LayoutError(f"design diagram: the area {width:g} × {height:g} pt is empty")
    arrangements = (_columns, _rows) if width > height else (_rows,)
    last: list[Attempt] = []

    def attempt(arrange: Arrange, size: float, shared: bool, short: bool, broken: bool = False) -> Diagram | None:
        """``arrange`` at ``size`` when it fits (with a word broken across lines only if ``broken``)."""
        tried = arrange(study, width, size, shared, short)
        if tried is None:
            return None
        last[:] = [tried]
        return tried.diagram if tried.diagram.height <= height and (broken or not tried.broken) else None

    steps = sizes(base_size, min_size)

    def guess(smallest: Diagram) -> float:       # a diagram's height grows about as the square of its type size
        return steps[-1] * math.sqrt(height / max(smallest.height, 1.0))

    shared_choices = (True, False) if shared_care(study) is not None else (False,)
    choices = [(shared, short) for short in (False, True) for shared in shared_choices]
    for shared, short in choices:
        for arrange in arrangements:
            found = largest_fit(steps, partial(attempt, arrange, shared=shared, short=short), guess)
            if found is not None:
                return found
    for shared, short in choices:
        for arrange in arrangements:
            found = attempt(arrange, min_size, shared, short, broken=True)
            if found is not None:
                return found
    raise LayoutError(too_long_message("design diagram", width, height, min_size, last[0] if last else None))


# ---------------------------------------------------------------------------
# What goes in the boxes (shared by both arrangements).

def _single(study: Study) -> bool:
    return len(study.arms) == 1 or study.design.type == "single-group"


def _head(study: Study, short: bool) -> tuple[Stack, list[list[Para]]]:
    """The population and randomization boxes, and each arm's text (its size left to the randomization box
    when no arm's size is known; named by its short label when ``short``)."""
    stack: Stack = [("population", *population_paragraphs(study))]
    unknown = not _single(study) and all(known(a.randomized) is None and known(a.clusters) is None
                                         for a in study.arms)
    if not _single(study):
        notes = randomization_notes(study)
        if unknown:
            notes.append(f"arm sizes {missing(study.arms[0].randomized)}")
        stack.append(("randomization", [para(randomization_text(study), bold=True)] + [para(n) for n in notes],
                      ["design.allocation_ratio", "flow.randomized", "design.hypothesis", "design.margin"]))
    arms = [arm_paragraphs(study, arm, with_size=not unknown, short=short) for arm in study.arms]
    return stack, arms


def _tail(study: Study, shared: bool) -> Stack:
    """The factorial structure, the follow-up and the primary outcomes: those the record gives."""
    out: Stack = []
    fact = factorial_paragraphs(study)
    if fact:
        out.append(("factorial", fact, ["design.factorial"]))
    fu = followup_paragraphs(study, shared=shared)
    if fu:
        out.append(("followup", fu, ["design.follow_up", "design.visit_schedule", "design.co_interventions",
                                     "design.stopped_early"]))
    outcomes = outcome_paragraphs(study)
    if outcomes:
        out.append(("outcomes", outcomes, ["outcomes"]))
    return out


_ROLE = {"factorial": "followup", "outcomes": "outcome"}
_LEFT = {"factorial", "outcomes"}


def _fields(study: Study, i: int) -> list[str]:
    arm = study.arms[i]
    return [f"arms[{i}].label", f"arms[{i}].target" if arm.target else f"arms[{i}].description"]


def _narrowest(paras: Sequence[Para], size: float, pad: float, keep_first: bool = False) -> float:
    """The width of a box whose longest word (or, ``keep_first``, whose first line) just fits."""
    words = max((widest_word(p.text, size, p.bold) for p in paras), default=0.0)
    if keep_first and paras:
        words = max(words, text_width(paras[0].text, size, paras[0].bold))
    return words / (1 - WRAP_SAFETY) + 2 * pad + 1.0


def _widest(paras: Sequence[Para], size: float, pad: float) -> float:
    """The width at which no paragraph wraps."""
    return max((text_width(p.text, size, p.bold) for p in paras), default=0.0) / (1 - WRAP_SAFETY) + 2 * pad + 1.0


def _diagram(study: Study, sheet: Sheet, width: float, shared: bool, arrangement: str) -> Attempt:
    boxes = sheet.boxes
    diagram = Diagram(kind="design", width=width, height=max(b.bottom for b in boxes), boxes=tuple(boxes),
                      connectors=tuple(sheet.connectors), alt_text=design_alt(study),
                      title=f"{study.name}: trial design",
                      extra={"font_size": sheet.size, "arrangement": arrangement,
                             "shared_care": shared and shared_care(study) is not None})
    return sheet.attempt(diagram)


# ---------------------------------------------------------------------------
# Left to right.

@per_study
def _columns(study: Study, width: float, size: float, shared: bool, short: bool) -> Attempt | None:
    sheet = Sheet(size)
    pad = sheet.pad
    gap = max(16.0, 2.0 * size)          # between columns: a bus, a shaft and an arrowhead
    vgap = max(10.0, 1.4 * size)         # between boxes of one column: a shaft and an arrowhead
    arm_gap = max(4.0, 0.6 * size)
    head, arms = _head(study, short)
    tail = _tail(study, shared)
    n = len(arms)
    arm_heights = BoxHeights(arms, size, pad)
    sides = {0: [ps for _, ps, _ in head], 2: [ps for _, ps, _ in tail]}     # the columns left and right of the arms
    stack_heights = {i: BoxHeights(boxes, size, pad) for i, boxes in sides.items()}

    def arm_height(w: float) -> float:
        return max(arm_heights.at(w))

    def stack_height(i: int, w: float) -> float:
        return sum(stack_heights[i].at(w)) + vgap * (len(sides[i]) - 1)

    known: dict[tuple[int, float], float] = {}

    def height(i: int, w: float) -> float:
        """Column ``i``'s height at ``w`` measured a whole point narrower at most (the solver asks for many
        widths a fraction of a point apart)."""
        w = math.floor(w)
        if (i, w) not in known:
            known[(i, w)] = arm_height(w) * n + arm_gap * (n - 1) if i == 1 else stack_height(i, w)
        return known[(i, w)]

    columns = 3 if tail else 2
    room = width - gap * (columns - 1)
    stacks = [sides[0], arms, sides[2]][:columns]
    wide = [min(max(_widest(ps, size, pad) for ps in stack), room) for stack in stacks]
    narrow = [max(_narrowest(ps, size, pad, keep_first=k == 1 and i == 0) for k, ps in enumerate(stack))
              for i, stack in enumerate(stacks)]
    measured = [max(w, min(wide[i], MEASURE * size)) for i, w in enumerate(narrow)]
    narrow = measured if sum(measured) <= room else narrow
    found = solve([Column(w, max(w, most)) for w, most in zip(narrow, wide, strict=True)], room,
                  lambda i, w: (height(i, w),))
    if found is None:
        return None
    widths = found
    band = max(height(i, widths[i]) for i in range(columns))

    x = 0.0
    placed: list[list[Box]] = []
    for i in range(columns):
        w = widths[i]
        column: list[Box] = []
        if i == 1:
            h = arm_height(w)
            y = (band - height(1, w)) / 2
            for k, (arm, ps) in enumerate(zip(study.arms, arms, strict=True)):
                column.append(sheet.box(f"arm-{arm.id}", ps, x, w, y + k * (h + arm_gap), "arm", arm=k, h=h,
                                        fields=_fields(study, k)))
        else:
            stack = head if i == 0 else tail
            y = (band - height(i, w)) / 2
            for box_id, ps, fields in stack:
                box = sheet.box(box_id, ps, x, w, y, _ROLE.get(box_id, box_id), fields=fields,
                                align="left" if box_id in _LEFT else "center")
                if column:
                    sheet.connectors.append(straight(column[-1], box))
                column.append(box)
                y = box.bottom + vgap
        placed.append(column)
        x += w + gap
    rand = placed[0][-1]
    for arm_box in placed[1]:
        sheet.connectors.append(across(rand, arm_box, False, n > 1))
    if columns == 3:
        for arm_box in placed[1]:
            sheet.connectors.append(sideways(arm_box, placed[2][0]))  # into one, by a bus half-way
    return _diagram(study, sheet, width, shared, "columns")


# ---------------------------------------------------------------------------
# Top to bottom.

@per_study
def _rows(study: Study, width: float, size: float, shared: bool, short: bool) -> Attempt | None:
    sheet = Sheet(size)
    pad = sheet.pad
    vgap = max(12.0, 1.6 * size)
    col_gap = max(6.0, 1.2 * size)
    head, arms = _head(study, short)
    tail = _tail(study, shared)

    top = _side_by_side(sheet, head, 0.0, width)
    if top is None:
        return None
    above = top[-1]
    y = above.bottom + vgap * (1.25 if len(top) > 1 else 1.0)          # room for the branching bus
    n = len(arms)
    col_w = (width - (n - 1) * col_gap) / n
    h = max(BoxHeights(arms, size, pad).at(col_w))
    arm_boxes = []
    for k, (arm, ps) in enumerate(zip(study.arms, arms, strict=True)):
        box = sheet.box(f"arm-{arm.id}", ps, k * (col_w + col_gap), col_w, y, "arm", arm=k, h=h,
                        fields=_fields(study, k))
        sheet.connectors.append(straight(above, box, bend=0.45))
        arm_boxes.append(box)
    if tail:
        bottom = _side_by_side(sheet, tail, y + h + vgap * 1.25, width)
        if bottom is None:
            return None
        for arm_box in arm_boxes:
            sheet.connectors.append(straight(arm_box, bottom[0], bend=0.55))
    return _diagram(study, sheet, width, shared, "rows")


def _side_by_side(sheet: Sheet, stack: Stack, y: float, width: float) -> list[Box] | None:
    """``stack``'s boxes in one row at ``y``, all one height, joined left to right, their widths the ones
    that make the row lowest; None when their words do not fit ``width``."""
    size, pad = sheet.size, sheet.pad
    gap = max(16.0, 2.0 * size)          # a shaft and an arrowhead
    texts = [ps for _, ps, _ in stack]
    room = width - gap * (len(stack) - 1)
    narrow = [_narrowest(ps, size, pad, keep_first=box_id == "randomization") for box_id, ps, _ in stack]
    wide = [max(min(_widest(ps, size, pad), room), narrow[i]) for i, ps in enumerate(texts)]
    measured = [BoxHeights([ps], size, pad) for ps in texts]
    widths = solve([Column(w, most) for w, most in zip(narrow, wide, strict=True)], room,
                   lambda i, w: (measured[i].at(w)[0],))
    if widths is None:
        return None
    row_h = max(m.at(w)[0] for m, w in zip(measured, widths, strict=True))
    x = 0.0
    boxes: list[Box] = []
    for (box_id, ps, fields), w in zip(stack, widths, strict=True):
        box = sheet.box(box_id, ps, x, w, y, _ROLE.get(box_id, box_id), h=row_h, fields=fields,
                        align="left" if box_id in _LEFT else "center")
        if boxes:
            sheet.connectors.append(across(boxes[-1], box, False, False))
        boxes.append(box)
        x += w + gap
    return boxes
