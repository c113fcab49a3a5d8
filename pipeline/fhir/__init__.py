"""FHIR export: a v2 ``Study`` -> an HL7 FHIR R5 ``Bundle`` (EBMonFHIR resources), as JSON.

In:  a validated ``model.Study`` (version 2). Out: ``export_bundle`` gives the
     Bundle as plain data, ``bundle_json`` its JSON text with every number as
     the record printed it.

The Bundle (type collection) holds, in order: the ``Citation`` of the
report, one ``EvidenceVariable`` per arm, factorial group, outcome and harm,
the ``ResearchStudy``, one ``Evidence`` per reported effect and per arm's
result, and ``ArtifactAssessment``s for risk of bias and GRADE certainty.
Nothing is computed: every value is the record's. Only the model is read.
"""

from __future__ import annotations

from ..model import Study
from .assessment import add_assessments
from .bundle import Entries
from .citation import citation_resource
from .codes import Json
from .evidence import add_evidence
from .jsonout import dumps
from .study import add_variables, research_study


def export_bundle(study: Study) -> Json:
    entries = Entries(study.id)
    if study.citation:
        entries.add("Citation", "primary", citation_resource(study.citation, list(study.related)))
    add_variables(study, entries)
    entries.add("ResearchStudy", "study", research_study(study, entries))
    add_evidence(study, entries)
    add_assessments(study, entries)
    return entries.bundle()


def bundle_json(study: Study) -> str:
    return dumps(export_bundle(study))
