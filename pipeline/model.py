"""The typed study record.

In:  plain data (from ``loader``).
Out: a frozen ``Study`` (pydantic v2; unknown keys are errors), or pydantic's
     ``ValidationError``, which ``validate`` turns into located problems.

Most parts are optional because papers often do not report them. A count the
paper does not give is absent or the text ``not reported``; use ``known()`` to
read one (it gives ``None`` for both). Free text is UTF-8 and may hold names
like Møller-Bisgaard and symbols like ≥ ± κ; control characters are refused.
Text starting with ``TODO`` is a placeholder (written by the importer): it is
accepted with a warning and shown to readers as "not yet written".
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

PLACEHOLDER_PREFIX = "TODO"
NOT_REPORTED = "not reported"


def _clean_text(value: str) -> str:
    for ch in value:
        code = ord(ch)
        if ch in "\n\t":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or (0xFDD0 <= code <= 0xFDEF) or (code & 0xFFFE) == 0xFFFE:
            raise ValueError(f"contains the invisible control character U+{code:04X}; remove it")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def is_placeholder(value: object) -> bool:
    """True for importer placeholders such as ``TODO: write the bottom line``."""
    return isinstance(value, str) and value.lstrip().upper().startswith(PLACEHOLDER_PREFIX)


Text = Annotated[str, StringConstraints(strict=True, max_length=5000), AfterValidator(_clean_text)]
RequiredText = Annotated[Text, AfterValidator(_not_blank)]
Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Count = Union[Annotated[int, Field(strict=True, ge=0, le=100_000_000)], Literal["not reported"], None]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Flag = Annotated[bool, Field(strict=True)]
Percent = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100)]


def known(count: int | str | None) -> int | None:
    """A count as an int, or None when absent or "not reported"."""
    return count if isinstance(count, int) and not isinstance(count, bool) else None


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Part):
    """The published report."""

    authors: list[RequiredText] = Field(min_length=1, max_length=60, description="As cited, e.g. Møller-Bisgaard S.")
    et_al: Flag = Field(False, description="True when the author list is shortened (et al.).")
    title: RequiredText | None = Field(None, description="Title of the article.")
    journal: RequiredText
    year: Annotated[int, Field(strict=True, ge=1800, le=2100)]
    volume: Text | None = None
    issue: Text | None = None
    pages: Text | None = Field(None, description="e.g. 461–472")
    doi: Annotated[str, StringConstraints(strict=True, pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmcid: Annotated[str, StringConstraints(strict=True, pattern=r"^PMC\d+$")] | None = None
    url: Annotated[str, StringConstraints(strict=True, pattern=r"^https?://\S+$")] | None = None


class Registration(Part):
    registry: RequiredText = Field(description="e.g. ClinicalTrials.gov")
    identifier: RequiredText = Field(description="e.g. NCT01656278")
    url: Annotated[str, StringConstraints(strict=True, pattern=r"^https?://\S+$")] | None = None


class Question(Part):
    """The clinical question as PICO, and the setting."""

    population: RequiredText = Field(description="P: who the question is about.")
    eligibility: list[RequiredText] = Field(default_factory=list, max_length=20)
    baseline: Text | None = Field(None, description="Who took part, e.g. mean age and sex.")
    intervention: RequiredText = Field(description="I: what was tested.")
    comparator: Text | None = Field(None, description="Absent for a single-group study.")
    outcomes: list[RequiredText] = Field(default_factory=list, max_length=20, description="O: the outcomes, in words.")
    setting: Text | None = Field(None, description="Where, e.g. 9 hospitals in Denmark.")
    rationale: Text | None = Field(None, description="Why the question matters.")


class Design(Part):
    type: Literal["parallel", "crossover", "cluster", "factorial", "non-inferiority", "single-group"]
    randomized: Flag = Field(True, description="False for a single-group or other non-randomized study.")
    allocation_ratio: Annotated[str, StringConstraints(strict=True, pattern=r"^\d+(:\d+)+$")] | None = Field(None, description="e.g. \"1:1\" (quoted).")
    masking: Text | None = Field(None, description="Who was blinded.")
    centres: Annotated[int, Field(strict=True, ge=1)] | None = Field(None, description="Number of centres.")
    countries: list[RequiredText] = Field(default_factory=list, max_length=100)
    enrolment_period: Text | None = None
    follow_up: Text | None = Field(None, description="Follow-up duration, e.g. 24 months.")
    visit_schedule: Text | None = None


class Arm(Part):
    id: Slug = Field(description="Short id used to refer to the arm elsewhere, e.g. mri.")
    label: RequiredText = Field(description="Full arm name.")
    short_label: RequiredText | None = Field(None, description="For tables and figures; defaults to label.")
    role: Literal["intervention", "control", "other"] | None = None
    description: Text | None = Field(None, description="What the arm received.")
    target: Text | None = Field(None, description="Treatment target of a strategy arm.")
    randomized: Count = Field(None, description="Number randomized to this arm.")

    @property
    def short(self) -> str:
        return self.short_label or self.label


class Reason(Part):
    reason: RequiredText
    n: Count = None


class ArmFlow(Part):
    arm: Slug = Field(description="An arm id.")
    allocated: Count = None
    received: Count = None
    discontinued: Count = None
    discontinued_reasons: list[Reason] = Field(default_factory=list, max_length=30)
    lost: Count = Field(None, description="Lost to follow-up.")
    lost_reasons: list[Reason] = Field(default_factory=list, max_length=30)
    completed: Count = None
    analysed: Count = None


class Flow(Part):
    """Participant flow (CONSORT)."""

    assessed: Count = Field(None, description="Assessed for eligibility.")
    excluded: Count = Field(None, description="Excluded before randomization.")
    excluded_reasons: list[Reason] = Field(default_factory=list, max_length=30)
    randomized: Count = None
    arms: list[ArmFlow] = Field(default_factory=list, max_length=6)


class ArmResult(Part):
    """One arm's result for an outcome or harm, as reported."""

    arm: Slug
    events: Count = Field(None, description="Participants with the event (binary outcomes).")
    total: Count = Field(None, description="Denominator (participants analysed).")
    percent: Percent | None = Field(None, description="Percentage as reported.")
    mean: Number | None = None
    sd: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)] | None = None
    median: Number | None = None
    iqr: tuple[Number, Number] | None = Field(None, description="[Q1, Q3]")


RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio", "rate ratio")
DIFFERENCE_MEASURES = ("risk difference", "mean difference", "standardized mean difference", "median difference")


class Effect(Part):
    """The between-arm effect as the authors report it."""

    measure: Literal["risk difference", "risk ratio", "odds ratio", "hazard ratio", "rate ratio",
                     "mean difference", "standardized mean difference", "median difference"]
    compares: tuple[Slug, Slug] | None = Field(None, description="[arm, reference arm]; defaults to the first two arms.")
    estimate: Number | None = None
    ci: tuple[Number, Number] | None = Field(None, description="[lower, upper]")
    ci_level: Annotated[float, Field(strict=True, gt=50, lt=100)] = Field(95, description="Confidence level in percent.")
    unit: Text | None = Field(None, description="e.g. percentage points")
    p: Annotated[float, Field(strict=True, ge=0, le=1)] | RequiredText | None = Field(None, description="P value, a number or text such as '<0.001'.")
    significant: Flag | None = Field(None, description="Whether the authors call the effect statistically significant.")
    adjusted: Flag | None = Field(None, description="True when the estimate is adjusted for covariates.")

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    @property
    def null_value(self) -> float:
        return 1.0 if self.is_ratio else 0.0


class Outcome(Part):
    id: Slug
    label: RequiredText
    primary: Flag = Field(False, description="True for a primary outcome.")
    timepoint: Text | None = Field(None, description="e.g. 24 months")
    kind: Literal["binary", "continuous", "time-to-event"]
    higher_is_better: Flag | None = Field(None, description="Direction of benefit, e.g. true for remission.")
    unit: Text | None = None
    results: list[ArmResult] = Field(default_factory=list, max_length=6, description="One entry per arm.")
    effect: Effect | None = Field(None, description="The between-arm effect as reported.")
    note: Text | None = None


class Harm(Part):
    label: RequiredText = Field(description="e.g. Serious adverse events")
    serious: Flag = Field(False, description="True for serious adverse events.")
    results: list[ArmResult] = Field(default_factory=list, max_length=6)


class RobDomain(Part):
    judgement: Literal["low", "some concerns", "high"]
    support: RequiredText = Field(description="One line: why this judgement.")


ROB2_DOMAINS = {
    "randomization": "Randomization process",
    "deviations": "Deviations from intended interventions",
    "missing_data": "Missing outcome data",
    "measurement": "Measurement of the outcome",
    "selection": "Selection of the reported result",
    "overall": "Overall",
}


class RoB2(Part):
    """Risk of bias (RoB 2), one judgement per domain."""

    randomization: RobDomain | None = None
    deviations: RobDomain | None = None
    missing_data: RobDomain | None = None
    measurement: RobDomain | None = None
    selection: RobDomain | None = None
    overall: RobDomain | None = None

    def domains(self) -> list[tuple[str, RobDomain]]:
        """(domain title, judgement) for the domains given, in RoB 2 order."""
        return [(title, getattr(self, key)) for key, title in ROB2_DOMAINS.items() if getattr(self, key)]


class Grade(Part):
    certainty: Literal["high", "moderate", "low", "very low"]
    outcome: Text | None = None
    reasons: Text | None = None


class Appraisal(Part):
    assessed_by: Text | None = Field(None, description="Who made the appraisal, e.g. the record author.")
    rob2: RoB2 | None = None
    strengths: list[RequiredText] = Field(default_factory=list, max_length=12)
    limitations: list[RequiredText] = Field(default_factory=list, max_length=12)
    grade: Grade | None = None


class Conclusions(Part):
    bottom_line: RequiredText = Field(description="One plain-language sentence.")
    key_messages: list[RequiredText] = Field(min_length=1, max_length=5)
    authors: Text | None = Field(None, description="The authors' conclusion.")
    open_questions: list[RequiredText] = Field(default_factory=list, max_length=10, description="What the study leaves open.")


class Study(Part):
    """One clinical study record."""

    id: Slug = Field(description="Lower-case letters, digits and hyphens; names the output folder.")
    acronym: Text | None = Field(None, description="Short name, e.g. IMAGINE-RA.")
    title: RequiredText = Field(description="What the study compared, in plain words.")
    citation: Citation | None = None
    registration: Registration | None = None
    protocol: Text | None = Field(None, description="Citation of the published protocol.")
    funding: Text | None = Field(None, description="Who funded the study.")
    interests: Text | None = Field(None, description="Authors' declared interests.")
    question: Question
    design: Design
    arms: list[Arm] = Field(min_length=1, max_length=6)
    flow: Flow | None = Field(None, description="Participant flow (CONSORT).")
    outcomes: list[Outcome] = Field(default_factory=list, max_length=40)
    outcomes_note: Text | None = Field(None, description="Outcomes summarised rather than itemised.")
    harms: list[Harm] = Field(default_factory=list, max_length=20, description="Adverse events per arm.")
    appraisal: Appraisal | None = Field(None, description="Risk of bias, strengths, limitations, GRADE.")
    conclusions: Conclusions
    discussion_questions: list[RequiredText] = Field(default_factory=list, max_length=12, description="Questions for the journal club.")

    # Lookups used by every later stage.
    def arm(self, arm_id: str) -> Arm:
        return next(a for a in self.arms if a.id == arm_id)

    def arm_flow(self, arm_id: str) -> ArmFlow | None:
        if self.flow is None:
            return None
        return next((f for f in self.flow.arms if f.arm == arm_id), None)

    @property
    def primary_outcomes(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.primary]

    @property
    def secondary_outcomes(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.primary]

    @property
    def name(self) -> str:
        """The short name readers know the study by."""
        return self.acronym or self.title


def study_schema() -> dict:
    """The JSON Schema of a study record (draft 2020-12)."""
    schema = Study.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://evidence-brief.invalid/schema/study-record.schema.json"
    schema["title"] = "evidence-brief study record"
    return schema

