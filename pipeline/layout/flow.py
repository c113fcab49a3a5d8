"""The participant flow (CONSORT) as geometry.

In:  a ``Study``, the area ``width`` × ``height`` in points, ``base_size`` and
     ``min_size`` (font sizes, points).
Out: a ``Diagram`` (kind ``flow``) whose ``height`` is the height used, or
     ``LayoutError`` naming the fields too long to fit even at ``min_size``.

Layout, top to bottom (CONSORT 2010):

* ``assessed`` "Assessed for eligibility (n = …)", centred;
* ``excluded`` "Excluded (n = …)" with its reasons as bullets (left-aligned),
  in a box to the right (role ``exclusion``), reached by a branch off the vertical trunk;
* ``randomized`` "Randomized 1:1 (n = …)" ("Enrolled" for a single-group or
  non-randomized study), centred;
* one column per arm, side by side, each reached from ``randomized`` through
  a horizontal bus: ``allocated-<id>`` (role ``arm``, ``arm`` = index: the arm
  label, "Allocated (n = …)", "Received allocated intervention (n = …)"),
  ``followup-<id>`` (discontinued and lost to follow-up, each with reasons),
  ``completed-<id>``, ``analysed-<id>`` (role ``flow``); boxes of one row have
  one height, so the columns line up.

A count the record does not give reads "n not reported" (or "n not in our sources") — never 0 and never
derived (e.g. allocated − completed is not shown as "discontinued"). A stage no arm has a number for
(assessed and excluded together; received; discontinued and lost; completed; analysed) is not drawn as a
row of empty boxes: one note under the diagram names those stages, "Not in our sources: analysed."

Without ``study.flow`` the diagram shows what the record does give: the
``randomized`` box (the arms' sizes summed when all are given) and each arm's
``allocated-<id>`` box with ``arm.randomized``, then a note (``Label`` role
``note``): "Follow-up and analysis numbers not reported."

Text conventions are those of ``design`` (one size, block centred in its box; ``boxes``, ``fit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content import FlowStage, flow_stages, flow_text, missing, n_equals
from ..errors import LayoutError
from ..model import Reason, Study, known
from .alt import flow_alt, total_randomized
from .boxes import Para, Sheet, branch, bulleted, para, row_gap, straight, text_height, wrap_paragraphs
from .fit import Attempt, first_fit, sizes, too_long_message
from .geometry import Box, Connector, Diagram, Label
from .memo import per_study
from .text import text_width


def flow_diagram(study: Study, width: float, height: float, base_size: float = 8.0,
                 min_size: float = 6.0) -> Diagram:
    """The CONSORT flow of ``study`` laid out in ``width`` × ``height`` points."""
    if width <= 0 or height <= 0:
        raise LayoutError(f"flow diagram: the area {width:g} × {height:g} pt is empty")
    chosen, last = first_fit((_layout(study, width, size) for size in sizes(base_size, min_size)), height)
    if chosen is not None:
        return chosen
    raise LayoutError(too_long_message("flow diagram", width, height, min_size, last))


def flow_figure(study: Study, width: float, height: float, base_size: float = 8.0,
                min_size: float = 6.0) -> Diagram | None:
    """The flow diagram, or None when the record gives no count after allocation (the design already says who
    was randomized and the arms' sizes: boxes of "not reported" would only repeat them)."""
    return flow_diagram(study, width, height, base_size, min_size) if _flow_text(study) is not None else None


_flow_text = per_study(flow_text)     # asked again at every size a slide tries


def _reasons(reasons: list[Reason]) -> list[Para]:
    return [para(f"• {r.reason} ({n_equals(r.n)})") for r in reasons]


def _unknown_note(stages: list[FlowStage]) -> str:
    """The stages no arm has a number for, grouped by the words for the gap: "Not in our sources: analysed."."""
    unknown: dict[str, list[str]] = {}
    for stage in stages:
        if not stage.given:
            unknown.setdefault(missing(stage.value), []).append(stage.words)
    return " ".join(f"{word[0].upper()}{word[1:]}: {'; '.join(words)}." for word, words in unknown.items())


_flow_alt = per_study(flow_alt)     # the same for every size and width a search tries

# (name, each arm's paragraphs, role, each arm's fields)
Row = tuple[str, tuple[tuple[Para, ...], ...], str, tuple[tuple[str, ...], ...]]


def _row(name: str, per_arm: list[list[Para]], role: str, fields: list[list[str]]) -> Row:
    """A row of arm boxes, its lists made tuples (``_texts`` is remembered per study: read only)."""
    return name, tuple(map(tuple, per_arm)), role, tuple(map(tuple, fields))


@dataclass(frozen=True)
class _Texts:
    """What the flow's boxes say, the same at every size and width: the assessed and excluded boxes (None when
    screening is not drawn), the randomized box, the rows of arm boxes, the note under them (None for none)."""

    screening: tuple[tuple[Para, ...], tuple[Para, ...]] | None
    randomized: Para
    rows: tuple[Row, ...]
    note: Para | None


@per_study
def _texts(study: Study) -> _Texts:
    flow = study.flow
    single = len(study.arms) == 1 or study.design.type == "single-group"
    randomized_word = "Enrolled" if single or not study.design.randomized else "Randomized"
    stages = flow_stages(study)
    omitted = {stage.key for stage in stages if not stage.given}
    screening = None
    if flow is not None and "screening" not in omitted:
        screening = ((para(f"Assessed for eligibility ({n_equals(flow.assessed)})"),),
                     (para(f"Excluded ({n_equals(flow.excluded)})"), *_reasons(flow.excluded_reasons)))
    ratio = study.design.allocation_ratio if randomized_word == "Randomized" else None
    n_total = flow.randomized if flow is not None and known(flow.randomized) is not None else total_randomized(study)
    rand_text = f"{randomized_word}{' ' + ratio if ratio else ''} ({n_equals(n_total)})"

    rows: list[Row] = []
    alloc_rows: list[list[Para]] = []
    alloc_fields: list[list[str]] = []
    for i, arm in enumerate(study.arms):
        af = study.arm_flow(arm.id)
        paras = [para(arm.label, bold=True)]
        if af is not None or flow is not None:
            allocated = af.allocated if af is not None and known(af.allocated) is not None else \
                (arm.randomized if af is None else af.allocated)
            paras.append(para(f"Allocated ({n_equals(allocated)})"))
            if "received" not in omitted:
                paras.append(para(f"Received allocated intervention ({n_equals(af.received if af else None)})"))
        else:
            paras.append(para(f"Allocated ({n_equals(arm.randomized)})"))
        alloc_rows.append(paras)
        alloc_fields.append([f"arms[{i}].label"])
    rows.append(_row("allocated", alloc_rows, "arm", alloc_fields))

    if flow is not None:
        fu_rows, done_rows, an_rows, fu_fields = [], [], [], []
        for arm in study.arms:
            af = study.arm_flow(arm.id)
            fu = [para(f"Discontinued intervention ({n_equals(af.discontinued if af else None)})")]
            fu += _reasons(af.discontinued_reasons if af else [])
            fu.append(para(f"Lost to follow-up ({n_equals(af.lost if af else None)})"))
            fu += _reasons(af.lost_reasons if af else [])
            fu_rows.append(fu)
            j = flow.arms.index(af) if af else None
            fu_fields.append([f"flow.arms[{j}].discontinued_reasons", f"flow.arms[{j}].lost_reasons"] if af else [])
            done_rows.append([para(f"Completed ({n_equals(af.completed if af else None)})")])
            an_rows.append([para(f"Analysed ({n_equals(af.analysed if af else None)})")])
        no_fields: list[list[str]] = [[] for _ in study.arms]
        stage_rows = [_row("followup", fu_rows, "flow", fu_fields), _row("completed", done_rows, "flow", no_fields),
                      _row("analysed", an_rows, "flow", no_fields)]
        rows += [row for row in stage_rows if row[0] not in omitted]
    note = "Follow-up and analysis numbers not reported." if flow is None else _unknown_note(stages)
    return _Texts(screening, para(rand_text, bold=True), tuple(rows), para(note) if note else None)


@per_study
def _layout(study: Study, width: float, size: float) -> Attempt:
    texts = _texts(study)
    sheet = Sheet(size)
    pad, gap = sheet.pad, row_gap(size)
    col_gap = max(6.0, 1.2 * size)
    boxes, connectors, labels = sheet.boxes, sheet.connectors, sheet.labels
    flow = study.flow
    cx = width / 2
    main_w = min(width, max(0.42 * width, 120.0))

    y = 0.0
    if texts.screening is not None:
        assessed_paras, ex_paras = texts.screening
        assessed = sheet.box("assessed", assessed_paras, cx - main_w / 2, main_w, y, "flow", fields=["flow.assessed"])
        ex_x = cx + max(18.0, 2.0 * size)
        natural = max(text_width(p.text, size, p.bold) for p in ex_paras) + 2 * pad + 1
        ex_w = min(width - ex_x, max(natural, 0.3 * width))
        ex_top = assessed.bottom + 0.5 * gap
        excluded = sheet.box("excluded", ex_paras, ex_x, ex_w, ex_top, "exclusion",
                             fields=["flow.excluded", "flow.excluded_reasons"],
                             align="left" if len(ex_paras) > 1 else "center")
        _, ey = excluded.anchor("left")
        connectors.append(Connector("assessed->excluded", "assessed", "excluded", "bottom", "left",
                                    ((cx, assessed.bottom), (cx, ey), (excluded.x, ey))))
        y = max(excluded.bottom + 0.5 * gap, ey + gap)
        top_box: Box | None = assessed
    else:
        top_box = None

    rand = sheet.box("randomized", [texts.randomized], cx - main_w / 2, main_w, y, "randomization",
                     fields=["flow.randomized"])
    if top_box is not None:
        connectors.append(straight(top_box, rand))
    y = rand.bottom + 1.25 * gap

    # Arm columns.
    n = len(study.arms)
    if n == 1:
        col_w = min(width, max(main_w, 0.5 * width))
        col_x = [cx - col_w / 2]
    else:
        col_w = (width - (n - 1) * col_gap) / n
        col_x = [i * (col_w + col_gap) for i in range(n)]

    previous: list[Box] | None = None
    for name, per_arm, role, row_fields in texts.rows:
        wrapped = [sheet.wrap(paras, col_w) for paras in per_arm]
        row_h = max(text_height(lines) for lines in wrapped) + 2 * pad
        current = []
        for i, (arm, lines) in enumerate(zip(study.arms, wrapped, strict=True)):
            box = sheet.add(Box(f"{name}-{arm.id}", col_x[i], y, col_w, row_h, tuple(lines), role=role,
                                arm=i if role == "arm" else None, align=bulleted(lines), padding=pad), row_fields[i])
            current.append(box)
            if previous is None:
                connectors.append(branch(rand, box) if n > 1 else straight(rand, box))
            else:
                connectors.append(straight(previous[i], box))
        previous = current
        y += row_h + gap
    y -= gap

    if texts.note is not None:
        note_lines, broken = wrap_paragraphs([texts.note], size, width)
        sheet.broken = sheet.broken or broken
        y += 0.6 * size
        labels.append(Label("note", 0.0, y, width, tuple(note_lines), "center", "note"))
        y += text_height(note_lines)

    diagram = Diagram(kind="flow", width=width, height=y, boxes=tuple(boxes), connectors=tuple(connectors),
                      labels=tuple(labels), alt_text=_flow_alt(study), title=f"{study.name}: participant flow",
                      extra={"font_size": size, "complete": flow is not None})
    return sheet.attempt(diagram)
