"""The typed review record: a systematic review or meta-analysis.

In:  plain data (from ``loader``) whose top level says ``kind: review``.
Out: a frozen ``Review`` (pydantic v2; unknown keys are errors), or pydantic's
     ``ValidationError``, which ``validate`` turns into located problems.

The shape follows what a review prints: the question (PICO) and eligibility,
the search, the PRISMA 2020 flow counts, the included studies (with their
risk-of-bias judgements), and per outcome the study-level data, the pooled
results as reported (one per model the review ran) and the GRADE certainty.
A count the review does not give is absent or ``not reported``; one our
sources do not give is ``not in sources``; neither is ever shown as 0.
Every number is a ``numbers.Printed`` (it keeps its printed text: 0.60 stays
0.60). Shared parts (citation, registration, conclusions, text types) are the
trial record's own.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, WrapValidator

from ..model import (
    Certainty,
    CiLevel,
    Citation,
    Conclusions,
    Count,
    Flag,
    Judgement,
    Missing,
    NonNegative,
    Number,
    Part,
    Percent,
    PValue,
    Reason,
    Registration,
    RequiredText,
    Slug,
    Text,
    empty_list,
    keep_printed,
    record_schema,
)

Year = Annotated[int, Field(strict=True, ge=1800, le=2100)]

RATIO_MEASURES = ("odds ratio", "risk ratio", "hazard ratio", "rate ratio")
Measure = Literal["odds ratio", "risk ratio", "hazard ratio", "rate ratio", "risk difference", "mean difference",
                  "standardized mean difference"]


# --- the question and the search ------------------------------------------------

class ReviewQuestion(Part):
    """The question as PICO, and the study designs the review took."""

    population: RequiredText = Field(description="P: who the question is about.")
    intervention: RequiredText = Field(description="I: what was tested.")
    comparator: RequiredText = Field(description="C: what it was compared with.")
    outcomes: list[RequiredText] = Field(min_length=1, max_length=12, description="O: the outcomes, in words.")
    study_designs: Text | None = Field(None, description="Which study designs were eligible, e.g. randomized trials.")


class SearchSource(Part):
    name: RequiredText = Field(description="A database, register or other source, e.g. MEDLINE.")
    searched: Text | None = Field(None, description="When, as printed, e.g. 'inception to 9 June 2020'.")


class Search(Part):
    """How the studies were found."""

    sources: list[SearchSource] = Field(default_factory=empty_list, max_length=30)
    dates: Text | None = Field(None, description="The period searched or the date of the last search.")
    note: Text | None = Field(None, description="e.g. how trials joined a prospective meta-analysis.")


class Identified(Part):
    source: RequiredText = Field(description="Where the records came from, e.g. Databases (MEDLINE, Embase).")
    n: Count = None


class OtherMethods(Part):
    """PRISMA 2020, right-hand column: studies found by other methods (websites, citations, registers of a PMA)."""

    identified: list[Identified] = Field(default_factory=empty_list, max_length=8)
    sought: Count = Field(None, description="Reports sought for retrieval.")
    not_retrieved: Count = None
    assessed: Count = Field(None, description="Reports assessed for eligibility.")
    excluded_reasons: list[Reason] = Field(default_factory=empty_list, max_length=12)


class Prisma(Part):
    """The PRISMA 2020 flow counts (identification via databases and registers)."""

    identified: list[Identified] = Field(
        default_factory=empty_list, max_length=12, description="Records identified, per source.")
    duplicates_removed: Count = None
    other_removed: Count = Field(None, description="Records removed for other reasons (e.g. by automation tools).")
    screened: Count = Field(None, description="Records screened.")
    excluded: Count = Field(None, description="Records excluded at screening.")
    sought: Count = Field(None, description="Reports sought for retrieval.")
    not_retrieved: Count = Field(None, description="Reports not retrieved.")
    assessed: Count = Field(None, description="Reports assessed for eligibility.")
    excluded_reasons: list[Reason] = Field(
        default_factory=empty_list, max_length=12, description="Reports excluded, with reasons.")
    other_methods: OtherMethods | None = Field(None, description="Identification via other methods.")
    studies_included: Count = Field(None, description="Studies included in the review.")
    reports_included: Count = Field(None, description="Reports of included studies.")


# --- the included studies --------------------------------------------------------

class RobDomainDef(Part):
    id: Slug = Field(description="Short id used in each study's rob, e.g. randomization.")
    label: RequiredText = Field(description="e.g. Bias arising from the randomization process.")
    short: RequiredText | None = Field(None, description="Column head in the traffic-light plot, e.g. D1.")


class RiskOfBias(Part):
    """The tool and its domains; each study gives one judgement per domain."""

    tool: RequiredText = Field(description="e.g. RoB 2, Cochrane Risk of Bias tool.")
    domains: list[RobDomainDef] = Field(default_factory=empty_list, max_length=10)
    summary: Text | None = Field(None, description="The review's own summary, when per-study judgements are not given.")


class RobJudgement(Part):
    domain: Slug
    judgement: Judgement
    support: Text | None = None


class IncludedStudy(Part):
    id: Slug = Field(description="Short id used in each outcome's study data.")
    label: RequiredText = Field(description="As the review names it, e.g. CoDEX or Smith 2019.")
    year: Year | None = None
    design: Text | None = Field(None, description="e.g. RCT, open label.")
    intervention: Text | None = Field(None, description="What this study's intervention arm received.")
    country: Text | None = None
    note: Text | None = None
    rob: list[RobJudgement] = Field(
        default_factory=empty_list, max_length=10, description="One judgement per domain of risk_of_bias.")


# --- outcomes --------------------------------------------------------------------

class ArmData(Part):
    """One arm of one study, as the review reports it."""

    events: Count = Field(None, description="Participants with the event (binary outcomes).")
    total: Count = Field(None, description="Participants analysed.")
    mean: Number | None = None
    sd: NonNegative | None = None


class StudyResult(Part):
    """One study's data for one outcome: per-arm numbers and/or its effect with CI, and its weight as reported."""

    study: Slug = Field(description="An included study's id.")
    intervention: ArmData | None = None
    control: ArmData | None = None
    estimate: Number | None = Field(None, description="The study's effect as reported, on the outcome's measure.")
    ci: tuple[Number, Number] | None = Field(None, description="[lower, upper] as reported.")
    weight: Percent | Missing | None = Field(None, description="Weight in % as reported, in the primary analysis.")


class Pooled(Part):
    """One pooled result as reported."""

    label: Text | None = Field(None, description="e.g. Fixed effect (prespecified primary analysis).")
    primary: Flag = Field(False, description="True for the analysis the review leads with.")
    measure: Measure | None = Field(None, description="Defaults to the outcome's measure.")
    model: Literal["common", "random"] = Field(description="common (fixed) effect or random effects.")
    method: Literal["inverse variance", "Mantel-Haenszel"] = Field(
        "inverse variance", description="How studies were weighted.")
    tau2_estimator: Literal["DerSimonian-Laird", "Paule-Mandel", "REML"] | None = Field(
        None, description="Random effects: the between-study variance estimator.")
    hartung_knapp: Flag = Field(False, description="True when the Hartung–Knapp adjustment was used.")
    estimate: Number
    ci: tuple[Number, Number] | None = None
    ci_level: CiLevel = 95
    p: PValue = Field(None, description="P value, a number or as printed such as '<0.01'.")
    i2: Percent | Missing | None = Field(None, description="I² in %.")
    tau2: NonNegative | Missing | None = Field(None, description="τ².")
    q: NonNegative | Missing | None = Field(None, description="Cochran's Q.")
    q_p: PValue = Field(None, description="P value of Q.")
    prediction_interval: tuple[Number, Number] | None = None
    studies: Count = Field(None, description="Studies in this analysis, when not all of the outcome's.")
    participants: Count = None


class ReviewOutcome(Part):
    id: Slug
    label: RequiredText
    key: Flag = Field(False, description="True for an outcome the brief and deck lead with.")
    timepoint: Text | None = None
    kind: Literal["binary", "continuous", "time-to-event"]
    measure: Measure
    higher_is_better: Flag | None = Field(None, description="False for deaths and harms.")
    unit: Text | None = Field(None, description="Unit of a mean difference.")
    studies: list[StudyResult] = Field(default_factory=empty_list, max_length=60, description="Study-level data.")
    pooled: list[Pooled] = Field(default_factory=empty_list, max_length=6, description="Pooled results as reported.")
    participants: Count = Field(None, description="Participants in the analysis, as reported.")
    control_risk: Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, lt=1),
                            WrapValidator(keep_printed)] | None = Field(
        None,
        description="Assumed control risk (0–1) for the summary of findings; else taken from the control arms.")
    certainty: Certainty | None = None
    note: Text | None = None

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    @property
    def primary_pooled(self) -> Pooled | None:
        return next((p for p in self.pooled if p.primary), self.pooled[0] if self.pooled else None)


class Arms(Part):
    intervention: RequiredText = Field(description="Short name of the intervention side, e.g. Corticosteroids.")
    control: RequiredText = Field(description="Short name of the control side, e.g. Usual care or placebo.")


class DiscussionQuestion(Part):
    question: RequiredText
    answer: Text | None = Field(None, description="A suggested answer, for the presenter's notes.")


class Review(Part):
    """One systematic review or meta-analysis record."""

    record: Literal[2] = Field(description="The record format version: 2.")
    kind: Literal["review"] = Field(description="review.")
    id: Slug = Field(description="Lower-case letters, digits and hyphens; names the output folder.")
    acronym: Text | None = Field(None, description="Short name, e.g. WHO REACT.")
    title: RequiredText = Field(description="What the review asked, in plain words.")
    review_type: RequiredText = Field(
        description="e.g. Systematic review and meta-analysis; Prospective meta-analysis.")
    citation: Citation | None = None
    registration: Registration | None = Field(None, description="e.g. PROSPERO CRD42020…")
    protocol: Text | None = Field(None, description="Citation of the published protocol.")
    funding: Text | None = None
    interests: Text | None = None
    sources: Text | None = Field(None, description="What this record was written from.")
    question: ReviewQuestion
    eligibility: list[RequiredText] = Field(default_factory=empty_list, max_length=20,
                                            description="Eligibility criteria.")
    search: Search | None = None
    prisma: Prisma | None = None
    arms: Arms
    risk_of_bias: RiskOfBias | None = None
    studies: list[IncludedStudy] = Field(min_length=1, max_length=60)
    outcomes: list[ReviewOutcome] = Field(min_length=1, max_length=12)
    limitations: list[RequiredText] = Field(default_factory=empty_list, max_length=12)
    conclusions: Conclusions
    discussion_questions: list[DiscussionQuestion] = Field(default_factory=empty_list, max_length=12)
    appraisal_by: Text | None = Field(None, description="Who wrote this record's appraisal.")

    def study(self, study_id: str) -> IncludedStudy:
        return next(s for s in self.studies if s.id == study_id)

    @property
    def name(self) -> str:
        return self.acronym or self.title

    @property
    def key_outcomes(self) -> list[ReviewOutcome]:
        keys = [o for o in self.outcomes if o.key]
        return keys or self.outcomes[:1]


def review_schema() -> dict[str, Any]:
    """The JSON Schema of a review record (draft 2020-12)."""
    return record_schema(Review, "review")
