"""What a reader sees in a built brief and deck, and whether a record's numbers are there.

In:  the bytes of ``brief.pdf`` and ``deck.pptx``; the printed texts of a record's numbers.
Out: ``brief_text`` (pypdf), ``deck_text`` (python-pptx: every paragraph on every slide,
     in shapes, groups and tables; not the speaker notes), ``page_count``, and
     ``missing_numbers``: the fields whose printed number appears nowhere in the given text.

A number is found when it stands on its own (``1.5`` is not found in ``11.5`` or
``1.55``) with its sign (``-4.8`` matches ``-4.8`` or ``−4.8``) and its decimals as
printed (``14.0`` is not found as ``14``); a count may carry thousands separators
(``18113`` matches ``18,113``).
"""

from __future__ import annotations

import io
import re

import pypdf
from pptx import Presentation

A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SEPARATOR = "[,\u2009\u202f\u00a0 ]?"


def brief_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def deck_text(pptx: bytes) -> str:
    prs = Presentation(io.BytesIO(pptx))
    lines = []
    for slide in prs.slides:
        for paragraph in slide.shapes._spTree.iter(f"{A_NS}p"):
            lines.append("".join(t.text or "" for t in paragraph.iter(f"{A_NS}t")))
    return "\n".join(lines)


def number_pattern(text: str) -> re.Pattern[str]:
    """A regex finding the number printed as ``text`` on its own, sign and decimals included."""
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(whole) > 3:
        head = len(whole) % 3 or 3
        groups = [whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)]
        whole_pattern = _SEPARATOR.join(groups)
    else:
        whole_pattern = whole
    body = whole_pattern + (r"\." + fraction if fraction else "")
    sign = "[-\u2212]" if negative else r"(?<![-\u2212])"
    return re.compile(r"(?<![\d.])(?<!\d,)" + sign + body + r"(?!\d)(?![.,]\d)")


def missing_numbers(numbers: dict[str, str], text: str) -> dict[str, str]:
    """The {field: printed number} of ``numbers`` whose number is not found in ``text``."""
    text = text.replace("\u00ad", "")
    return {field: number for field, number in numbers.items() if not number_pattern(number).search(text)}
