"""Each diagram of one record as a ``DiagramSource``: laid out on demand, at the size the renderer chooses.

In:  a ``Study`` (trial), or a ``Review`` and its ``ReviewContent``.
Out: {name: ``geometry.DiagramSource``}: trial "design", "design-slide", "flow", "forest", "results" (``make`` returns
     None when the record has no flow, no estimate to plot or no primary result to draw); review
     "prisma" (only with a PRISMA record giving a count beyond the studies included,
     ``prisma.counts_beyond_included``: the brief's rule), "forest-<outcome id>" per key outcome, "rob" (only with
     per-study judgements). The deck sizes each to its slide, the figures to their page
     (``render.figures``); neither reads the record itself.

The one binding of diagrams to a record, so the deck and the figure files show the same diagrams:
no flow without the record's ``flow`` section, nor when it gives no number after allocation (the design already
says who was randomized and the arms' sizes; the flow would only repeat them); the results
graphic is the deck's own (``figure=False``: the forest figure plots the same estimates), and so is the design
arranged for a slide ("design-slide", ``layout.design_slide``: the figure file is the "design"); a review's
forest plots and risk-of-bias grid are ``long``; a review forest's notes, set a size smaller, are
never under the ``min_size`` asked for.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..errors import LayoutError
from .boxes import MINOR_SHARE
from .design import design_diagram
from .design_slide import slide_design
from .flow import flow_figure
from .forest import forest_plot
from .geometry import Diagram, DiagramSource
from .memo import per_study
from .results import graphed_outcomes, results_graphic

if TYPE_CHECKING:   # a trial's build never imports the review modules (their models are slow to build)
    from ..model import Study
    from ..review.content import ForestData, ReviewContent
    from ..review.model import Review



def trial_figures(study: Study) -> dict[str, DiagramSource]:
    return {"design": DiagramSource(partial(design_diagram, study)), "flow": DiagramSource(partial(flow_figure, study)),
            "forest": DiagramSource(partial(forest_plot, study)),
            "results": DiagramSource(partial(_results, study), figure=False),
            "design-slide": DiagramSource(partial(slide_design, study), figure=False)}


_graphic = per_study(results_graphic)     # the same for every height tried (the deck tries three)


def _results(study: Study, width: float, height: float, base_size: float, min_size: float) -> Diagram | None:
    """The results graphic at the largest size that fits ``height`` with no label shortened ("…"), its panels
    side by side only when nothing is shortened either; its ticks and "favours" words are set a point smaller,
    so the size goes down to ``min_size`` + 1. When every size shortens a label, the smallest that fits."""
    if not graphed_outcomes(study):
        return None
    fallback: Diagram | None = None
    size = base_size
    while size >= min_size + 1.0 - 1e-9:
        for columns in (1, 2):
            diagram = _graphic(study, width, size, columns)
            if diagram is None:
                return None
            if diagram.height <= height:
                if not _shortened(diagram):
                    return diagram
                fallback = diagram if columns == 1 else fallback
        size -= 1.0
    if fallback is not None:
        return fallback
    raise LayoutError(f"the results graphic is taller than {height:.0f} pt at {min_size + 1.0:g} pt")


def _shortened(diagram: Diagram) -> bool:
    return any(line.text.endswith("…") for label in diagram.labels for line in label.lines)


def review_figures(review: Review, content: ReviewContent) -> dict[str, DiagramSource]:
    from .prisma import counts_beyond_included, prisma_alt, prisma_diagram
    from .rob_grid import rob_alt, rob_grid

    out: dict[str, DiagramSource] = {}
    if review.prisma is not None and counts_beyond_included(review.prisma):
        out["prisma"] = DiagramSource(partial(prisma_diagram, review), prisma_alt(review))
    for f in content.forests:
        out[f"forest-{f.outcome_id}"] = DiagramSource(partial(_review_forest, f), f.alt, long=True)
    rob = content.rob
    if rob is not None and any(j is not None for row in rob.cells for j in row):
        out["rob"] = DiagramSource(partial(rob_grid, rob), rob_alt(rob), long=True)
    return out


def _review_forest(data: ForestData, width: float, height: float, base_size: float, min_size: float) -> Diagram:
    from .review_forest import review_forest

    smallest = min_size / MINOR_SHARE       # the pooled-result notes are set a size smaller: none under min_size
    return review_forest(data, width, height, max(base_size, smallest), smallest)
