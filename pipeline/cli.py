"""The ``evidence-brief`` command: a thin layer over the library.

In:  argv. Out: files (via ``build``), lines on stdout/stderr and an exit
status: 0 success, 1 a build or write failure, 2 an invalid record, template,
registry file or usage error, 70 a bug of ours. Every ``EvidenceBriefError``
becomes its message lines. Any other exception is a bug: "internal error,
please report", exit 70, and its traceback goes to a file whose path is printed
(``--debug``, or EVIDENCE_BRIEF_DEBUG=1, prints it instead); nothing is written.

    evidence-brief validate RECORD...
    evidence-brief build RECORD... [--out DIR] [--only brief|deck|figures] [--figures svg,png]
                         [--paper a4|letter] [--template FILE] [-j N]
    evidence-brief audit RECORD...
    evidence-brief schema [--review] [-o FILE]
    evidence-brief import ctgov FILE.json [-o FILE.yaml]
    evidence-brief import citation FILE [-o RECORD | --into RECORD] [--pick N | --doi DOI] [--force]
    evidence-brief compare RECORD FILE.json
    evidence-brief upgrade RECORD...
    evidence-brief new ID [-o FILE.yaml]
    evidence-brief watch RECORD [--out DIR] [--only …] [--paper a4|letter] [--template FILE]
    evidence-brief export fhir RECORD... [-o FILE.json | --out DIR]
"""

from __future__ import annotations

import argparse
import atexit
import functools
import gc
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .errors import EvidenceBriefError, Problem, RecordError, UsageError, shown_name

if TYPE_CHECKING:
    from .build import BuildOptions
    from .loader import Source

Each = Callable[..., Iterable[Any]]         # ``map``, or a pool of workers' ``map``
Outcome = tuple[int, list[str], list[str]]  # a record's build: exit status, lines for stdout, lines for stderr

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like every other usage problem
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="evidence-brief",
                description="Turn a clinical study record into a one-page PDF brief and a slide deck.")
    p.add_argument("--version", action="version", version=f"evidence-brief {__version__}")
    p.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="check records; print every problem as file:line:column: field: message")
    v.add_argument("records", nargs="+", type=Path)
    v.add_argument("--id-must-match-file-name", action="store_true",
                   help="refuse a record whose id differs from its file name (as make report does)")

    b = sub.add_parser("build", help="build outputs/<id>/brief.pdf, deck.pptx and figures for each record")
    b.add_argument("records", nargs="+", type=Path)
    _output_options(b)
    b.add_argument("-j", "--jobs", type=int, default=1,
                   help="build this many records at once, in worker processes (default: 1)")
    b.add_argument("--id-must-match-file-name", action="store_true",
                   help="refuse a record whose id differs from its file name (make does: it names outputs by file)")

    a = sub.add_parser("audit", help="recompute what can be recomputed and list numbers that do not add up")
    a.add_argument("records", nargs="+", type=Path)

    s = sub.add_parser("schema", help="write the JSON Schema of a study record (or, with --review, a review record)")
    s.add_argument("--review", action="store_true", help="the schema of a review record (kind: review)")
    s.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    i = sub.add_parser("import",
                       help="start a record from a registry entry, or fill its citation from a reference file")
    i.add_argument("source", choices=("ctgov", "citation"),
                   help="ctgov: ClinicalTrials.gov API v2 JSON; citation: RIS, BibTeX, PubMed .nbib or CSL-JSON")
    i.add_argument("file", type=Path)
    target = i.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", type=Path,
                        help="record to write (ctgov: or a folder to write <id>.yaml in; default: stdout)")
    target.add_argument("--into", type=Path, metavar="RECORD", help="citation: fill the citation of this record")
    choice = i.add_mutually_exclusive_group()
    choice.add_argument("--pick", type=int, metavar="N", help="citation: the Nth reference of the file")
    choice.add_argument("--doi", help="citation: the reference with this DOI")
    i.add_argument("--force", action="store_true",
                   help="ctgov -o: overwrite an existing record; citation --into: replace citation fields "
                        "that differ from the file's")

    c = sub.add_parser("compare", help="compare a record with its ClinicalTrials.gov entry")
    c.add_argument("record", type=Path)
    c.add_argument("file", type=Path)

    u = sub.add_parser("upgrade", help="rewrite version-1 records as version 2, in place (comments kept)")
    u.add_argument("records", nargs="+", type=Path)

    n = sub.add_parser("new", help="write a commented skeleton record that validates and builds at once")
    n.add_argument("id", help="record id: lower-case letters, digits and hyphens (names outputs/<id>/)")
    n.add_argument("-o", "--output", type=Path, help="record to write (default: stdout)")

    w = sub.add_parser("watch", help="build one record, then rebuild it whenever it (or the template) is saved")
    w.add_argument("record", type=Path)
    _output_options(w)

    e = sub.add_parser("export", help="write a record as a FHIR R5 Bundle (EBMonFHIR Citation, ResearchStudy, "
                                      "EvidenceVariable, Evidence, ArtifactAssessment), JSON")
    e.add_argument("format", choices=("fhir",))
    e.add_argument("records", nargs="+", type=Path)
    where = e.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="file to write, for one record (default: stdout)")
    where.add_argument("--out", type=Path, help="write <DIR>/<id>/fhir.json for each record")
    return p


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, default=Path("outputs"), help="output root (default: outputs)")
    p.add_argument("--only", choices=("brief", "deck", "figures"), action="append",
                   help="build only this output (repeatable; default: all)")
    p.add_argument("--figures", type=_figure_formats, default=os.environ.get("FIGURES") or "svg",
                   help="figure formats, comma-separated: svg (default), png (300 dpi, for posters; slower), "
                        "or svg,png (default: $FIGURES or svg)")
    p.add_argument("--paper", choices=("a4", "letter"), default=os.environ.get("PAPER", "a4").lower() or "a4",
                   help="page size of the brief (default: a4, or $PAPER)")
    template = os.environ.get("TEMPLATE")
    p.add_argument("--template", type=Path, default=Path(template) if template else None,
                   help="a .pptx whose layouts, theme colours and fonts the deck uses (default: $TEMPLATE)")


def _figure_formats(text: str) -> tuple[str, ...]:
    from .build import FIGURE_FORMATS

    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(f"{text!r}: say svg, png or svg,png")
    return formats


def main(argv: list[str] | None = None) -> int:
    collecting = gc.isenabled()
    gc.disable()                    # until the first record is done: see _collect_from_here
    # At exit every object is frozen first, so the interpreter's last collections skip them: a build's
    # process ends about 0.3 s sooner (matplotlib's objects alone took that long to collect).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        return _main(argv)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()
        else:
            gc.disable()


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.debug:
        os.environ["EVIDENCE_BRIEF_DEBUG"] = "1"      # also for build workers
    try:
        return _COMMANDS[args.command](args)
    except EvidenceBriefError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("evidence-brief: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place a bug becomes exit 70: a user's fault is an EvidenceBriefError
        for line in _internal_error(exc):
            print(line, file=sys.stderr)
        return 70


def _collect_from_here() -> None:
    """Turn the garbage collector back on, the first time (``main`` turns it off). The imports and the first
    record make about 100,000 objects (gc-tracked) that live as long as the process; collecting while they are made
    frees almost nothing and costs about 0.1 s of a cold build. They are frozen (never scanned again) and
    what is made from here on is collected as usual, so a run over many records does not grow."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _collect_after(later: bool) -> None:
    """After a record built with the collector off: the first's objects frozen (``_collect_from_here``); a later
    one's garbage collected at once (the young generations), before any of it reached the oldest generation,
    where the collector left it for a long time: a run of 1,000 records grew to about 200 MB."""
    if later:
        gc.collect(1)
        gc.enable()
    else:
        _collect_from_here()


def _internal_error(exc: BaseException, while_: str = "") -> list[str]:
    """The lines that report a bug: what failed, and where its traceback is (or the traceback itself)."""
    import shlex
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(exc))
    head = f"evidence-brief: internal error, please report{while_}: {type(exc).__name__}: {exc}"
    if os.environ.get("EVIDENCE_BRIEF_DEBUG"):
        return [text.rstrip(), head]
    try:
        fd, name = tempfile.mkstemp(prefix="evidence-brief-internal-error-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"evidence-brief {__version__}\n{shlex.join(sys.argv)}\n\n{text}")
    except OSError:
        return [head, "(the traceback could not be saved; run again with --debug to see it)"]
    return [head, f"the traceback is in {name}; please attach it to the report (--debug prints it instead)"]


def _print_warnings(warnings: Iterable[object]) -> None:
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)


def _each_record(paths: list[Path], action: Callable[[Path], None]) -> int:
    """Run ``action`` on every record; report every invalid one; exit 2 if any was invalid."""
    status = 0
    for path in paths:
        try:
            action(path)
        except RecordError as exc:
            if exc.problems:
                print(str(exc), file=sys.stderr)
            status = max(status, exc.exit_status)
        _collect_from_here()
    return status


def _validate(args: argparse.Namespace) -> int:
    from .validate import check_source

    refused, sources = _refuse_shared_ids(args.records, args.id_must_match_file_name)

    def one(path: Path) -> None:
        if path in refused:
            raise refused[path]
        checked = check_source(sources[path].source())
        _print_warnings(checked.warnings)
        print(f"{path}: valid ({checked.study.id})")

    return _each_record(args.records, one)


def _refuse_shared_ids(paths: list[Path], must_match_name: bool, each: Each = map
                       ) -> tuple[dict[Path, RecordError], dict[Path, _Read]]:
    """Records of one run that would write the same ``outputs/<id>/`` (or, with ``must_match_name``,
    whose id is not their file name), each with the located error that refuses it, and the records
    that cannot even be read, with their error; then every record read, as {path: _Read},
    for the caller to check (so no file is parsed twice). The files are read through ``each`` (``map``, or
    a pool of workers')."""
    ids: dict[Path, tuple[str, Problem]] = {}
    refused: dict[Path, RecordError] = {}
    sources: dict[Path, _Read] = {}
    unique = list(dict.fromkeys(paths))
    for path, read in zip(unique, each(_read, unique), strict=True):
        if isinstance(read, list):
            refused[path] = RecordError(read)
            continue
        sources[path] = read
        if read.id is not None:
            ids[path] = read.id
    by_id: dict[str, list[Path]] = {}
    for path, (study_id, _) in ids.items():
        by_id.setdefault(study_id, []).append(path)
    for path, (study_id, where) in ids.items():
        others = [shown_name(p) for p in by_id[study_id] if p != path]
        message = ""
        if others:
            message = (f"the id {study_id!r} is also the id of {', '.join(others)}; two records of one run "
                       f"would write the same outputs/{study_id}/; give each its own id")
        elif must_match_name and path.suffix in (".yaml", ".yml") and path.stem != study_id:
            message = (f"the id {study_id!r} differs from the file name {path.stem!r}; make names a study's "
                       f"outputs by its file, so rename the file to {study_id}{path.suffix} or set id: {path.stem}")
        if message:
            refused[path] = RecordError([Problem(where.file, where.line, where.column, "id", message)])
    return refused, sources


def _build_options(args: argparse.Namespace) -> BuildOptions:
    from .build import KINDS, BuildOptions

    if args.template is not None:
        from .template import load_template
        _print_warnings(load_template(args.template).notes)   # refused here, before any record is built
    return BuildOptions(only=tuple(args.only) if args.only else KINDS, paper=args.paper, template=args.template,
                        figures=args.figures)


def _build(args: argparse.Namespace) -> int:
    options = _build_options(args)
    work = functools.partial(_build_one, out=args.out, options=options)
    jobs = max(1, min(args.jobs, len(set(args.records))))
    if jobs == 1:
        return _build_each(args, map, work)
    import concurrent.futures
    import multiprocessing

    from .build import preload_renderers
    preload_renderers(options)  # imported once, shared by the forked workers
    with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return _build_each(args, pool.map, work)


def _build_each(args: argparse.Namespace, each: Each, work: Callable[[Path, _Read], Outcome]) -> int:
    """Read ``args.records``, refuse those that cannot be built, build the others with ``work``: both steps
    through ``each`` (``map``, or a pool of workers'), the outcomes printed in the records' order."""
    refused, sources = _refuse_shared_ids(args.records, args.id_must_match_file_name, each)
    for error in refused.values():
        if str(error):
            print(str(error), file=sys.stderr)
    records = [p for p in args.records if p not in refused]
    if not records:
        return max(error.exit_status for error in refused.values())
    status = 2 if refused else 0
    for code, out, err in each(work, records, [sources[p] for p in records]):
        for line in err:
            print(line, file=sys.stderr)
        for line in out:
            print(line)
        status = max(status, code)
    return status


@dataclass(frozen=True)
class _Read:
    """A record read, kept small while a run holds every record it was given (about 15 KB against about 110 KB
    for the ``loader.Source``, so a run of a thousand records does not hold a hundred megabytes): its id and where
    it stands, and the source pickled, unpacked when the record is checked or built."""

    id: tuple[str, Problem] | None
    packed: bytes

    def source(self) -> Source:
        source: Source = pickle.loads(self.packed)   # bytes this process or its parent made, never a file's
        return source


def _read(path: Path) -> _Read | list[Problem]:
    """A record read, or the problems that stop it being read (what a worker sends back: a ``RecordError``
    does not survive pickling)."""
    from .loader import load_file

    try:
        source = load_file(path)
    except RecordError as exc:
        return exc.problems
    study_id = source.data.get("id")
    return _Read((study_id, source.problem(("id",), "")) if isinstance(study_id, str) else None,
                 pickle.dumps(source, pickle.HIGHEST_PROTOCOL))


def _build_one(path: Path, read: _Read, *, out: Path, options: BuildOptions) -> Outcome:
    """Build one record (read already); return (exit status, stdout lines, stderr lines)
    so parallel output never interleaves."""
    from .build import build_record

    later = gc.isenabled()      # main() keeps the collector off until the first record is done
    gc.disable()
    try:
        result = build_record(path, out, options, source=read.source())
    except EvidenceBriefError as exc:
        return exc.exit_status, [], [str(exc)] if str(exc) else []
    except Exception as exc:  # noqa: BLE001 - a bug, reported like main() does, per record (in its worker)
        return 70, [], _internal_error(exc, f" (while building {shown_name(path)})")
    finally:
        _collect_after(later)
    err = [f"warning: {w}" for w in result.warnings]
    err += [f"note: {path}: {note}" for note in result.notes]
    if result.notes:
        err.append(f"note: {path}: details and fields: evidence-brief audit {path}")
    return 0, [f"wrote {w}" for w in result.written if w.suffix in (".pdf", ".pptx")], err


def _audit(args: argparse.Namespace) -> int:
    from .audit import format_findings, run_audit
    from .validate import is_review_checked, load_study

    def one(path: Path) -> None:
        checked = load_study(path)
        if is_review_checked(checked):
            from .review.audit import run_review_audit
            result = run_review_audit(checked).result
        else:
            result = run_audit(checked)
        print(format_findings(path, result.findings))
        if result.errors:
            raise RecordError([])  # the findings above name the fields; exit 2 like any invalid record

    return _each_record(args.records, one)


def _schema(args: argparse.Namespace) -> int:
    import json

    from .model import study_schema
    from .review.model import review_schema

    text = json.dumps(review_schema() if args.review else study_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        from .atomic import write_files
        write_files({args.output: text.encode("utf-8")})
    else:
        sys.stdout.write(text)
    return 0


def _import(args: argparse.Namespace) -> int:
    if args.source == "citation":
        return _import_citation(args)
    if args.into or args.pick is not None or args.doi:
        raise UsageError("import ctgov: --into, --pick and --doi are for import citation")
    from .ctgov import import_ctgov_file

    if args.output and not args.output.is_dir():
        _refuse_overwrite(args.output, args.force)          # before any work or warning
    result = import_ctgov_file(args.file)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    target = args.output / f"{result.record_id}.yaml" if args.output and args.output.is_dir() else args.output
    if target is not None:
        _refuse_overwrite(target, args.force)
    _write_or_print(result.yaml_text, target, overwrite=True)
    return 0


def _refuse_overwrite(target: Path, force: bool) -> None:
    if (target.exists() or target.is_symlink()) and not force:
        raise UsageError(f"{shown_name(target)} already exists; it may be a record written by hand, so it "
                         f"is kept (use --force to overwrite it, or -o another file)")


def _write_or_print(text: str, output: Path | None, *, overwrite: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    if not overwrite and output.exists():
        raise UsageError(f"{output} exists; choose another file (or, for a citation, --into {output})")
    from .atomic import write_files
    write_files({output: text.encode("utf-8")})
    print(f"wrote {shown_name(output)}")


def _import_citation(args: argparse.Namespace) -> int:
    from .citations import read_reference
    from .citations.fields import citation_node, record_id

    reference = read_reference(args.file, pick=args.pick, doi=args.doi)
    citation = citation_node(reference)
    origin = f"From {args.file.name} (line {reference.line}) by `evidence-brief import citation`."
    if args.into is None:
        if args.force:
            raise UsageError("--force is for --into RECORD")
        from .skeleton import skeleton
        text = skeleton(args.output.stem if args.output else record_id(reference), citation, origin)
        _write_or_print(text, args.output, overwrite=False)
        return 0
    from .citations.merge import merge_citation

    merge = merge_citation(args.into, citation, origin, force=args.force)
    for conflict in merge.conflicts:
        print(f"warning: {conflict}", file=sys.stderr)
    if merge.filled:
        from .atomic import write_files
        write_files({args.into: merge.text.encode("utf-8")})
        print(f"{args.into}: citation: wrote {', '.join(merge.filled)}")
    else:
        print(f"{args.into}: citation: nothing to add")
    return 0


def _new(args: argparse.Namespace) -> int:
    from .skeleton import skeleton

    _write_or_print(skeleton(args.id), args.output, overwrite=False)
    return 0


def _watch(args: argparse.Namespace) -> int:
    from .watch import watch

    if not args.record.is_file():
        raise UsageError(f"{args.record}: no such record")
    _collect_from_here()     # it runs for hours
    return watch(args.record, args.out, _build_options(args), lambda line: print(line, flush=True))


def _compare(args: argparse.Namespace) -> int:
    from .ctgov.compare import compare_study, compared_topics
    from .ctgov.source import read_study
    from .validate import is_review_checked, load_study

    checked = load_study(args.record)
    if is_review_checked(checked):
        raise UsageError(f"{shown_name(args.record)}: compare takes a trial's record; this one is a review")
    study = checked.study
    data = read_study(args.file)
    differences = compare_study(study, data, shown_name(args.file))
    for d in differences:
        print(str(d))
    if not differences:
        topics = compared_topics(data)
        print(f"{shown_name(args.record)}: agrees with {shown_name(args.file)} on "
              f"{', '.join(topics[:-1]) + ' and ' if len(topics) > 1 else ''}{topics[-1]}")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from .upgrade import upgrade_file

    return _each_record(args.records, lambda path: print(upgrade_file(path)))


def _export(args: argparse.Namespace) -> int:
    from .atomic import write_files
    from .fhir import bundle_json
    from .validate import is_review_checked, load_study

    if args.output and len(args.records) > 1:
        raise EvidenceBriefError("export: -o takes one record; use --out DIR for several")

    def one(path: Path) -> None:
        checked = load_study(path)
        _print_warnings(checked.warnings)
        if is_review_checked(checked):
            from .fhir.jsonout import dumps
            from .fhir.review import export_review_bundle

            text = dumps(export_review_bundle(checked.study))
        else:
            text = bundle_json(checked.study)
        target = args.output or (args.out / checked.study.id / "fhir.json" if args.out else None)
        if target is None:
            sys.stdout.write(text)
            return
        write_files({target: text.encode("utf-8")})
        print(f"wrote {target}")

    return _each_record(args.records, one)


_COMMANDS = {"validate": _validate, "build": _build, "audit": _audit, "schema": _schema,
             "import": _import, "compare": _compare, "upgrade": _upgrade, "new": _new, "watch": _watch,
             "export": _export}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
