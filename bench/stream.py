"""The streaming phase of the build alone: every source into a fresh store, timed and hashed per source.

`python -m bench.stream --data-dir ../shared/data [--source NAME ...] [--store-kind disk|memory]`

Streams each source (the ones `stdgraph build --data-dir` picks, in its order) into a fresh store in one
process (`stream_source`, then `Staging.load`: what `stdgraph.build.build` does for an in-memory store with
`workers=0`; an on-disk build streams into memory and writes RocksDB on another thread), and prints per source
the wall and CPU seconds (`time.process_time`: this process, all threads, so Oxigraph's loader counts), the
triples, and a SHA-256 of the sorted N-Triples of its graph (blank node labels blanked). Run it on two
versions of the code (`PYTHONPATH`) to compare their speed and to check that they build the same graphs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.build import quad_line
from stdgraph.build import select_sources, source_directory, stream_source
from stdgraph.cli import sources_in
from stdgraph.store import OxigraphStore


def graph_digest(store: OxigraphStore, graph: str) -> str:
    """SHA-256 of the sorted N-Triples of one graph, blank node labels blanked (as `bench.build.digest`)."""
    lines = sorted(
        quad_line((q.subject, q.predicate, q.object))
        for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def run(data_dir: Path, names: list[str], store_kind: str) -> list[dict[str, Any]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as folder:
        store = OxigraphStore(folder if store_kind == "disk" else None)
        with store.staging() as stage:
            for source in select_sources(names or sources_in(data_dir)[0]):
                wall, cpu = time.perf_counter(), time.process_time()
                src, triples = stream_source(source, source_directory(source, data_dir, {}))
                staging = stage.load(str(source.graph_iri), triples)
                count = stage.count(str(source.graph_iri))
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                results.append(
                    {
                        "name": source.name,
                        "wall": round(wall, 2),
                        "cpu": round(cpu, 2),
                        "triples": count,
                        "rows": src.rows_read,
                        "sha256": graph_digest(store, staging),
                    }
                )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="as `stdgraph build --data-dir`")
    parser.add_argument("--source", action="append", default=[], help="only these sources (repeatable)")
    parser.add_argument("--store-kind", choices=("disk", "memory"), default="disk")
    args = parser.parse_args(argv)
    results = run(args.data_dir, args.source, args.store_kind)
    print("| source | rows | triples | wall s | CPU s | sha256 |\n|---|---|---|---|---|---|")
    for r in results:
        cells = (r["name"], f"{r['rows']:,}", f"{r['triples']:,}", r["wall"], r["cpu"], r["sha256"][:16])
        print("| " + " | ".join(str(c) for c in cells) + " |")
    wall, cpu = sum(r["wall"] for r in results), sum(r["cpu"] for r in results)
    print(f"| **all** | | {sum(r['triples'] for r in results):,} | {wall:.1f} | {cpu:.1f} | |")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
