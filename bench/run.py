"""The benchmark harness: generate (cached), pick parameters once, run every engine in its own process.

`python -m bench.run --sizes 100k,1m [--repeat 20] [--http] [--rdflib]` prints a rich table and a markdown
table (medians, p95, ratio of each peer to stdgraph in memory), load throughput of stdgraph's build path vs
pyoxigraph's `bulk_load`, peak RSS per process, the machine and library versions, and writes
`bench/out/results-<size>.json`. `--sizes smoke` is a ~5k-triple run for CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.engines import wait_rss
from bench.generate import generate_file
from bench.workload import pick_from_file

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"smoke": 5_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
BUILD_PATH_MAX = 1_000_000  # rdflib's parser is the build path's cost: ~5 min and ~6 GB at 5M
RDFLIB_MAX = 100_000
console = Console(stderr=True)


def size_of(text: str) -> int:
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


# --- child processes ----------------------------------------


def child(args: list[str], timeout: float) -> tuple[int, bool]:
    """Run `python -m ...` in a child; returns its peak RSS (kB) and whether it timed out (then killed)."""
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL)
    try:
        return wait_rss(proc, timeout), False
    except subprocess.TimeoutExpired:
        proc.kill()
        return wait_rss(proc, 30), True


LOAD_SCRIPT = """
import sys, time, json, resource
import pyoxigraph as ox
kind, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
if kind == "bulk":
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("https://w3id.org/stdgraph/graph/bench"))
    n = len(store)
else:
    from rdflib import Graph
    from stdgraph.store import OxigraphStore
    graph = Graph().parse(path, format="nt")
    parsed = time.perf_counter() - started
    store = OxigraphStore()
    store.replace_graphs({"https://w3id.org/stdgraph/graph/bench": graph})
    n = len(store)
print(json.dumps({"seconds": time.perf_counter() - started, "triples": n,
                  "parse_seconds": locals().get("parsed")}))
"""


def measure_load(kind: str, data: Path, timeout: float) -> dict[str, Any]:
    """Load time and peak RSS of one loader in a fresh process."""
    out = OUT / f".load-{kind}.json"
    with out.open("w") as handle:
        proc = subprocess.Popen([sys.executable, "-c", LOAD_SCRIPT, kind, str(data)], stdout=handle)
        try:
            rss = wait_rss(proc, timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            wait_rss(proc, 30)
            return {"timeout": timeout}
    result = json.loads(out.read_text() or "{}")
    out.unlink()
    result["rss_kb"] = rss
    if result.get("seconds"):
        result["triples_per_s"] = result["triples"] / result["seconds"]
    return result


def run_engine(name: str, data: Path, tasks: Path, repeat: int, cap: float) -> dict[str, Any]:
    out = OUT / f".engine-{name}.jsonl"
    budget = 600 + cap * 3 * 20  # load + every query at most a few caps
    rss, timed_out = child(
        [
            "-m",
            "bench.engines",
            name,
            str(data),
            str(tasks),
            "--repeat",
            str(repeat),
            "--cap",
            str(cap),
            "--out",
            str(out),
        ],
        budget,
    )
    records = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    out.unlink(missing_ok=True)
    result: dict[str, Any] = {"engine": name, "rss_kb": rss, "timed_out": timed_out, "queries": {}}
    for record in records:
        if record["step"] == "load":
            result["load_seconds"] = record["seconds"]
        elif record["step"] == "query":
            times = sorted(record["times"])
            result["queries"][record["label"]] = {
                "rows": record["rows"],
                "capped": record["capped"],
                "runs": len(times),
                "median_ms": statistics.median(times) * 1000,
                "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000,
            }
        elif record["step"] == "done":
            result.update({k: v for k, v in record.items() if k not in ("step", "rss_kb")})
    return result


# --- reporting ----------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    try:
        cli = subprocess.run(
            [str(Path(sys.executable).parent / "oxigraph"), "--version"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except OSError:
        cli = "not installed"
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "rdflib": version("rdflib"),
        "httpx": version("httpx"),
        "oxigraph_cli": cli,
    }


def markdown(result: dict[str, Any]) -> str:
    engines = result["engines"]
    base = next((e for e in engines if e["engine"] == "stdgraph-mem"), engines[0])
    head = ["query", "rows"] + [f"{e['engine']} p50 / p95 ms" for e in engines]
    head += [f"{e['engine']} ÷ stdgraph" for e in engines if e is not base]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label in base["queries"]:
        b = base["queries"][label]
        cells = [label, str(b["rows"])]
        for e in engines:
            q = e["queries"].get(label)
            if q is None:
                cells.append("—")
                continue
            mark = " (capped)" if q["capped"] else ""
            mismatch = f" [rows {q['rows']}]" if q["rows"] != b["rows"] and not q["capped"] else ""
            cells.append(f"{q['median_ms']:.2f} / {q['p95_ms']:.2f}{mark}{mismatch}")
        for e in engines:
            if e is base:
                continue
            q = e["queries"].get(label)
            cells.append(f"{q['median_ms'] / b['median_ms']:.2f}×" if q and b["median_ms"] else "—")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("| load | seconds | triples/s | peak RSS MB |")
    lines.append("|---|---|---|---|")
    for name, load in result["loads"].items():
        if "seconds" in load:
            lines.append(
                f"| {name} | {load['seconds']:.2f} | {load['triples_per_s']:,.0f} | "
                f"{load['rss_kb'] / 1024:,.0f} |"
            )
        else:
            lines.append(f"| {name} | {load.get('skipped') or 'timeout'} | — | — |")
    for e in engines:
        extra = ""
        if "server_vmhwm_kb" in e:
            extra = (
                f"; server VmHWM {e['server_vmhwm_kb'] / 1024:,.0f} MB, `oxigraph load` "
                f"{e['cli_load_seconds']:.2f} s / {e['cli_load_rss_kb'] / 1024:,.0f} MB"
            )
        lines.append(
            f"| {e['engine']} process (load + workload) | {e.get('load_seconds', float('nan')):.2f} | "
            f"{result['triples'] / e['load_seconds'] if e.get('load_seconds') else 0:,.0f} | "
            f"{e['rss_kb'] / 1024:,.0f}{extra} |"
        )
    return "\n".join(lines)


def rich_table(result: dict[str, Any]) -> Table:
    engines = result["engines"]
    table = Table(title=f"{result['size']}: {result['triples']:,} triples, median (p95) ms")
    table.add_column("query")
    for e in engines:
        table.add_column(e["engine"], justify="right")
    base = engines[0]
    for label in base["queries"]:
        row = [label]
        for e in engines:
            q = e["queries"].get(label)
            b = base["queries"][label]
            ratio = (
                f" {q['median_ms'] / b['median_ms']:.1f}×" if q and e is not base and b["median_ms"] else ""
            )
            row.append(f"{q['median_ms']:.2f} ({q['p95_ms']:.2f}){ratio}" if q else "—")
        table.add_row(*row)
    return table


# --- main ----------------------------------------


def bench_size(label: str, args: argparse.Namespace) -> dict[str, Any]:
    target = size_of(label)
    data = OUT / f"g{label}-s{args.seed}.nt"
    if not data.exists():
        console.print(f"generating {data.name} (~{target:,} triples)")
        generate_file(data, target, args.seed)
    triples = sum(1 for _ in data.open("rb"))
    tasks = pick_from_file(data, args.seed)
    tasks_file = OUT / f"tasks-{label}.json"
    tasks_file.write_text(json.dumps([asdict(t) for t in tasks], ensure_ascii=False, indent=1))
    engines = ["stdgraph-mem", "stdgraph-disk", "pyoxigraph", "pyoxigraph-inline"]
    if args.http:
        engines.append("oxigraph-serve")
    if args.rdflib and triples <= RDFLIB_MAX * 1.1:
        engines.append("rdflib")
    results = []
    for name in engines:
        console.print(f"[{label}] {name}")
        results.append(run_engine(name, data, tasks_file, args.repeat, args.cap))
    loads: dict[str, Any] = {}
    console.print(f"[{label}] load: pyoxigraph bulk_load")
    loads["pyoxigraph bulk_load (memory)"] = measure_load("bulk", data, 1800)
    if triples <= BUILD_PATH_MAX * 1.1:
        console.print(f"[{label}] load: stdgraph build path")
        loads["stdgraph build path (rdflib parse + replace_graphs, memory)"] = measure_load(
            "build", data, 1800
        )
    else:
        loads["stdgraph build path (rdflib parse + replace_graphs, memory)"] = {"skipped": "not run above 1M"}
    return {
        "size": label,
        "triples": triples,
        "seed": args.seed,
        "repeat": args.repeat,
        "cap_seconds": args.cap,
        "tasks": [asdict(t) for t in tasks],
        "machine": machine(),
        "engines": results,
        "loads": loads,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated: smoke, 100k, 1m, 5m or a number")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per query after one warm-up")
    parser.add_argument(
        "--cap", type=float, default=5.0, help="seconds per query run; a capped query is not repeated"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--http", action="store_true", help="also run `oxigraph serve` over HTTP")
    parser.add_argument("--rdflib", action="store_true", help="also run rdflib's SPARQL engine (<= 100k)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for label in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        size_args = argparse.Namespace(**vars(args))
        if size_args.repeat is None:
            size_args.repeat = 5 if label == "smoke" else 20
        result = bench_size(label, size_args)
        (OUT / f"results-{label}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        console.print(rich_table(result))
        print(
            f"\n## {label}: {result['triples']:,} triples "
            f"(seed {args.seed}, {size_args.repeat} runs after 1 warm-up)\n"
        )
        print(markdown(result))
    m = machine()
    print(
        f"\nmachine: {m['cores']} cores, {m['ram_gb']} GB, {m['cpu']}; python {m['python']}, pyoxigraph "
        f"{m['pyoxigraph']}, rdflib {m['rdflib']}, {m['oxigraph_cli']}; "
        f"total {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
