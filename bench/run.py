"""Benchmark: build times, memory and output sizes as the number of studies grows.

    python bench/run.py            # N = 100 synthetic studies
    python bench/run.py --quick    # N = 10
    python bench/run.py -n 250

Every record it builds is SYNTHETIC: generated numbers, ids bench-001 ...,
titles that say "SYNTHETIC". They exist only to load the pipeline the way a
real corpus would (2-4 arms, 3-8 outcomes, full participant flow, harms,
appraisal); they describe no real study.

It measures, each in child processes (``os.wait4`` gives each child's peak
resident memory):

1. one study cold, end to end (``python -m pipeline build``: PDF + PPTX +
   figures), median of several runs, beside a floor measured in the same run:
   a bare Python that imports yaml, reportlab, pptx and matplotlib and writes
   a trivial PDF and PPTX;
2. the marginal time per study when N studies are built in one process
   (``pipeline.build.build_record`` in a loop), and ``make -j2 report`` over
   the N records from clean, in a temporary copy of the repository;
3. a no-op ``make report`` when everything is up to date;
4. peak memory and output sizes.

Nothing is written inside the repository; everything happens in a temporary
folder, removed at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
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

# Goals, printed beside what was measured.
COLD_FACTOR_GOAL = 1.5      # one study cold within 1.5x the floor
MARGINAL_MS_GOAL = 60.0     # per study beyond start-up, in one process
NOOP_MAKE_S_GOAL = 0.2
PEAK_MB_GOAL = 200.0

FLOOR_SCRIPT = textwrap.dedent("""
    import io, sys
    import yaml, reportlab, pptx, matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot
    from reportlab.pdfgen import canvas
    from pptx import Presentation
    out = sys.argv[1]
    c = canvas.Canvas(out + "/floor.pdf"); c.drawString(72, 720, "floor"); c.showPage(); c.save()
    p = Presentation(); s = p.slides.add_slide(p.slide_layouts[5]); s.shapes.title.text = "floor"
    p.save(out + "/floor.pptx")
""")

LOOP_SCRIPT = textwrap.dedent("""
    import json, sys, time
    t0 = time.perf_counter()
    from pipeline.build import build_record
    records, out = sys.argv[1:-1], sys.argv[-1]
    t_import = time.perf_counter()
    times = []
    for r in records:
        s = time.perf_counter()
        build_record(r, out)
        times.append(time.perf_counter() - s)
    print(json.dumps({"import": t_import - t0, "times": times}))
""")


# --- synthetic records ------------------------------------------------------------

ARM_NAMES = ["Drug A 10 mg", "Drug A 20 mg", "Drug B", "Usual care", "Placebo", "Exercise programme"]
OUTCOME_NAMES = ["Remission", "Response (50% improvement)", "Pain score", "Hospital admission",
                 "Quality of life (EQ-5D)", "Physical function (HAQ)", "Relapse", "Treatment failure",
                 "Fatigue score", "Return to work"]


def synthetic_record(index: int) -> str:
    """A realistic-looking but SYNTHETIC record as YAML text (deterministic per index)."""
    import yaml

    rnd = random.Random(index)
    n_arms = rnd.randint(2, 4)
    n_outcomes = rnd.randint(3, 8)
    sid = f"bench-{index:03d}"
    arm_labels = rnd.sample(ARM_NAMES, n_arms)
    arms, flow_arms, sizes = [], [], []
    for a, label in enumerate(arm_labels):
        size = rnd.randint(40, 400)
        sizes.append(size)
        arm_id = f"arm-{a + 1}"
        arms.append({"id": arm_id, "label": f"{label} (synthetic)", "short_label": label.split(" (")[0][:18],
                     "role": "intervention" if a < n_arms - 1 else "control", "randomized": size})
        discontinued = rnd.randint(0, size // 10)
        lost = rnd.randint(0, size // 20)
        completed = size - discontinued - lost
        flow_arms.append({
            "arm": arm_id, "allocated": size, "received": size - rnd.randint(0, 2),
            "discontinued": discontinued,
            "discontinued_reasons": [{"reason": "Adverse event", "n": discontinued // 2},
                                     {"reason": "Withdrew consent", "n": discontinued - discontinued // 2}],
            "lost": lost, "completed": completed, "analysed": size})
    randomized = sum(sizes)
    excluded = rnd.randint(20, 300)
    outcomes = []
    for o in range(n_outcomes):
        binary = o % 2 == 0
        label = OUTCOME_NAMES[o % len(OUTCOME_NAMES)]
        results = []
        for arm, size in zip(arms, sizes):
            if binary:
                results.append({"arm": arm["id"], "events": rnd.randint(1, size - 1), "total": size})
            else:
                results.append({"arm": arm["id"], "mean": round(rnd.uniform(10, 60), 1),
                                "sd": round(rnd.uniform(5, 20), 1), "total": size})
        est = round(rnd.uniform(-8, 8), 1) if not binary else round(rnd.uniform(0.6, 1.6), 2)
        half = round(rnd.uniform(1, 6), 1) if not binary else None
        effect = ({"measure": "risk ratio", "compares": [arms[0]["id"], arms[-1]["id"]], "estimate": est,
                   "ci": [round(est * 0.8, 2), round(est * 1.25, 2)]} if binary else
                  {"measure": "mean difference", "compares": [arms[0]["id"], arms[-1]["id"]], "estimate": est,
                   "ci": [round(est - half, 1), round(est + half, 1)], "unit": "points"})
        outcomes.append({"id": f"out-{o + 1}", "label": label, "primary": o == 0, "timepoint": "12 months",
                         "kind": "binary" if binary else "continuous", "higher_is_better": o % 3 != 1,
                         "results": results, "effect": effect})
    record = {
        "id": sid,
        "acronym": f"BENCH-{index:03d}",
        "title": f"SYNTHETIC benchmark study {index:03d}: not a real trial; every number is generated",
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
                   "results": [{"arm": a["id"], "events": rnd.randint(0, s // 10), "total": s}
                               for a, s in zip(arms, sizes)]}],
        "appraisal": {"rob2": {"overall": {"judgement": "some concerns", "support": "Synthetic judgement."}},
                      "strengths": ["Randomized (synthetic)"], "limitations": ["Synthetic data"]},
        "conclusions": {"bottom_line": "Synthetic benchmark record; it supports no clinical conclusion.",
                        "key_messages": ["Synthetic numbers", "For timing only", "Not a real trial"]},
    }
    header = "# SYNTHETIC benchmark record generated by bench/run.py: not a real study.\n"
    return header + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100)


# --- measuring ---------------------------------------------------------------------

def run(cmd: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """Run ``cmd``; return (wall seconds, peak RSS in MB of it and its waited-for children, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stdout


def median_run(cmd, cwd, env, repeat: int, before=None) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeat):
        if before:
            before()
        t, mb, _ = run(cmd, cwd, env)
        times.append(t)
        peaks.append(mb)
    return statistics.median(times), max(peaks)


def copy_repo(dest: Path) -> None:
    """The parts of the repository a build needs, and the virtual environment by symlink."""
    for name in ("pipeline", "schema"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, dest / name)
    (dest / ".venv").symlink_to(REPO / ".venv")
    (dest / "sources").mkdir()


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=100, help="number of synthetic studies (default 100)")
    ap.add_argument("--quick", action="store_true", help="N = 10 and fewer repeats")
    ap.add_argument("--repeat", type=int, default=None, help="runs per cold measurement (default 5, quick 3)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    n = 10 if args.quick else args.n
    repeat = args.repeat or (3 if args.quick else 5)

    tmp = Path(tempfile.mkdtemp(prefix="evidence-brief-bench-"))
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    env.pop("EVIDENCE_BRIEF_DEBUG", None)
    try:
        repo = tmp / "repo"
        repo.mkdir()
        copy_repo(repo)
        records = []
        for i in range(1, n + 1):
            path = repo / "sources" / f"bench-{i:03d}.yaml"
            path.write_text(synthetic_record(i), encoding="utf-8")
            records.append(path)
        print(f"evidence-brief benchmark: N = {n} SYNTHETIC studies (bench-001 ...), "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n", flush=True)

        # 1. cold, one study, vs the floor.
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        floor_s, floor_mb = median_run([PY, "-c", FLOOR_SCRIPT, str(floor_dir)], tmp, env, repeat)
        cold_out = tmp / "cold"
        cold_s, cold_mb = median_run([PY, "-m", "pipeline", "build", str(records[0]), "--out", str(cold_out)],
                                     tmp, env, repeat, before=lambda: shutil.rmtree(cold_out, ignore_errors=True))

        # 2a. N studies in one process.
        loop_out = tmp / "loop"
        _, loop_mb, stdout = run([PY, "-c", LOOP_SCRIPT, *map(str, records), str(loop_out)], tmp, env)
        import json
        loop = json.loads(stdout.strip().splitlines()[-1])
        times = loop["times"]
        first_s = times[0]
        marginal_ms = 1000 * statistics.mean(times[1:]) if len(times) > 1 else 1000 * first_s
        loop_total = loop["import"] + sum(times)

        # 2b. make -j2 report from clean; 3. no-op make.
        make = shutil.which("make")
        make_cmd = [make, "-o", ".venv/.installed", f"PY={REPO / '.venv' / 'bin' / 'python'}"] if make else []
        if make:
            run(make_cmd + ["clean"], repo, env)
            make_s, make_mb, _ = run(make_cmd + ["-j2", "report"], repo, env)
            noop_s, _ = median_run(make_cmd + ["report"], repo, env, max(repeat, 3))
        outputs = repo / "outputs"

        # 4. sizes.
        sizes = {"brief.pdf": [], "deck.pptx": [], "figures/": []}
        for rec in records:
            folder = outputs / rec.stem if make else loop_out / rec.stem
            sizes["brief.pdf"].append((folder / "brief.pdf").stat().st_size)
            sizes["deck.pptx"].append((folder / "deck.pptx").stat().st_size)
            sizes["figures/"].append(folder_size(folder / "figures"))

        rows = [
            ("1. one study cold, end to end (median of %d)" % repeat, f"{cold_s:.2f} s",
             f"≤ {COLD_FACTOR_GOAL}× floor = {COLD_FACTOR_GOAL * floor_s:.2f} s",
             f"{cold_s / floor_s:.2f}× floor, {verdict(cold_s <= COLD_FACTOR_GOAL * floor_s)}"),
            ("   floor: bare imports + trivial PDF and PPTX", f"{floor_s:.2f} s", "", ""),
            (f"2. {n} studies in one process: per study beyond start-up", f"{marginal_ms:.0f} ms",
             f"< {MARGINAL_MS_GOAL:.0f} ms", verdict(marginal_ms < MARGINAL_MS_GOAL)),
            ("   start-up (imports) + first study", f"{loop['import']:.2f} s + {first_s:.2f} s", "", ""),
            (f"   {n} studies in one process, total", f"{loop_total:.1f} s", "", ""),
        ]
        if make:
            rows += [(f"   make -j2 report, {n} studies from clean", f"{make_s:.1f} s",
                      "", f"{1000 * make_s / n:.0f} ms per study"),
                     ("3. no-op make report (median)", f"{noop_s:.3f} s", f"< {NOOP_MAKE_S_GOAL} s",
                      verdict(noop_s < NOOP_MAKE_S_GOAL))]
        else:
            rows += [("   make -j2 report / 3. no-op make", "skipped", "", "make not found")]
        peak = max(cold_mb, loop_mb, make_mb if make else 0)
        rows += [
            ("4. peak memory (max RSS of a child)", f"{peak:.0f} MB", f"< {PEAK_MB_GOAL:.0f} MB",
             verdict(peak < PEAK_MB_GOAL)),
            ("   cold build / in-process loop / make -j2", f"{cold_mb:.0f} / {loop_mb:.0f} / "
                                                           f"{(make_mb if make else 0):.0f} MB", "", "per process"),
            ("   floor process", f"{floor_mb:.0f} MB", "", ""),
        ]
        for name, values in sizes.items():
            rows.append((f"   output size {name} (median / max)",
                         f"{statistics.median(values) / 1024:.0f} / {max(values) / 1024:.0f} KiB", "", ""))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        head = ("measure", "measured", "goal", "")
        widths = [max(w, len(h)) for w, h in zip(widths, head)]
        line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
        print(line)
        print("-" * len(line))
        for r in rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        print("\nAll records are SYNTHETIC (generated numbers); see bench/README.md.")
        if args.keep:
            print(f"kept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
