"""The one-page brief's diagrams and table marks, as ``DiagramSource``s: the brief lays them out at the size it
chooses and never reads the record.

In:  a ``Study`` (trial), or a ``Review`` and its ``ReviewContent``.
Out: {name: ``geometry.DiagramSource``}:

    trial   "design"            the full design schema; ``alt``: the participant-flow caption printed under it
                                when it spans the page (``alt.flow_caption``: who completed and was analysed;
                                the schema shows who was randomized)
            "band"              the compact design schema (one band across the page); ``alt``: the caption
                                under the band (what of the flow the band does not show)
            "flow"              the participant flow (the brief's fallback when the schema does not fit; None when
                                the record gives no count after allocation, ``flow.flow_figure``)
            "bar:<id>:<j>"      a primary outcome's bar for the table cell of column j (``results.cell_bar``,
                                in the arm's colour when the columns are the arms)
            "strip:<id>:<k>"    the strip of the outcome's effect k (``results.cell_strips``)
    review  "prisma", "prisma-band"     the PRISMA 2020 diagram, full or as a compact band (with a PRISMA record
                                        giving a count beyond the studies included, ``prisma.counts_beyond_included``)
            "forest", "forest-pooled"   the first key outcome's forest plot, or its pooled rows only

The marks ignore the height and sizes they are given: they are as wide as their cell and carry no text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ..content import result_columns
from . import design, flow
from .alt import flow_caption
from .geometry import Diagram, DiagramSource
from .results import Strip, cell_bar, cell_percents, cell_strips

if TYPE_CHECKING:   # a trial's build never imports the review modules (their models are slow to build)
    from ..model import Study
    from ..review.content import ReviewContent
    from ..review.model import Review

Make = Callable[[float, float, float, float], Diagram | None]   # ``DiagramSource.make``


def trial_brief_figures(study: Study) -> dict[str, DiagramSource]:
    def full(width: float, height: float, base: float, smallest: float) -> Diagram | None:
        return design.design_diagram(study, width, height, base, smallest)

    def band(width: float, height: float, base: float, smallest: float) -> Diagram | None:
        return design.design_diagram(study, width, height, base, smallest, compact=True)

    out = {"design": DiagramSource(full, flow_caption(study, beside_schema=True)),
           "band": DiagramSource(band, flow_caption(study, beside_band=True))}
    out["flow"] = DiagramSource(partial(flow.flow_figure, study))
    columns = [key for key, _, _ in result_columns(study)]
    coloured = columns == [a.id for a in study.arms]
    primary = study.primary_outcomes
    for o in primary:
        for j, percent in cell_percents(o, columns).items():
            out[f"bar:{o.id}:{j}"] = DiagramSource(_bar(percent, j if coloured else None))
    for (oid, k), strip in cell_strips(study, primary).items():
        out[f"strip:{oid}:{k}"] = DiagramSource(_strip(strip))
    return out


def _bar(percent: float, arm: int | None) -> Make:
    return lambda width, height, base, smallest: cell_bar(percent, arm, width)


def _strip(strip: Strip) -> Make:
    return lambda width, height, base, smallest: strip.diagram(width)


def review_brief_figures(review: Review, content: ReviewContent) -> dict[str, DiagramSource]:
    from . import prisma, review_forest

    out: dict[str, DiagramSource] = {}
    if review.prisma is not None and prisma.counts_beyond_included(review.prisma):
        out["prisma"] = DiagramSource(lambda w, h, b, m: prisma.prisma_diagram(review, w, h, b, m))
        out["prisma-band"] = DiagramSource(lambda w, h, b, m: prisma.prisma_diagram(review, w, h, b, m,
                                                                                    compact=True))
    if content.forests:
        f = content.forests[0]
        out["forest"] = DiagramSource(lambda w, h, b, m: review_forest.review_forest(f, w, h, b, m), f.alt)
        out["forest-pooled"] = DiagramSource(lambda w, h, b, m: review_forest.review_forest(f, w, h, b, m,
                                                                                            studies=False), f.alt)
    return out
