"""Machine description, the results table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import time
from importlib import metadata
from pathlib import Path

import numpy as np


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    dists = ("tensorflow", "jax", "keras", "scikit-learn", "scikeras", "numpy", "skdl")
    for dist in dists:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "load_average_start": _load(),
        "versions": versions,
        "keras_backend": os.environ.get("KERAS_BACKEND", "tensorflow"),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _memory_gb() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return round(pages / 2**30, 1)


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def summarize(workload, samples: dict[str, list[dict]]) -> list[dict]:
    """Medians per variant, with ratios to the reference and to sklearn."""
    med = {
        name: float(np.median([s["value"] for s in runs]))
        for name, runs in samples.items()
        if runs
    }
    ref = med.get(workload.reference)
    skl = next((v for k, v in med.items() if k.startswith("sklearn")), None)
    rows = []
    for name, runs in samples.items():
        if not runs:
            continue
        acc = [s["accuracy"] for s in runs if s.get("accuracy") is not None]
        rows.append(
            {
                "variant": name,
                "median": med[name],
                "repeats": len(runs),
                "values": [s["value"] for s in runs],
                "vs_reference": med[name] / ref if ref else None,
                "vs_sklearn": med[name] / skl if skl else None,
                "accuracy": float(np.median(acc)) if acc else None,
            }
        )
        for key in EXTRA_COLUMNS:
            values = [s[key] for s in runs if s.get(key) is not None]
            if values:
                rows[-1][key] = float(np.median(values))
    return rows


# Further per-run figures some workloads report, shown as columns (medians).
EXTRA_COLUMNS = {"import_s": "import (s)", "fit_s": "fit (s)", "loss": "loss"}


def table(workload, rows: list[dict]) -> str:
    """The rows as a Markdown table."""
    unit = workload.unit
    # A workload measured against sklearn itself gets one ratio column.
    both = workload.reference != "sklearn"
    ratios = f"vs {workload.reference} |" + (" vs sklearn |" if both else "")
    lines = [
        f"### {workload.name}: {workload.title}",
        "",
        f"| variant | median ({unit}) | n | {ratios} accuracy |",
        "|---|---:|---:|---:|" + ("---:|" if both else "") + "---:|",
    ]
    extra = [k for k in EXTRA_COLUMNS if any(k in r for r in rows)]
    for key in extra:
        lines[2] += f" {EXTRA_COLUMNS[key]} |"
        lines[3] += "---:|"
    for r in rows:
        acc = "" if r["accuracy"] is None else f"{r['accuracy']:.3f}"
        line = (
            f"| {r['variant']} | {_num(r['median'])} | {r['repeats']} | "
            f"{_ratio(r['vs_reference'])} | "
            + (f"{_ratio(r['vs_sklearn'])} | " if both else "")
            + f"{acc} |"
        )
        for key in extra:
            fmt = ".6g" if key == "loss" else ".3g"
            line += f" {r[key]:{fmt}} |" if key in r else " |"
        lines.append(line)
    if workload.notes:
        lines += ["", workload.notes]
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def _ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}x"


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, default=str))
