"""The benchmark harness: generate (cached), pick parameters once, run every engine in its own process.

`python -m bench.run --sizes 100k,1m [--repeat 20] [--cap 10] [--http] [--remote] [--no-rdflib]` prints
a rich table and a markdown table (medians, p95, ratio of each peer to stdgraph in memory; with `--remote`,
the network hop's cost as stdgraph-remote ÷ stdgraph-disk), load throughput of stdgraph's build path vs
pyoxigraph's `bulk_load`, peak RSS per process, the machine and library versions, and writes
`bench/out/results-<size>.json`. `--sizes smoke` is a ~5k-triple run for CI. rdflib runs at sizes up to 100k
unless `--no-rdflib`.

Every engine child is watched per query: a query whose warm-up runs past `--cap` (or whose timed runs take
more than `repeat` x cap) gets its child's process group killed and is recorded as a timeout; a fresh child
reloads the data and goes on with the next query. The rdflib child also runs under an address-space limit
(`--rdflib-max-gb`, default 6), so it cannot eat the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
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
from bench.workload import Task, pick_from_file

OUT = Path(__file__).resolve().parent / "out"
SIZES = {"smoke": 5_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
BUILD_PATH_MAX = 1_000_000  # rdflib's parser is the build path's cost: ~5 min and ~6 GB at 5M
RDFLIB_MAX = 100_000
LOAD_BUDGET = 1800.0  # seconds for one child to load the data (serve at 1M: ~11 s)
console = Console(stderr=True)


def size_of(text: str) -> int:
    text = text.strip().lower()
    if text in SIZES:
        return SIZES[text]
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


# --- child processes ----------------------------------------


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


def _kill_group(proc: subprocess.Popen[bytes]) -> int:
    """SIGKILL the child's process group (it and e.g. its `oxigraph serve`); reap it, return its peak RSS."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return wait_rss(proc, 30)


def supervise(args: list[str], out: Path, cap: float, repeat: int) -> tuple[list[dict[str, Any]], int, str]:
    """Run one engine child, reading its JSON lines as they come; kill it when a step overruns.

    Deadlines: LOAD_BUDGET for the load, `cap` for a warm-up run (from its `begin` line), `repeat` x cap + 5 s
    for the timed runs (from its `warm` line). Returns (records, peak RSS kB, how it ended: "done", "timeout",
    "died")."""
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.DEVNULL, start_new_session=True)
    records: list[dict[str, Any]] = []
    deadline = time.monotonic() + LOAD_BUDGET
    with out.open("a+") as handle:
        handle.seek(0, os.SEEK_END)
        buffer = ""
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            chunk = handle.read()
            if chunk:
                buffer += chunk
                *lines, buffer = buffer.split("\n")
                for line in lines:
                    record = json.loads(line)
                    records.append(record)
                    step = record["step"]
                    if step == "begin":
                        deadline = time.monotonic() + cap
                    elif step == "warm":
                        deadline = time.monotonic() + repeat * max(cap, record["seconds"]) + 5
                    elif step in ("load", "query"):
                        deadline = time.monotonic() + LOAD_BUDGET
            if pid:
                proc.returncode = status
                ended = "done" if records and records[-1]["step"] == "done" else "died"
                return records, usage.ru_maxrss, ended
            if time.monotonic() > deadline:
                return records, _kill_group(proc), "timeout"
            time.sleep(0.01)


def run_engine(
    name: str, data: Path, tasks: Path, repeat: int, cap: float, max_gb: float | None = None
) -> dict[str, Any]:
    """One engine over the workload; a query that overruns is recorded as a timeout, a new child goes on."""
    labels = [Task(**t).label for t in json.loads(tasks.read_text())]
    out = OUT / f".engine-{name}.jsonl"
    result: dict[str, Any] = {"engine": name, "rss_kb": 0, "timed_out": False, "children": 0, "queries": {}}
    start = 0
    while start < len(labels):
        out.unlink(missing_ok=True)
        args = ["-m", "bench.engines", name, str(data), str(tasks), "--repeat", str(repeat)]
        args += ["--cap", str(cap), "--out", str(out), "--start", str(start)]
        if max_gb:
            args += ["--max-gb", str(max_gb)]
        records, rss, ended = supervise(args, out, cap, repeat)
        result["children"] += 1
        result["rss_kb"] = max(result["rss_kb"], rss)
        current = None
        for record in records:
            if record["step"] == "load":
                result.setdefault("load_seconds", record["seconds"])
            elif record["step"] == "begin":
                current = record["label"]
            elif record["step"] == "query" and "error" in record:
                result["queries"][record["label"]] = {"error": record["error"]}
                current = None
            elif record["step"] == "query":
                times = sorted(record["times"])
                result["queries"][record["label"]] = {
                    "rows": record["rows"],
                    "capped": record["capped"],
                    "runs": len(times),
                    "median_ms": statistics.median(times) * 1000,
                    "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] * 1000,
                }
                current = None
            elif record["step"] == "done":
                result.update({k: v for k, v in record.items() if k not in ("step", "rss_kb")})
        if ended == "done":
            break
        for leftover in data.parent.glob(f"bench-{name}-*"):  # a killed child's temporary directory
            shutil.rmtree(leftover, ignore_errors=True)
        if current is None:  # it died or overran while loading: nothing more to learn from a retry
            result["timed_out"] = True
            result["failure"] = f"{ended} while loading"
            break
        result["queries"][current] = {"timeout": cap} if ended == "timeout" else {"error": "died"}
        if ended == "timeout":
            result["timed_out"] = True
        start = labels.index(current) + 1
    out.unlink(missing_ok=True)
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


def _failed(q: dict[str, Any] | None) -> str:
    """The cell of a query that has no timing: not run, timed out, or out of memory."""
    if q is None:
        return "—"
    if "timeout" in q:
        return f"timeout (>{q['timeout']:g} s)"
    return {"memory": "out of memory", "died": "child died"}.get(q.get("error", ""), "failed")


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
            if q is None or "median_ms" not in q:
                cells.append(_failed(q))
                continue
            mark = " (capped)" if q["capped"] else ""
            mismatch = f" [rows {q['rows']}]" if q["rows"] != b["rows"] and not q["capped"] else ""
            cells.append(f"{q['median_ms']:.2f} / {q['p95_ms']:.2f}{mark}{mismatch}")
        for e in engines:
            if e is base:
                continue
            q = e["queries"].get(label)
            ok = q and "median_ms" in q and b.get("median_ms")
            cells.append(f"{q['median_ms'] / b['median_ms']:.2f}×" if ok else "—")
        lines.append("| " + " | ".join(cells) + " |")
    hop = network_hop(result)
    if hop:
        lines.append("")
        lines.append(hop)
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


def network_hop(result: dict[str, Any]) -> str | None:
    """The cost of the network hop: stdgraph-remote ÷ stdgraph-disk (both Oxigraph on RocksDB), per query
    median ratios summarised as their median and range, or None when either engine did not run."""
    by_name = {e["engine"]: e for e in result["engines"]}
    remote, disk = by_name.get("stdgraph-remote"), by_name.get("stdgraph-disk")
    if not remote or not disk:
        return None
    ratios = sorted(
        remote["queries"][label]["median_ms"] / q["median_ms"]
        for label, q in disk["queries"].items()
        if q.get("median_ms") and remote["queries"].get(label, {}).get("median_ms")
    )
    if not ratios:
        return None
    return (
        f"network hop (stdgraph-remote ÷ stdgraph-disk, same engine on RocksDB, {len(ratios)} queries): "
        f"median {statistics.median(ratios):.2f}×, range {ratios[0]:.2f}×–{ratios[-1]:.2f}×"
    )


def rich_table(result: dict[str, Any]) -> Table:
    engines = result["engines"]
    table = Table(title=f"{result['size']}: {result['triples']:,} triples, median (p95) ms")
    table.add_column("query")
    for e in engines:
        table.add_column(e["engine"], justify="right")
    base = engines[0]
    for label in base["queries"]:
        row: list[str] = [label]
        for e in engines:
            q = e["queries"].get(label)
            b = base["queries"][label]
            if q is None or "median_ms" not in q:
                row.append(_failed(q))
                continue
            ratio = f" {q['median_ms'] / b['median_ms']:.1f}×" if e is not base and b.get("median_ms") else ""
            row.append(f"{q['median_ms']:.2f} ({q['p95_ms']:.2f}){ratio}")
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
    if args.subst:
        engines.append("pyoxigraph-subst")
    if args.http:
        engines.append("oxigraph-serve")
    if args.remote:
        engines.append("stdgraph-remote")
    if args.rdflib and triples <= RDFLIB_MAX * 1.1:
        engines.append("rdflib")
    results = []
    for name in engines:
        console.print(f"[{label}] {name}")
        max_gb = args.rdflib_max_gb if name == "rdflib" else None
        results.append(run_engine(name, data, tasks_file, args.repeat, args.cap, max_gb))
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
        "--cap",
        type=float,
        default=10.0,
        help="seconds per query run; past it the child is killed and the query recorded as a timeout",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--http", action="store_true", help="also run `oxigraph serve` over HTTP")
    parser.add_argument(
        "--remote",
        action="store_true",
        help="also run stdgraph's SparqlEndpointStore over `oxigraph serve` (the network hop's cost, "
        "as a ratio to stdgraph-disk)",
    )
    parser.add_argument(
        "--rdflib",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run rdflib's SPARQL engine at sizes up to 100k (default: on)",
    )
    parser.add_argument("--rdflib-max-gb", type=float, default=6.0, help="rdflib child's RLIMIT_AS in GB")
    parser.add_argument(
        "--subst",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run raw pyoxigraph with `substitutions=` (stdgraph's old binding path)",
    )
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
        if network_hop(result):
            console.print(network_hop(result))
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
