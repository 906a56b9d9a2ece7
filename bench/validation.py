"""Validation and load at scale: pySHACL against the shapes compiled to SPARQL, the old build path
against the streaming one, each measured in a fresh process in the same run.

`python -m bench.validation --sizes 100k,1m [--pyshacl-1m]` prints a markdown table per size and writes
`bench/out/validation-<size>.json`. pySHACL runs at 1M only with `--pyshacl-1m` (it takes minutes).
The graphs are the harness's generated ones (`bench/generate.py`, seed 42), which conform to the shapes,
so every check runs over all its focus nodes and finds nothing: the cost of a passing build.

Measured, each in its own child process (wall seconds, CPU seconds, peak RSS):
* `bulk_load`: pyoxigraph's raw `bulk_load` of the file into one graph, the floor.
* `old build path`: rdflib parses the file into a Graph, `replace_graphs` serialises and loads it.
* `new build path`: a `Source` streams the file's triples (as pyoxigraph terms, or converted to rdflib
  terms as the curated sources make them) into a staging graph with `bulk_extend`, then the swap.
* `sparql validate`: the compiled shapes on the loaded store (load not counted).
* `pyshacl validate`: `stdgraph.validation.validate` on the parsed rdflib graph (parse not counted).
* `new build with validation`: `stdgraph.build.build` with the streaming source and the compiled shapes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.generate import generate_file
from bench.run import OUT, size_of

CHILD = r"""
import json, os, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
import pyoxigraph as ox
from stdgraph.namespaces import SGG
GRAPH = str(SGG["bench"])
result = {}
started, cpu = time.perf_counter(), time.process_time()

def source(as_rdflib):
    from stdgraph.sources import DataFile, Source
    from stdgraph.store import from_ox
    def triples(src):
        for t in ox.parse(path=str(src.path("data.nt")), format=ox.RdfFormat.N_TRIPLES):
            if as_rdflib:
                yield from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)
            else:
                yield ox.Triple(t.subject, t.predicate, t.object)
    return Source(name="bench", title="bench", publisher="bench", homepage="https://example.org/bench",
                  licence="CC0-1.0", files=(DataFile("data.nt"),), triples=triples)

if kind == "bulk":
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(GRAPH))
    result["triples"] = len(store)
elif kind == "old":
    from rdflib import Graph
    from stdgraph.store import OxigraphStore
    graph = Graph().parse(path, format="nt")
    store = OxigraphStore()
    store.replace_graphs({GRAPH: graph})
    result["triples"] = len(store)
elif kind in ("new-ox", "new-rdflib", "build"):
    from pathlib import Path
    from stdgraph.build import build
    from stdgraph.store import OxigraphStore
    store = OxigraphStore()
    folder = Path(path).parent / f".bench-input-{Path(path).stem}"
    folder.mkdir(exist_ok=True)
    link = folder / "data.nt"
    if not link.exists():
        link.symlink_to(Path(path).resolve())
    if kind == "build":
        from stdgraph.build import ONTOLOGY
        report = build(store, sources=[ONTOLOGY, source(False)], overrides={"bench": folder}, progress=False)
        result["validation_seconds"] = report.validation_seconds
        result["violations"] = sum(len(r.report.violations) for r in report.results if r.report)
    else:
        from stdgraph.sources import SourceInput
        src = source(kind == "new-rdflib")
        with store.staging() as stage:
            stage.load(GRAPH, src.triples(SourceInput(src, folder)))
            stage.commit()
    result["triples"] = len(store)
elif kind == "sparql":
    from stdgraph.shacl_sparql import CONTEXT, DATA, compiled_shapes, validate_store
    from stdgraph.store import to_ox
    from stdgraph.validation import load_context
    compiled_shapes()
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=DATA)
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), CONTEXT) for s, p, o in load_context())
    result["load_seconds"] = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    report = validate_store(store, [DATA, CONTEXT])
    result["triples"] = len(store)
    result["violations"] = sorted(
        {(v.focus_node, v.path or "", v.constraint_component) for v in report.violations}
    )
elif kind == "pyshacl":
    from rdflib import Graph
    from stdgraph.validation import validate
    graph = Graph().parse(path, format="nt")
    result["load_seconds"] = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    report = validate(graph)
    result["triples"] = len(graph)
    result["violations"] = sorted(
        {(v.focus_node, v.path or "", v.constraint_component) for v in report.violations}
    )
result["seconds"] = time.perf_counter() - started
result["cpu_seconds"] = time.process_time() - cpu
result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""

STEPS = {
    "bulk": "pyoxigraph bulk_load (floor)",
    "old": "old build path: rdflib Graph + replace_graphs (no validation)",
    "new-rdflib": "new build path: stream rdflib terms -> bulk_extend staging -> swap",
    "new-ox": "new build path: stream pyoxigraph terms -> bulk_extend staging -> swap",
    "sparql": "validate: shapes compiled to SPARQL (Oxigraph)",
    "pyshacl": "validate: pySHACL (rdflib)",
    "build": "new build with compiled validation (stdgraph.build)",
}


def measure(kind: str, data: Path, timeout: float) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(data)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "died"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_size(label: str, args: argparse.Namespace) -> dict[str, Any]:
    data = OUT / f"g{label}-s{args.seed}.nt"
    if not data.exists():
        print(f"generating {data.name}", file=sys.stderr)
        generate_file(data, size_of(label), args.seed)
    previous = OUT / f"validation-{label}.json"
    results: dict[str, Any] = (
        json.loads(previous.read_text())["results"] if args.steps and previous.exists() else {}
    )
    for kind in STEPS:
        if args.steps and kind not in args.steps.split(","):
            results.setdefault(kind, {"skipped": "not run"})
            continue
        if kind == "pyshacl" and size_of(label) > 200_000 and not args.pyshacl_1m:
            results[kind] = {"skipped": "pass --pyshacl-1m"}
            continue
        print(f"[{label}] {STEPS[kind]}", file=sys.stderr)
        results[kind] = measure(kind, data, args.timeout)
    return {"size": label, "results": results}


def _cell(r: dict[str, Any]) -> list[str]:
    if "seconds" not in r:
        failed = f"timeout (>{r['timeout']:g} s)" if "timeout" in r else r.get("error", "?")
        return [r.get("skipped") or failed]
    return [f"{r['seconds']:.2f}", f"{r['cpu_seconds']:.2f}", f"{r['rss_mb']:,.0f}"]


def markdown(result: dict[str, Any]) -> str:
    r = result["results"]
    triples = next((x["triples"] for x in r.values() if "triples" in x), 0)
    lines = [
        f"**{result['size']}: {triples:,} triples**",
        "",
        "| step | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|",
    ]
    for kind, title in STEPS.items():
        cells = _cell(r[kind])
        lines.append(f"| {title} | " + " | ".join(cells + ["—"] * (3 - len(cells))) + " |")

    def ratio(a: str, b: str, what: str) -> None:
        if "seconds" in r[a] and "seconds" in r[b] and r[b]["seconds"]:
            wall = r[a]["seconds"] / r[b]["seconds"]
            cpu = r[a]["cpu_seconds"] / max(r[b]["cpu_seconds"], 1e-9)
            lines.append(f"* {what}: **{wall:.1f}x** wall, {cpu:.1f}x CPU")

    lines.append("")
    ratio("pyshacl", "sparql", "pySHACL ÷ compiled SPARQL (validation)")
    ratio("old", "new-rdflib", "old build path ÷ new (rdflib terms), load")
    ratio("old", "new-ox", "old build path ÷ new (pyoxigraph terms), load")
    ratio("build", "bulk", "new build with validation ÷ raw bulk_load")
    if "violations" in r["sparql"] and "violations" in r["pyshacl"]:
        same = r["sparql"]["violations"] == r["pyshacl"]["violations"]
        lines.append(
            f"* same (focus, path, component) results from both engines: **{same}** "
            f"({len(r['sparql']['violations'])} results)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100k,1m")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--pyshacl-1m", action="store_true", help="also run pySHACL above 200k triples (slow)"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per step")
    parser.add_argument(
        "--steps",
        default="",
        help=f"comma-separated subset of {','.join(STEPS)}; the others are kept from the last run",
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for label in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
        result = bench_size(label, args)
        (OUT / f"validation-{label}.json").write_text(json.dumps(result, indent=1))
        print(markdown(result) + "\n", flush=True)
    print(f"peak RSS of the harness {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
