"""The words and numbers of a review's brief, deck and figures, formatted once.

In:  a valid ``Review`` and its ``ReviewAudit``.
Out: ``ReviewContent``: the header strings the trial renderers' header, bottom
     line and footer blocks read (``name``, ``title``, ``citation``, ``doi_url``,
     ``bottom_line``, ``funding``, ``interests``, ``appraisal_by``, ``footer``), the
     PICO rows, the search, per key outcome a ``ForestData`` (study rows, pooled
     rows, heterogeneity line), the summary-of-findings rows, the risk-of-bias
     grid and the conclusions.

Conventions: numbers as the record prints them (``Printed.text``: 0.60 stays
0.60), minus sign U+2212, "to" between interval limits; values computed here
(a study's OR from its counts, a weight from the model) are at the precision of
the review's own pooled estimate and marked computed where a reader sees them; a
value the review does not give reads "not reported", one our sources lack
"not in sources", never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import __version__, theme
from ..content import (
    CERTAINTY_SYMBOL,
    build_date,
    citation_text,
    creators_text,
    grade_statement,
    interval_direction,
    journal_text,
    lower_first,
    text_or_placeholder,
    warning_texts,
)
from ..content.formatting import _flat as flat
from ..model import NOT_IN_SOURCES, known
from .audit import ReviewAudit, as_printed
from .model import ArmData, Pooled, Review, ReviewOutcome
from .pooling import PoolResult

NR = "not reported"
MINUS = "\u2212"
MEASURE_ABBREV = {"odds ratio": "OR", "risk ratio": "RR", "hazard ratio": "HR", "rate ratio": "Rate ratio",
                  "risk difference": "RD", "mean difference": "MD", "standardized mean difference": "SMD"}
ROB_SYMBOL = {**theme.ROB_SYMBOL, "no information": "·"}
ROB_WORD = {**theme.ROB_WORD, "no information": "No information"}


def num(value: float) -> str:
    """A printed number as printed (``Printed.text``), with a true minus sign."""
    text = getattr(value, "text", None) or (str(int(value)) if float(value).is_integer() else f"{value:.6g}")
    return text.replace("-", MINUS)


def missing(value: object) -> str:
    """The words for a value the record does not give: "not reported" or "not in sources"."""
    return NOT_IN_SOURCES if value == NOT_IN_SOURCES else NR


def count(value: int | str | None) -> str:
    n = known(value)
    return f"{n:,}" if n is not None else missing(value)


def p_text(p: float | str | None) -> str:
    if p is None:
        return NR
    if isinstance(p, str):
        text = p.strip().replace(" ", "")
        return f"P{text}" if text[:1] in "<>≤≥=" else f"P = {text}"
    return f"P = {num(p)}"


@dataclass(frozen=True)
class ForestRow:
    label: str
    cells: tuple[str, str]          # intervention, control ("events/total", or "mean (SD), n")
    estimate: float | None          # on the measure's scale
    lower: float | None
    upper: float | None
    text: str                       # "0.80 (0.49 to 1.31)"
    weight: float | None            # percent, for the marker size
    weight_text: str                # "18.7%", "not reported"
    computed: bool                  # the estimate was computed here


@dataclass(frozen=True)
class PooledRow:
    label: str                      # "Fixed effect (prespecified primary analysis)"
    estimate: float
    lower: float | None
    upper: float | None
    text: str                       # "0.66 (0.53 to 0.82)"
    p: str                          # "P<0.01", "not reported"
    prediction: tuple[float, float] | None
    heterogeneity: str              # "Random effects, Paule–Mandel. Heterogeneity: I² = 16% (computed); τ² = …"
    primary: bool


@dataclass(frozen=True)
class ForestData:
    outcome_id: str
    title: str                      # "All-cause mortality at 28 days"
    measure: str
    abbrev: str
    is_ratio: bool
    arm_heads: tuple[str, str]
    cell_head: str                  # what the arm columns hold: "events/total" or "mean (SD), n"
    rows: tuple[ForestRow, ...]
    pooled: tuple[PooledRow, ...]
    favours: tuple[str, str]        # left, right of the line of no effect
    note: str                       # what was computed, what is not reported
    alt: str


@dataclass(frozen=True)
class SofRow:
    outcome: str
    participants: str               # "1,703 (7 RCTs)"
    assumed: str                    # "415 per 1,000"
    corresponding: str              # "319 per 1,000 (274 to 368)"
    relative: str                   # "OR 0.66 (0.53 to 0.82)"
    certainty: str                  # "⊕⊕⊕◯ Moderate"
    level: str | None
    reasons: str
    statement: str | None = None    # GRADE's words for the primary analysis: "Corticosteroids probably reduce …"


@dataclass(frozen=True)
class RobGrid:
    tool: str
    domains: tuple[tuple[str, str], ...]         # (short head, full label)
    studies: tuple[str, ...]
    cells: tuple[tuple[str | None, ...], ...]    # judgement per study × domain (None: not given)
    summary: str | None
    counts: tuple[str, ...] = ()                 # per domain: "D1 Randomization: + 4 low, ? 2 some concerns, − 1 high"


@dataclass(frozen=True)
class ReviewContent:
    id: str
    name: str
    title: str
    review_type: str
    design_summary: str                   # "Prospective meta-analysis of randomized trials; 7 studies, …"
    citation: str | None
    doi_url: str | None
    registry: str | None
    registry_url: str | None
    registrations: tuple[tuple[str, str | None], ...]   # (text, url), as the trial brief's header shows them
    bottom_line: str
    pico: tuple[tuple[str, str], ...]
    eligibility: tuple[str, ...]
    search: str
    included: str                         # "7 studies, 1,703 participants"
    forests: tuple[ForestData, ...]
    sof: tuple[SofRow, ...]
    sof_note: str
    rob: RobGrid | None
    studies_table: tuple[tuple[str, str, str, str], ...]   # label, year, design/intervention, note
    key_messages: tuple[str, ...]
    authors_conclusion: str | None
    open_questions: tuple[str, ...]
    limitations: tuple[str, ...]
    discussion: tuple[tuple[str, str | None], ...]
    notes: tuple[str, ...]
    funding: str | None
    interests: str | None
    appraisal_by: str | None
    footer: str
    build_date: str
    # What the deck says beyond the brief's fields (render/ never reads the record).
    journal: str | None = None            # "Lancet 2022"
    link_url: str | None = None
    protocol: str | None = None
    audit_warnings: tuple[str, ...] = ()  # each audit warning in full (message and detail), once
    creators: str | None = None           # the citation's authors (the PDF's metadata)
    year: str | None = None


def interval_text(estimate: float, ci: tuple[float, float] | None) -> str:
    """"0.66 (0.53 to 0.82)" as printed, or "0.66 (CI not reported)"."""
    return f"{num(estimate)} ({num(ci[0])} to {num(ci[1])})" if ci else f"{num(estimate)} (CI not reported)"


def _arm_cell(arm: ArmData | None, kind: str) -> str:
    if arm is None:
        return NR
    if kind == "binary":
        if known(arm.events) is None and known(arm.total) is None:
            return NR
        return f"{count(arm.events)}/{count(arm.total)}"
    if arm.mean is not None:
        sd = f" ({num(arm.sd)})" if arm.sd is not None else ""
        return f"{num(arm.mean)}{sd}, {count(arm.total)}"
    return count(arm.total)


def _favours(review: Review, o: ReviewOutcome) -> tuple[str, str]:
    a, c = review.arms.intervention, review.arms.control
    if o.higher_is_better is None:
        return f"← lower with {a}", f"higher with {a} →"
    if o.higher_is_better:
        return f"← favours {c}", f"favours {a} →"
    return f"← favours {a}", f"favours {c} →"


def outcome_title(o: ReviewOutcome) -> str:
    return flat(o.label) + (f" at {flat(o.timepoint)}" if o.timepoint else "")


def _heterogeneity(p: Pooled, result: PoolResult | None, said: set[str]) -> str:
    """ "Heterogeneity: I² = 16% (computed); …"; a part in ``said`` (one another pooled result of the outcome
    gave, such as the same Q) is not said again ("as for the primary analysis" when none is left); the parts
    are added to ``said``."""
    parts = []
    if isinstance(p.i2, float):
        parts.append(f"I² = {num(p.i2)}%")
    elif result is not None and result.i2 is not None:
        parts.append(f"I² = {result.i2:.0f}% (computed)")
    if p.model == "random":
        if isinstance(p.tau2, float):
            parts.append(f"τ² = {num(p.tau2)}")
        elif result is not None:
            parts.append(f"τ² = {result.tau2:.3f} (computed)")
    if isinstance(p.q, float):
        parts.append(f"Q = {num(p.q)}" + (f", {p_text(p.q_p)}" if p.q_p is not None else ""))
    elif result is not None and result.q is not None:
        parts.append(f"Q = {result.q:.2f}, df = {result.df}, P = {result.q_p:.2f} (computed)")
    new = [part for part in parts if part not in said]
    said.update(parts)
    if parts and not new:
        return "Heterogeneity: as for the primary analysis"
    return "Heterogeneity: " + "; ".join(new) if new else "Heterogeneity: not reported"


def model_words(p: Pooled) -> str:
    if p.model == "common":
        return "Common (fixed) effect" + (", Mantel–Haenszel" if p.method == "Mantel-Haenszel"
                                          else ", inverse variance")
    words = f"Random effects, {p.tau2_estimator}".replace("-", "–")
    return words + (", Hartung–Knapp" if p.hartung_knapp else "")


def forest_data(review: Review, o: ReviewOutcome, audit: ReviewAudit) -> ForestData:
    rec = audit.recomputed[o.id]
    primary = o.primary_pooled
    primary_result = rec.pooled[o.pooled.index(primary)] if primary is not None else None
    weights = {}
    if primary_result is not None:    # the weights of the studies that entered the pool, which may leave some out
        weights = {o.studies[k].study: w for k, w in zip(primary_result.used, primary_result.weights, strict=True)}
    rows = []
    computed_any = False
    uncomputed: set[str] = set()    # why the weights the primary model gave are not the review's own
    for r in o.studies:
        v = rec.studies.get(r.study)
        label = flat(review.study(r.study).label)
        if isinstance(r.weight, float):
            weight, wtext = float(r.weight), f"{num(r.weight)}%"
        elif r.study in weights:
            weight, wtext = weights[r.study], f"{weights[r.study]:.1f}%"
            uncomputed.add(missing(r.weight))
        else:
            weight, wtext = None, missing(r.weight)
        if v is None:
            rows.append(ForestRow(label, (_arm_cell(r.intervention, o.kind), _arm_cell(r.control, o.kind)),
                                  None, None, None, NR, weight, wtext, False))
            continue
        if v.computed:
            computed_any = True
            lo, hi = (r.ci if r.ci is not None else (v.lower, v.upper))
            text = (f"{as_printed(v.estimate, primary.estimate if primary else None)} "
                    f"({num(lo) if r.ci else as_printed(lo, None)} to {num(hi) if r.ci else as_printed(hi, None)})")
        else:
            text = interval_text(v.estimate, r.ci)   # the reported estimate (not computed)
        rows.append(ForestRow(label, (_arm_cell(r.intervention, o.kind), _arm_cell(r.control, o.kind)),
                              v.estimate, (r.ci[0] if r.ci else v.lower), (r.ci[1] if r.ci else v.upper), text,
                              weight, wtext, v.computed))
    pooled = []
    said: set[str] = set()      # heterogeneity the primary result gives (the same Q and I²) is said once, by it
    pairs = sorted(zip(o.pooled, rec.pooled, strict=True), key=lambda pair: not pair[0].primary)
    told = {id(p): f"{model_words(p)}. " + _heterogeneity(p, result, said) for p, result in pairs}
    for p in o.pooled:
        label = flat(p.label) if p.label else model_words(p)
        pooled.append(PooledRow(label, p.estimate, p.ci[0] if p.ci else None, p.ci[1] if p.ci else None,
                                interval_text(p.estimate, p.ci), p_text(p.p),
                                p.prediction_interval or None,
                                told[id(p)], p.primary))
    ab = MEASURE_ABBREV[o.measure]
    notes = []
    if computed_any:
        notes.append(f"Study {ab}s computed from the counts; intervals as reported")
    if uncomputed:   # "not reported" by the review, or "not in our sources", as the record says
        notes.append(f"weights computed with the primary model ({' or '.join(sorted(uncomputed))})")
    note = "; ".join(notes) + ("." if notes else "")
    left, right = _favours(review, o)
    alt_rows = "; ".join(f"{r.label}: {r.text}" for r in rows)
    alt_pooled = "; ".join(f"{p.label}: {p.text}" for p in pooled)
    alt = (f"Forest plot of {outcome_title(o)}, {o.measure}, {review.arms.intervention} vs {review.arms.control}. "
           f"{alt_rows}. Pooled: {alt_pooled}. Values below {'1' if o.is_ratio else '0'} "
           f"{left.strip('← ').replace('favours', 'favour')}.")
    return ForestData(o.id, outcome_title(o), o.measure, ab, o.is_ratio,
                      (flat(review.arms.intervention), flat(review.arms.control)),
                      "events/total" if o.kind == "binary" else "mean (SD), n", tuple(rows), tuple(pooled),
                      (left, right), note, alt)


def _sof_row(review: Review, o: ReviewOutcome, audit: ReviewAudit) -> SofRow:
    rec = audit.recomputed[o.id]
    p = o.primary_pooled
    n_studies = len(o.studies) or None
    participants = known(o.participants)
    if participants is None and rec.arms is not None:
        participants = rec.arms[0][1] + rec.arms[1][1]
    who = (f"{participants:,}" if participants is not None else missing(o.participants)) + \
        (f" ({n_studies} studies)" if n_studies else "")
    assumed = corresponding = "not computable"
    risk = None
    if o.control_risk is not None:
        risk = float(o.control_risk)
    elif rec.control_risk is not None and rec.control_risk[1] > 0:
        risk = rec.control_risk[0] / rec.control_risk[1]
    if p is not None and risk is not None and o.measure in ("odds ratio", "risk ratio", "risk difference"):
        assumed = f"{round(risk * 1000):,} per 1,000"
        values = [corresponding_risk(risk, v, o.measure) for v in (p.estimate, *(p.ci or ()))]
        per = [f"{round(v * 1000):,}" for v in values]
        corresponding = f"{per[0]} per 1,000" + (f" ({per[1]} to {per[2]})" if len(per) == 3 else "")
    relative = f"{MEASURE_ABBREV[o.measure]} {interval_text(p.estimate, p.ci)}" \
        if p is not None else NR
    cert = o.certainty
    if cert is None:
        certainty, level, reasons = NR, None, ""
    else:
        certainty, level = f"{CERTAINTY_SYMBOL[cert.level]} {cert.level.capitalize()}", cert.level
        bits = [f"{r.domain} ({'−' if r.levels < 0 else '+'}{abs(r.levels)})" + (f": {flat(r.note)}" if r.note else "")
                for r in cert.reasons]
        if cert.note:
            bits.append(flat(cert.note))
        if cert.assessed_by:
            bits.append(f"Rated by {flat(cert.assessed_by)}")
        reasons = ". ".join(b.rstrip(".") for b in bits) + ("." if bits else "")
    statement = None
    if cert is not None and p is not None:
        ci = (float(p.ci[0]), float(p.ci[1])) if p.ci else None
        direction = interval_direction(float(p.estimate), ci, 1.0 if o.is_ratio else 0.0) if ci else None
        statement = grade_statement(cert.level, direction, flat(review.arms.intervention),
                                    lower_first(outcome_title(o)), flat(review.arms.control))
    return SofRow(outcome_title(o), who, assumed, corresponding, relative, certainty, level, reasons, statement)


def corresponding_risk(control: float, effect: float, measure: str) -> float:
    """The intervention-group risk implied by a control risk and a relative effect (GRADE handbook)."""
    if measure == "risk ratio":
        return min(1.0, control * effect)
    if measure == "risk difference":
        return min(1.0, max(0.0, control + effect))
    odds = control / (1 - control) * effect
    return odds / (1 + odds)


def _rob(review: Review) -> RobGrid | None:
    rob = review.risk_of_bias
    if rob is None:
        return None
    domains = tuple((flat(d.short or f"D{i + 1}"), flat(d.label)) for i, d in enumerate(rob.domains))
    cells = []
    for s in review.studies:
        by = {j.domain: j.judgement for j in s.rob}
        cells.append(tuple(by.get(d.id) for d in rob.domains))
    counts = []
    for k, (short, label) in enumerate(domains):
        column = [row[k] for row in cells if row[k] is not None]
        if column:
            parts = [f"{ROB_SYMBOL[j]} {column.count(j)} {ROB_WORD[j].lower()}"
                     for j in ("low", "some concerns", "high", "no information") if column.count(j)]
            counts.append((f"{short} {label}: " if short != label else f"{label}: ") + ", ".join(parts))
    return RobGrid(flat(rob.tool), domains, tuple(flat(s.label) for s in review.studies), tuple(cells),
                   flat(rob.summary) or None, tuple(counts))


def _search(review: Review) -> str:
    s = review.search
    if s is None:
        return NR
    parts = []
    if s.sources:
        parts.append("Sources: " + "; ".join(flat(x.name) + (f" ({flat(x.searched)})" if x.searched else "")
                                             for x in s.sources))
    if s.dates:
        parts.append(flat(s.dates))
    if s.note:
        parts.append(flat(s.note))
    return ". ".join(p.rstrip(".") for p in parts) + "." if parts else NR


def build_review_content(review: Review, audit: ReviewAudit) -> ReviewContent:
    q = review.question
    pico = [("Population", flat(q.population)), ("Intervention", flat(q.intervention)),
            ("Comparator", flat(q.comparator)), ("Outcomes", "; ".join(flat(x) for x in q.outcomes))]
    if q.study_designs:
        pico.append(("Studies", flat(q.study_designs)))
    key = review.key_outcomes
    participants = next((known(o.participants) for o in key if known(o.participants) is not None), None)
    included = f"{len(review.studies)} studies" + (f", {participants:,} participants" if participants else "")
    date = build_date()
    sof_sources = []
    for o in review.outcomes:
        rec = audit.recomputed[o.id]
        if o.control_risk is None and rec.control_risk is not None and \
                o.measure in ("odds ratio", "risk ratio", "risk difference"):
            e, n = rec.control_risk
            sof_sources.append(f"{outcome_title(o)}: assumed risk = the control arms' {e:,}/{n:,}")
    sof_note = ("Corresponding risk computed from the assumed risk and the relative effect of the primary analysis. "
                + "; ".join(sof_sources) + ("." if sof_sources else "")).strip()
    missing_text = NOT_IN_SOURCES if review.sources else NR
    studies_table = tuple((flat(s.label), str(s.year) if s.year else "",
                           "; ".join(flat(x) for x in (s.design, s.intervention, s.country) if x),
                           flat(s.note) if s.note else "") for s in review.studies)
    return ReviewContent(
        id=review.id, name=flat(review.name), title=flat(review.title), review_type=flat(review.review_type),
        design_summary=f"{flat(review.review_type)}; {included}",
        citation=citation_text(review),
        doi_url=f"https://doi.org/{review.citation.doi}" if review.citation and review.citation.doi else None,
        registry=f"{flat(review.registration.registry)} {flat(review.registration.identifier)}"
        if review.registration else None,
        registry_url=review.registration.url if review.registration else None,
        registrations=((f"{flat(review.registration.registry)} {flat(review.registration.identifier)}",
                        review.registration.url),) if review.registration else (),
        bottom_line=text_or_placeholder(review.conclusions.bottom_line) or "not yet written",
        pico=tuple(pico), eligibility=tuple(flat(e) for e in review.eligibility), search=_search(review),
        included=included,
        forests=tuple(forest_data(review, o, audit) for o in key if o.studies or o.pooled),
        sof=tuple(_sof_row(review, o, audit) for o in review.outcomes), sof_note=sof_note,
        rob=_rob(review), studies_table=studies_table,
        key_messages=tuple(flat(m) for m in review.conclusions.key_messages),
        authors_conclusion=text_or_placeholder(review.conclusions.authors) if review.conclusions.authors else None,
        open_questions=tuple(flat(x) for x in review.conclusions.open_questions),
        limitations=tuple(flat(x) for x in review.limitations),
        discussion=tuple((flat(d.question), flat(d.answer) if d.answer else None) for d in review.discussion_questions),
        notes=tuple(audit.result.notes),
        funding=text_or_placeholder(review.funding) or missing_text,
        interests=text_or_placeholder(review.interests) or missing_text,
        appraisal_by=text_or_placeholder(review.appraisal_by) or None,
        footer=f"Record {review.id} · evidence-brief {__version__} · built {date}",
        build_date=date,
        journal=journal_text(review),
        creators=creators_text(review),
        year=str(review.citation.year) if review.citation else None,
        link_url=review.citation.url if review.citation and review.citation.url else None,
        protocol=flat(review.protocol) or None,
        audit_warnings=warning_texts(audit.result.findings),
    )

