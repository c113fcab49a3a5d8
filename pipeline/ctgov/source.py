"""Read a ClinicalTrials.gov API v2 study and tidy its values.

In:  a path (or already-parsed JSON).
Out: the study as a dict (``protocolSection``, ``resultsSection``, ...), or
     ``ImportSourceError`` with one line saying what is wrong with the file.

Also the small parsers the importer and the comparison share: the registry's
numbers are strings ("158", "47.2", "NA"), its text is Markdown-ish with
backslash escapes (``\\>=``), and its dates are "2015-09" or "2019-09-13".
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import ImportSourceError, shown_name
from ..inputfile import NotReadable, looks_like_utf16, read_limited
from ..numbers import Printed

MAX_BYTES = 16 * 1024 * 1024   # the largest registry entries with results are a few MB; bounds memory
MAX_TEXT = 5000


def read_study(path: str | Path) -> dict[str, Any]:
    """The study in ``path`` (a v2 study, or a v2 search response holding exactly one)."""
    name = shown_name(path)
    try:
        raw = read_limited(path, MAX_BYTES, "ClinicalTrials.gov study (.json)")
    except NotReadable as exc:
        raise ImportSourceError(f"{name}: {exc}") from None
    if looks_like_utf16(raw):
        raise ImportSourceError(f"{name}: not JSON: the file is not UTF-8, it looks like UTF-16; save it as UTF-8 "
                                f"(ClinicalTrials.gov's own downloads are UTF-8)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportSourceError(f"{name}: not JSON: the file is not UTF-8 text (byte 0x{raw[exc.start]:02X} "
                                f"at offset {exc.start}); expected a ClinicalTrials.gov API v2 study (.json)") from None
    if not text.strip():
        raise ImportSourceError(f"{name}: the file is empty; expected a ClinicalTrials.gov API v2 study (.json)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportSourceError(f"{name}: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
                                f"expected a ClinicalTrials.gov API v2 study (.json)") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov study: it holds a number with thousands "
                                f"of digits") from None
    except RecursionError:
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov study: the JSON is nested too deeply") from None
    return study_of(data, name)


def study_of(data: Any, name: str) -> dict[str, Any]:
    """Check the shape of parsed JSON; return the one study it holds."""
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        studies = data["studies"]
        if len(studies) != 1:
            raise ImportSourceError(f"{name}: the file holds {len(studies)} studies; import one study at a time")
        data = studies[0]
    if isinstance(data, dict) and ("FullStudiesResponse" in data or "FullStudy" in data
                                   or "ProtocolSection" in data
                                   or ("Study" in data and isinstance(data["Study"], dict))):
        raise ImportSourceError(f"{name}: this is the retired ClinicalTrials.gov API v1 format; download the study "
                                f"in the v2 format (https://clinicaltrials.gov/api/v2/studies/NCT...)")
    if not isinstance(data, dict):
        kinds = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false"}
        kind = kinds.get(type(data), "null")
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov API v2 study: the JSON is {kind}, "
                                f"not an object with a protocolSection")
    protocol = data.get("protocolSection")
    if "protocolSection" in data and not isinstance(protocol, dict):
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov API v2 study: protocolSection is not an object")
    if not isinstance(protocol, dict):
        keys = ", ".join(list(map(str, data))[:5]) or "none"
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov API v2 study: no protocolSection "
                                f"(top-level keys: {keys})")
    ident = protocol.get("identificationModule")
    nct = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct, str) or not re.fullmatch(r"NCT\d{8}", nct.strip()):
        raise ImportSourceError(f"{name}: not a ClinicalTrials.gov API v2 study: "
                                f"protocolSection.identificationModule.nctId is missing or not an NCT number")
    for key in ("resultsSection",):
        if key in data and not isinstance(data[key], dict):
            raise ImportSourceError(f"{name}: not a ClinicalTrials.gov API v2 study: {key} is not an object")
    return data


# --- small accessors ------------------------------------------------------

def get(obj: Any, *keys: str | int, default: Any = None) -> Any:
    """``get(study, "protocolSection", "designModule", "phases")`` without KeyErrors."""
    for key in keys:
        if isinstance(obj, dict) and isinstance(key, str):
            obj = obj.get(key)
        elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
            obj = obj[key]
        else:
            return default
        if obj is None:
            return default
    return obj


def section(obj: Any, *keys: str) -> dict[str, Any]:
    """The mapping at ``keys``, or {} when it is absent or not a mapping."""
    value = get(obj, *keys)
    return value if isinstance(value, dict) else {}


def word(obj: Any, *keys: str) -> str:
    """The text at ``keys``, or "" when it is absent or not text."""
    value = get(obj, *keys)
    return value if isinstance(value, str) else ""


def key_of(value: Any) -> str | None:
    """A group id usable as a dict key (the registry's ids are text)."""
    return value if isinstance(value, str) else None


def items(obj: Any, *keys: str) -> list[dict[str, Any]]:
    """A list of mappings at ``keys`` (non-mappings dropped), or []."""
    value = get(obj, *keys, default=[])
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --- numbers --------------------------------------------------------------

MAX_NUMBER = 1e12   # the model's bound on any number
_INT = re.compile(r"^[+]?\d{1,3}(,\d{3})*$|^[+]?\d+$")
_FLOAT = re.compile(r"^[-+−]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def parse_int(value: Any) -> int | None:
    """``"158"`` -> 158; ``"NA"``, ``"1.5"``, ``""`` -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value.strip().replace(",", "").lstrip("+"))
    return None


def parse_float(value: Any) -> float | None:
    """``"-1.696"`` -> -1.696 (a ``Printed`` that keeps the registry's text, so ``"0.60"`` stays
    ``0.60``); ``"NA"``, ``"<0.001"``, ``"inf"`` and numbers beyond ±10^12 -> None."""
    if isinstance(value, bool):
        return None
    text = None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str) and _FLOAT.match(value.strip()):
        text = value.strip().replace("−", "-")
        number = float(text)
    else:
        return None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    if text is not None:
        return Printed(number, text)
    return int(number) + 0.0 if number.is_integer() else number


def parse_p(value: Any) -> float | str | None:
    """A P value: a number in [0, 1], text such as ``<0.001``, or None when unusable."""
    if value is None:
        return None
    text = str(value).strip().replace(" ", "").replace("≤", "<=").replace("≥", ">=")
    text = text.removeprefix("p").removeprefix("P")
    if text.startswith("="):
        text = text[1:]
    number = parse_float(text)
    if number is not None:
        return number if 0 <= number <= 1 else None
    match = re.fullmatch(r"(<=|>=|<|>)(\d*\.?\d+(?:[eE][-+]?\d+)?)", text)
    if match and 0 <= float(match.group(2)) <= 1:
        sign = {"<=": "≤", ">=": "≥"}.get(match.group(1), match.group(1))
        return f"{sign}{match.group(2)}"
    return None


def number_text(value: float) -> str:
    """A float as short text (for comments): 15.231, -1.7, 12."""
    return f"{value:.10g}"


# --- dates ----------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def date_text(value: Any) -> str | None:
    """``2015-09`` -> ``September 2015``; ``2019-09-13`` -> ``13 September 2019``; else as given."""
    if not isinstance(value, str) or not value.strip():
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        return value.strip()
    month = _MONTHS[int(match.group(2)) - 1]
    day = f"{int(match.group(3))} " if match.group(3) else ""
    return f"{day}{month} {match.group(1)}"


# --- text -----------------------------------------------------------------

_SPACES = {"\u00a0", "\u2000", "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007",
           "\u2008", "\u2009", "\u200a", "\u202f", "\u205f", "\u3000", "\u1680"}
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"}
_SUBSTITUTES = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "–", "\u2014": "—", "\u2015": "—", "\u2212": "−",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2032": "'", "\u2033": '"',
    "\u2026": "...", "\u2022": "*",
}


class TextCleaner:
    """Tidies registry text so it validates and prints; remembers what it had to replace."""

    def __init__(self) -> None:
        self.replaced: dict[str, str] = {}
        self.truncated = 0
        self._missing: Callable[[str], list[str]] | None = None

    def _missing_glyphs(self, text: str) -> list[str]:
        if self._missing is None:
            from ..glyphs import missing_glyphs
            self._missing = missing_glyphs
        return self._missing(text)

    def __call__(self, value: Any, *, multiline: bool = False, limit: int = MAX_TEXT) -> str | None:
        """Clean text; None for nothing left. ``multiline`` keeps line breaks (bullets)."""
        if value is None or isinstance(value, (bool, dict, list)):
            return None
        text = unescape(str(value))
        text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
        chars = []
        for ch in text:
            if ch == "\n":
                chars.append("\n" if multiline else " ")
            elif ch == "\t" or ch in _SPACES:
                chars.append(" ")
            elif ch in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"):
                continue
            else:
                chars.append(ch)
        text = "".join(chars)
        for ch in self._missing_glyphs(text):
            substitute = _SUBSTITUTES.get(ch)
            if substitute is None or self._missing_glyphs(substitute):
                folded = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
                substitute = folded if folded and not self._missing_glyphs(folded) else "?"
            self.replaced[ch] = substitute
            text = text.replace(ch, substitute)
        if multiline:
            lines = [re.sub(r"(?<=\S) {2,}", " ", line.rstrip()) for line in text.split("\n")]
            text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
            if text and text[0] == " ":
                text = text.lstrip(" ")
        else:
            text = " ".join(text.split())
        if not text.strip():
            return None
        if len(text) > limit:
            self.truncated += limit >= MAX_TEXT
            cut = text[: limit - 2].rsplit(" ", 1)[0]
            text = cut.rstrip() + " …"
        return text


def unescape(text: str) -> str:
    """Undo the registry's Markdown escapes: ``\\>=`` -> ``≥``, ``\\[`` -> ``[``."""
    text = re.sub(r"\\?>\s?=", "≥", text) if "\\>=" in text or "\\> =" in text else text
    text = re.sub(r"\\?<\s?=", "≤", text) if "\\<=" in text or "\\< =" in text else text
    text = text.replace(">=", "≥").replace("<=", "≤")
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|~=^&%$@'\"])", r"\1", text)
