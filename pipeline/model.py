"""The typed study record, version 2.

In:  plain data (from ``loader``; a version-1 record goes through ``upgrade`` first).
Out: a frozen ``Study`` (pydantic v2; unknown keys are errors), or pydantic's
     ``ValidationError``, which ``validate`` turns into located problems.

The shape follows what trial reports print, and borrows its vocabulary from
HL7's Evidence-Based Medicine on FHIR ``Evidence`` resource: a statistic has a
type (``measure``), a quantity (``estimate``), a sample size and number of
events (per-arm ``results``), attribute estimates (``ci`` at ``ci_level``, ``p``)
and model characteristics (``adjusted``, ``adjusted_for``); the variables play
roles (the ``compares`` pair is exposure and reference exposure).

Most parts are optional because papers often do not report them. A value the
paper does not give is absent or the text ``not reported``; a value the paper
may give but the sources behind this record do not is ``not in sources``. The
two print differently: a gap in our sources is never shown as a flaw of the
trial. Use ``known()`` to read a count (``None`` for both).

Every number is a ``numbers.Printed``: a float that keeps the text it was
written with, so ``14.0`` prints as ``14.0`` and ``0.60`` as ``0.60`` everywhere.

Free text is UTF-8 and may hold names like Møller-Bisgaard and symbols like
≥ ± κ; control characters are refused. Text starting with ``TODO`` is a
placeholder (written by the importer): accepted with a warning and shown to
readers as "not yet written".

Building the models is most of what checking a record costs a fresh process, so this module keeps it
small: its annotations are evaluated as written (no ``from __future__ import annotations``, which would
make pydantic parse about 200 strings); each constrained type's schema is built once (``_BuiltOnce``);
and the parts are built as part of ``Study`` (``defer_build``), not each on its own as well.

Why one module over ~600 lines: it is one schema, the record's, declared in the order a record reads
(citation, question, design, arms, flow, results, effects and subgroups, appraisal, outcomes, conclusions;
each part just before what holds it); its classes are small and declarative (fields with the descriptions the
JSON Schema carries). Cut into files, reading one part of a record would mean following its types across them.
"""

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    StringConstraints,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import CoreSchema

from .numbers import Printed, printed

RECORD_VERSION = 2
PLACEHOLDER_PREFIX = "TODO"
NOT_REPORTED = "not reported"
NOT_IN_SOURCES = "not in sources"


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


def keep_printed(value: Any, handler: ValidatorFunctionWrapHandler) -> Printed:
    """Validate as a strict float, then keep (or give) the text it was written as."""
    checked = handler(value)
    if isinstance(value, Printed):
        return value
    return printed(value if isinstance(value, int) else checked)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return float(value) if isinstance(value, Printed) else value


def is_placeholder(value: object) -> bool:
    """True for importer placeholders such as ``TODO: write the bottom line``."""
    return isinstance(value, str) and value.lstrip().upper().startswith(PLACEHOLDER_PREFIX)


def empty_list() -> list[Any]:
    """The default of a list field. Not the built-in ``list``: pydantic reads a default factory's signature,
    and the built-in's is text to parse (about a quarter of a millisecond a field)."""
    return []


def _copied(schema: Any) -> Any:
    """A copy of a core schema's dicts and lists (its functions and classes shared): ``copy.deepcopy``
    less its bookkeeping, which a schema does not need."""
    if isinstance(schema, dict):
        return {key: _copied(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_copied(value) for value in schema]
    return schema


class _BuiltOnce:
    """Last in an ``Annotated``: pydantic builds the core schema of the type before it once, at its first
    field, and each field gets a copy (pydantic edits a field's schema in place). Every model here has
    ``Part``'s config, so one schema fits every field of the type."""

    def __init__(self) -> None:
        self._schema: CoreSchema | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        if self._schema is None:
            self._schema = handler(source)
        return _copied(self._schema)  # type: ignore[no-any-return]


Text = Annotated[str, StringConstraints(strict=True, max_length=5000), AfterValidator(_clean_text), _BuiltOnce()]
RequiredText = Annotated[Text, AfterValidator(_not_blank), _BuiltOnce()]
Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Missing = Literal["not reported", "not in sources"]
MAX_COUNT = 100_000_000   # more than any trial enrols; a larger count is a transcription error
Count = Annotated[Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)] | Missing | None, _BuiltOnce()]
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e12, le=1e12), WrapValidator(keep_printed),
                   _BuiltOnce()]
NonNegative = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1e12), WrapValidator(keep_printed),
                        _BuiltOnce()]
Percent = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100), WrapValidator(keep_printed),
                    _BuiltOnce()]
Probability = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1), WrapValidator(keep_printed),
                        _BuiltOnce()]
Flag = Annotated[bool, Field(strict=True)]
Url = Annotated[str, StringConstraints(strict=True, pattern=r"^https?://\S+$")]
Interval = tuple[Number, Number]
CiLevel = Annotated[float, Field(strict=True, gt=50, lt=100), WrapValidator(keep_printed)]
# A number-or-text field dumps its value as it is (Printed keeps its text; JSON gets plain numbers);
# pydantic's union serializer would warn that a Printed is not one of the union's exact types.
AsReported = PlainSerializer(lambda value, info: _plain(value) if info.mode_is_json() else value)
PValue = Annotated[Probability | RequiredText | None, AsReported]


def known(count: int | str | None) -> int | None:
    """A count as an int, or None when absent, "not reported" or "not in sources"."""
    return count if isinstance(count, int) and not isinstance(count, bool) else None


class Part(BaseModel):
    # Deferred: a part's schema is built inside its record's (Study), on its own only if ever used alone.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- the publication --------------------------------------------------------

class Citation(Part):
    """The published report. Without authors the reference starts with the title."""

    authors: list[RequiredText] = Field(default_factory=empty_list, max_length=60,
                                        description="As cited, e.g. Møller-Bisgaard S. May be empty.")
    et_al: Flag = Field(False, description="True when the author list is shortened (et al.).")
    group: Text | None = Field(None, description="Group author, e.g. the DAPA-HF Trial Committees and Investigators.")
    title: RequiredText | None = Field(None, description="Title of the article.")
    journal: RequiredText
    year: Annotated[int, Field(strict=True, ge=1800, le=2100)]
    volume: Text | None = None
    issue: Text | None = None
    pages: Text | None = Field(None, description="e.g. 461–472")
    published: Text | None = Field(None, description="e.g. Published online 29 August 2021.")
    doi: Annotated[str, StringConstraints(strict=True, pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, StringConstraints(strict=True, pattern=r"^\d{1,9}$")] | None = Field(
        None, description="PubMed id, in quotes.")
    pmcid: Annotated[str, StringConstraints(strict=True, pattern=r"^PMC\d+$")] | None = None
    url: Url | None = None


class RelatedPublication(Citation):
    """Another paper of the same study: a second primary report, a correction, the design paper."""

    relation: RequiredText = Field(description="e.g. Omega-3 primary report; Correction; Design paper.")


class Registration(Part):
    registry: RequiredText = Field(description="e.g. ClinicalTrials.gov")
    identifier: RequiredText = Field(description="e.g. NCT01656278")
    url: Url | None = None


# --- the question and the design ---------------------------------------------

class Question(Part):
    """The clinical question as PICO, and the setting."""

    population: RequiredText = Field(description="P: who the question is about.")
    eligibility: list[RequiredText] = Field(default_factory=empty_list, max_length=20)
    baseline: Text | None = Field(None, description="Who took part, e.g. mean age and sex.")
    intervention: RequiredText = Field(description="I: what was tested.")
    comparator: Text | None = Field(None, description="Absent for a single-group study.")
    outcomes: list[RequiredText] = Field(default_factory=empty_list, max_length=20,
                                         description="O: the outcomes, in words.")
    setting: Text | None = Field(None, description="Where, e.g. 9 hospitals in Denmark.")
    rationale: Text | None = Field(None, description="Why the question matters.")


Hypothesis = Literal["superiority", "non-inferiority", "equivalence"]
Population = Literal["intention-to-treat", "modified intention-to-treat", "per-protocol", "as-treated"]

MEASURES = ("risk difference", "risk ratio", "odds ratio", "hazard ratio", "rate ratio",
            "incidence rate difference", "mean difference", "standardized mean difference",
            "median difference", "win ratio")
RATIO_MEASURES = ("risk ratio", "odds ratio", "hazard ratio", "rate ratio", "win ratio")
RATIO_RANGE = (1e-6, 1e6)  # a ratio outside this is a transcription error, and would break log scales downstream
Measure = Literal["risk difference", "risk ratio", "odds ratio", "hazard ratio", "rate ratio",
                  "incidence rate difference", "mean difference", "standardized mean difference",
                  "median difference", "win ratio"]


class Margin(Part):
    """A non-inferiority or equivalence margin."""

    value: Number = Field(description="On the scale of `measure`, e.g. 1.46 for an upper CI bound of a risk ratio.")
    measure: Measure | None = Field(None, description="The scale of the margin; defaults to the effect's measure.")
    note: Text | None = Field(None, description="How the margin was set, or 'not reported'.")


class StoppedEarly(Part):
    reason: RequiredText = Field(description="e.g. Stopped for benefit at the second interim analysis.")
    when: Text | None = None


class Cluster(Part):
    """Cluster randomization: what was randomized."""

    unit: RequiredText = Field(description="e.g. village")
    number: Count = Field(None, description="Number of clusters randomized.")
    icc: Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1), WrapValidator(keep_printed)] | None = \
        Field(None, description="Intracluster correlation, when reported.")


class FactorGroup(Part):
    """One level of a factorial factor: the arms that received it."""

    id: Slug = Field(description="Id that results and effects use in place of an arm id, e.g. vitamin-d.")
    label: RequiredText
    short_label: RequiredText | None = None
    arms: list[Slug] = Field(
        default_factory=empty_list, max_length=6,
        description="The arms in this group; may be empty when the paper gives no per-arm split.")

    @property
    def short(self) -> str:
        return self.short_label or self.label


class Factor(Part):
    id: Slug
    label: RequiredText = Field(description="e.g. Vitamin D3 2000 IU/day vs placebo")
    groups: list[FactorGroup] = Field(min_length=2, max_length=4, description="The levels compared, active first.")


class Factorial(Part):
    """A factorial design: which factors, and which arms each level of each factor pools."""

    factors: list[Factor] = Field(min_length=2, max_length=3)
    interaction: Text | None = Field(
        None, description="The test of interaction between the factors, as reported, or 'not reported'.")


class Design(Part):
    type: Literal["parallel", "crossover", "cluster", "factorial", "single-group"]
    phase: Text | None = Field(None, description="e.g. 3")
    randomized: Flag = Field(True, description="False for a single-group or other non-randomized study.")
    allocation_ratio: Annotated[str, StringConstraints(strict=True, pattern=r"^[1-9]\d*(:[1-9]\d*)+$")] | None = \
        Field(None, description="e.g. \"2:1\" (quoted), in the order of `arms`.")
    masking: Text | None = Field(None, description="Who was blinded.")
    hypothesis: Hypothesis = Field("superiority", description="What the primary analysis set out to show.")
    margin: Margin | None = Field(
        None, description="The non-inferiority or equivalence margin of the primary analysis.")
    analysis_population: Population | None = Field(None, description="The primary analysis population.")
    estimand: Text | None = Field(None, description="e.g. treatment policy")
    centres: Annotated[int, Field(strict=True, ge=1, le=1_000_000)] | RequiredText | None = \
        Field(None, description="Number of centres, or text such as 'over 900'.")
    countries: list[RequiredText] = Field(default_factory=empty_list, max_length=200)
    enrolment_period: Text | None = None
    follow_up: Text | None = Field(None, description="Follow-up duration, e.g. median 18.2 months.")
    visit_schedule: Text | None = None
    co_interventions: list[RequiredText] = Field(
        default_factory=empty_list, max_length=12,
        description="What every arm received alike: background therapy, a treatment-escalation algorithm, counselling.")
    stopped_early: StoppedEarly | None = None
    cluster: Cluster | None = Field(None, description="For a cluster-randomized trial.")
    factorial: Factorial | None = Field(None, description="For a factorial trial.")


class Arm(Part):
    id: Slug = Field(description="Short id used to refer to the arm elsewhere, e.g. mri.")
    label: RequiredText = Field(description="Full arm name.")
    short_label: RequiredText | None = Field(None, description="For tables and figures; defaults to label.")
    role: Literal["intervention", "control", "other"] | None = None
    description: Text | None = Field(None, description="What the arm received.")
    target: Text | None = Field(None, description="Treatment target of a strategy arm.")
    randomized: Count = Field(None, description="Number randomized to this arm.")
    clusters: Count = Field(None, description="Clusters randomized to this arm.")

    @property
    def short(self) -> str:
        return self.short_label or self.label


# --- participant flow ----------------------------------------------------------

class Reason(Part):
    reason: RequiredText
    n: Count = None


class ArmFlow(Part):
    arm: Slug = Field(description="An arm id.")
    allocated: Count = None
    received: Count = None
    discontinued: Count = None
    discontinued_reasons: list[Reason] = Field(default_factory=empty_list, max_length=30)
    lost: Count = Field(None, description="Lost to follow-up.")
    lost_reasons: list[Reason] = Field(default_factory=empty_list, max_length=30)
    completed: Count = None
    analysed: Count = None


class Flow(Part):
    """Participant flow (CONSORT)."""

    assessed: Count = Field(None, description="Assessed for eligibility.")
    excluded: Count = Field(None, description="Excluded before randomization.")
    excluded_reasons: list[Reason] = Field(default_factory=empty_list, max_length=30)
    randomized: Count = None
    arms: list[ArmFlow] = Field(default_factory=empty_list, max_length=6)


# --- results -------------------------------------------------------------------

class Rate(Part):
    """Events per unit of person-time, as printed."""

    value: NonNegative
    unit: RequiredText = Field(
        description="Printed after the number: '% per year', 'per 1000 person-years', 'per 100 patient-years'.")


class PersonTime(Part):
    value: NonNegative
    unit: RequiredText = Field(description="e.g. patient-years")


class KaplanMeier(Part):
    """A cumulative incidence read off a Kaplan–Meier (or similar) curve."""

    percent: Percent
    at: RequiredText = Field(description="The time it is read at, e.g. 3 years.")


class ArmResult(Part):
    """One arm's (or factorial group's) result for an outcome, as reported.

    Binary: events, total, percent. Time-to-event: events, total, person_time,
    rate, kaplan_meier. Continuous: total, mean with sd/se/ci, median with iqr,
    and ``change`` when the values are changes from baseline.
    """

    arm: Slug = Field(description="An arm id, or a factorial group id.")
    events: Count = Field(None, description="Participants with the event.")
    total: Count = Field(None, description="Denominator (participants analysed).")
    percent: Annotated[Percent | Missing | None, AsReported] = Field(
        None, description="Percentage of participants, as reported.")
    person_time: PersonTime | None = None
    rate: Rate | None = None
    kaplan_meier: KaplanMeier | None = None
    mean: Annotated[Number | Missing | None, AsReported] = None
    sd: NonNegative | None = None
    se: NonNegative | None = None
    ci: Interval | None = Field(None, description="Confidence interval of the mean, [lower, upper].")
    median: Number | None = None
    iqr: Interval | None = Field(None, description="[Q1, Q3]")
    change: Flag = Field(False, description="True when mean/median are changes from baseline.")


class Effect(Part):
    """A between-group effect as the authors report it (one comparison, one analysis)."""

    compares: tuple[Slug, Slug] | None = Field(
        None,
        description="[arm, reference arm] (arm or factorial group ids); may be left out when the study has exactly "
                    "two arms.")
    measure: Measure
    label: Text | None = Field(
        None,
        description="Which analysis, when an outcome has several for one comparison, e.g. 'Trial-product estimand'.")
    estimate: Annotated[Number | Missing | None, AsReported] = None
    ci: Annotated[Interval | Missing | None, AsReported] = Field(None, description="[lower, upper]")
    ci_level: CiLevel = \
        Field(95, validate_default=True, description="Confidence level in percent.")
    unit: Text | None = Field(None, description="e.g. percentage points, kg")
    p: PValue = Field(None, description="P value, a number or text as printed such as '<0.001' or 'not reported'.")
    threshold: Probability | None = Field(
        None, description="The significance threshold this P is judged at (default 0.05), e.g. 0.0025.")
    significant: Flag | None = Field(None, description="Whether the authors call the effect statistically significant.")
    adjusted: Flag | None = Field(None, description="True when the estimate is adjusted for covariates.")
    adjusted_for: Text | None = Field(None, description="e.g. age")
    population: Population | None = Field(None, description="Analysis population of this effect.")
    hypothesis: Hypothesis | None = Field(
        None, description="Defaults to superiority (the design's hypothesis applies to the primary outcome).")
    margin: Margin | None = Field(
        None, description="Non-inferiority/equivalence margin; defaults to the design's for a primary outcome.")

    @property
    def is_ratio(self) -> bool:
        return self.measure in RATIO_MEASURES

    @property
    def null_value(self) -> float:
        return 1.0 if self.is_ratio else 0.0

    @property
    def estimate_value(self) -> Printed | None:
        return printed(self.estimate) if isinstance(self.estimate, float) else None

    @property
    def interval(self) -> tuple[Printed, Printed] | None:
        # The field is typed float (pydantic builds its schema from that); keep_printed makes each limit a Printed.
        return self.ci if isinstance(self.ci, tuple) else None  # type: ignore[return-value]


def rd_scale(effect: Effect) -> int:
    """What a risk difference of 1 (everyone vs no one) is on the record's scale: 1, 100 or 1000."""
    unit = (effect.unit or "").lower().replace(",", "").replace(" ", "")
    if "1000" in unit:
        return 1000
    if "point" in unit or "%" in unit or "percent" in unit:
        return 100
    values = [v for v in (effect.estimate_value, *(effect.interval or ())) if v is not None]
    return 1 if values and all(abs(v) <= 1 for v in values) else 100


class SubgroupLevel(Part):
    level: RequiredText = Field(description="e.g. ≥75 years")
    results: list[ArmResult] = Field(default_factory=empty_list, max_length=6)
    effects: list[Effect] = Field(default_factory=empty_list, max_length=6)


class Subgroup(Part):
    """One subgrouping variable of an outcome, with its levels and the test of interaction."""

    variable: RequiredText = Field(description="e.g. Age")
    interaction_p: PValue = Field(None, description="P for interaction, a number or as printed.")
    levels: list[SubgroupLevel] = Field(min_length=1, max_length=12)


Judgement = Literal["low", "some concerns", "high", "no information"]


class RobDomain(Part):
    judgement: Judgement
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


class GradeReason(Part):
    domain: Literal["risk of bias", "inconsistency", "indirectness", "imprecision", "publication bias",
                    "large effect", "dose-response", "plausible confounding"]
    levels: Annotated[int, Field(strict=True, ge=-2, le=2)] = Field(
        -1, description="-1 or -2 to downgrade, +1 or +2 to upgrade.")
    note: Text | None = None


class Certainty(Part):
    """GRADE certainty of the evidence for one outcome."""

    level: Literal["high", "moderate", "low", "very low"]
    reasons: list[GradeReason] = Field(default_factory=empty_list, max_length=8)
    note: Text | None = Field(None, description="Why, in a sentence, when the reasons need one.")
    assessed_by: Text | None = Field(
        None,
        description="Whose rating, when someone other than the record's appraiser (or the review's authors) made it.")


class Outcome(Part):
    id: Slug
    label: RequiredText
    primary: Flag = Field(False, description="True for a primary outcome.")
    timepoint: Text | None = Field(None, description="e.g. 24 months")
    kind: Literal["binary", "continuous", "time-to-event"]
    higher_is_better: Flag | None = Field(None, description="Direction of benefit, e.g. true for remission.")
    unit: Text | None = Field(None, description="Unit of a continuous outcome, e.g. kg or % of body weight.")
    component_of: Slug | None = Field(None, description="Id of the composite outcome this is a component of.")
    results: list[ArmResult] = Field(
        default_factory=empty_list, max_length=6, description="One entry per arm (or factorial group).")
    effects: list[Effect] = Field(
        default_factory=empty_list, max_length=12,
        description="Between-group effects as reported, one per comparison and analysis.")
    subgroups: list[Subgroup] = Field(default_factory=empty_list, max_length=20)
    risk_of_bias: RoB2 | None = Field(None, description="RoB 2 for this result, when it differs from the study's.")
    certainty: Certainty | None = Field(None, description="GRADE certainty for this outcome.")
    note: Text | None = None


class Harm(Outcome):
    """An adverse event, reported like any outcome (binary unless said otherwise)."""

    kind: Literal["binary", "continuous", "time-to-event"] = "binary"
    serious: Flag = Field(False, description="True for serious adverse events.")


class Appraisal(Part):
    assessed_by: Text | None = Field(None, description="Who made the appraisal, e.g. the record author.")
    rob2: RoB2 | None = Field(None, description="RoB 2 for the study's main results.")
    strengths: list[RequiredText] = Field(default_factory=empty_list, max_length=12)
    limitations: list[RequiredText] = Field(
        default_factory=empty_list, max_length=12,
        description="Limitations of the trial (not of the sources behind this record).")


class Conclusions(Part):
    bottom_line: RequiredText = Field(description="One plain-language sentence; may carry the key numbers.")
    key_messages: list[RequiredText] = Field(min_length=1, max_length=5)
    authors: Text | None = Field(None, description="The authors' conclusion.")
    open_questions: list[RequiredText] = Field(
        default_factory=empty_list, max_length=10, description="What the study leaves open.")


class DiscussionQuestion(Part):
    question: RequiredText
    answer: Text | None = Field(None, description="A suggested answer, for the presenter's notes.")


class Study(Part):
    """One clinical study record (version 2)."""

    model_config = ConfigDict(defer_build=False)    # built at import: every command that imports it checks a record

    record: Literal[2] = Field(description="The record format version: 2.")
    kind: Literal["trial"] = Field("trial", description="trial (a review record has kind: review).")
    id: Slug = Field(description="Lower-case letters, digits and hyphens; names the output folder.")
    acronym: Text | None = Field(None, description="Short name, e.g. IMAGINE-RA.")
    title: RequiredText = Field(description="What the study compared, in plain words.")
    citation: Citation | None = None
    related: list[RelatedPublication] = Field(
        default_factory=empty_list, max_length=10, description="Other papers of this study.")
    registrations: list[Registration] = Field(default_factory=empty_list, max_length=10)
    protocol: Text | None = Field(None, description="Citation of the published protocol.")
    funding: Text | None = Field(None, description="Who funded the study.")
    interests: Text | None = Field(None, description="Authors' declared interests.")
    sources: Text | None = Field(
        None,
        description="What this record was written from (e.g. the abstract and the registry entry); values missing "
                    "from these are 'not in sources'.")
    question: Question
    design: Design
    arms: list[Arm] = Field(min_length=1, max_length=6)
    flow: Flow | None = Field(None, description="Participant flow (CONSORT).")
    outcomes: list[Outcome] = Field(default_factory=empty_list, max_length=40)
    outcomes_note: Text | None = Field(None, description="Outcomes summarised rather than itemised.")
    harms: list[Harm] = Field(
        default_factory=empty_list, max_length=20, description="Adverse events, each reported like an outcome.")
    harms_note: Text | None = Field(None, description="Harms summarised rather than itemised.")
    appraisal: Appraisal | None = Field(None, description="Risk of bias, strengths, limitations.")
    conclusions: Conclusions
    discussion_questions: list[RequiredText | DiscussionQuestion] = Field(
        default_factory=empty_list, max_length=12,
        description="Questions for the journal club, each text or {question, answer}.")

    # Lookups used by every later stage.
    def arm(self, arm_id: str) -> Arm:
        return next(a for a in self.arms if a.id == arm_id)

    @property
    def factor_groups(self) -> list[FactorGroup]:
        if self.design.factorial is None:
            return []
        return [g for factor in self.design.factorial.factors for g in factor.groups]

    def group_label(self, group_id: str) -> str:
        """Short label of an arm or a factorial group."""
        for arm in self.arms:
            if arm.id == group_id:
                return arm.short
        for group in self.factor_groups:
            if group.id == group_id:
                return group.short
        raise KeyError(group_id)

    def comparison(self, effect: Effect) -> tuple[str, str]:
        """The (arm, reference) ids an effect compares; the first two arms when it does not say."""
        if effect.compares is not None:
            return effect.compares
        return (self.arms[0].id, self.arms[1].id)

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
    def registration(self) -> Registration | None:
        """The first registration (most records have one)."""
        return self.registrations[0] if self.registrations else None

    @property
    def name(self) -> str:
        """The short name readers know the study by."""
        return self.acronym or self.title


def record_schema(model: type[BaseModel], kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record ``model``; ``kind``: study or review."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://evidence-brief.invalid/schema/{kind}-record.schema.json"
    schema["title"] = f"evidence-brief {kind} record"
    return schema


def study_schema() -> dict[str, Any]:
    """The JSON Schema of a study record (draft 2020-12)."""
    return record_schema(Study, "study")
