"""Generate the hostile deck templates in this folder from ``tests/fixtures/template.pptx``.

Run: ``python tests/hostile/make_templates.py`` (writes next to this file). Each file is the
fixture template with one defect, named for it:

- template-not-a-zip.pptx     text, not a zip package
- template-empty.pptx         zero bytes
- template-truncated.pptx     the first half of the fixture
- template-dtd.pptx           a layout whose XML declares a DTD with an entity
- template-zip-bomb.pptx      a 20 MiB part of zeros that deflates about a thousand times
- template-macro.pptx         holds a VBA project part
- template-1x1-inch.pptx      slides of 1 in × 1 in
- template-external-links.pptx  a layout holding a picture linked to http://127.0.0.1:9/ and a
                              hyperlink to file:///etc/passwd (both must be dropped)
- template.potx               the fixture saved as a PowerPoint template (.potx content type)
- template-missing-part.pptx  a slide layout the package refers to is not in it
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "fixtures" / "template.pptx"
LAYOUT = "ppt/slideLayouts/slideLayout2.xml"
LAYOUT_RELS = "ppt/slideLayouts/_rels/slideLayout2.xml.rels"
PRESENTATION_MAIN = b"presentationml.presentation.main+xml"

LINKED = (b'<p:pic><p:nvPicPr><p:cNvPr id="90" name="Linked logo">'
          b'<a:hlinkClick r:id="rId98"/></p:cNvPr><p:cNvPicPr/><p:nvPr/></p:nvPicPr>'
          b'<p:blipFill><a:blip r:link="rId99"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>'
          b'<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="457200" cy="457200"/></a:xfrm>'
          b'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>')
EXTERNAL_RELS = (b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/hyperlink" Target="file:///etc/passwd" TargetMode="External"/>'
                 b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                 b'relationships/image" Target="http://127.0.0.1:9/logo.png" TargetMode="External"/>')


def parts() -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(FIXTURE) as z:
        return [(info, z.read(info)) for info in z.infolist()]


def write(name: str, items: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in items:
            info = zipfile.ZipInfo(part, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def changed(edit) -> list[tuple[str, bytes]]:
    return [(info.filename, edit(info.filename, data)) for info, data in parts()]


def main() -> None:
    (HERE / "template-not-a-zip.pptx").write_text("This is a text file someone renamed to .pptx.\n")
    (HERE / "template-empty.pptx").write_bytes(b"")
    raw = FIXTURE.read_bytes()
    (HERE / "template-truncated.pptx").write_bytes(raw[: len(raw) // 2])

    def dtd(part, data):
        if part != LAYOUT:
            return data
        head, body = data.split(b"?>", 1)
        return head + b'?>\n<!DOCTYPE p:sldLayout [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + body
    write("template-dtd.pptx", changed(dtd))

    write("template-zip-bomb.pptx", changed(lambda p, d: d) + [("ppt/media/image99.png", bytes(20 * 1024 * 1024))])

    def macro(part, data):
        if part == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/ppt/vbaProject.bin" '
                                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        return data
    write("template-macro.pptx", changed(macro) + [("ppt/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")])

    def tiny(part, data):
        if part == "ppt/presentation.xml":
            start = data.index(b"<p:sldSz")
            end = data.index(b"/>", start) + 2
            return data[:start] + b'<p:sldSz cx="914400" cy="914400"/>' + data[end:]
        return data
    write("template-1x1-inch.pptx", changed(tiny))

    def links(part, data):
        if part == LAYOUT:
            return data.replace(b"</p:spTree>", LINKED + b"</p:spTree>", 1)
        if part == LAYOUT_RELS:
            return data.replace(b"</Relationships>", EXTERNAL_RELS + b"</Relationships>")
        return data
    write("template-external-links.pptx", changed(links))

    def potx(part, data):
        if part == "[Content_Types].xml":
            return data.replace(PRESENTATION_MAIN, b"presentationml.template.main+xml")
        return data
    write("template.potx", changed(potx))

    write("template-missing-part.pptx", [(info.filename, data) for info, data in parts()
                                         if info.filename != "ppt/slideLayouts/slideLayout3.xml"])


if __name__ == "__main__":
    main()
