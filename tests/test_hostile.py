"""Hostile and careless inputs (issue 14): each is refused with a clear, located message (exit 2) or
handled correctly, quickly and with bounded memory, and nothing is written for a refused input.

The files live in tests/hostile/ (records, registry entries, templates); inputs that cannot be files
in a repository (a named pipe, /dev/zero, a name holding a newline) are made in a temporary folder.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.cli import main

HERE = Path(__file__).parent
HOSTILE = HERE / "hostile"
MINIMAL = HERE / "bad_records" / "_valid_minimal.yaml"
SVG = "{http://www.w3.org/2000/svg}"


def minimal_with(tmp_path: Path, old: str, new: str, name: str = "minimal.yaml") -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 60):
    """The real command in a child process with its address space capped at 300 MB."""
    def cap():
        limit = 300 * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    full_env = {k: v for k, v in os.environ.items() if k != "EVIDENCE_BRIEF_DEBUG"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, timeout=timeout, preexec_fn=cap)


# --- 1. figure text is never mathtext ------------------------------------------------------

def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("label", ["Voucher $50 then $25 weekly", r"Dose $\frac{1}{$ x"])
def test_dollar_signs_in_figure_text_are_printed_literally(tmp_path, capsys, label):
    record = minimal_with(tmp_path, "label: Drug A", f"label: '{label}'")
    out = tmp_path / "out"
    assert main(["build", str(record), "--out", str(out), "--only", "figures"]) == 0, capsys.readouterr().err
    design = svg_text((out / "minimal" / "figures" / "design.svg").read_bytes())
    assert label in design, design


# --- 6. only regular files are read ----------------------------------------------------------

def test_record_that_is_dev_zero_is_refused(tmp_path):
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    proc = run_cli("build", str(link), "--out", str(tmp_path / "out"), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert f"{link}: cannot read the file: it is a device; give a record file" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_record_and_registry_file_that_are_named_pipes_are_refused(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    proc = run_cli("validate", str(fifo), timeout=30)       # today: blocks forever on open()
    assert proc.returncode == 2 and "it is a named pipe" in proc.stderr, proc.stderr
    proc = run_cli("import", "ctgov", str(fifo), timeout=30)
    assert proc.returncode == 2 and "it is a named pipe" in proc.stderr, proc.stderr


def test_registry_file_that_is_dev_zero_is_refused(tmp_path):
    link = tmp_path / "study.json"
    link.symlink_to("/dev/zero")
    proc = run_cli("import", "ctgov", str(link), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "it is a device" in proc.stderr and "Traceback" not in proc.stderr


def test_oversized_registry_file_is_refused_within_the_memory_cap(tmp_path):
    """16 MiB of JSON is the most read: a list of millions of numbers stays under the 300 MB cap."""
    path = tmp_path / "study.json"
    path.write_text("[" + "0," * (8 * 1024 * 1024 - 10) + "0]", encoding="ascii")
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "not an object with a protocolSection" in proc.stderr, proc.stderr
    path.write_text("[" + "0," * (8 * 1024 * 1024) + "0]", encoding="ascii")
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "may be at most 16,777,216 bytes" in proc.stderr, proc.stderr


# --- 7. numbers Python will not convert, and SOURCE_DATE_EPOCH ----------------------------------

def test_integer_over_4300_digits_in_a_registry_file_is_a_user_error():
    path = HOSTILE / "registry-huge-integer.json"
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2, proc.stderr
    assert "a number with thousands of digits" in proc.stderr and "internal error" not in proc.stderr


@pytest.mark.parametrize("epoch", ["253402300800", "99999999999999999999", "1e9", "yesterday", "-1"])
def test_bad_source_date_epoch_is_a_usage_error(tmp_path, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    assert main(["build", str(record), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("SOURCE_DATE_EPOCH must be a whole number of seconds") and repr(epoch) in err, err
    assert not (tmp_path / "out").exists()


def test_last_second_of_year_9999_is_accepted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    assert main(["build", str(record), "--out", str(tmp_path / "out"), "--only", "brief"]) == 0
    capsys.readouterr()


# --- 12. messages ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["record-utf16-le-bom.yaml", "record-utf16-be-no-bom.yaml"])
def test_utf16_record_says_so(capsys, name):
    path = HOSTILE / name
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"{path}:1:1: the file is not UTF-8, it looks like UTF-16 (as some Windows editors save); save it as UTF-8\n"


def test_utf16_registry_file_says_so(tmp_path):
    path = tmp_path / "study.json"
    path.write_bytes('{"protocolSection": {}}'.encode("utf-16"))
    proc = run_cli("import", "ctgov", str(path))
    assert proc.returncode == 2 and "not UTF-8, it looks like UTF-16" in proc.stderr, proc.stderr


def test_file_name_with_a_newline_cannot_fake_a_location(tmp_path, capsys):
    name = "x.yaml\nimagine-ra.yaml:1:1: id: all good"
    path = tmp_path / name
    path.write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err                     # one problem, one line
    assert err.startswith(repr(str(path)) + ":"), err      # the name quoted, its newline visible as \n


def test_file_name_with_a_bidi_override_is_quoted(tmp_path, capsys):
    path = tmp_path / "record\u202elmay.yaml"
    path.write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.startswith(repr(str(path)) + ":")


def test_disk_full_names_the_file_and_leaves_no_new_folders(tmp_path, disk_full_at, capsys):
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "new" / "outputs"
    disk_full_at(1)
    assert main(["build", str(record), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and "minimal" in err and "brief.pdf" in err, err
    assert "output:" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal.yaml"], "an empty folder was left"


# --- 2. templates: checked before they are opened, external links dropped, .potx accepted ----------

REFUSED_TEMPLATES = {
    "template-not-a-zip.pptx": "not a PowerPoint template: the file is not a zip package",
    "template-empty.pptx": "the file is empty",
    "template-truncated.pptx": "not a PowerPoint template",
    "template-dtd.pptx": "ppt/slideLayouts/slideLayout2.xml: the XML declares a DTD",
    "template-zip-bomb.pptx": "ppt/media/image99.png: the part inflates 1,028 times",
    "template-macro.pptx": "ppt/vbaProject.bin: a template may not hold this kind of part",
    "template-1x1-inch.pptx": "ppt/presentation.xml: the slides are 1.00 in × 1.00 in; the deck needs at least",
    "template-missing-part.pptx": "ppt/slideMasters/_rels/slideMaster1.xml.rels: rId3 refers to "
                                  "ppt/slideLayouts/slideLayout3.xml, which is not in the package",
}


@pytest.mark.parametrize("name", sorted(REFUSED_TEMPLATES))
def test_bad_template_is_a_located_user_error(tmp_path, capsys, name):
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    template = HOSTILE / name
    out = tmp_path / "out"
    assert main(["build", str(record), "--out", str(out), "--template", str(template)]) == 2
    err = capsys.readouterr().err
    assert err == f"{template}: {REFUSED_TEMPLATES[name]}" + err[len(f"{template}: {REFUSED_TEMPLATES[name]}"):]
    assert err.count("\n") == 1 and "internal error" not in err, err
    assert not out.exists()


def test_missing_template_and_a_folder_as_template(tmp_path, capsys):
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    for template, words in ((tmp_path / "none.pptx", "No such file"), (tmp_path, "it is a folder")):
        assert main(["build", str(record), "--out", str(tmp_path / "out"), "--template", str(template)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"{template}: cannot read the file") and words in err, err


def _deck_parts(path: Path) -> dict[str, bytes]:
    import zipfile
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_external_links_of_a_template_are_dropped_and_reported(tmp_path, capsys):
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "out"
    template = HOSTILE / "template-external-links.pptx"
    assert b'TargetMode="External"' in _deck_parts(template)["ppt/slideLayouts/_rels/slideLayout2.xml.rels"]
    assert main(["build", str(record), "--out", str(out), "--template", str(template)]) == 0
    err = capsys.readouterr().err
    assert "dropped the external link to 'http://127.0.0.1:9/logo.png'" in err
    assert "dropped the external link to 'file:///etc/passwd'" in err
    parts = _deck_parts(out / "minimal" / "deck.pptx")
    for name, data in parts.items():
        assert b"127.0.0.1" not in data and b"/etc/passwd" not in data, name
        if name.endswith(".rels"):
            assert b'TargetMode="External"' not in data or b"hyperlink" in data and b"doi.org" in data, name
    layout = parts["ppt/slideLayouts/slideLayout2.xml"]
    assert b"Linked logo" in layout and b"r:link" not in layout and b"hlinkClick" not in layout


def test_potx_template_is_accepted(tmp_path, capsys):
    from pptx import Presentation
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "out"
    assert main(["build", str(record), "--out", str(out), "--template", str(HOSTILE / "template.potx")]) == 0
    capsys.readouterr()
    deck = Presentation(str(out / "minimal" / "deck.pptx"))
    assert deck.slides[0].slide_layout.name == "Inst Cover"
    assert b"presentation.main+xml" in _deck_parts(out / "minimal" / "deck.pptx")["[Content_Types].xml"]


def _zip_bomb(path: Path, gib: float = 1.5) -> None:
    """The fixture template plus a picture, referenced from the package, that inflates to ``gib`` GiB
    of zeros from about a megabyte: each MiB of zeros deflates, after a full flush, to the same bytes."""
    import zipfile
    import zlib
    chunk = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)

    class Repeat:       # stands in for zipfile's compressor: every MiB of zeros gives the same block
        def compress(self, data):
            assert data == chunk
            return block

        def flush(self):
            return comp.flush()

    with zipfile.ZipFile(HERE / "fixtures" / "template.pptx") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')
            if info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId90" Type="http://schemas.'
                                    b'openxmlformats.org/package/2006/relationships/metadata/thumbnail" '
                                    b'Target="ppt/media/huge.png"/></Relationships>')
            dst.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
        with dst.open(zipfile.ZipInfo("ppt/media/huge.png"), "w", force_zip64=True) as fh:
            fh._compress_type = zipfile.ZIP_DEFLATED
            fh._compressor = Repeat()
            for _ in range(int(gib * 1024)):
                fh.write(chunk)


# The command, then its own peak resident memory in kB (VmHWM: this process since exec, not its parent's).
PEAK_MEMORY = """
import sys
from pipeline.cli import main
status = main(sys.argv[1:])
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
sys.exit(status)
"""


def test_zip_bomb_template_is_refused_with_bounded_memory(tmp_path):
    template = tmp_path / "bomb.pptx"
    _zip_bomb(template)
    assert template.stat().st_size < 3 * 1024 * 1024
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    proc = subprocess.run([sys.executable, "-c", PEAK_MEMORY, "build", str(record), "--out", str(tmp_path / "out"),
                           "--template", str(template)], capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "EVIDENCE_BRIEF_DEBUG"})
    assert proc.returncode == 2, proc.stderr
    assert "ppt/media/huge.png: the part inflates to 1,610,612,736 bytes" in proc.stderr, proc.stderr
    peak_kb = int(proc.stdout.split()[-1])
    assert peak_kb < 300 * 1024, f"peak {peak_kb / 1024:.0f} MB"


# --- 3. compare: the entry must be the record's own, and "agrees" only about what was compared ---------

SHIPPED = HERE.parent / "sources" / "imagine-ra.yaml"


def test_compare_refuses_another_studys_registry_entry(capsys):
    path = HOSTILE / "registry-another-study.json"
    assert main(["compare", str(SHIPPED), str(path)]) == 2
    captured = capsys.readouterr()
    assert "agrees" not in captured.out
    assert captured.err == (f"{path}: this registry entry is NCT00000001, but the record is registered as "
                            f"NCT01656278; compare the record with its own entry\n")


def test_compare_with_nothing_to_compare_never_says_agrees(capsys):
    path = HOSTILE / "registry-nothing-to-compare.json"
    assert main(["compare", str(SHIPPED), str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "gives no enrolment, arms or outcomes; there is nothing to compare" in captured.err


def test_compare_agrees_only_on_what_it_compared(capsys):
    path = HOSTILE / "registry-arms-only.json"
    assert main(["compare", str(SHIPPED), str(path)]) == 0
    assert capsys.readouterr().out == f"{SHIPPED}: agrees with {path} on arms\n"


def test_compare_flags_a_record_without_registration(capsys):
    assert "registration" not in MINIMAL.read_text(encoding="utf-8")
    assert main(["compare", str(MINIMAL), str(HOSTILE / "registry-arms-only.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("registration: the record gives no registration, so nothing shows that"), out
    assert "agrees" not in out


# --- 8. fitting the brief is near-linear in the content ----------------------------------------------

def long_record(tmp_path: Path, words: int) -> Path:
    """A SYNTHETIC valid record with every list of the appraisal and conclusions at its maximum length."""
    import yaml
    text = lambda tag: " ".join(f"{tag}{i % 7}word" for i in range(words))
    record = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    record["title"] = "SYNTHETIC long record"
    record["appraisal"] = {"strengths": [text("s")] * 12, "limitations": [text("l")] * 12}
    record["conclusions"]["key_messages"] = [text("k")] * 5
    record["conclusions"]["open_questions"] = [text("o")] * 10
    path = tmp_path / f"long-{words}.yaml"
    path.write_text(yaml.safe_dump(record, width=1000), encoding="utf-8")
    return path


def test_fitting_a_long_record_is_near_linear(tmp_path, monkeypatch):
    """Counted, not timed: the drawing operations moved while fitting grow about as fast as the content
    (today's quadratic column split moved 13 million of them for the long record and took ~40 s)."""
    from pipeline.errors import LayoutError
    from pipeline.layout.brief_figures import trial_brief_figures
    from pipeline.render import pdf, pdf_blocks
    from pipeline.report import prepare
    from pipeline.validate import load_study

    moved = [0]
    real = pdf_blocks.copied      # what moving a drawing operation makes

    def counting(*args, **kwargs):
        moved[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf_blocks, "copied", counting)
    counts = {}
    for words in (100, 400):
        report = prepare(load_study(long_record(tmp_path, words)))
        moved[0] = 0
        with pytest.raises(LayoutError, match="does not fit on one a4 page"):
            pdf.fit_page(report.content, trial_brief_figures(report.study), "a4")
        counts[words] = moved[0]
    assert counts[400] < 6 * counts[100], counts          # quadratic would be about 16 times
    assert counts[400] < 200_000, counts


def test_a_long_record_is_refused_by_a_real_build(tmp_path):
    record = long_record(tmp_path, 400)
    assert record.stat().st_size < 1024 * 1024
    proc = run_cli("build", str(record), "--out", str(tmp_path / "out"), timeout=120)
    assert proc.returncode == 2 and "does not fit on one a4 page" in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_split_heights_agree_with_the_columns_as_built():
    """The linear height sums must give exactly the heights the columns are built with."""
    import random

    from pipeline.render.pdf_blocks import Block
    from pipeline.render.pdf_columns import Piece, column_layout, split_heights

    rng = random.Random(8)
    for _ in range(200):
        pieces = [Piece(Block(height=rng.choice([0.0, 9.5, 12.0, 30.25])), before=rng.choice([0.0, 3.0, 7.5]),
                        panel=rng.random() < 0.4) for _ in range(rng.randint(0, 12))]
        expected = [(column_layout(pieces[:k])[2], column_layout(pieces[k:])[2]) for k in range(len(pieces) + 1)]
        got = split_heights(pieces)
        assert len(got) == len(expected)
        for pair, want in zip(got, expected):
            assert pair == pytest.approx(want), (pieces, got, expected)


# --- 9. import -o never overwrites without --force ------------------------------------------------------

def test_import_never_overwrites_a_record_without_force(tmp_path, capsys):
    registry = HERE.parent / "tests" / "fixtures" / "ctgov" / "NCT00763412.json"
    if not registry.exists():
        registry = sorted((HERE / "fixtures" / "ctgov").glob("*.json"))[0]
    record = tmp_path / "mine.yaml"
    record.write_text("# written by hand\n", encoding="utf-8")
    assert main(["import", "ctgov", str(registry), "-o", str(record)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{record} already exists;") and "--force" in err, err
    assert record.read_text(encoding="utf-8") == "# written by hand\n"
    assert main(["import", "ctgov", str(registry), "-o", str(record), "--force"]) == 0
    assert capsys.readouterr().out == f"wrote {record}\n"
    assert record.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_import_into_a_folder_names_the_file_it_wrote(tmp_path, capsys):
    registry = sorted((HERE / "fixtures" / "ctgov").glob("*.json"))[0]
    assert main(["import", "ctgov", str(registry), "-o", str(tmp_path)]) == 0
    written = sorted(tmp_path.glob("*.yaml"))
    assert len(written) == 1 and capsys.readouterr().out == f"wrote {written[0]}\n"
    assert main(["import", "ctgov", str(registry), "-o", str(tmp_path)]) == 2
    assert f"\n{written[0]} already exists;" in "\n" + capsys.readouterr().err


# --- 14. a bug is a bug: exit 70, "please report", the traceback kept, nothing written ----------------------

FAULTS = {
    "brief": ("pipeline.render.pdf", "footer_block", KeyError("harm-0")),
    "deck": ("pipeline.render.deck_canvas", "draw_diagram", KeyError("harm-0")),
    "figures": ("pipeline.render.figure_shapes", "_box", TypeError("unsupported operand type(s)")),
}


@pytest.mark.parametrize("renderer", sorted(FAULTS))
def test_a_fault_in_a_renderer_is_an_internal_error(tmp_path, monkeypatch, capsys, renderer):
    import importlib
    import tempfile

    module, name, error = FAULTS[renderer]

    def fault(*args, **kwargs):
        raise error

    monkeypatch.setattr(importlib.import_module(module), name, fault)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    monkeypatch.delenv("EVIDENCE_BRIEF_DEBUG", raising=False)
    (tmp_path / "tmp").mkdir()
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    out = tmp_path / "out"
    (out / "minimal").mkdir(parents=True)
    (out / "minimal" / "brief.pdf").write_bytes(b"%PDF previous")
    assert main(["build", str(record), "--out", str(out), "--only", renderer]) == 70
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"evidence-brief: internal error, please report (while building {record}): "
                      f"{type(error).__name__}: {error}"), err
    saved = sorted((tmp_path / "tmp").glob("evidence-brief-internal-error-*.txt"))
    assert len(saved) == 1 and err[1].startswith(f"the traceback is in {saved[0]};")
    trace = saved[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in trace and f"in {name}" not in err and "fault" in trace
    assert files_under(out) == ["minimal", "minimal/brief.pdf"]
    assert (out / "minimal" / "brief.pdf").read_bytes() == b"%PDF previous"


def test_debug_prints_the_traceback(tmp_path, monkeypatch, capsys):
    from pipeline.render import pdf

    def fault(*args, **kwargs):
        raise KeyError("harm-0")

    monkeypatch.setattr(pdf, "footer_block", fault)
    monkeypatch.delenv("EVIDENCE_BRIEF_DEBUG", raising=False)
    record = shutil.copy(MINIMAL, tmp_path / "minimal.yaml")
    assert main(["--debug", "build", str(record), "--out", str(tmp_path / "out")]) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "KeyError: 'harm-0'" in err
    assert not (tmp_path / "out").exists()
    monkeypatch.delenv("EVIDENCE_BRIEF_DEBUG", raising=False)


def test_a_type_error_in_the_design_band_is_not_swallowed(monkeypatch):
    """The brief's compact design band used to catch TypeError and silently drop the band."""
    from pipeline.layout import design
    from pipeline.layout.brief_figures import trial_brief_figures
    from pipeline.render import pdf_blocks, pdf_question
    from pipeline.report import prepare
    from pipeline.validate import load_study

    real = design.design_diagram

    def broken(*args, **kwargs):
        if kwargs.get("compact"):
            raise TypeError("a bug in the compact design")
        return real(*args, **kwargs)

    monkeypatch.setattr(design, "design_diagram", broken)
    report = prepare(load_study(MINIMAL))
    with pytest.raises(TypeError, match="a bug in the compact design"):
        pdf_question.choose_band(trial_brief_figures(report.study), 500.0, pdf_blocks.STEPS[2])
