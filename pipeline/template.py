"""Check a deck template (.pptx or .potx) and clean it before python-pptx opens it.

In:  the path of a template a user gave (``--template`` / ``TEMPLATE=``).
Out: ``Template``: the package's bytes, cleaned, ready for ``pptx.Presentation``, and the notes
     of what was dropped; or ``TemplateError`` (exit 2) naming the file and, where it applies,
     the part of the package at fault.

A template is a zip package, so its directory is checked before a byte is inflated: at most
``MAX_MEMBERS`` parts, each at most ``MAX_PART`` (XML parts ``MAX_XML_PART``, since parsed XML
takes many times its size), ``MAX_TOTAL`` in all, no part inflating more than ``MAX_RATIO``
times, no encryption, only stored or deflated parts, no duplicate names. Every XML part is then
refused if it holds a DTD (entity expansion), every content type must be one a deck
template may hold (no macros, ActiveX or embedded programs), and every relationship inside the
package must point at a part that is there. The slide must be at least
``MIN_SLIDE_IN``. Cleaning: every relationship that points outside the package
(``TargetMode="External"``: linked pictures, hyperlinks, ``file://`` paths) is dropped with
the references to it, so a deck never reaches out when it is opened; and a ``.potx`` main part
is declared a presentation, which is all python-pptx needs to open it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree as ET

from lxml import etree  # python-pptx's own XML library: rewrites keep every namespace prefix as written

from .errors import EvidenceBriefError, shown_name
from .inputfile import NotReadable, read_limited

MAX_FILE = 30 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_PART = 25 * 1024 * 1024
MAX_XML_PART = 5 * 1024 * 1024
MAX_TOTAL = 40 * 1024 * 1024
MAX_RATIO = 100             # for parts over RATIO_FLOOR: text XML deflates 5-20 times, pictures barely
RATIO_FLOOR = 1024 * 1024
MIN_SLIDE_IN = (6.0, 3.375)  # the smallest slide (width, height) the deck's text was seen to fit on
EMU_PER_INCH = 914400

PRESENTATION_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
CONVERTIBLE_MAIN = {
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": ".potx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": ".ppsx",
}
REFUSED_TYPES = ("vbaProject", "macroEnabled", "activeX", "oleObject", "msdownload")
ALLOWED_PREFIXES = ("application/vnd.openxmlformats-", "application/vnd.ms-", "image/", "application/xml",
                    "application/x-fontdata", "application/x-font", "font/", "audio/", "video/",
                    "application/octet-stream")

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PML_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
HYPERLINK_TAGS = {"hlinkClick", "hlinkHover", "hlinkMouseOver"}
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class TemplateError(EvidenceBriefError):
    """The template cannot be used; the message names the file (and the part of it at fault)."""

    exit_status = 2


class _Fail(Protocol):
    """Makes the ``TemplateError`` naming the template (and ``part``, the part of it at fault)."""

    def __call__(self, message: str, part: str | None = None) -> TemplateError: ...


@dataclass(frozen=True)
class Template:
    """A checked template: ``data`` is a clean .pptx package; ``notes`` say what was dropped."""

    path: Path
    data: bytes
    notes: tuple[str, ...] = field(default=())

    def open(self) -> io.BytesIO:
        """The package as a file for ``pptx.Presentation``."""
        return io.BytesIO(self.data)


def load_template(path: str | Path) -> Template:
    """Read, check and clean the template at ``path``. Raises ``TemplateError``."""
    path = Path(path)
    name = shown_name(path)

    def fail(message: str, part: str | None = None) -> TemplateError:
        where = f"{name}: {shown_name(part)}" if part else name
        return TemplateError(f"{where}: {message}")

    try:
        raw = read_limited(path, MAX_FILE, "template (.pptx or .potx)")
    except NotReadable as exc:
        raise fail(str(exc)) from None
    if not raw:
        raise fail("the file is empty; give a PowerPoint template (.pptx or .potx)")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail("this is a password-protected or old-format (.ppt/.pot) presentation; save it as .pptx "
                   "or .potx without a password")
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise fail("not a PowerPoint template: the file is not a zip package (truncated, or not a .pptx/.potx)") \
            from None
    _check_directory(members, fail)
    parts = _read_parts(package, members, fail)
    types = _content_types(parts, fail)
    _check_targets(parts, fail)
    notes: list[str] = []
    cleaned = _drop_external_links(parts, notes)
    cleaned["[Content_Types].xml"] = _as_presentation(parts["[Content_Types].xml"], types, fail)
    _check_slide_size(cleaned, types, fail)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in members:
            dst.writestr(info.filename, cleaned[info.filename])
    return Template(path, out.getvalue(), tuple(f"template {name}: {note}" for note in notes))


def _check_directory(members: list[zipfile.ZipInfo], fail: _Fail) -> None:
    if not members:
        raise fail("not a PowerPoint template: the zip package is empty")
    if len(members) > MAX_MEMBERS:
        raise fail(f"the package holds {len(members):,} parts; a template needs far fewer (at most {MAX_MEMBERS:,})")
    names: set[str] = set()
    total = 0
    for info in members:
        part = info.filename
        if part in names:
            raise fail("the part is in the package twice", part)
        names.add(part)
        if info.flag_bits & 0x1:
            raise fail("the part is encrypted; save the template without a password", part)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise fail("the part uses a compression PowerPoint does not write; save the template again", part)
        limit = MAX_XML_PART if part.endswith((".xml", ".rels")) else MAX_PART
        if info.file_size > limit:
            raise fail(f"the part inflates to {info.file_size:,} bytes; at most {limit:,} are accepted", part)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise fail(f"the part inflates {info.file_size // max(info.compress_size, 1):,} times "
                       f"({info.compress_size:,} to {info.file_size:,} bytes): a zip bomb, not a template", part)
        total += info.file_size
        if total > MAX_TOTAL:
            raise fail(f"the package inflates to more than {MAX_TOTAL:,} bytes; a template needs far less")
    if "[Content_Types].xml" not in names:
        raise fail("not a PowerPoint template: the package has no [Content_Types].xml")


def _read_parts(package: zipfile.ZipFile, members: list[zipfile.ZipInfo], fail: _Fail) -> dict[str, bytes]:
    """Every part's bytes (sizes already bounded by the directory); XML with a DTD is refused."""
    parts: dict[str, bytes] = {}
    for info in members:
        try:
            with package.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise fail(f"the part cannot be read ({exc}); the file is damaged or truncated", info.filename) from None
        if len(data) != info.file_size:
            raise fail("the part is not the size the package's directory says; the file is damaged", info.filename)
        if info.filename.endswith((".xml", ".rels")) and _DTD.search(data):
            raise fail("the XML declares a DTD (<!DOCTYPE or <!ENTITY); PowerPoint never writes one, "
                       "and a DTD can make a small file expand without end", info.filename)
        parts[info.filename] = data
    return parts


def _parse(data: bytes, part: str, fail: _Fail) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise fail(f"the XML is damaged ({exc})", part) from None


def _content_types(parts: dict[str, bytes], fail: _Fail) -> dict[str, str]:
    """The content type of every part, checked against what a template may hold."""
    root = _parse(parts["[Content_Types].xml"], "[Content_Types].xml", fail)
    defaults = {el.get("Extension", "").lower(): el.get("ContentType", "") for el in root.iter(f"{{{CT_NS}}}Default")}
    overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                 for el in root.iter(f"{{{CT_NS}}}Override")}
    types: dict[str, str] = {}
    for part in parts:
        if part == "[Content_Types].xml" or part.endswith("/"):
            continue
        kind = overrides.get(part) or defaults.get(posixpath.splitext(part)[1].lstrip(".").lower(), "")
        if any(word in kind for word in REFUSED_TYPES) or (kind and not kind.startswith(ALLOWED_PREFIXES)):
            raise fail(f"a template may not hold this kind of part ({kind}): macros, ActiveX controls and "
                       f"embedded programs are refused; remove it and save the template again", part)
        types[part] = kind
    return types


def _main_part(parts: dict[str, bytes], fail: _Fail) -> str:
    root = _parse(parts.get("_rels/.rels", b"<r/>"), "_rels/.rels", fail)
    for rel in root.iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    raise fail("not a PowerPoint template: the package names no main part (_rels/.rels)")


def _as_presentation(content_types: bytes, types: dict[str, str], fail: _Fail) -> bytes:
    """[Content_Types].xml with a .potx/.ppsx main part declared a presentation."""
    mains = [t for t in types.values() if t == PRESENTATION_MAIN or t in CONVERTIBLE_MAIN]
    if not mains:
        raise fail("not a PowerPoint template: the package holds no presentation (a Word or Excel file?)")
    for kind in CONVERTIBLE_MAIN:
        content_types = content_types.replace(kind.encode(), PRESENTATION_MAIN.encode())
    return content_types


def _check_slide_size(parts: dict[str, bytes], types: dict[str, str], fail: _Fail) -> None:
    main = _main_part(parts, fail)
    if main not in parts:
        raise fail(f"not a PowerPoint template: its main part {main} is missing")
    root = _parse(parts[main], main, fail)
    if root.tag != f"{{{PML_NS}}}presentation":
        raise fail("the main part is not a presentation (p:presentation); the template is damaged", main)
    size = root.find(f"{{{PML_NS}}}sldSz")
    if size is None:
        return      # python-pptx then uses the default 10 in × 7.5 in
    try:
        w, h = int(size.get("cx", "0")) / EMU_PER_INCH, int(size.get("cy", "0")) / EMU_PER_INCH
    except ValueError:
        raise fail("the slide size (p:sldSz) is not a number", main) from None
    if w < MIN_SLIDE_IN[0] or h < MIN_SLIDE_IN[1]:
        raise fail(f"the slides are {w:.2f} in × {h:.2f} in; the deck needs at least "
                   f"{MIN_SLIDE_IN[0]:g} in × {MIN_SLIDE_IN[1]:g} in (16:9 templates are usually 13.33 in × 7.5 in)",
                   main)


def _check_targets(parts: dict[str, bytes], fail: _Fail) -> None:
    """Every relationship inside the package must point at a part that is there."""
    for rels_name, data in parts.items():
        if not rels_name.endswith(".rels"):
            continue
        base = posixpath.dirname(_source_of(rels_name)) if rels_name != "_rels/.rels" else ""
        for rel in _parse(data, rels_name, fail).iter(f"{{{REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            if part not in parts:
                raise fail(f"{rel.get('Id', 'a relationship')} refers to {part}, which is not in the package; "
                           f"the template is damaged (open it in PowerPoint and save it again)", rels_name)


def _drop_external_links(parts: dict[str, bytes], notes: list[str]) -> dict[str, bytes]:
    """The parts with every external relationship removed, and the references to them."""
    out = dict(parts)
    for rels_name, data in parts.items():
        if not rels_name.endswith(".rels") or b"External" not in data:
            continue
        root = etree.fromstring(data, _PARSER)
        dropped: set[str] = set()
        for rel in list(root):
            if rel.get("TargetMode") == "External":
                dropped.add(rel.get("Id", ""))
                notes.append(f"dropped the external link to {rel.get('Target', '')!r} "
                             f"({rels_name}, {rel.get('Id', '')}); a deck never reaches outside itself")
                root.remove(rel)
        if not dropped:
            continue
        out[rels_name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        source = _source_of(rels_name)
        if source in parts:
            out[source] = _drop_references(parts[source], dropped)
    return out


def _source_of(rels_name: str) -> str:
    """``ppt/slideLayouts/_rels/slideLayout2.xml.rels`` -> ``ppt/slideLayouts/slideLayout2.xml``."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _drop_references(xml: bytes, ids: set[str]) -> bytes:
    """Remove hyperlinks to ``ids`` and every other attribute naming one (a picture's ``r:link``)."""
    root = etree.fromstring(xml, _PARSER)
    for el in list(root.iter()):
        if not isinstance(el.tag, str):
            continue
        named = [a for a, v in el.attrib.items() if a.startswith(f"{{{OFFICE_REL_NS}}}") and v in ids]
        if not named:
            continue
        if etree.QName(el).localname in HYPERLINK_TAGS and el.getparent() is not None:
            el.getparent().remove(el)
        else:
            for attribute in named:
                del el.attrib[attribute]
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out
