"""A new record to fill in: every required field present, the text still to write marked TODO.

In:  a record id and, optionally, the record's ``citation`` (a ``Node`` from
     ``citations.fields``) with a line saying where it came from.
Out: YAML text with comments that validates and builds at once (placeholders
     show as "not yet written"); ``UsageError`` for an id that cannot name a record.

Comments in the text show the shape of the parts a first draft leaves out
(registration, flow, outcomes with results and an effect, harms, risk of bias).
"""

from __future__ import annotations

import re

from .ctgov.importer import (
    SCHEMA_COMMENT,
    TODO_ASSESSED_BY,
    TODO_BOTTOM_LINE,
    TODO_KEY_MESSAGE,
    TODO_LIMITATION,
    TODO_STRENGTH,
)
from .ctgov.yamlout import Node, dump
from .errors import RecordError, UsageError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

_OUTCOME_EXAMPLE = """\
outcomes:
  - id: primary-outcome
    label: What was measured, e.g. remission at 24 months
    primary: true
    timepoint: 24 months
    kind: binary                    # binary, continuous or time-to-event
    higher_is_better: true
    results:                        # one entry per arm, as reported
      - {arm: intervention, events: …, total: …, percent: …}
      - {arm: control, events: …, total: …, percent: …}
    effect: {measure: risk ratio, estimate: …, ci: […, …], p: …}"""

_FLOW_EXAMPLE = """\
registration: {registry: ClinicalTrials.gov, identifier: NCT…}
flow:                   # CONSORT; a count not given: `not reported`
  assessed: …
  randomized: …
  arms:
    - {arm: intervention, allocated: …, completed: …, analysed: …}
    - {arm: control, allocated: …, completed: …, analysed: …}"""


def skeleton(record_id: str, citation: Node | None = None, origin: str | None = None) -> str:
    """The YAML text of a new record named ``record_id``."""
    if not _SLUG.match(record_id):
        raise UsageError(f"{record_id!r} cannot name a record: use lower-case letters, digits and hyphens "
                         "(e.g. imagine-ra), at most 63")
    rec = Node(id=record_id, title="TODO: what the study compared, in plain words")
    if citation is not None:
        rec["citation"] = citation
        if origin:
            rec.note("citation", origin)
    rec.note("question", "PICO. A full record also has: (remove the leading '# ' to use)")
    for line in _FLOW_EXAMPLE.splitlines():
        rec.note("question", f"  {line}")
    rec["question"] = Node(population="TODO: who the question is about",
                           intervention="TODO: what was tested",
                           comparator="TODO: what it was compared with",
                           outcomes=["TODO: the outcomes, in words"])
    design = Node(type="parallel", randomized=True)
    design.note("type", "parallel, crossover, cluster, factorial, non-inferiority or single-group")
    rec["design"] = design
    arms = [Node(id="intervention", label="TODO: the intervention arm", role="intervention"),
            Node(id="control", label="TODO: the control arm", role="control")]
    arms[0].note("", "Arm ids are short names used in flow, results and effects.")
    rec["arms"] = arms
    appraisal = Node(assessed_by=TODO_ASSESSED_BY, strengths=[TODO_STRENGTH], limitations=[TODO_LIMITATION])
    appraisal.note("strengths", "TODO: add rob2 (randomization, deviations, missing_data, measurement, selection,")
    appraisal.note("strengths", "  overall), each with a judgement and its support, and a GRADE certainty")
    rec.note("appraisal", "The results, one entry per outcome, e.g.:")
    for line in _OUTCOME_EXAMPLE.splitlines():
        rec.note("appraisal", f"  {line}")
    rec["appraisal"] = appraisal
    rec["conclusions"] = Node(bottom_line=TODO_BOTTOM_LINE, key_messages=[TODO_KEY_MESSAGE])
    header = [SCHEMA_COMMENT, "",
              "Write every place marked TODO; until then it shows as \"not yet written\".",
              "Never guess a number: what the paper does not give is left out or `not reported`.",
              "Field reference: README.md; check with `evidence-brief validate` (or watch it build:",
              "`evidence-brief watch` on this file)."]
    text = dump(rec, header, blank_before={"citation", "question", "design", "arms", "appraisal", "conclusions"})
    _check(text, record_id)
    return text


def _check(text: str, record_id: str) -> None:
    from .loader import load_bytes
    from .validate import check_source

    try:
        check_source(load_bytes(text.encode("utf-8"), f"{record_id}.yaml"))
    except RecordError as exc:
        first = exc.problems[0] if exc.problems else exc
        raise AssertionError(f"the new record does not validate ({first})") from None
