"""The field reference of a study record and of a review record, as Markdown, generated from the models.

In:  the ``Study`` and ``Review`` models. Out: a Markdown table each (one row per field path) that
README.md carries between the markers below; ``make docs`` refreshes them and a test fails when
one is stale.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import Study

START = "<!-- field-reference:start -->"
END = "<!-- field-reference:end -->"
REVIEW_START = "<!-- review-field-reference:start -->"
REVIEW_END = "<!-- review-field-reference:end -->"


def _type_name(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names, model = [], None
        for arg in args:
            if arg is type(None):
                continue
            name, inner = _type_name(arg)
            names.append(name)
            model = model or inner
        return " or ".join(dict.fromkeys(names)), model
    if origin is typing.Literal:
        return " / ".join(f"`{a}`" for a in args), None
    if origin is list:
        name, model = _type_name(args[0])
        return f"list of {name}", model
    if origin is tuple:
        name, model = _type_name(args[0])
        return f"[{name}, {name}]", model
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping", annotation
    simple = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    return simple.get(annotation, str(annotation)), None


def rows(model: type[BaseModel] = Study, prefix: str = "",
         seen: dict[type[BaseModel], str] | None = None) -> list[tuple[str, str, str, str]]:
    """One row per field path; a part met before (a margin, RoB 2, results) points to where it was listed."""
    seen = {} if seen is None else seen
    out = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        kind, inner = _type_name(info.annotation)
        kind = kind.replace("whole number or `not reported` / `not in sources`",
                            "count, `not reported` or `not in sources`")
        kind = kind.replace(" or `not reported` / `not in sources`", ", `not reported` or `not in sources`")
        required = "yes" if info.is_required() else ""
        meaning = (info.description or "").replace("|", "\\|")
        sub = f"{path}[]." if kind.startswith("list") else f"{path}."
        if inner is not None and inner in seen:
            meaning = (meaning + " " if meaning else "") + f"Fields as in `{seen[inner]}`."
        out.append((path, kind, required, meaning))
        if inner is not None and inner not in seen:
            seen[inner] = sub.rstrip(".")
            out.extend(rows(inner, sub, seen))
    return out


def markdown(model: type[BaseModel] = Study) -> str:
    lines = ["| field | type | required | meaning |", "|---|---|---|---|"]
    lines += [f"| `{p}` | {k} | {r} | {d} |" for p, k, r, d in rows(model)]
    return "\n".join(lines) + "\n"


def _always(text: str) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that inserts ``text`` as it is (backslashes included)."""
    return lambda _: text


def refresh_readme(readme: Path) -> bool:
    """Rewrite the reference sections of ``readme`` (study, then review records); True when one changed."""
    from .review.model import Review

    text = readme.read_text(encoding="utf-8")
    new = text
    for start, end, model in ((START, END, Study), (REVIEW_START, REVIEW_END, Review)):
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        new = pattern.sub(_always(f"{start}\n{markdown(model)}{end}"), new)
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # pragma: no cover
    import sys
    changed = refresh_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("README.md field reference " + ("updated" if changed else "already current"))
