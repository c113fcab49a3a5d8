"""Generated SYNTHETIC reviews (2 to 40 studies, 1 to 6 outcomes): the PRISMA diagram, the forest plot and
the risk-of-bias grid are sound geometry (or the forest plot fails with a LayoutError that names the
overflow), and the brief (one page), deck and figures build."""

from __future__ import annotations

import io

import numpy as np
import pdfplumber
import pytest
import yaml
from pptx import Presentation

from pipeline.errors import LayoutError
from pipeline.layout.figures import review_figures
from pipeline.layout.prisma import prisma_diagram
from pipeline.layout.review_forest import review_forest
from pipeline.layout.rob_grid import rob_grid
from pipeline.layout.text import text_width
from pipeline.loader import load_bytes
from pipeline.render.figures import FIGURE_MIN_SIZE, figure_diagrams
from pipeline.review.build import prepare_review, render_review
from pipeline.review.pooling import back, binary_effect, pool
from pipeline.validate import check_source

DOMAINS = ["randomization", "deviations", "missing-data", "measurement", "selection", "overall"]
JUDGEMENTS = ["low", "some concerns", "high", "no information"]


def synthetic_review(seed: int, k: int, m: int) -> str:
    """A SYNTHETIC review record: k studies of Drug A vs Placebo, m outcomes, consistent PRISMA counts."""
    rng = np.random.default_rng(seed)
    studies = [{"id": f"s{i + 1}", "label": f"SYNTHETIC study {i + 1}", "year": int(2000 + rng.integers(0, 25)),
                "design": "Parallel RCT",
                "rob": [{"domain": d, "judgement": str(rng.choice(JUDGEMENTS))} for d in DOMAINS]}
               for i in range(k)]
    outcomes = []
    for j in range(m):
        measure = ["odds ratio", "risk ratio", "risk difference"][j % 3]
        rows, effects = [], []
        for s in studies:
            n1, n2 = int(rng.integers(20, 600)), int(rng.integers(20, 600))
            e1, e2 = int(rng.binomial(n1, 0.2)), int(rng.binomial(n2, 0.3))
            rows.append({"study": s["id"], "intervention": {"events": e1, "total": n1},
                         "control": {"events": e2, "total": n2}})
            effects.append(binary_effect(measure, e1, n1, e2, n2))
        common = pool(effects, model="common")
        random = pool(effects, model="random", estimator="REML", hartung_knapp=True)
        ratio = measure != "risk difference"
        for r, w in zip(rows, common.weights):
            r["weight"] = round(w, 1)

        def printed(res, primary):
            return {"model": res.model, **({"tau2_estimator": "REML", "hartung_knapp": True} if res.model == "random"
                                           else {}),
                    "primary": primary, "estimate": round(back(res.estimate, ratio), 2),
                    "ci": [round(back(res.lower, ratio), 2), round(back(res.upper, ratio), 2)],
                    "p": "<0.001" if res.p < 0.001 else round(res.p, 3)}
        outcomes.append({"id": f"o{j + 1}", "label": f"SYNTHETIC outcome {j + 1}", "key": j < 2, "kind": "binary",
                         "measure": measure, "higher_is_better": False, "studies": rows,
                         "pooled": [printed(common, True), printed(random, False)],
                         "certainty": {"level": str(rng.choice(["high", "moderate", "low", "very low"])),
                                       "reasons": [{"domain": "imprecision", "levels": -1,
                                                    "note": "SYNTHETIC: wide interval"}]}})
    identified = [int(rng.integers(100, 3000)), int(rng.integers(10, 500))]
    duplicates = int(rng.integers(0, identified[1]))
    screened = sum(identified) - duplicates
    sought = k + int(rng.integers(5, 60))
    not_retrieved = int(rng.integers(0, 5))
    assessed = sought - not_retrieved
    reasons = [assessed - k - 1, 1]
    record = {
        "record": 2, "kind": "review", "id": f"synthetic-{seed}", "title": f"SYNTHETIC review {seed}: Drug A vs Placebo",
        "review_type": "Systematic review and meta-analysis (SYNTHETIC)",
        "question": {"population": "SYNTHETIC adults", "intervention": "Drug A", "comparator": "Placebo",
                     "outcomes": [o["label"] for o in outcomes]},
        "eligibility": ["SYNTHETIC randomized trials of Drug A"],
        "search": {"sources": [{"name": "MEDLINE", "searched": "SYNTHETIC dates"}, {"name": "Embase"}]},
        "prisma": {"identified": [{"source": "Databases", "n": identified[0]}, {"source": "Registers", "n": identified[1]}],
                   "duplicates_removed": duplicates, "screened": screened, "excluded": screened - sought,
                   "sought": sought, "not_retrieved": not_retrieved, "assessed": assessed,
                   "excluded_reasons": [{"reason": "SYNTHETIC wrong population", "n": reasons[0]},
                                        {"reason": "SYNTHETIC not randomized", "n": reasons[1]}],
                   "studies_included": k, "reports_included": k},
        "arms": {"intervention": "Drug A", "control": "Placebo"},
        "risk_of_bias": {"tool": "RoB 2", "domains": [{"id": d, "label": f"SYNTHETIC domain {d}", "short": f"D{i + 1}"}
                                                      for i, d in enumerate(DOMAINS)]},
        "studies": studies, "outcomes": outcomes,
        "conclusions": {"bottom_line": "SYNTHETIC: Drug A changed the outcome.",
                        "key_messages": ["SYNTHETIC message one.", "SYNTHETIC message two.", "SYNTHETIC message three."]},
        "discussion_questions": [{"question": "SYNTHETIC question?", "answer": "SYNTHETIC answer."}],
    }
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


CASES = [(1, 2, 1), (2, 3, 6), (3, 7, 2), (4, 12, 3), (5, 20, 1), (6, 25, 4), (7, 33, 2), (8, 40, 6)]


def report_of(seed, k, m):
    return prepare_review(check_source(load_bytes(synthetic_review(seed, k, m).encode(), f"synthetic-{seed}.yaml")))


def no_overlap(boxes):
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a.right <= b.x + 0.01 or b.right <= a.x + 0.01 or a.bottom <= b.y + 0.01 or b.bottom <= a.y + 0.01
            assert apart, (a.id, b.id)


def lines_fit(boxes):
    for b in boxes:
        for line in b.lines:
            assert text_width(line.text, line.size, line.bold) <= b.w - 2 * b.padding + 0.01, (b.id, line.text)
        assert sum(line.size * 1.2 for line in b.lines) <= b.h + 0.01, b.id


@pytest.mark.parametrize("seed, k, m", CASES)
@pytest.mark.parametrize("width", [260.0, 532.0, 864.0])
def test_prisma_geometry(seed, k, m, width):
    review = report_of(seed, k, m).review
    d = prisma_diagram(review, width, 2000.0, 9.0, 6.0)
    assert d.width == width and all(0 <= b.x and b.right <= width + 0.01 for b in d.boxes)
    no_overlap(d.boxes)
    lines_fit(d.boxes)
    ids = {b.id for b in d.boxes}
    assert {"identified", "screened", "sought", "assessed", "included", "removed", "excluded", "not-retrieved",
            "reports-excluded"} <= ids
    by_id = {b.id: b for b in d.boxes}
    for c in d.connectors:                        # every connector starts and ends on its boxes' edges
        (x0, y0), (x1, y1) = c.points[0], c.points[-1]
        src, dst = by_id[c.source], by_id[c.target]
        assert src.x - 0.01 <= x0 <= src.right + 0.01 and src.y - 0.01 <= y0 <= src.bottom + 0.01
        assert dst.x - 0.01 <= x1 <= dst.right + 0.01 and dst.y - 0.01 <= y1 <= dst.bottom + 0.01
    text = " ".join(line.text for b in d.boxes for line in b.lines)
    assert f"(n = {k})" in text.replace("\u00a0", " ") or f"n = {k}" in text
    order = ["identified", "screened", "sought", "assessed", "included"]
    assert [by_id[i].y for i in order] == sorted(by_id[i].y for i in order)


@pytest.mark.parametrize("seed, k, m", CASES)
@pytest.mark.parametrize("width", [532.0, 864.0])
def test_forest_geometry(seed, k, m, width):
    report = report_of(seed, k, m)
    for f in report.content.forests:
        try:
            d = review_forest(f, width, 700.0, 9.0, 6.0)
        except LayoutError as exc:
            assert "overflows" in str(exc) and f.title in str(exc) and k >= 30
            continue
        px0, px1 = d.extra["plot"]
        for label in d.labels:
            assert label.x >= -0.01 and label.x + label.w <= width + 0.01, label.id
            for line in label.lines:
                assert text_width(line.text, line.size, line.bold) <= label.w + 0.5, (label.id, line.text)
        rows = [lab for lab in d.labels if lab.id.startswith("study-")]
        assert len(rows) == k and [r.y for r in rows] == sorted(r.y for r in rows)
        assert len(d.markers) == k and all(px0 - 0.01 <= mk.x <= px1 + 0.01 for mk in d.markers)
        assert len(d.polygons) == 2 and d.polygons[0].role == "pooled"
        for poly in d.polygons:
            assert all(px0 - 0.01 <= x <= px1 + 0.01 for x, _ in poly.points)
        null = next(s for s in d.segments if s.role == "null")
        assert px0 < null.x1 < px1
        assert any(lab.role == "favours" for lab in d.labels)
        sizes = [mk.size for mk in d.markers]
        heaviest = max(range(k), key=lambda i: f.rows[i].weight)
        assert sizes[heaviest] == max(sizes)          # the square's area follows the weight


@pytest.mark.parametrize("seed, k, m", CASES)
def test_rob_grid_geometry(seed, k, m):
    grid = report_of(seed, k, m).content.rob
    d = rob_grid(grid, 532.0, 2000.0, 8.0, 6.0)
    cells = [b for b in d.boxes if b.id.startswith("cell-")]
    assert len(cells) == k * len(DOMAINS)
    no_overlap(cells)
    lines_fit(cells)
    for b in cells:                               # symbol and colour agree; the legend gives the words
        symbol = b.lines[0].text
        assert b.role == {"+": "rob-low", "?": "rob-some-concerns", "−": "rob-high", "·": "rob-no-information"}[symbol]
    legend = next(lab for lab in d.labels if lab.id == "legend")
    assert "+ Low" in legend.lines[0].text and "− High" in legend.lines[0].text


@pytest.mark.parametrize("seed, k, m", CASES)
def test_brief_deck_and_figures_build_and_fit_or_name_the_overflow(seed, k, m):
    report = report_of(seed, k, m)
    files = render_review(report, ("brief",), "a4", None)
    with pdfplumber.open(io.BytesIO(files["brief.pdf"])) as doc:
        assert len(doc.pages) == 1
        text = " ".join(doc.pages[0].extract_text().split())
        assert min(ch["size"] for ch in doc.pages[0].chars) >= 6.0
    assert "Summary of findings (GRADE)" in text and "Studies found (PRISMA 2020)" in text and f"(n = {k})" in text
    if f"SYNTHETIC study {k} " not in text:     # too many studies for the page: the pooled rows and a pointer
        assert k >= 20 and f"The {k} study rows are on the deck's forest plot slide and in the figure." in text
    files = render_review(report, ("deck", "figures"), "a4", None)
    prs = Presentation(io.BytesIO(files["deck.pptx"]))
    titles = []
    for slide in prs.slides:
        assert slide.notes_slide.notes_text_frame.text.strip()
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        titles.append(title)
        for shape in slide.shapes:                 # nothing off the slide
            assert shape.left >= 0 and shape.top >= 0, (title, shape.name)
            assert shape.left + shape.width <= prs.slide_width + 12700, (title, shape.name)
            assert shape.top + shape.height <= prs.slide_height + 12700, (title, shape.name)
    keys = [o for o in report.review.outcomes if o.key]
    for o in keys:
        assert any(t.startswith(f"Forest plot: {o.label}") for t in titles), titles
        assert f"figures/forest-{o.id}.png" in files
    assert "figures/prisma.svg" in files and "figures/rob.svg" in files
    assert any(t.startswith("Risk of bias") for t in titles) and "Summary of findings" in titles


def test_review_figures_and_slides_never_set_text_under_the_minimum():
    # The figure files and the deck lay a review's forest out through one binding (layout.figures): its notes, set
    # a size smaller than the rows, stay at or above the minimum asked for even where the plot had to shrink
    # (280 pt wide forces it; the figures used to go down to 6.5 pt).
    report = report_of(8, 40, 6)
    sources = review_figures(report.review, report.content)
    forest = next(s for name, s in sources.items() if name.startswith("forest-"))
    narrow = forest.make(280.0, 5000.0, 9.0, 7.0)
    assert narrow is not None and narrow.extra["font_size"] < 9.0
    assert min(line.size for label in narrow.labels for line in label.lines) >= 7.0
    drawn = figure_diagrams(sources)
    assert sorted(drawn) == sorted(sources) and all(sources[name].long for name in drawn if name != "prisma")
    for d in drawn.values():
        assert min(line.size for part in (*d.boxes, *d.labels) for line in part.lines) >= FIGURE_MIN_SIZE
