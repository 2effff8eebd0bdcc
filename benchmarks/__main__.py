"""``python -m benchmarks``: run the workloads, print the table, write JSON."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from . import report
from .plan import WORKLOADS, build

RESULTS = Path(__file__).resolve().parent / "results"


def _parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split(":", 1)[1].strip()
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, one repeat (smoke test)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=WORKLOADS,
        metavar="NAME",
        help=f"run only this workload (repeatable): {', '.join(WORKLOADS)}",
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="repeats of the fast variants"
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON file to write")
    return parser.parse_args(argv)


def run_workload(workload, repeats: int) -> list[dict]:
    """Round-robin: every variant once per round, ``repeats`` rounds."""
    samples = {v.name: [] for v in workload.variants}
    for variant in workload.variants:
        if variant.warmup:
            variant.run()  # untimed: what earlier fits in the process leave
    for rnd in range(repeats):
        for variant in workload.variants:
            if variant.max_repeats is not None and rnd >= variant.max_repeats:
                continue
            samples[variant.name].append(variant.run())
    return report.summarize(workload, samples)


def main(argv=None) -> int:
    args = _parse(argv)
    repeats = args.repeats or (1 if args.quick else 3)
    names = args.only or list(WORKLOADS)
    payload = {"machine": report.machine(), "quick": args.quick, "workloads": {}}
    start = time.perf_counter()
    for name in names:
        for workload in build(name, quick=args.quick):
            t0 = time.perf_counter()
            rows = run_workload(workload, repeats)
            print(report.table(workload, rows), flush=True)
            print(f"({time.perf_counter() - t0:.0f} s)\n", flush=True)
            payload["workloads"][workload.name] = {
                "title": workload.title,
                "unit": workload.unit,
                "reference": workload.reference,
                "rows": rows,
            }
    payload["machine"]["load_average_end"] = report._load()
    payload["total_seconds"] = time.perf_counter() - start
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.out or RESULTS / f"{'quick' if args.quick else 'full'}-{stamp}.json"
    report.write_json(out, payload)
    print(f"machine: {payload['machine']}")
    print(f"total {payload['total_seconds']:.0f} s; results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
