"""The full build against pyoxigraph's raw `bulk_load` of the very quads it produced, in the same run.

`python -m bench.build --data-dir ../shared/data [--store-kind disk|memory] [--source NAME ...]`

1. **build**: a fresh child process builds every source into a fresh store exactly as
   `stdgraph build --data-dir DIR` does (the same source list, `stdgraph.build.build` with the compiled
   shapes, then `flush`), and reports the build's own phase timings. The store is then dumped to N-Quads
   (after the measured build, outside its timings; the child's peak RSS is read before the dump).
2. **bulk_load**: another fresh child loads that N-Quads file with `pyoxigraph.Store(path).bulk_load` into
   a fresh store of the same kind (on disk under a temporary folder, or in memory).

Each child is timed from its start to its exit by this process (wall), and its CPU seconds (user + system,
all threads, the build's worker processes included) and peak RSS come from `os.wait4`, so interpreter
start and imports count for both; the build's memory is also sampled as the summed RSS of its process
tree every 50 ms (its worker processes run beside it), and the larger figure is the one compared. Prints a
table, the ratios build ÷ bulk_load (the targets: wall within 3x, peak memory within 1.5x), the per-source
breakdown and the validation phases, and writes `bench/out/build.json`. `--digest` also prints per-graph
counts and a SHA-256 of the sorted N-Quads of the data graphs, to check that a change to the build path
produces the same graph (`sgg:meta` is left out of the hash: it carries the build's timestamps).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.run import OUT

REPO = Path(__file__).resolve().parent.parent

BUILD_CHILD = r"""
import json, resource, sys, time
store_kind, store_path, data_dir, dump_path, names = sys.argv[1:6]
from collections.abc import Iterable
from pathlib import Path
from stdgraph.build import build
from stdgraph.cli import sources_in
from stdgraph.store import OxigraphStore
data = Path(data_dir) if data_dir else None
if names:
    names = names.split(",")
elif data is not None:
    names = sources_in(data)[0]
else:
    names = None
store = OxigraphStore(store_path if store_kind == "disk" else None)
report = build(store, names, data, progress=False)
store.flush()
usage = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the build's worker processes, ended and reaped
result = {
    "rss_mb_before_dump": usage.ru_maxrss / 1024,
    "cpu_before_dump": usage.ru_utime + usage.ru_stime + workers.ru_utime + workers.ru_stime,
    "workers": [
        {"rows": w.rows_read, "seconds": w.seconds, "cpu": w.cpu_seconds, "rss_mb": w.peak_rss_mb}
        for w in report.workers
    ],
    "seconds": report.seconds,
    "validation_seconds": report.validation_seconds,
    "phases": report.phases,
    "sources": [
        {"name": r.name, "rows": r.rows, "triples": r.triples, "seconds": r.seconds} for r in report.results
    ],
}
started = time.perf_counter()
import pyoxigraph as ox
store.oxigraph.dump(dump_path, format=ox.RdfFormat.N_QUADS)
result["dump_seconds"] = time.perf_counter() - started
result["quads"] = len(store.oxigraph)
print(json.dumps(result))
"""

BULK_CHILD = r"""
import json, sys
store_kind, store_path, dump_path = sys.argv[1], sys.argv[2], sys.argv[3]
import pyoxigraph as ox
store = ox.Store(store_path) if store_kind == "disk" else ox.Store()
store.bulk_load(path=dump_path, format=ox.RdfFormat.N_QUADS)
if store_kind == "disk":
    store.flush()
print(json.dumps({"quads": len(store)}))
"""


def run_child(script: str, args: list[str], timeout: float) -> dict[str, Any]:
    """Run a child to its end: its JSON answer plus wall, CPU (user + system) and peak RSS from wait4."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", script, *args], stdout=out, stderr=err, env=env)
        deadline = started + timeout
        tree_peak = 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            tree_peak = max(tree_peak, tree_rss_mb(proc.pid))
            if time.perf_counter() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                return {"timeout": timeout}
            time.sleep(0.05)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"}
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=tree_peak,
        stderr=stderr[-2000:],
    )
    return result


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants now, from /proc (0 where unreadable): the
    build's worker processes run beside it, so its own peak RSS alone would understate the build's."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def quad_line(terms: Iterable[object]) -> str:
    """Terms as one line to sort and hash, blank node labels blanked (they differ from build to build)."""
    return " ".join("_:b" if isinstance(t, ox.BlankNode) else str(t) for t in terms)


def digest(nquads: Path) -> dict[str, Any]:
    """Per-graph counts and a SHA-256 of the sorted data quads (blank node labels blanked, meta left out)."""
    from stdgraph.namespaces import META_GRAPH

    counts: dict[str, int] = {}
    lines = []
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[graph] = counts.get(graph, 0) + 1
        if graph != str(META_GRAPH):
            lines.append(quad_line((quad.subject, quad.predicate, quad.object, quad.graph_name)))
    lines.sort()
    sha = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return {"graphs": dict(sorted(counts.items())), "sha256": sha}


def run(
    data_dir: Path | None, store_kind: str, names: list[str], timeout: float, keep: bool
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    dump = work / "build.nq"
    try:
        build = run_child(
            BUILD_CHILD,
            [store_kind, str(work / "build-store"), str(data_dir or ""), str(dump), ",".join(names)],
            timeout,
        )
        if "wall" not in build:
            return {"build": build}
        bulk = run_child(BULK_CHILD, [store_kind, str(work / "bulk-store"), str(dump)], timeout)
        result = {
            "store_kind": store_kind,
            "data_dir": str(data_dir or ""),
            "build": build,
            "bulk_load": bulk,
            "dump_bytes": dump.stat().st_size,
            "loadavg": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        }
        if keep:
            result["dump"] = str(dump)
        return result
    finally:
        if keep:
            shutil.rmtree(work / "build-store", ignore_errors=True)
            shutil.rmtree(work / "bulk-store", ignore_errors=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def build_figures(build: dict[str, Any]) -> tuple[float, float, float]:
    """Wall, CPU (its worker processes' included) and peak memory of the build child up to the end of the
    build (the dump after it left out). The memory is the larger of its own peak RSS and the peak of its
    process tree's RSS summed, sampled every 50 ms (the workers run beside it)."""
    rss = max(build["rss_mb_before_dump"], build.get("tree_rss_mb", 0.0))
    return build["wall"] - build["dump_seconds"], build["cpu_before_dump"], rss


def markdown(result: dict[str, Any]) -> str:
    build, bulk = result["build"], result.get("bulk_load", {})
    if "wall" not in build or "wall" not in bulk:
        return f"build: {build.get('error') or build.get('timeout')}; bulk_load: {bulk}"
    wall, cpu, rss = build_figures(build)
    load = ", ".join(f"{x:.1f}" for x in result["loadavg"])
    lines = [
        f"**{build['quads']:,} quads** ({result['dump_bytes'] / 1e6:,.0f} MB of N-Quads), "
        f"{result['store_kind']} store, {result['date']}, load average after the run {load}",
        "",
        "| step | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|",
        f"| full build with validation (`stdgraph.build.build`, fresh process and its workers) | {wall:.1f} "
        f"| {cpu:.1f} | {rss:,.0f} |",
        f"| pyoxigraph `bulk_load` of the build's quads (fresh process) | {bulk['wall']:.1f} "
        f"| {bulk['cpu']:.1f} | {bulk['rss_mb']:,.0f} |",
        "",
        f"* build ÷ bulk_load: **{wall / bulk['wall']:.2f}x wall** (target ≤ 3), "
        f"{cpu / bulk['cpu']:.2f}x CPU, **{rss / bulk['rss_mb']:.2f}x peak RSS** (target ≤ 1.5)",
        f"* same quads: {build['quads'] == bulk['quads']} "
        f"({build['quads']:,} built, {bulk['quads']:,} loaded)",
        f"* inside `build()`: {build['seconds']:.1f} s, of which validation "
        f"{build['validation_seconds']:.1f} s; interpreter start, imports, source list and flush "
        f"{wall - build['seconds']:.1f} s",
        "",
        f"* memory of the build: its own peak RSS {build['rss_mb_before_dump']:,.0f} MB, its process tree's "
        f"summed RSS at most {build.get('tree_rss_mb', 0.0):,.0f} MB (sampled every 50 ms); workers: "
        + (
            ", ".join(
                f"{w['rows']:,} rows in {w['seconds']:.1f} s, {w['cpu']:.1f} CPU-s, {w['rss_mb']:,.0f} MB"
                for w in build.get("workers", [])
            )
            or "none"
        ),
        "",
        "| source | rows | triples | stream s |",
        "|---|---|---|---|",
    ]
    for s in build["sources"]:
        lines.append(f"| {s['name']} | {s['rows']:,} | {s['triples']:,} | {s['seconds']:.2f} |")
    lines += ["", "| build phase | s |", "|---|---|"]
    for phase, seconds in build["phases"].items():
        lines.append(f"| {phase} | {seconds:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="as `stdgraph build --data-dir`")
    parser.add_argument("--store-kind", choices=("disk", "memory"), default="disk")
    parser.add_argument(
        "--source", action="append", default=[], help="build only these sources (repeatable; smoke runs)"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per child")
    parser.add_argument(
        "--digest", action="store_true", help="print per-graph counts and a hash of the quads"
    )
    args = parser.parse_args(argv)
    result = run(args.data_dir, args.store_kind, args.source, args.timeout, keep=args.digest)
    if args.digest and "dump" in result:
        dump = Path(result.pop("dump"))
        result["digest"] = digest(dump)
        shutil.rmtree(dump.parent, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "build.json").write_text(json.dumps(result, indent=1))
    print(markdown(result), flush=True)
    if "digest" in result:
        print(json.dumps(result["digest"], indent=1))
    ok = "wall" in result["build"] and "wall" in result.get("bulk_load", {})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
