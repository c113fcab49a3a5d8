"""The risk-of-bias "traffic light" of a review (robvis style): studies × domains, as geometry.

In:  a ``review.content.RobGrid``, the area ``width`` × ``height`` in points, ``base_size`` and ``min_size``.
Out: a ``Diagram`` (kind ``rob``), or None when no study gives a judgement; ``LayoutError`` when the grid
     cannot fit even at ``min_size``.

One row per study: its label (``Label`` role ``label``), then one cell per domain (``Box`` role
``rob-low`` / ``rob-some-concerns`` / ``rob-high`` / ``rob-no-information``; ``rob-not-given`` when the
study gives no judgement for the domain) holding the symbol (+ ? − ·) in bold and, when the cells are
wide enough, the word (Low, Some concerns, High, No information) under it. Column heads are the domains'
short names (role ``heading``); under the grid a legend gives every symbol its word and every short name
its domain (role ``note``). Meaning never rests on colour alone: symbol, word and fill agree.
"""

from __future__ import annotations

from ..errors import LayoutError
from ..review.content import ROB_SYMBOL, ROB_WORD, RobGrid
from .boxes import Para, minor_size, padding_for, text_height, wrap_paragraphs
from .fit import Attempt, first_fit, sizes
from .geometry import Box, Diagram, Label, TextLine
from .text import line_height, text_width


def rob_grid(grid: RobGrid, width: float, height: float, base_size: float = 8.0,
             min_size: float = 6.0) -> Diagram | None:
    if grid is None or not grid.domains or not any(j is not None for row in grid.cells for j in row):
        return None
    laid_out = (_layout(grid, width, size) for size in sizes(base_size, min_size))
    chosen, last = first_fit((Attempt(d, False, {}) for d in laid_out if d is not None), height)
    if chosen is not None:
        return chosen
    need = f"{last.diagram.height:.0f} pt of height" if last is not None else "more width"
    raise LayoutError(f"risk-of-bias plot: {len(grid.studies)} studies × {len(grid.domains)} domains need {need} "
                      f"but only {height:.0f} pt is available at {width:.0f} pt wide, even with {min_size:g} pt text; "
                      f"shorten the study labels or the domains' short names")


def _layout(grid: RobGrid, width: float, size: float) -> Diagram | None:
    s = size
    pad = padding_for(s) / 2
    lh = line_height(s)
    label_w = min(max(text_width(x, s) for x in grid.studies) + 4, 0.4 * width)
    n = len(grid.domains)
    cell_gap = max(2.0, 0.3 * s)
    cell_w = (width - label_w - n * cell_gap) / n
    symbol_w = text_width("?", s, True) + 2 * pad
    if cell_w < symbol_w:
        return None
    with_words = all(text_width(w, minor_size(s)) + 2 * pad <= cell_w for w in ROB_WORD.values())
    cell_h = lh + 2 * pad + (line_height(minor_size(s)) if with_words else 0.0)
    labels: list[Label] = []
    boxes: list[Box] = []
    head_h = max(text_height(wrap_paragraphs([Para(short, True)], s, cell_w)[0]) for short, _ in grid.domains)
    for k, (short, _) in enumerate(grid.domains):
        lines, _ = wrap_paragraphs([Para(short, True)], s, cell_w)
        x = label_w + k * (cell_w + cell_gap) + cell_gap
        labels.append(Label(f"domain-{k}", x, head_h - text_height(lines), cell_w, tuple(lines), "center", "heading"))
    y = head_h + 0.3 * s
    for i, (study, row) in enumerate(zip(grid.studies, grid.cells, strict=True)):
        labels.append(Label(f"study-{i}", 0.0, y + (cell_h - lh) / 2, label_w, (TextLine(study, s),), "left", "label"))
        for k, judgement in enumerate(row):
            x = label_w + k * (cell_w + cell_gap) + cell_gap
            if judgement is None:
                cell: tuple[TextLine, ...] = ((TextLine("not given", minor_size(s)),) if with_words
                                              else (TextLine("", s),))
                role = "rob-not-given"
            else:
                cell = (TextLine(ROB_SYMBOL[judgement], s, True),) + \
                    ((TextLine(ROB_WORD[judgement], minor_size(s)),) if with_words else ())
                role = "rob-" + judgement.replace(" ", "-")
            boxes.append(Box(f"cell-{i}-{k}", x, y, cell_w, cell_h, cell, role=role, padding=pad))
        y += cell_h + cell_gap
    y += 0.4 * s
    legend = "  ".join(f"{ROB_SYMBOL[j]} {ROB_WORD[j]}" for j in ("low", "some concerns", "high", "no information"))
    paras = [Para(legend)] + [Para(f"{short}: {label}") for short, label in grid.domains if short != label]
    lines, _ = wrap_paragraphs(paras, minor_size(s), width)
    labels.append(Label("legend", 0.0, y, width, tuple(lines), "left", "note"))
    y += text_height(lines)
    return Diagram(kind="rob", width=width, height=y, boxes=tuple(boxes), labels=tuple(labels),
                   alt_text=rob_alt(grid), title=f"Risk of bias ({grid.tool})", extra={"font_size": s})


def rob_alt(grid: RobGrid) -> str:
    rows = []
    for study, row in zip(grid.studies, grid.cells, strict=True):
        parts = [f"{label}: {ROB_WORD[j].lower() if j else 'not given'}"
                 for (_, label), j in zip(grid.domains, row, strict=True)]
        rows.append(f"{study}: " + ", ".join(parts))
    return f"Risk of bias ({grid.tool}), by study and domain. " + "; ".join(rows) + "."
