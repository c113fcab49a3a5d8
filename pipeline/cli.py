"""The ``evidence-brief`` command: a thin layer over the library.

In:  argv. Out: files (via ``build``), lines on stdout/stderr and an exit
status: 0 success, 1 a build or write failure, 2 an invalid record or usage
error. Every ``EvidenceBriefError`` becomes its message lines; no traceback
reaches a user (set EVIDENCE_BRIEF_DEBUG=1 to see one for an internal error).

    evidence-brief validate RECORD...
    evidence-brief build RECORD... [--out DIR] [--only brief|deck|figures] [--paper a4|letter] [--template FILE] [-j N]
    evidence-brief audit RECORD...
    evidence-brief schema [-o FILE]
    evidence-brief import ctgov FILE.json [-o FILE.yaml]
    evidence-brief compare RECORD FILE.json
    evidence-brief upgrade RECORD...
    evidence-brief export fhir RECORD... [-o FILE.json | --out DIR]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path

from . import __version__
from .errors import EvidenceBriefError, RecordError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other usage problem
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="evidence-brief", description="Turn a clinical study record into a one-page PDF brief and a slide deck.")
    p.add_argument("--version", action="version", version=f"evidence-brief {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    v = sub.add_parser("validate", help="check records; print every problem as file:line:column: field: message")
    v.add_argument("records", nargs="+", type=Path)

    b = sub.add_parser("build", help="build outputs/<id>/brief.pdf, deck.pptx and figures for each record")
    b.add_argument("records", nargs="+", type=Path)
    b.add_argument("--out", type=Path, default=Path("outputs"), help="output root (default: outputs)")
    b.add_argument("--only", choices=("brief", "deck", "figures"), action="append",
                   help="build only this output (repeatable; default: all)")
    b.add_argument("--paper", choices=("a4", "letter"), default=os.environ.get("PAPER", "a4").lower() or "a4",
                   help="page size of the brief (default: a4, or $PAPER)")
    b.add_argument("-j", "--jobs", type=int, default=1,
                   help="build this many records at once, in worker processes (default: 1)")
    b.add_argument("--template", type=Path, default=Path(os.environ["TEMPLATE"]) if os.environ.get("TEMPLATE") else None,
                   help="a .pptx whose layouts, theme colours and fonts the deck uses (default: $TEMPLATE)")

    a = sub.add_parser("audit", help="recompute what can be recomputed and list numbers that do not add up")
    a.add_argument("records", nargs="+", type=Path)

    s = sub.add_parser("schema", help="write the JSON Schema of a study record")
    s.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    i = sub.add_parser("import", help="start a record from a registry entry")
    i.add_argument("source", choices=("ctgov",), help="registry format: ctgov (ClinicalTrials.gov API v2 JSON)")
    i.add_argument("file", type=Path)
    i.add_argument("-o", "--output", type=Path, help="record to write (default: stdout)")

    c = sub.add_parser("compare", help="compare a record with its ClinicalTrials.gov entry")
    c.add_argument("record", type=Path)
    c.add_argument("file", type=Path)

    u = sub.add_parser("upgrade", help="rewrite version-1 records as version 2, in place (comments kept)")
    u.add_argument("records", nargs="+", type=Path)

    e = sub.add_parser("export", help="write a record as a FHIR R5 Bundle (EBMonFHIR Citation, ResearchStudy, "
                                      "EvidenceVariable, Evidence, ArtifactAssessment), JSON")
    e.add_argument("format", choices=("fhir",))
    e.add_argument("records", nargs="+", type=Path)
    where = e.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="file to write, for one record (default: stdout)")
    where.add_argument("--out", type=Path, help="write <DIR>/<id>/fhir.json for each record")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except EvidenceBriefError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("evidence-brief: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: still one line unless debugging
        if os.environ.get("EVIDENCE_BRIEF_DEBUG"):
            raise
        print(f"evidence-brief: internal error: {type(exc).__name__}: {exc} "
              f"(set EVIDENCE_BRIEF_DEBUG=1 for details)", file=sys.stderr)
        return 70


def _print_warnings(warnings) -> None:
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)


def _each_record(paths: list[Path], action) -> int:
    """Run ``action`` on every record; report every invalid one; exit 2 if any was invalid."""
    status = 0
    for path in paths:
        try:
            action(path)
        except RecordError as exc:
            if exc.problems:
                print(str(exc), file=sys.stderr)
            status = max(status, exc.exit_status)
    return status


def _validate(args) -> int:
    from .validate import load_study

    def one(path: Path) -> None:
        checked = load_study(path)
        _print_warnings(checked.warnings)
        print(f"{path}: valid ({checked.study.id})")

    return _each_record(args.records, one)


def _build(args) -> int:
    from .build import KINDS, BuildOptions

    if args.template is not None and not args.template.is_file():
        raise EvidenceBriefError(f"--template {args.template}: no such file")
    options = BuildOptions(only=tuple(args.only) if args.only else KINDS, paper=args.paper, template=args.template)
    jobs = max(1, min(args.jobs, len(args.records)))
    work = functools.partial(_build_one, out=args.out, options=options)
    if jobs == 1:
        outcomes = map(work, args.records)
    else:
        import concurrent.futures
        import multiprocessing

        from .build import preload_renderers
        preload_renderers(options)  # imported once, shared by the forked workers
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            outcomes = list(pool.map(work, args.records))
    status = 0
    for code, out, err in outcomes:
        for line in err:
            print(line, file=sys.stderr)
        for line in out:
            print(line)
        status = max(status, code)
    return status


def _build_one(path: Path, *, out: Path, options) -> tuple[int, list[str], list[str]]:
    """Build one record; return (exit status, stdout lines, stderr lines) so parallel output never interleaves."""
    from .build import build_record

    try:
        result = build_record(path, out, options)
    except EvidenceBriefError as exc:
        return exc.exit_status, [], [str(exc)] if str(exc) else []
    except Exception as exc:  # a bug: one line, like main()
        if os.environ.get("EVIDENCE_BRIEF_DEBUG"):
            raise
        return 70, [], [f"evidence-brief: internal error while building {path}: {type(exc).__name__}: {exc}"]
    err = [f"warning: {w}" for w in result.warnings]
    err += [f"note: {path}: {note}" for note in result.notes]
    if result.notes:
        err.append(f"note: {path}: details and fields: evidence-brief audit {path}")
    return 0, [f"wrote {w}" for w in result.written if w.suffix in (".pdf", ".pptx")], err


def _audit(args) -> int:
    from .audit import format_findings, run_audit
    from .validate import load_study

    def one(path: Path) -> None:
        result = run_audit(load_study(path))
        print(format_findings(path, result.findings))
        if result.errors:
            raise RecordError([])  # the findings above name the fields; exit 2 like any invalid record

    return _each_record(args.records, one)


def _schema(args) -> int:
    from .model import study_schema

    text = json.dumps(study_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        from .atomic import write_files
        write_files({args.output: text.encode("utf-8")})
    else:
        sys.stdout.write(text)
    return 0


def _import(args) -> int:
    from .ctgov import import_ctgov_file

    result = import_ctgov_file(args.file)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.output:
        from .atomic import write_files
        write_files({args.output: result.yaml_text.encode("utf-8")})
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(result.yaml_text)
    return 0


def _compare(args) -> int:
    from .ctgov import compare_record
    from .validate import load_study

    differences = compare_record(load_study(args.record).study, args.file)
    for d in differences:
        print(str(d))
    if not differences:
        print(f"{args.record}: agrees with {args.file} on enrolment, arms and primary outcomes")
    return 0


def _upgrade(args) -> int:
    from .upgrade import upgrade_file

    return _each_record(args.records, lambda path: print(upgrade_file(path)))


def _export(args) -> int:
    from .atomic import write_files
    from .fhir import bundle_json
    from .validate import load_study

    if args.output and len(args.records) > 1:
        raise EvidenceBriefError("export: -o takes one record; use --out DIR for several")

    def one(path: Path) -> None:
        checked = load_study(path)
        _print_warnings(checked.warnings)
        text = bundle_json(checked.study)
        target = args.output or (args.out / checked.study.id / "fhir.json" if args.out else None)
        if target is None:
            sys.stdout.write(text)
            return
        write_files({target: text.encode("utf-8")})
        print(f"wrote {target}")

    return _each_record(args.records, one)


_COMMANDS = {"validate": _validate, "build": _build, "audit": _audit, "schema": _schema,
             "import": _import, "compare": _compare, "upgrade": _upgrade, "export": _export}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
