"""A deck's package as python-pptx holds it: read once per process and copied for each deck, and written out as
the members of its zip.

In:  a python-pptx presentation (the pristine package, our default or a template without its slides).
Out: ``blueprint``: its parts (class, name, content type, element and its bytes, or bytes) and relationships,
     targets by number; ``copied``: a new presentation from a blueprint and its parts, made as python-pptx loads a
     package, each XML part's element copied only when first asked for (``kept_part``); ``members``: a
     package's zip members, {name: bytes}, as python-pptx's ``PackageWriter`` writes them (the content types and
     each .rels composed as text).
"""

from __future__ import annotations

import copy
import functools
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TARGET_MODE as RTM
from pptx.opc.oxml import serialize_part_xml
from pptx.opc.package import XmlPart, _Relationship
from pptx.opc.spec import default_content_types
from pptx.package import Package

from . import pptx_xml

_DEFAULT_TYPES = frozenset(default_content_types)


Relation = tuple[str, str, bool, Any]      # rId, type, external, the target (a URL, or the target part's number)


@dataclass(frozen=True)
class Blueprint:
    """A presentation's package as python-pptx holds it, to make copies of (``copied``): each part its package
    reaches (its class, name, content type, and for an XML part its element and that element's bytes, for another
    its bytes) and every relationship, targets by number."""

    parts: tuple[tuple[Any, str, str, Any], ...]
    package_rels: tuple[Relation, ...]
    part_rels: tuple[tuple[Relation, ...], ...]        # each part's, in ``parts`` order


def blueprint(prs: Any) -> Blueprint:
    """The blueprint of the presentation ``prs`` (which must not change while copies are made of it)."""
    package = prs.part.package
    parts = _parts(package)
    number = {id(part): k for k, part in enumerate(parts)}

    def relations(rels: Any) -> tuple[Relation, ...]:
        return tuple((r_id, rel.reltype, True, rel.target_ref) if rel.is_external
                     else (r_id, rel.reltype, False, number[id(rel.target_part)]) for r_id, rel in rels.items())

    return Blueprint(tuple((type(p), p.partname, p.content_type,
                            (p._element, p.blob) if isinstance(p, XmlPart) else p.blob) for p in parts),
                     relations(package._rels), tuple(relations(p._rels) for p in parts))


def copied(plan: Blueprint) -> tuple[Any, list[Any]]:
    """A new presentation from ``plan`` and its parts, in the plan's order, made as python-pptx loads a package:
    each part by its own part class (an XML part on a copy of its element, made when first asked for: ``kept_part``;
    another from its bytes) and related as in the plan (the same ids, types and targets). ``copy.deepcopy`` of the
    presentation copies python-pptx's whole object graph, caches included."""
    package = Package(cast(Any, None))     # no file: its parts are made here, not read
    parts = [kept_part(cls, name, kind, package, *content) if issubclass(cls, XmlPart)
             else cls.load(name, kind, package, content) for cls, name, kind, content in plan.parts]
    _relate(package._rels, "/", plan.package_rels, parts)
    for part, relations in zip(parts, plan.part_rels, strict=True):
        _relate(part._rels, part.partname.baseURI, relations, parts)
    return package.presentation_part.presentation, parts


class _Kept:
    """An XML part whose element is a copy of a pristine one (never changed), made when the element is first asked
    for: until then nothing can have changed it, and its bytes are the pristine element's, serialized once (a deck
    reads few of its package's layouts, and changes none)."""

    _pristine: tuple[Any, bytes]
    _own: Any = None

    @property
    def _element(self) -> Any:
        if self._own is None:
            self._own = copy.deepcopy(self._pristine[0])
        return self._own

    @_element.setter
    def _element(self, element: Any) -> None:      # python-pptx's ``XmlPart.__init__`` sets it: None, here
        self._own = element

    @property
    def blob(self) -> bytes:
        return self._pristine[1] if self._own is None else serialize_part_xml(self._own)


@functools.cache
def _kept_class(cls: type) -> type:
    return type(cls.__name__, (_Kept, cls), {})


def kept_part(cls: type, partname: str, content_type: str, package: Any, element: Any, blob: bytes) -> Any:
    """An XML part of class ``cls`` (python-pptx's) in ``package`` on a copy of ``element``, whose bytes are
    ``blob`` (``_Kept``): ``element`` must not change while the part lives."""
    part = _kept_class(cls)(partname, content_type, package, None)
    part._pristine = (element, blob)
    return part


def _relate(rels: Any, base: str, relations: tuple[Relation, ...], parts: list[Any]) -> None:
    """``relations`` in ``rels`` (from the folder ``base``), as python-pptx loads them."""
    for r_id, reltype, external, target in relations:
        rels._rels[r_id] = _Relationship(base, r_id, reltype, RTM.EXTERNAL if external else RTM.INTERNAL,
                                         target if external else parts[target])


def members(package: Any) -> dict[str, bytes]:
    """The package's members, {name: bytes}, as python-pptx's ``PackageWriter`` writes them (``Presentation.save``):
    the content types, the package's relationships, and each part its package reaches with its relationships;
    the content types and each .rels written as plain XML text (python-pptx builds them through its element
    classes, slowly: a deck has dozens)."""
    parts = _parts(package)
    out = {"[Content_Types].xml": _content_types(parts), "_rels/.rels": _rels_xml(package._rels, "/")}
    for part in parts:
        name = part.partname
        out[name[1:]] = part.blob
        if part._rels:
            out[_rels_member(name)] = _rels_xml(part._rels, name.baseURI)
    return out


def _parts(package: Any) -> list[Any]:
    """The parts ``package`` reaches through its relationships, each once: the parts python-pptx's ``iter_parts``
    gives, in another order (the zip sorts them)."""
    seen: set[int] = set()
    out: list[Any] = []
    pending = [package._rels]
    while pending:
        for rel in _relationships(pending.pop()):
            if rel._target_mode == RTM.EXTERNAL:
                continue
            part = rel._target
            if id(part) not in seen:
                seen.add(id(part))
                out.append(part)
                pending.append(part._rels)
    return out


def _relationships(rels: Any) -> Iterable[Any]:
    """The relationships of ``rels`` (python-pptx's ``_Relationships``), read as ``_relate`` writes them: through
    its dict and each one's own fields (its mapping interface and lazy properties cost a call each, thousands a
    deck)."""
    return cast(Iterable[Any], rels._rels.values())


def _content_types(parts: list[Any]) -> bytes:
    """``[Content_Types].xml`` for ``parts`` (``_typed``)."""
    return _typed(tuple((part.partname, part.content_type) for part in parts))


@functools.lru_cache(maxsize=64)
def _typed(named: tuple[tuple[str, str], ...]) -> bytes:
    """``[Content_Types].xml`` for parts ``named`` (part name, content type): a default by extension where the spec
    has one, else an override by part name (python-pptx's ``_ContentTypesItem``); decks of as many slides share
    it."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}     # by lower-case extension
    overrides: dict[str, str] = {}
    for partname, content_type in named:
        ext = posixpath.splitext(partname)[1][1:].lower()      # python-pptx's ``PackURI.ext``, lower case
        if (ext, content_type) in _DEFAULT_TYPES:
            defaults[ext] = content_type
        else:
            overrides[partname] = content_type
    return pptx_xml.content_types_xml(sorted(defaults.items()), sorted(overrides.items()))


@functools.lru_cache(maxsize=1024)
def _rels_member(partname: str) -> str:
    """The member name of the part ``partname``'s relationships ("ppt/slides/_rels/slide1.xml.rels")."""
    base, name = posixpath.split(partname)
    return posixpath.join(base, "_rels", f"{name}.rels")[1:]


@functools.lru_cache(maxsize=4096)
def _relative(partname: str, base: str) -> str:
    """The part ``partname`` as a relationship from ``base`` (a part's folder, or "/") refers to it."""
    return partname[1:] if base == "/" else posixpath.relpath(partname, base)


def _rels_xml(rels: Any, base: str) -> bytes:
    """A part's (or the package's) relationships, from the folder ``base``, as python-pptx's
    ``_Relationships.xml`` writes them: in rId order (numerically), an external one marked so."""
    out = []
    for rel in _relationships(rels):
        r_id = rel._rId
        external = rel._target_mode == RTM.EXTERNAL
        target = rel._target if external else _relative(rel._target.partname, base)
        out.append((int(r_id[3:]) if r_id.startswith("rId") and r_id[3:].isdigit() else 0, r_id, rel._reltype, target,
                    external))
    out.sort()
    return pptx_xml.rels_xml(tuple(entry[1:] for entry in out))
