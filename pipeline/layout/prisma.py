"""The PRISMA 2020 flow diagram of a review as geometry.

In:  a ``Review``, the area ``width`` × ``height`` in points, ``base_size`` and
     ``min_size`` (font sizes, points).
Out: a ``Diagram`` (kind ``prisma``) whose ``height`` is the height used, or
     ``LayoutError`` naming the fields too long to fit even at ``min_size``.

Layout (PRISMA 2020, "new systematic reviews"): a narrow column of phase boxes
on the left (role ``phase``: Identification, Screening, Included), then the
main column (identification via databases and registers), each box with its
exclusions in a box to its right (role ``exclusion``) reached by a horizontal
connector:

* ``identified`` "Records identified from:" and one bullet per source →
  ``removed`` (duplicates, other reasons);
* ``screened`` → ``excluded``;
* ``sought`` → ``not-retrieved``;
* ``assessed`` → ``reports-excluded`` (one bullet per reason);
* ``included`` "Studies included in review (n = …)", "Reports of included
  studies (n = …)".

With ``prisma.other_methods`` a second pair of columns (identification via
other methods: ``other-identified``, ``other-sought`` → ``other-not-retrieved``,
``other-assessed`` → ``other-excluded``) joins the included box from the right.

A row is left out when the record gives none of its counts; a count that is
"not reported" (or "not in sources") reads so, never 0. Text conventions are
those of ``design`` (one size for the diagram, block centred in its box).

``compact=True`` lays the same counts out as one band for a page (the brief): the main boxes in a row,
read left to right (identified → screened → sought → assessed → included, the rows given), each with
its exclusions in a box under it reached by a short arrow down; studies found by other methods in a box
under the included box, with an arrow up into it. No phase boxes: the order says the phase.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from ..errors import LayoutError
from ..model import Reason, known
from ..review.content import count
from ..review.model import Identified, OtherMethods, Prisma, Review
from .boxes import WRAP_SAFETY, Para, Sheet, bulleted, para, row_gap, text_height
from .fit import Attempt, first_fit, sizes, too_long_message
from .geometry import Box, Connector, Diagram
from .text import text_width

PHASES = ("Identification", "Screening", "Included")
# One row shown: (phase, id, main paragraphs, main fields, side id, side paragraphs, side fields).
Row = tuple[str, str, list[Para], list[str], str | None, list[Para], list[str]]


def n_text(value: int | str | None) -> str:
    """"n = 12", "n not reported" or "n not in sources" (the count as the review's content says it)."""
    return f"n = {count(value)}" if known(value) is not None else f"n {count(value)}"


def _given(*values: object) -> bool:
    return any(v is not None and v != [] for v in values)


def counts_beyond_included(p: Prisma) -> bool:
    """Whether ``p`` gives any count (a number, not "not reported") beyond the studies included: without one,
    a PRISMA diagram says only what the brief's "Included" row says."""
    o = p.other_methods
    counts = [p.duplicates_removed, p.other_removed, p.screened, p.excluded, p.sought, p.not_retrieved, p.assessed,
              p.reports_included, *(r.n for r in p.excluded_reasons), *(s.n for s in p.identified)]
    if o is not None:
        counts += [o.sought, o.not_retrieved, o.assessed, *(r.n for r in o.excluded_reasons),
                   *(s.n for s in o.identified)]
    return any(known(n) is not None for n in counts)


def prisma_alt(review: Review) -> str:
    p = review.prisma
    if p is None:
        return ""
    parts = ["PRISMA 2020 flow diagram."]
    if p.identified:
        parts.append("Records identified: " + "; ".join(f"{s.source} ({n_text(s.n)})" for s in p.identified) + ".")
    for name, words in (("duplicates_removed", "Duplicates removed"), ("other_removed", "Removed for other reasons"),
                        ("screened", "Records screened"), ("excluded", "Records excluded"),
                        ("sought", "Reports sought"), ("not_retrieved", "Reports not retrieved"),
                        ("assessed", "Reports assessed for eligibility")):
        if getattr(p, name) is not None:
            parts.append(f"{words}: {n_text(getattr(p, name))}.")
    if p.excluded_reasons:
        parts.append("Reports excluded: " + "; ".join(f"{r.reason} ({n_text(r.n)})" for r in p.excluded_reasons) + ".")
    parts.append(f"Studies included: {n_text(p.studies_included)}; reports of included studies: "
                 f"{n_text(p.reports_included)}.")
    return " ".join(parts)


def prisma_diagram(review: Review, width: float, height: float, base_size: float = 8.0,
                   min_size: float = 6.0, compact: bool = False) -> Diagram | None:
    """The PRISMA flow of ``review`` in ``width`` × ``height`` points (``compact``: one band read left to
    right); None when the record has no ``prisma``."""
    p = review.prisma
    if p is None:
        return None
    if width <= 0 or height <= 0:
        raise LayoutError(f"PRISMA diagram: the area {width:g} × {height:g} pt is empty")
    lay = _layout_across if compact else _layout
    chosen, last = first_fit((lay(review, p, width, size) for size in sizes(base_size, min_size)), height)
    if chosen is not None:
        return chosen
    raise LayoutError(too_long_message("PRISMA diagram", width, height, min_size, last))


def _bullets(items: Sequence[Reason | Identified]) -> list[Para]:
    return [para(f"• {x.reason if isinstance(x, Reason) else x.source} ({n_text(x.n)})") for x in items]


def _other_rows(o: OtherMethods) -> list[Row]:
    """The rows of studies identified via other methods."""
    rows: list[Row] = []
    if o.identified:
        rows.append(("Identification", "other-identified", [para("Records identified from:")] + _bullets(o.identified),
                     ["prisma.other_methods.identified"], None, [], []))
    if _given(o.sought, o.not_retrieved):
        rows.append(("Screening", "other-sought", [para(f"Reports sought for retrieval ({n_text(o.sought)})")],
                     ["prisma.other_methods.sought"], "other-not-retrieved",
                     [para(f"Reports not retrieved ({n_text(o.not_retrieved)})")], []))
    if _given(o.assessed, o.excluded_reasons):
        rows.append(("Screening", "other-assessed",
                     [para(f"Reports assessed for eligibility ({n_text(o.assessed)})")],
                     ["prisma.other_methods.assessed"], "other-excluded" if o.excluded_reasons else None,
                     [para("Reports excluded:")] + _bullets(o.excluded_reasons),
                     ["prisma.other_methods.excluded_reasons"]))
    return rows


def _rows(p: Prisma) -> list[Row]:
    """The rows of the main column (identification via databases and registers), the included box last."""
    rows: list[Row] = []
    if p.identified or _given(p.duplicates_removed, p.other_removed):
        removed: list[Para] = []
        if p.duplicates_removed is not None:
            removed.append(para(f"• Duplicate records removed ({n_text(p.duplicates_removed)})"))
        if p.other_removed is not None:
            removed.append(para(f"• Removed for other reasons ({n_text(p.other_removed)})"))
        rows.append(("Identification", "identified",
                     [para("Records identified from:")] + (_bullets(p.identified) or [para("(n not reported)")]),
                     ["prisma.identified"], "removed" if removed else None,
                     [para("Records removed before screening:")] + removed,
                     ["prisma.duplicates_removed", "prisma.other_removed"]))
    if _given(p.screened, p.excluded):
        rows.append(("Screening", "screened", [para(f"Records screened ({n_text(p.screened)})")], ["prisma.screened"],
                     "excluded" if p.excluded is not None else None,
                     [para(f"Records excluded ({n_text(p.excluded)})")], ["prisma.excluded"]))
    if _given(p.sought, p.not_retrieved):
        rows.append(("Screening", "sought", [para(f"Reports sought for retrieval ({n_text(p.sought)})")],
                     ["prisma.sought"], "not-retrieved" if p.not_retrieved is not None else None,
                     [para(f"Reports not retrieved ({n_text(p.not_retrieved)})")], ["prisma.not_retrieved"]))
    if _given(p.assessed, p.excluded_reasons):
        rows.append(("Screening", "assessed", [para(f"Reports assessed for eligibility ({n_text(p.assessed)})")],
                     ["prisma.assessed"], "reports-excluded" if p.excluded_reasons else None,
                     [para("Reports excluded:")] + _bullets(p.excluded_reasons), ["prisma.excluded_reasons"]))
    included = [para(f"Studies included in review ({n_text(p.studies_included)})", bold=True)]
    if p.reports_included is not None:
        included.append(para(f"Reports of included studies ({n_text(p.reports_included)})"))
    rows.append(("Included", "included", included, ["prisma.studies_included", "prisma.reports_included"],
                 None, [], []))
    return rows


def _layout(review: Review, p: Prisma, width: float, size: float) -> Attempt:
    sheet = Sheet(size)
    pad, gap = sheet.pad, row_gap(size)
    col_gap = max(12.0, 1.8 * size)
    boxes, connectors = sheet.boxes, sheet.connectors
    place = sheet.wrap
    rows = _rows(p)
    other_rows = _other_rows(p.other_methods) if p.other_methods is not None else []

    phase_w = max(text_width(w, size, True) for w in PHASES) / (1 - WRAP_SAFETY) + 2 * pad + 2
    x0 = phase_w + col_gap * 0.6
    pairs = 2 if other_rows else 1
    pair_w = (width - x0 - (pairs - 1) * col_gap) / pairs
    main_w = (pair_w - col_gap) * 0.52
    side_w = pair_w - col_gap - main_w

    y = 0.0
    phase_spans: dict[str, list[float]] = {}
    row_boxes: dict[int, Box] = {}
    other_boxes: list[Box] = []
    n_rows = max(len(rows) - 1, len(other_rows))   # the included box closes both columns
    for r in range(n_rows):
        cells = []
        if r < len(rows) - 1:
            cells.append((0, rows[r]))
        if r < len(other_rows):
            cells.append((1, other_rows[r]))
        wrapped = []
        for col, (phase, mid, main, mf, sid, side, sf) in cells:
            main_lines = place(main, main_w)
            side_lines = place(side, side_w) if sid else []
            wrapped.append((col, phase, mid, main_lines, mf, sid, side_lines, sf))
        row_h = max(max(text_height(m), text_height(s)) for _, _, _, m, _, _, s, _ in wrapped) + 2 * pad
        for col, phase, mid, main_lines, mf, sid, side_lines, sf in wrapped:
            bx = x0 + col * (pair_w + col_gap)
            box = sheet.add(Box(mid, bx, y, main_w, row_h, tuple(main_lines), role="flow", align=bulleted(main_lines),
                                padding=pad), mf)
            if col == 0:
                row_boxes[r] = box
            else:
                other_boxes.append(box)
            if sid:
                side_box = sheet.add(Box(sid, bx + main_w + col_gap, y, side_w, row_h, tuple(side_lines),
                                         role="exclusion", align="left", padding=pad), sf)
                sy = y + row_h / 2
                connectors.append(Connector(f"{mid}->{sid}", mid, sid, "right", "left",
                                            ((box.right, sy), (side_box.x, sy))))
            span = phase_spans.setdefault(phase, [y, y + row_h])
            span[0], span[1] = min(span[0], y), max(span[1], y + row_h)
        y += row_h + gap

    # The included box: under the main column (spanning both columns' mains when there are two).
    _, mid, main, mf, _, _, _ = rows[-1]
    inc_x = x0
    inc_w = main_w if not other_rows else (pair_w + col_gap + main_w)
    inc_lines = place(main, inc_w)
    included = sheet.add(Box(mid, inc_x, y, inc_w, text_height(inc_lines) + 2 * pad, tuple(inc_lines), role="flow",
                             padding=pad), mf)
    span = phase_spans.setdefault("Included", [y, included.bottom])
    span[0], span[1] = min(span[0], y), max(span[1], included.bottom)

    chain = [row_boxes[r] for r in sorted(row_boxes)] + [included]
    for a, b in pairwise(chain):
        x = a.x + a.w / 2
        tx = min(max(x, b.x + 2), b.right - 2)
        connectors.append(Connector(f"{a.id}->{b.id}", a.id, b.id, "bottom", "top", ((x, a.bottom), (tx, b.y))))
    other_chain = other_boxes + [included]
    for a, b in pairwise(other_chain):
        x = a.x + a.w / 2
        if b is included:
            tx = min(max(x, b.x + 2), b.right - 2)
            points = ((x, a.bottom), (tx, b.y))
        else:
            points = ((x, a.bottom), (x, b.y))
        connectors.append(Connector(f"{a.id}->{b.id}", a.id, b.id, "bottom", "top", points))

    for phase in PHASES:
        if phase not in phase_spans:
            continue
        top, bottom = phase_spans[phase]
        lines = place([para(phase, bold=True)], phase_w)
        sheet.add(Box(f"phase-{phase.lower()}", 0.0, top, phase_w, bottom - top, tuple(lines), role="phase",
                      padding=pad))
    height = max(b.bottom for b in boxes)
    diagram = Diagram(kind="prisma", width=width, height=height, boxes=tuple(boxes), connectors=tuple(connectors),
                      alt_text=prisma_alt(review), title=f"{review.name}: PRISMA 2020 flow diagram",
                      extra={"font_size": size})
    return sheet.attempt(diagram)


def _layout_across(review: Review, p: Prisma, width: float, size: float) -> Attempt:
    sheet = Sheet(size)
    pad = sheet.pad
    gap = max(12.0, 1.7 * size)
    down = max(8.0, 1.4 * size)
    boxes, connectors = sheet.boxes, sheet.connectors
    rows = _rows(p)
    n = len(rows)
    col_w = (width - (n - 1) * gap) / n
    under: list[tuple[str, list[Para], list[str]] | None] = []
    for _, _, _, _, sid, side, sf in rows:
        under.append((sid, side, sf) if sid else None)
    if p.other_methods is not None:
        o = p.other_methods
        paras = [para("Via other methods:")] + _bullets(o.identified)
        if o.assessed is not None:
            paras.append(para(f"Reports assessed ({n_text(o.assessed)})"))
        if o.excluded_reasons:
            paras.append(para("Excluded:"))
            paras += _bullets(o.excluded_reasons)
        under[-1] = ("other-methods", paras, ["prisma.other_methods"])

    mains = [sheet.wrap(main, col_w) for _, _, main, _, _, _, _ in rows]
    sides = [sheet.wrap(u[1], col_w) if u else [] for u in under]
    main_h = max(text_height(lines) for lines in mains) + 2 * pad
    side_h = max((text_height(lines) for lines in sides if lines), default=0.0) + 2 * pad
    previous: Box | None = None
    for i, ((_, mid, _, mf, _, _, _), lines) in enumerate(zip(rows, mains, strict=True)):
        x = i * (col_w + gap)
        box = sheet.add(Box(mid, x, 0.0, col_w, main_h, tuple(lines), role="flow", align=bulleted(lines), padding=pad),
                        mf)
        if previous is not None:
            y = main_h / 2
            connectors.append(Connector(f"{previous.id}->{mid}", previous.id, mid, "right", "left",
                                        ((previous.right, y), (x, y))))
        below = under[i]
        if below is not None:
            sid, _, sf = below
            side_box = sheet.add(Box(sid, x, main_h + down, col_w, side_h, tuple(sides[i]), role="exclusion",
                                     align="left", padding=pad), sf)
            cx = x + col_w / 2
            if sid == "other-methods":
                connectors.append(Connector(f"{sid}->{mid}", sid, mid, "top", "bottom",
                                            ((cx, side_box.y), (cx, main_h))))
            else:
                connectors.append(Connector(f"{mid}->{sid}", mid, sid, "bottom", "top",
                                            ((cx, main_h), (cx, side_box.y))))
        previous = box
    height = max(b.bottom for b in boxes)
    diagram = Diagram(kind="prisma", width=width, height=height, boxes=tuple(boxes), connectors=tuple(connectors),
                      alt_text=prisma_alt(review), title=f"{review.name}: PRISMA 2020 flow diagram",
                      extra={"font_size": size, "compact": True})
    return sheet.attempt(diagram)
