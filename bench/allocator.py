"""pyoxigraph on glibc's malloc against pyoxigraph on jemalloc, on the `/sparql` workload of `bench.serve`.

Usage: `python -m bench.allocator --graph catalogue|1m|smoke [--runs N]`

Why `stdgraph serve` preloads jemalloc (`stdgraph/allocator.py`): Oxigraph allocates heavily while it
evaluates a query. Two worker processes of this module open the same store read-only (the one
`bench.serve` makes), one as started (`LD_PRELOAD` and `STDGRAPH_ALLOCATOR` taken out of its environment:
glibc's malloc) and one with `libjemalloc.so.2` preloaded; each reads the query index to run from its
stdin, runs that query of `bench.serve.workload` in process (answer serialised as SPARQL JSON, as `/sparql`
does) and writes back the milliseconds. The parent sends every query `--runs` times to both, alternating
which goes first, after one warm-up run each. Printed: medians per query, their ratio jemalloc / system,
and the sum of the medians. The allocator of each worker is read from its `/proc/<pid>/maps`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.run import OUT
from bench.serve import prepare, workload
from stdgraph import allocator

SIDES = ("system", "jemalloc")


def worker(store_dir: Path, graph: str) -> None:
    """The loop of one side: a query index in, its milliseconds out."""
    store = ox.Store.read_only(str(store_dir))
    queries, _ = workload(graph, store)
    print(json.dumps([q.label for q in queries]), flush=True)
    for line in sys.stdin:
        query = queries[int(line)]
        started = time.perf_counter()
        answer = store.query(query.text, use_default_graph_as_union=True)
        if isinstance(answer, ox.QuerySolutions):
            answer.serialize(format=ox.QueryResultsFormat.JSON)
        else:
            ox.serialize(answer, format=ox.RdfFormat.N_TRIPLES)
        print(f"{(time.perf_counter() - started) * 1000:.3f}", flush=True)


class Side:
    def __init__(self, name: str, store_dir: Path, graph: str) -> None:
        env = allocator.environ_for(name)
        args = [sys.executable, "-m", "bench.allocator", "--worker", str(store_dir), "--graph", graph]
        self.name = name
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True
        )
        self.labels: list[str] = json.loads(self.process.stdout.readline())
        self.allocator = allocator.in_use(Path(f"/proc/{self.process.pid}/maps"))

    def run(self, index: int) -> float:
        self.process.stdin.write(f"{index}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


def compare(graph: str, runs: int, out: Path = OUT) -> dict[str, Any]:
    data = prepare(graph, out)
    sides = [Side(name, data.store, graph) for name in SIDES]
    try:
        labels = sides[0].labels
        if sides[1].labels != labels:
            raise RuntimeError("the two workers made different workloads")
        times: dict[str, dict[str, list[float]]] = {label: {s.name: [] for s in sides} for label in labels}
        for index, label in enumerate(labels):
            for side in sides:
                side.run(index)  # warm-up
            for k in range(runs):
                for side in sides if k % 2 == 0 else sides[::-1]:
                    times[label][side.name].append(side.run(index))
        result: dict[str, Any] = {
            "graph": graph,
            "runs": runs,
            "allocators": {s.name: s.allocator for s in sides},
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
        }
    finally:
        for side in sides:
            side.stop()
    medians = {label: {n: statistics.median(t) for n, t in per.items()} for label, per in times.items()}
    result["medians_ms"] = medians
    result["sum_ms"] = {n: sum(m[n] for m in medians.values()) for n in SIDES}
    result["ratio_of_sums"] = result["sum_ms"]["jemalloc"] / result["sum_ms"]["system"]
    return result


def report(result: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in result["load_average"])
    lines = [
        f"{result['graph']}: {result['cpus']} CPUs, load average {load}, median of {result['runs']} runs",
        "allocators: " + ", ".join(f"{k} -> {v}" for k, v in result["allocators"].items()),
        "",
        f"{'query':<28}{'system ms':>11}{'jemalloc ms':>13}{'ratio':>7}",
    ]
    for label, m in result["medians_ms"].items():
        lines.append(
            f"{label:<28}{m['system']:>11.1f}{m['jemalloc']:>13.1f}{m['jemalloc'] / m['system']:>7.2f}"
        )
    s = result["sum_ms"]
    lines.append(
        f"{'sum of medians':<28}{s['system']:>11.1f}{s['jemalloc']:>13.1f}{result['ratio_of_sums']:>7.2f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", default="1m", help="catalogue, 1m or smoke")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query on each side")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.graph)
        return 0
    result = compare(args.graph, args.runs)
    (OUT / f"allocator-{args.graph}.json").write_text(json.dumps(result, indent=1))
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
