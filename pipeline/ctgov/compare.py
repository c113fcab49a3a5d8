"""Compare a study record with its ClinicalTrials.gov registry entry.

In:  a valid ``Study`` and a ClinicalTrials.gov API v2 study (a path, or parsed JSON).
Out: a list of ``Difference`` (empty when they agree) on what a reader of the
     paper should check against the registry: that the entry is one of the
     record's ``registrations``, the number enrolled, the arms
     (how many, and their names), and the primary outcomes (names and time
     frames). A primary outcome of the record that the registry lists as
     secondary, or not at all, is a classic sign of outcome switching, and a
     registered primary outcome that the record reports as secondary is its
     mirror image; both are said politely, since a registered protocol change
     or different wording may explain them.

Outcome names are matched fuzzily: the text similarity (difflib) of the tidied
names, or the overlap of their content words (ignoring words such as
"percentage of participants" and time points), whichever is higher.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ImportSourceError, shown_name
from ..model import Study, known
from .groups import ArmKey, best_pairs, norm, strip_numbering
from .groups import score as group_score
from .source import items, parse_int, read_study, section, study_of

if TYPE_CHECKING:
    from .base import Json

OUTCOME_THRESHOLD = 0.6
ARM_THRESHOLD = 0.5
_STOP_WORDS = """a an and or the of in at to with without for from by on who whose as is are was were no not
percentage percent proportion number numbers participants participant subjects subject patients patient
change changes baseline mean score scores total overall rate rates time point points measured assessed using
week weeks month months year years day days visit end study during through up until over after"""
_STOP = set(_STOP_WORDS.split())
_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25, "hour": 1 / 24}
_DURATION = re.compile(r"(?i)(?:(\d+(?:\.\d+)?)\s*-?\s*)?\b(hour|day|week|month|year)s?\b(?:\s*(\d+(?:\.\d+)?))?")


@dataclass(frozen=True)
class Difference:
    """One disagreement between the record and the registry, as one line."""

    topic: str      # "enrolment", "arms", "primary outcome", "outcome switching?"
    message: str

    def __str__(self) -> str:
        return f"{self.topic}: {self.message}"


@dataclass(frozen=True)
class _Outcome:
    title: str
    time_frame: str


def compare_record(study: Study, json_path: str | Path) -> list[Difference]:
    """Differences between ``study`` and the registry entry in ``json_path``."""
    return compare_study(study, read_study(json_path), shown_name(json_path))


def compare_study(study: Study, data: Any, name: str = "<json>") -> list[Difference]:
    """Differences between ``study`` and the registry entry ``data``.

    Raises ``ImportSourceError`` when the entry is another study's (its NCT id is not the record's
    registration) or holds nothing to compare (see ``compared_topics``)."""
    data = study_of(data, name)
    if not compared_topics(data):
        raise ImportSourceError(f"{name}: the registry entry gives no enrolment, arms or outcomes; "
                                f"there is nothing to compare the record with")
    out: list[Difference] = _registration(study, data, name)
    out += _enrolment(study, data)
    out += _arms(study, data)
    out += _outcomes(study, data)
    return out


def compared_topics(data: Json) -> list[str]:
    """What the registry entry gives to compare with: "enrolment", "arms", "primary outcomes"."""
    info = section(data, "protocolSection", "designModule", "enrollmentInfo")
    topics: list[str] = []
    if parse_int(info.get("count")) is not None or _started(data, _registry_arms(data)) is not None:
        topics.append("enrolment")
    if _registry_arms(data):
        topics.append("arms")
    if any(_registry_outcomes(data)):
        topics.append("primary outcomes")
    return topics


# --- registration -----------------------------------------------------------

_NCT = re.compile(r"NCT\d{8}", re.I)


def _registration(study: Study, data: Json, name: str) -> list[Difference]:
    """The entry must be the record's own: an NCT id none of the record's registrations has is refused,
    a record without an NCT registration is told so."""
    nct = str(section(data, "protocolSection", "identificationModule").get("nctId") or "")
    registered = [r.identifier.strip() for r in study.registrations]
    ncts = [r for r in registered if _NCT.fullmatch(r)]
    if ncts and _NCT.fullmatch(nct) and nct.upper() not in (r.upper() for r in ncts):
        raise ImportSourceError(f"{name}: this registry entry is {nct}, but the record is registered as "
                                f"{', '.join(ncts)}; compare the record with its own entry")
    if not ncts:
        given = f"is registered as {', '.join(map(repr, registered))}, not a ClinicalTrials.gov id" if registered else \
            "gives no registration"
        return [Difference("registration", f"the record {given}, so nothing shows that {name} "
                                           f"({nct or 'no NCT id'}) is this study's entry; check that it is")]
    return []


# --- enrolment ------------------------------------------------------------

def _record_n(study: Study) -> int | None:
    if study.flow and known(study.flow.randomized) is not None:
        return known(study.flow.randomized)
    sizes = [n for a in study.arms if (n := known(a.randomized)) is not None]
    if sizes and len(sizes) == len(study.arms):
        return sum(sizes)
    if study.flow and study.flow.arms and len(study.flow.arms) == len(study.arms):
        allocated = [n for f in study.flow.arms if (n := known(f.allocated)) is not None]
        if len(allocated) == len(study.flow.arms):
            return sum(allocated)
    return None


def _registry_arms(data: Json) -> list[ArmKey]:
    """The registry's arms (arm groups; else the participant-flow groups), with the flow titles as other names."""
    p, r = data["protocolSection"], data.get("resultsSection") or {}
    arms = [ArmKey(str(i), [str(g.get("label"))], str(g.get("description") or ""))
            for i, g in enumerate(items(p, "armsInterventionsModule", "armGroups")) if g.get("label")]
    flow_groups = items(r, "participantFlowModule", "groups")
    if not arms:
        return [ArmKey(str(g.get("id")), [str(g.get("title"))], str(g.get("description") or ""))
                for g in flow_groups if g.get("title")]
    from .groups import assign
    for gid, index in assign(flow_groups, arms).items():
        title = next(str(g.get("title")) for g in flow_groups if g.get("id") == gid)
        arms[int(index)].names.append(title)
        arms[int(index)].id = f"{index}|{gid}"
    return arms


def _started(data: Json, arms: list[ArmKey]) -> int | None:
    periods = items(data.get("resultsSection") or {}, "participantFlowModule", "periods")
    if not periods:
        return None
    total = 0
    found = False
    for arm in arms:
        gid = arm.id.split("|", 1)[1] if "|" in arm.id else arm.id
        for m in items(periods[0], "milestones"):
            if str(m.get("type", "")).upper() == "STARTED":
                for a in items(m, "achievements"):
                    if a.get("groupId") == gid:
                        n = parse_int(a.get("numSubjects"))
                        if n is None:
                            return None
                        total += n
                        found = True
    return total if found else None


def _enrolment(study: Study, data: Json) -> list[Difference]:
    info = section(data, "protocolSection", "designModule", "enrollmentInfo")
    enrolled = parse_int(info.get("count"))
    kind = "anticipated" if str(info.get("type", "")).upper() == "ESTIMATED" else "actual"
    started = _started(data, _registry_arms(data))
    record_n = _record_n(study)
    if enrolled is None and started is None:
        return []
    registry = (f"an enrolment of {enrolled} ({kind})" if enrolled is not None else "no enrolment") + \
               (f" and {started} starting in the arms of its participant flow"
                if started is not None and started != enrolled else "")
    if record_n is None:
        return [Difference("enrolment", f"the record gives no number randomized; the registry gives {registry}")]
    if record_n in (enrolled, started):
        return []
    return [Difference("enrolment", f"the record has {record_n} randomized; the registry gives {registry}")]


# --- arms -----------------------------------------------------------------

def _arms(study: Study, data: Json) -> list[Difference]:
    registry = _registry_arms(data)
    if not registry:
        return []
    out: list[Difference] = []
    labels = [strip_numbering(a.names[0]) for a in registry]
    if len(registry) != len(study.arms):
        out.append(Difference("arms", f"the record has {len(study.arms)} arm{'s' if len(study.arms) != 1 else ''}, "
                                      f"the registry {len(registry)}: {'; '.join(labels)}"))
    pairs: list[tuple[float, int, int]] = []
    for i, arm in enumerate(study.arms):
        for j, reg in enumerate(registry):
            s = max(group_score(title, arm.description, reg) for title in filter(None, (arm.label, arm.short_label)))
            if s >= ARM_THRESHOLD:
                pairs.append((s, i, j))
    matched_record: dict[int, int] = best_pairs(pairs)
    matched_registry = set(matched_record.values())
    for i, arm in enumerate(study.arms):
        if i not in matched_record:
            close = difflib.get_close_matches(norm(arm.label), [norm(x) for x in labels], n=1, cutoff=0)
            hint = f" (closest: {labels[[norm(x) for x in labels].index(close[0])]!r})" if close else ""
            out.append(Difference("arms", f"the record's arm {arm.label!r} has no clear counterpart among the "
                                          f"registry's arms{hint}"))
    for j, label in enumerate(labels):
        if j not in matched_registry and len(registry) <= len(study.arms):
            out.append(Difference("arms", f"the registry's arm {label!r} has no clear counterpart in the record"))
    return out


# --- outcomes -------------------------------------------------------------

def _registry_outcomes(data: Json) -> tuple[list[_Outcome], list[_Outcome]]:
    p, r = data["protocolSection"], data.get("resultsSection") or {}
    primary: list[_Outcome] = []
    other: list[_Outcome] = []

    def add(target: list[_Outcome], title: Any, frame: Any) -> None:
        if not isinstance(title, str) or not title.strip():
            return
        if any(norm(o.title) == norm(title) for o in primary + other):
            return
        target.append(_Outcome(" ".join(title.split()), " ".join(str(frame or "").split())))

    for o in items(p, "outcomesModule", "primaryOutcomes"):
        add(primary, o.get("measure"), o.get("timeFrame"))
    for key in ("secondaryOutcomes", "otherOutcomes"):
        for o in items(p, "outcomesModule", key):
            add(other, o.get("measure"), o.get("timeFrame"))
    for o in items(r, "outcomeMeasuresModule", "outcomeMeasures"):
        add(primary if o.get("type") == "PRIMARY" else other, o.get("title"), o.get("timeFrame"))
    return primary, other


def _content(text: str) -> set[str]:
    words = re.sub(r"[^\w%+]+", " ", text.lower()).split()
    return {w for w in words if w not in _STOP and not re.fullmatch(r"\d+(\.\d+)?", w)}


def similarity(a: str, b: str) -> float:
    """How alike two outcome names are (0 to 1): text similarity or content-word overlap."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return 0.0
    ratio = difflib.SequenceMatcher(None, na, nb).ratio()
    ta, tb = _content(a), _content(b)
    if not ta or not tb:
        return ratio
    overlap = len(ta & tb) / min(len(ta), len(tb))
    jaccard = len(ta & tb) / len(ta | tb)
    return max(ratio, 0.5 * overlap + 0.5 * jaccard)


def _best(name: str, candidates: list[_Outcome]) -> tuple[float, _Outcome | None]:
    scored = [(similarity(name, c.title), c) for c in candidates]
    return max(scored, key=lambda x: x[0], default=(0.0, None))


def _days(text: str | None) -> float | None:
    """The longest duration named in a time frame ("Week 52", "24 months", "2 year/end of study")."""
    if not text:
        return None
    found = []
    for a, unit, b in _DURATION.findall(text):
        number = a or b
        if number:
            found.append(float(number) * _DAYS[unit.lower()])
    return max(found) if found else None


def _mentioned(title: str, note: str | None) -> bool:
    if not note:
        return False
    match = re.match(r"^(.{8,}?)\s+(at|to|through|during)\s+(.+)$", title)
    key = match.group(1) if match else title
    return norm(key) in norm(note)


def _outcomes(study: Study, data: Json) -> list[Difference]:
    primary, other = _registry_outcomes(data)
    if not primary and not other:
        return []
    out: list[Difference] = []
    matched: set[str] = set()
    for o in study.primary_outcomes:
        sp, p = _best(o.label, primary)
        so, s = _best(o.label, other)
        if p is not None and sp >= OUTCOME_THRESHOLD and sp >= so - 0.05:
            matched.add(p.title)
            ours, theirs = _days(o.timepoint), _days(p.time_frame)
            if ours is not None and theirs is not None and abs(ours - theirs) > 0.1 * max(ours, theirs):
                out.append(Difference("primary outcome", f"{o.label!r} is measured at {o.timepoint!r} in the record "
                                                         f"but at {p.time_frame!r} in the registry"))
        elif s is not None and so >= OUTCOME_THRESHOLD:
            out.append(Difference(
                "outcome switching?",
                f"the record's primary outcome {o.label!r} is listed in the registry as a secondary outcome "
                f"({s.title!r}). A primary outcome that the registry lists as secondary is a classic sign of "
                f"outcome switching; there may be a good reason (a registered protocol amendment, say), so it is "
                f"worth checking the protocol and whether the paper explains the change."))
        else:
            nearest = p or s
            closest = f" (closest registry outcome: {nearest.title!r})" if nearest else ""
            out.append(Difference(
                "outcome switching?",
                f"the record's primary outcome {o.label!r} is not among the registry's outcomes{closest}. A primary "
                f"outcome that was not registered may be a sign of outcome switching, or just different wording; "
                f"worth checking against the protocol."))
    secondary_labels = [o.label for o in study.secondary_outcomes]
    for p in primary:
        if p.title in matched or any(similarity(o.label, p.title) >= OUTCOME_THRESHOLD for o in study.primary_outcomes):
            continue
        demoted = max(((similarity(label, p.title), label) for label in secondary_labels), default=(0.0, ""))
        if demoted[0] >= OUTCOME_THRESHOLD:
            out.append(Difference(
                "outcome switching?",
                f"the registry's primary outcome {p.title!r} is reported as a secondary outcome in the record "
                f"({demoted[1]!r}). A registered primary outcome reported as secondary is a classic sign of "
                f"outcome switching; worth checking whether the paper explains it."))
        elif not _mentioned(p.title, study.outcomes_note):
            when = f" ({p.time_frame})" if p.time_frame else ""
            out.append(Difference("primary outcome", f"the registry's primary outcome {p.title!r}{when} is not among "
                                                     f"the record's outcomes; was it reported?"))
    return out
