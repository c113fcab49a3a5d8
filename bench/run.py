"""Benchmark: what a study costs, as ratios to what cannot be avoided, and how it scales.

    python bench/run.py              # N = 1, 10, 100 studies
    python bench/run.py --big        # and N = 1,000 (slow: about ten minutes on two cores)
    python bench/run.py --quick      # N = 1, 10; fewer repeats (a smoke run)

Every record it builds is SYNTHETIC: generated numbers, ids bench-0001 ..., titles that say
"SYNTHETIC"; they exist only to load the pipeline as a real corpus would (2-4 arms, 3-8
outcomes, full participant flow, harms, appraisal) and describe no real study.

In one run, each in child processes of a temporary copy of the repository (``os.wait4`` gives
each child's peak resident memory), it measures:

1. one study cold, whole process (``python -m pipeline build``: brief, deck, SVG figures) against
   the import floor as issue #15 defines it (yaml, pydantic, reportlab, python-pptx, matplotlib's
   Agg back-end, fontTools: what a build imported when the issue was written) and against the floor
   of what a default build imports now (the same without matplotlib, which only the PNGs use), in
   paired runs; ``validate`` of one record against the floor of importing yaml and pydantic, and against
   that floor with one one-field pydantic model built and used (what any model costs);
2. the marginal cost of a study in one process: ``evidence-brief build`` of N records against the same
   command with the first of them only, in one process each (the difference over N - 1), and its split
   into loading, brief, deck and figures;
3. ``make -j1 report`` and ``make -j2 report`` from clean over N = 1, 10, 100 (and 1,000 with
   ``--big``) studies, and a no-op ``make report`` over the largest N;
4. the peak memory of any process, and the output sizes;

and prints each result beside the target of issue #15, saying whether it is met. Timings depend
on the machine and on what else runs on it; the ratios less so. Nothing is written inside the
repository.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable

# The targets of issue #15, printed beside what was measured.
COLD_RATIO = 1.5          # one study cold, whole process, ≤ 1.5× the import floor
VALIDATE_RATIO = 1.3      # validate of one record ≤ 1.3× the yaml + pydantic floor
MARGINAL_MS = 120.0       # each further study in one process
THOUSAND_S = 60.0         # 1,000 studies from clean with make -j2 report
NOOP_S = 0.2              # no-op make report
PEAK_MB = 200.0           # any process, any N
BRIEF_KB = 150.0          # a brief to e-mail

# What a default build (brief, deck, SVG figures) imports. No matplotlib: the SVG figures are written
# without it since render/svg.py, and it is imported only for PNGs, which are made on request.
BUILD_FLOOR = textwrap.dedent("""
    import yaml
    from pydantic import BaseModel
    from reportlab.pdfgen import canvas
    from reportlab.pdfbase.ttfonts import TTFont
    from pptx import Presentation
    from fontTools.ttLib import TTFont
""")
# The floor issue #15 states its target against: what a build imported then, matplotlib's Agg included.
ISSUE_FLOOR = BUILD_FLOOR + textwrap.dedent("""
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg
""")
VALIDATE_FLOOR = "import yaml\nfrom pydantic import BaseModel\n"
# What any pydantic model costs on top: pydantic builds a model's validator on its first class (its schema
# generation, and its plugin loader importing importlib.metadata), however small the model.
ONE_MODEL_FLOOR = VALIDATE_FLOOR + "class Record(BaseModel):\n    id: str\nRecord(id='x')\n"

LOOP = textwrap.dedent("""
    # The records built by the command itself (``evidence-brief build a.yaml b.yaml ...``: reading, garbage
    # collection and writing included), timed whole; then each part of a study timed alone.
    import json, sys, time
    from pipeline.build import BuildOptions, render
    from pipeline.cli import main
    from pipeline.report import prepare
    from pipeline.validate import load_study
    records, out = sys.argv[1:-1], sys.argv[-1]
    parts = {"load": [], "brief": [], "deck": [], "figures": []}
    w, c = time.perf_counter(), time.process_time()
    assert main(["build", *records, "--out", out]) == 0
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    for r in records[1:]:
        c = time.process_time()
        report = prepare(load_study(r))
        parts["load"].append(time.process_time() - c)
        for kind in ("brief", "deck", "figures"):
            c = time.process_time()
            render(report, BuildOptions(only=(kind,)))
            parts[kind].append(time.process_time() - c)
    print(json.dumps({"wall": wall, "cpu": cpu, "parts": parts}))
""")


# --- synthetic records ------------------------------------------------------------

ARM_NAMES = ["Drug A 10 mg", "Drug A 20 mg", "Drug B", "Usual care", "Placebo", "Exercise programme"]
OUTCOME_NAMES = ["Remission", "Response (50% improvement)", "Pain score", "Hospital admission",
                 "Quality of life (EQ-5D)", "Physical function (HAQ)", "Relapse", "Treatment failure",
                 "Fatigue score", "Return to work"]


def synthetic_record(index: int) -> str:
    """A realistic-looking but SYNTHETIC version-2 record as YAML text (deterministic per index)."""
    import yaml

    from pipeline.upgrade import upgrade_data

    rnd = random.Random(index)
    n_arms = rnd.randint(2, 4)
    n_outcomes = rnd.randint(3, 8)
    sid = f"bench-{index:04d}"
    arm_labels = rnd.sample(ARM_NAMES, n_arms)
    size = rnd.randint(40, 400)          # every arm the same size: allocation 1:1:...
    arms, flow_arms, sizes = [], [], []
    for a, label in enumerate(arm_labels):
        sizes.append(size)
        arm_id = f"arm-{a + 1}"
        arms.append({"id": arm_id, "label": f"{label} (synthetic)", "short_label": label.split(" (")[0][:18],
                     "role": "intervention" if a < n_arms - 1 else "control", "randomized": size})
        discontinued = rnd.randint(0, size // 10)
        lost = rnd.randint(0, size // 20)
        flow_arms.append({
            "arm": arm_id, "allocated": size, "received": size - rnd.randint(0, 2),
            "discontinued": discontinued,
            "discontinued_reasons": [{"reason": "Adverse event", "n": discontinued // 2},
                                     {"reason": "Withdrew consent", "n": discontinued - discontinued // 2}],
            "lost": lost, "completed": size - discontinued - lost, "analysed": size})
    randomized = sum(sizes)
    excluded = rnd.randint(20, 300)
    outcomes = []
    for o in range(n_outcomes):
        binary = o % 2 == 0
        results = []
        for arm, n in zip(arms, sizes, strict=True):
            if binary:
                results.append({"arm": arm["id"], "events": rnd.randint(1, n - 1), "total": n})
            else:
                results.append({"arm": arm["id"], "mean": round(rnd.uniform(10, 60), 1),
                                "sd": round(rnd.uniform(5, 20), 1), "total": n})
        est = round(rnd.uniform(-8, 8), 1) if not binary else round(rnd.uniform(0.6, 1.6), 2)
        half = round(rnd.uniform(1, 6), 1)
        effect = ({"measure": "risk ratio", "compares": [arms[0]["id"], arms[-1]["id"]], "estimate": est,
                   "ci": [round(est * 0.8, 2), round(est * 1.25, 2)]} if binary else
                  {"measure": "mean difference", "compares": [arms[0]["id"], arms[-1]["id"]], "estimate": est,
                   "ci": [round(est - half, 1), round(est + half, 1)], "unit": "points"})
        outcomes.append({"id": f"out-{o + 1}", "label": OUTCOME_NAMES[o % len(OUTCOME_NAMES)], "primary": o == 0,
                         "timepoint": "12 months", "kind": "binary" if binary else "continuous",
                         "higher_is_better": o % 3 != 1, "results": results, "effect": effect})
    record = {
        "id": sid,
        "acronym": f"BENCH-{index:04d}",
        "title": f"SYNTHETIC benchmark study {index:04d}: not a real trial; every number is generated",
        "question": {"population": "Adults with a chronic inflammatory condition (synthetic)",
                     "eligibility": ["Age 18 years or older", "Active disease despite first-line treatment"],
                     "intervention": arm_labels[0], "comparator": arm_labels[-1],
                     "outcomes": [o["label"] for o in outcomes[:2]], "setting": "Outpatient clinics (synthetic)"},
        "design": {"type": "parallel", "randomized": True, "allocation_ratio": ":".join("1" * n_arms),
                   "masking": "Double-blind", "centres": rnd.randint(1, 40), "countries": ["Nowhere"],
                   "follow_up": "12 months"},
        "arms": arms,
        "flow": {"assessed": randomized + excluded, "excluded": excluded,
                 "excluded_reasons": [{"reason": "Did not meet inclusion criteria", "n": excluded}],
                 "randomized": randomized, "arms": flow_arms},
        "outcomes": outcomes,
        "harms": [{"label": "Serious adverse events", "serious": True,
                   "results": [{"arm": a["id"], "events": rnd.randint(0, n // 10), "total": n}
                               for a, n in zip(arms, sizes, strict=True)]}],
        "appraisal": {"rob2": {"overall": {"judgement": "some concerns", "support": "Synthetic judgement."}},
                      "strengths": ["Randomized (synthetic)"], "limitations": ["Synthetic data"]},
        "conclusions": {"bottom_line": "Synthetic benchmark record; it supports no clinical conclusion.",
                        "key_messages": ["Synthetic numbers", "For timing only", "Not a real trial"]},
    }
    upgrade_data(record)     # written as version 2, as `evidence-brief new` and `upgrade` write records
    header = "# SYNTHETIC benchmark record generated by bench/run.py: not a real study.\n"
    return header + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100)


# --- measuring ---------------------------------------------------------------------

def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB of its largest process, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed:\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stdout


def paired(floors: list[list[str]], cmd: list[str], cwd: Path, env: dict, repeat: int, before=None):
    """Run each floor and the command in turn ``repeat`` times; per floor, the medians of the floor's time and
    of the ratios; the median of the command's time, and its peak memory."""
    floor_times: list[list[float]] = [[] for _ in floors]
    ratios: list[list[float]] = [[] for _ in floors]
    times, peak = [], 0.0
    for _ in range(repeat):
        fs = [run(floor, cwd, env)[0] for floor in floors]
        if before:
            before()
        t, mb, _ = run(cmd, cwd, env)
        times.append(t)
        peak = max(peak, mb)
        for k, f in enumerate(fs):
            floor_times[k].append(f)
            ratios[k].append(t / f)
    return ([(statistics.median(f), statistics.median(r)) for f, r in zip(floor_times, ratios, strict=True)],
            statistics.median(times), peak)


def make_repo(dest: Path, n: int) -> Path:
    """A copy of the parts of the repository a build needs (the venv by symlink), with n SYNTHETIC records."""
    dest.mkdir()
    shutil.copytree(REPO / "pipeline", dest / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    (dest / ".venv").symlink_to(REPO / ".venv")
    (dest / "sources").mkdir()
    subprocess.run([PY, "-m", "compileall", "-q", str(dest / "pipeline")], check=True)   # no run pays for it
    for i in range(1, n + 1):
        (dest / "sources" / f"bench-{i:04d}.yaml").write_text(RECORDS[i], encoding="utf-8")
    return dest


RECORDS: dict[int, str] = {}


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--big", action="store_true", help="also N = 1,000 studies (slow)")
    ap.add_argument("--quick", action="store_true", help="N = 1 and 10 only, 3 paired runs")
    ap.add_argument("--repeat", type=int, help="paired runs for the cold measures (default 5, quick 3)")
    ap.add_argument("--loop", type=int, default=20, help="studies built in one process for the marginal cost")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    ns = [1, 10] if args.quick else [1, 10, 100] + ([1000] if args.big else [])
    repeat = args.repeat or (3 if args.quick else 5)
    for i in range(1, max(ns + [args.loop]) + 1):
        RECORDS[i] = synthetic_record(i)

    tmp = Path(tempfile.mkdtemp(prefix="evidence-brief-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("FIGURES", "PAPER", "TEMPLATE", "EVIDENCE_BRIEF_DEBUG")}
    env.update(SOURCE_DATE_EPOCH="1700000000", MPLBACKEND="Agg")
    rows: list[tuple[str, str, str, str]] = []
    try:
        print(f"evidence-brief benchmark: SYNTHETIC studies, N = {', '.join(map(str, ns))}; "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
        base = make_repo(tmp / "base", args.loop)
        one = base / "sources" / "bench-0001.yaml"
        py = str(base / ".venv" / "bin" / "python")

        # 1. cold, against the floors, in paired runs.
        cold_out = tmp / "cold"
        (issue, now), cold_s, cold_mb = paired(
            [[py, "-c", ISSUE_FLOOR], [py, "-c", BUILD_FLOOR]],
            [py, "-m", "pipeline", "build", str(one), "--out", str(cold_out)], base, env,
            repeat, before=lambda: shutil.rmtree(cold_out, ignore_errors=True))
        rows.append(("one study cold, whole process (brief, deck, SVG figures), against #15's floor",
                     f"{cold_s:.2f} s = {issue[1]:.2f}× floor ({issue[0]:.2f} s)", f"≤ {COLD_RATIO}× floor",
                     verdict(issue[1] <= COLD_RATIO)))
        rows.append(("  the same against what a build imports now (no matplotlib)",
                     f"{now[1]:.2f}× floor ({now[0]:.2f} s)", f"≤ {COLD_RATIO}× floor", verdict(now[1] <= COLD_RATIO)))
        (floor_v, floor_m), val_s, _ = paired([[py, "-c", VALIDATE_FLOOR], [py, "-c", ONE_MODEL_FLOOR]],
                                              [py, "-m", "pipeline", "validate", str(one)], base, env, repeat)
        model_x = floor_m[0] / floor_v[0]
        rows.append(("validate one record, whole process",
                     f"{val_s:.2f} s = {floor_v[1]:.2f}× floor ({floor_v[0]:.2f} s)", f"≤ {VALIDATE_RATIO}× floor",
                     verdict(floor_v[1] <= VALIDATE_RATIO)))
        rows.append(("  a one-field pydantic model alone, against the same floor (what any model costs)",
                     f"{floor_m[0]:.2f} s = {model_x:.2f}× floor", "", ""))
        rows.append(("  validate against that one-model floor", f"{floor_m[1]:.2f}× floor",
                     f"≤ {VALIDATE_RATIO}× floor (#15's ratio, this floor)", verdict(floor_m[1] <= VALIDATE_RATIO)))
        print("  cold runs done", flush=True)

        # 2. the marginal study, in one process.
        loop_records = [str(base / "sources" / f"bench-{i:04d}.yaml") for i in range(1, args.loop + 1)]
        # The difference of two processes moves with either's noise: three pairs, the median difference.
        walls, cpus, loop_mb, loop = [], [], 0.0, {}
        for _ in range(3):
            pair = {}
            for count in (1, args.loop):
                _, mb, stdout = run([py, "-c", LOOP, *loop_records[:count], str(tmp / f"loop{count}")], base, env)
                shutil.rmtree(tmp / f"loop{count}", ignore_errors=True)
                pair[count] = json.loads(stdout.strip().splitlines()[-1])
                loop_mb = max(loop_mb, mb)
            walls.append((pair[args.loop]["wall"] - pair[1]["wall"]) / (args.loop - 1))
            cpus.append((pair[args.loop]["cpu"] - pair[1]["cpu"]) / (args.loop - 1))
            loop = pair[args.loop]
        marginal_ms, marginal_cpu = 1000 * statistics.median(walls), 1000 * statistics.median(cpus)
        rows.append((f"each further study in one process ({args.loop} studies against 1, median of 3 pairs)",
                     f"{marginal_ms:.0f} ms (CPU {marginal_cpu:.0f} ms)",
                     f"≤ {MARGINAL_MS:.0f} ms", verdict(marginal_ms <= MARGINAL_MS)))
        split = ", ".join(f"{k} {1000 * statistics.median(v):.0f}" for k, v in loop["parts"].items())
        rows.append(("  of which (CPU ms): " + split, "", "", ""))
        print("  one-process loop done", flush=True)

        # 3. make report from clean, N studies, 1 and 2 workers; a no-op make over the largest N.
        peak = max(cold_mb, loop_mb)
        make = shutil.which("make")
        sizes: dict[str, list[int]] = {"brief.pdf": [], "deck.pptx": [], "figures/": []}
        if make is None:
            rows.append(("make report", "skipped: make not found", "", ""))
        else:
            per_study: dict[tuple[int, int], float] = {}
            for n in ns:
                repo = make_repo(tmp / f"n{n}", n)
                cmd = [make, "-o", ".venv/.installed", f"PY={py}", "report"]
                for jobs in (1, 2):
                    run([make, "clean"], repo, env)
                    took, mb, _ = run(cmd[:1] + [f"-j{jobs}"] + cmd[1:], repo, env)
                    per_study[(n, jobs)] = took / n
                    peak = max(peak, mb)
                    target, ok = "", ""
                    if n == 1000 and jobs == 2:
                        target, ok = f"< {THOUSAND_S:.0f} s", verdict(took < THOUSAND_S)
                    rows.append((f"make -j{jobs} report, {n} {'study' if n == 1 else 'studies'} from clean",
                                 f"{took:.1f} s ({1000 * took / n:.0f} ms a study, {mb:.0f} MB peak)", target, ok))
                    print(f"  make -j{jobs}, N = {n} done", flush=True)
                if n == max(ns):
                    noop = statistics.median(run(cmd, repo, env)[0] for _ in range(3))
                    rows.append((f"no-op make report, {n} studies up to date", f"{noop:.3f} s", f"< {NOOP_S} s",
                                 verdict(noop < NOOP_S)))
                    for rec in sorted((repo / "sources").glob("*.yaml")):
                        folder = repo / "outputs" / rec.stem
                        sizes["brief.pdf"].append((folder / "brief.pdf").stat().st_size)
                        sizes["deck.pptx"].append((folder / "deck.pptx").stat().st_size)
                        sizes["figures/"].append(folder_size(folder / "figures"))
                shutil.rmtree(repo, ignore_errors=True)
            big = max(ns)
            if 1000 not in ns:
                projected = 1000 * per_study[(big, 2)]
                rows.append((f"1,000 studies with make -j2 report, projected from N = {big}", f"{projected:.0f} s",
                             f"< {THOUSAND_S:.0f} s", verdict(projected < THOUSAND_S) + " (projected)"))
            rows.append((f"speed-up of make -j2 over -j1, N = {big}",
                         f"{per_study[(big, 1)] / per_study[(big, 2)]:.2f}×", f"≈ {min(2, os.cpu_count() or 1)}× "
                         f"(the cores)", ""))
        rows.append(("peak memory of any process, any N", f"{peak:.0f} MB", f"≤ {PEAK_MB:.0f} MB",
                     verdict(peak <= PEAK_MB)))
        for name, values in sizes.items():
            if values:
                median_kb, max_kb = statistics.median(values) / 1024, max(values) / 1024
                target, ok = (f"< {BRIEF_KB:.0f} KB", verdict(max_kb < BRIEF_KB)) if name == "brief.pdf" else ("", "")
                rows.append((f"output size {name} (median / max)", f"{median_kb:.0f} / {max_kb:.0f} KiB", target, ok))

        print("\n| measure | measured | target (#15) | |\n|---|---|---|---|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        print("\nAll records are SYNTHETIC (generated numbers); see bench/README.md.")
        if args.keep:
            print(f"kept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
