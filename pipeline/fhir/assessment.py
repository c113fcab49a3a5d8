"""Judgements -> R5 ``ArtifactAssessment``s: risk of bias (RoB 2) and GRADE certainty.

In:  a v2 ``Study`` and the ``Entries`` being built.
Out: ``ArtifactAssessment`` resources added to the Bundle:

- ``appraisal.rob2`` about the ResearchStudy, and an outcome's own
  ``risk_of_bias`` about that outcome's effect Evidence: content typed
  ``RiskOfBias`` (certainty-type) whose classifier is the overall judgement,
  with one component per RoB 2 domain (judgement as classifier text, the
  support as summary);
- an outcome's ``certainty`` about its effect Evidence (or its variable when it
  has no effect): content typed ``Overall`` with the certainty-rating code
  (high, moderate, low, very-low) and one component per GRADE reason
  (``RiskOfBias`` … with downcode1/2 or upcode1/2).
"""

from __future__ import annotations

from ..model import ROB2_DOMAINS, Certainty, Outcome, RoB2, RobDomain, Study
from .bundle import Entries
from .codes import (
    CERTAINTY_LEVEL,
    CERTAINTY_RATING,
    CERTAINTY_TYPE,
    GRADE_DOMAIN,
    GRADE_LEVELS,
    ROB_WORDS,
    Json,
    coding,
    concept,
)
from .evidence import effect_keys
from .study import outcome_key


def add_assessments(study: Study, entries: Entries) -> None:
    appraisal = study.appraisal
    if appraisal and appraisal.rob2 and appraisal.rob2.domains():
        entries.add("ArtifactAssessment", "rob2", {
            "title": f"Risk of bias (RoB 2) of {study.name}",
            "artifactReference": entries.ref("ResearchStudy", "study", study.title),
            "content": [_rob2(appraisal.rob2, appraisal.assessed_by)],
        })
    for harm, outcome in [(False, o) for o in study.outcomes] + [(True, h) for h in study.harms]:
        targets = _targets(study, outcome, harm, entries)
        if outcome.risk_of_bias and outcome.risk_of_bias.domains():
            entries.add("ArtifactAssessment", f"{outcome_key(outcome, harm)}/rob2", {
                "title": f"Risk of bias (RoB 2) of {outcome.label}",
                "artifactReference": targets[0],
                "content": [_rob2(outcome.risk_of_bias, appraisal.assessed_by if appraisal else None)],
            })
        if outcome.certainty:
            entries.add("ArtifactAssessment", f"{outcome_key(outcome, harm)}/certainty", {
                "title": f"Certainty of evidence (GRADE) for {outcome.label}",
                "artifactReference": targets[0],
                "content": [_certainty(outcome.certainty, appraisal.assessed_by if appraisal else None)],
            })


def _targets(study: Study, outcome: Outcome, harm: bool, entries: Entries) -> list[Json]:
    keys = effect_keys(study, outcome, harm)
    if keys:
        return [entries.ref("Evidence", key) for key in keys]
    return [entries.ref("EvidenceVariable", outcome_key(outcome, harm), outcome.label)]


def _author(name: str | None) -> Json:
    return {"author": {"display": name}} if name else {}


def _rob2(rob: RoB2, assessed_by: str | None) -> Json:
    content: Json = {"informationType": "rating",
                     "type": concept(coding(CERTAINTY_TYPE, "RiskOfBias", "Risk of bias"), text="RoB 2"),
                     **_author(assessed_by)}
    if rob.overall:
        content["classifier"] = [concept(text=ROB_WORDS[rob.overall.judgement])]
        content["summary"] = rob.overall.support
    content["component"] = [{"informationType": "rating", "type": concept(text=ROB2_DOMAINS[key]),
                             "classifier": [concept(text=ROB_WORDS[domain.judgement])], "summary": domain.support}
                            for key, domain in _domains(rob) if key != "overall"]
    return content


def _domains(rob: RoB2) -> list[tuple[str, RobDomain]]:
    return [(key, getattr(rob, key)) for key in ROB2_DOMAINS if getattr(rob, key)]


def _certainty(c: Certainty, assessed_by: str | None) -> Json:
    content: Json = {"informationType": "rating",
                     "type": concept(coding(CERTAINTY_TYPE, "Overall", "Overall certainty"), text="GRADE"),
                     "classifier": [concept(coding(CERTAINTY_RATING, *CERTAINTY_LEVEL[c.level]), text=c.level)],
                     **_author(c.assessed_by or assessed_by)}
    if c.note:
        content["summary"] = c.note
    if c.reasons:
        content["component"] = [{
            "informationType": "rating",
            "type": concept(coding(CERTAINTY_TYPE, *GRADE_DOMAIN[r.domain]), text=r.domain),
            "classifier": [concept(coding(CERTAINTY_RATING, *GRADE_LEVELS[r.levels]))] if r.levels in GRADE_LEVELS
            else [concept(text="no change")],
            **({"summary": r.note} if r.note else {}),
        } for r in c.reasons]
    return content
