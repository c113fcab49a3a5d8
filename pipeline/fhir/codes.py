"""The code systems the export uses, and the record's words mapped onto them.

In:  nothing. Out: ``coding``/``concept`` helpers and the mappings: effect
     measures and per-arm statistics to statistic types, attribute-estimate
     types, variable roles, GRADE certainty and its domains, RoB 2 judgements.

Statistic types carry two codings where both exist: the R5 core code system
(``terminology.hl7.org/CodeSystem/statistic-type``, the binding of
``Evidence.statistic.statisticType``) and the STATO term in SEVCO, which the
HL7 EBMonFHIR implementation guide's examples use. A measure neither names
(win ratio, incidence rate difference) is sent as text.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]
"""A FHIR resource or element, as the JSON object it is written as."""

STATISTIC_TYPE = "http://terminology.hl7.org/CodeSystem/statistic-type"
SEVCO = "https://fevir.net/sevco"
ATTRIBUTE_ESTIMATE = "http://terminology.hl7.org/CodeSystem/attribute-estimate-type"
VARIABLE_ROLE = "http://hl7.org/fhir/variable-role"
CERTAINTY_TYPE = "http://terminology.hl7.org/CodeSystem/certainty-type"
CERTAINTY_RATING = "http://terminology.hl7.org/CodeSystem/certainty-rating"
TITLE_TYPE = "http://terminology.hl7.org/CodeSystem/title-type"
ARM_TYPE = "http://terminology.hl7.org/CodeSystem/research-study-arm-type"
PHASE = "http://terminology.hl7.org/CodeSystem/research-study-phase"
UCUM = "http://unitsofmeasure.org"
DOI = "https://doi.org"
PUBMED = "https://pubmed.ncbi.nlm.nih.gov"
PMC = "https://www.ncbi.nlm.nih.gov/pmc"
CLINICALTRIALS = "https://clinicaltrials.gov"


def coding(system: str, code: str, display: str | None = None) -> Json:
    """A Coding; ``display`` only where the code system's own display is known."""
    return {"system": system, "code": code, **({"display": display} if display else {})}


def concept(*codings: Json, text: str | None = None) -> Json:
    out: Json = {}
    if codings:
        out["coding"] = list(codings)
    if text:
        out["text"] = text
    return out


# measure or per-arm statistic -> (R5 core code, display), (STATO code, display)
_STATISTICS = {
    "risk difference": (("0000424", "Risk Difference"), ("STATO:0000424", "risk difference")),
    "risk ratio": (("C93152", "Relative Risk"), ("STATO:0000245", "risk ratio")),
    "odds ratio": (("C16932", "Odds Ratio"), ("STATO:0000182", "odds ratio")),
    "hazard ratio": (("C93150", "Hazard Ratio"), ("STATO:0000677", "hazard ratio")),
    "rate ratio": (("rate-ratio", "Incidence Rate Ratio"), None),
    "mean difference": (("0000457", "Mean Difference"), ("STATO:0000457", "difference in means")),
    "standardized mean difference": (("0000100", "Standardized Mean Difference"),
                                     ("STATO:0000100", "standardized mean difference")),
    "median difference": (("absolute-MedianDiff", "Absolute Median Difference"), None),
    "incidence rate difference": (None, None),
    "win ratio": (None, None),
    "percentage": (None, ("STATO:0000639", "percentage")),
    "count": (("C25463", "Count"), ("STATO:0000047", "count")),
    "mean": (("C53319", "Mean"), ("STATO:0000573", "mean")),
    "median": (("C28007", "Median"), ("STATO:0000574", "median")),
    "incidence rate": (("C16726", "Incidence"), None),
}


def statistic_type(name: str) -> Json:
    """``hazard ratio`` -> a CodeableConcept with the codings that exist and the record's word as text."""
    core, stato = _STATISTICS[name]
    codings = ([coding(STATISTIC_TYPE, *core)] if core else []) + ([coding(SEVCO, *stato)] if stato else [])
    return concept(*codings, text=name)


_ATTRIBUTES = {
    "confidence interval": ("C53324", "Confidence interval"),
    "p-value": ("C44185", "P-value"),
    "standard deviation": ("C53322", "Standard deviation"),
    "standard error": ("0000037", "Standard error of the mean"),
    "interquartile range": ("C53245", "Interquartile range"),
}


def attribute_type(name: str) -> Json:
    return concept(coding(ATTRIBUTE_ESTIMATE, *_ATTRIBUTES[name]), text=name)


def variable_role(code: str) -> Json:
    """population, subpopulation, exposure, referenceExposure, measuredVariable or confounder."""
    return concept(coding(VARIABLE_ROLE, code))


CERTAINTY_LEVEL = {"high": ("high", "High quality"), "moderate": ("moderate", "Moderate quality"),
                   "low": ("low", "Low quality"), "very low": ("very-low", "Very low quality")}
GRADE_DOMAIN = {"risk of bias": ("RiskOfBias", "Risk of bias"), "inconsistency": ("Inconsistency", "Inconsistency"),
                "indirectness": ("Indirectness", "Indirectness"), "imprecision": ("Imprecision", "Imprecision"),
                "publication bias": ("PublicationBias", "Publication bias"),
                "large effect": ("LargeEffect", "Large effect"),
                "dose-response": ("DoseResponseGradient", "Dose response gradient"),
                "plausible confounding": ("PlausibleConfounding", "Plausible confounding")}
GRADE_LEVELS = {-2: ("downcode2",), -1: ("downcode1",), 1: ("upcode1",), 2: ("upcode2",)}
ROB_WORDS = {"low": "Low risk of bias", "some concerns": "Some concerns", "high": "High risk of bias",
             "no information": "No information"}

ARM_ROLE = {"intervention": ("experimental",), "other": ("other-arm-type",)}
_PHASES = {"1": ("phase-1", "Phase 1"), "2": ("phase-2", "Phase 2"), "3": ("phase-3", "Phase 3"),
           "4": ("phase-4", "Phase 4"), "1/2": ("phase-1-phase-2", "Phase 1/Phase 2"),
           "2/3": ("phase-2-phase-3", "Phase 2/Phase 3"), "early 1": ("early-phase-1", "Early Phase 1"),
           "n/a": ("n-a", "N/A")}


def phase(text: str) -> Json:
    """``3`` or ``Phase 2/3`` -> the research-study-phase code where one fits; the text always."""
    key = " ".join(text.lower().replace("phase", "").replace("–", "/").replace("-", "/").split())
    key = key.replace(" / ", "/").replace("/ ", "/").replace(" /", "/")
    return concept(coding(PHASE, *_PHASES[key]), text=text) if key in _PHASES else concept(text=text)
