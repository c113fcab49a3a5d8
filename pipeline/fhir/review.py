"""FHIR export of a review record: a v2 ``Review`` -> an R5 ``Bundle`` (EBMonFHIR resources).

In:  a validated ``review.model.Review``. Out: the Bundle as plain data.

The Bundle holds the review's ``Citation``, one ``EvidenceVariable`` for the
intervention, the control and each outcome, one ``Evidence`` per pooled result
(statistic type, estimate, CI with its level, P value, I² and τ² as attribute
estimates, number of studies and participants, common or random effects as the
synthesis type) and one ``ArtifactAssessment`` per outcome's GRADE certainty.
Each included study is a ``Citation`` (its label) that the pooled results are
composed of, with its risk-of-bias judgements as an ``ArtifactAssessment``.
Nothing is computed: every value is the record's.
"""

from __future__ import annotations

from ..model import known
from ..numbers import exact
from ..review.model import Pooled, Review, ReviewOutcome, RiskOfBias, RobJudgement
from .assessment import _certainty
from .bundle import Entries
from .citation import citation_resource
from .codes import CERTAINTY_TYPE, ROB_WORDS, Json, attribute_type, coding, concept, statistic_type, variable_role
from .evidence import p_value

_SYNTHESIS = {"common": "Fixed-effect model", "random": "Random-effects model"}


def export_review_bundle(review: Review) -> Json:
    entries = Entries(review.id)
    if review.citation:
        entries.add("Citation", "primary", citation_resource(review.citation, []))
    for study in review.studies:
        cited = entries.add("Citation", f"study/{study.id}", {"status": "active", "title": study.label})
        if study.rob and review.risk_of_bias:
            entries.add("ArtifactAssessment", f"study/{study.id}/rob", {
                "title": f"Risk of bias ({review.risk_of_bias.tool}) of {study.label}",
                "artifactReference": cited,
                "content": [_rob(review.risk_of_bias, study.rob)],
            })
    for side in ("intervention", "control"):
        name = getattr(review.arms, side)
        entries.add("EvidenceVariable", f"group/{side}", {"status": "active", "title": name, "actual": True})
    for outcome in review.outcomes:
        entries.add("EvidenceVariable", f"outcome/{outcome.id}",
                    {"status": "active", "title": outcome.label, "actual": True,
                     **({"description": f"At {outcome.timepoint}"} if outcome.timepoint else {})})
        for i, pooled in enumerate(outcome.pooled, 1):
            entries.add("Evidence", f"outcome/{outcome.id}/pooled-{i}", _evidence(review, outcome, pooled, entries))
        if outcome.certainty and outcome.pooled:
            entries.add("ArtifactAssessment", f"outcome/{outcome.id}/certainty", {
                "title": f"Certainty of evidence (GRADE) for {outcome.label}",
                "artifactReference": entries.ref("Evidence", f"outcome/{outcome.id}/pooled-1", outcome.label),
                "content": [_certainty(outcome.certainty, None)],
            })
    return entries.bundle()


def _rob(tool: RiskOfBias, judgements: list[RobJudgement]) -> Json:
    labels = {d.id: d.label for d in tool.domains}
    return {"informationType": "rating",
            "type": concept(coding(CERTAINTY_TYPE, "RiskOfBias", "Risk of bias"), text=tool.tool),
            "component": [{"informationType": "rating", "type": concept(text=labels.get(j.domain, j.domain)),
                           "classifier": [concept(text=ROB_WORDS[j.judgement])],
                           **({"summary": j.support} if j.support else {})} for j in judgements]}


def _text_estimate(name: str, value: float | int) -> Json:
    return {"type": concept(text=name), "quantity": {"value": exact(value)}}


def _evidence(review: Review, outcome: ReviewOutcome, pooled: Pooled, entries: Entries) -> Json:
    measure = pooled.measure or outcome.measure
    stat: Json = {"statisticType": statistic_type(measure), "quantity": {"value": exact(pooled.estimate)}}
    if outcome.unit:
        stat["quantity"]["unit"] = outcome.unit
    estimates = []
    if pooled.ci is not None:
        estimates.append({"type": attribute_type("confidence interval"), "level": exact(pooled.ci_level) / 100,
                          "range": {"low": {"value": exact(pooled.ci[0])}, "high": {"value": exact(pooled.ci[1])}}})
    p = p_value(pooled.p)
    if p is not None:
        estimates.append(p)
    for name, value in (("I-squared (%)", pooled.i2), ("tau-squared", pooled.tau2)):
        if isinstance(value, (int, float)):
            estimates.append(_text_estimate(name, value))
    if estimates:
        stat["attributeEstimate"] = estimates
    studies = known(pooled.studies) if pooled.studies is not None else len(outcome.studies) or None
    participants = known(pooled.participants) if pooled.participants is not None else known(outcome.participants)
    size: Json = {}
    if studies:
        size["numberOfStudies"] = studies
    if participants is not None:
        size["numberOfParticipants"] = participants
    if size:
        stat["sampleSize"] = size
    model = [{"code": concept(text=f"{pooled.method} weighting")}]
    if pooled.hartung_knapp:
        model.append({"code": concept(text="Hartung-Knapp adjustment")})
    stat["modelCharacteristic"] = model
    title = f"{outcome.label}: {review.arms.intervention} vs {review.arms.control}" + \
        (f" ({pooled.label})" if pooled.label else "")
    related = [{"type": "cite-as", "resourceReference": entries.ref("Citation", "primary", review.citation.title)}] \
        if review.citation else []
    labels = {s.id: s.label for s in review.studies}
    related += [{"type": "composed-of",
                 "resourceReference": entries.ref("Citation", f"study/{r.study}", labels[r.study])}
                for r in outcome.studies if r.study in labels]
    return {
        "status": "active", "title": title,
        "variableDefinition": [
            {"variableRole": variable_role("population"), "description": review.question.population},
            {"variableRole": variable_role("exposure"),
             "observed": entries.ref("EvidenceVariable", "group/intervention", review.arms.intervention)},
            {"variableRole": variable_role("referenceExposure"),
             "observed": entries.ref("EvidenceVariable", "group/control", review.arms.control)},
            {"variableRole": variable_role("measuredVariable"),
             "observed": entries.ref("EvidenceVariable", f"outcome/{outcome.id}", outcome.label)}],
        "synthesisType": concept(text=_SYNTHESIS[pooled.model]),
        "studyDesign": [concept(text=review.review_type)],
        "statistic": [stat],
        **({"relatedArtifact": related} if related else {}),
    }
