"""Which pyoxigraph call the build stages with: `bulk_extend` against `extend` (one transaction).

`python -m bench.loaders bench/out/g1m-s42.nt` runs each loader in a fresh process, in memory and on
RocksDB, feeding quads made from rdflib terms (as the sources yield them) through `stdgraph.store.to_ox`,
and prints wall seconds and the growth of peak RSS during the load.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CHILD = r"""
import resource, shutil, sys, tempfile, time
import pyoxigraph as ox
from stdgraph.store import from_ox, to_ox
path, method, where = sys.argv[1:4]
triples = [(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
           for q in ox.parse(path=path, format=ox.RdfFormat.N_TRIPLES)]
graph = ox.NamedNode("https://w3id.org/stdgraph/graph/staging/bench")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
folder = tempfile.mkdtemp() if where == "disk" else None
store = ox.Store(folder) if folder else ox.Store()
started = time.perf_counter()
getattr(store, method)(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in triples)
store.flush() if folder else None
seconds = time.perf_counter() - started
growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(f"| {method} | {where} | {seconds:.1f} | {growth:,.0f} |")
del store
if folder:
    shutil.rmtree(folder, ignore_errors=True)
"""


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    data = Path(args[0]) if args else Path(__file__).parent / "out" / "g100k-s42.nt"
    print("| loader | store | seconds | peak RSS growth MB |\n|---|---|---|---|", flush=True)
    root = str(Path(__file__).resolve().parent.parent)
    for method in ("bulk_extend", "extend"):
        for where in ("memory", "disk"):
            subprocess.run([sys.executable, "-c", CHILD, str(data), method, where], check=True, cwd=root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
