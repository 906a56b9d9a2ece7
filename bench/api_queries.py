"""The resource API's queries on a generated graph, in process: `/standards` search pages and facets,
one standard's record, the 404 suggestions, and `equivalents.rq` before and after its rewrite.

Usage: `python -m bench.api_queries --graph bench/out/g1m-s42.nt [--repeat 5]` (generate the graph first with
`python -m bench.generate --triples 1000000 --seed 42 --out bench/out/g1m-s42.nt`). Each figure is the
median (and p95) of `--repeat` runs after one warm-up, on the in-memory store, rows in brackets; the
facet cache is bypassed so every run counts.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox

from api import standard_search
from api.lookup import suggest_standards
from api.standards import standard_record
from bench.workload import BENCH_GRAPH
from stdgraph.queries import named_queries
from stdgraph.store import OxigraphStore

# equivalents.rq as it was before the rewrite (commit 17d2fda), for the before/after figure.
EQUIVALENTS_BEFORE = """
SELECT DISTINCT ?standard ?root ?rootIdentifier ?equivalent ?identifier ?degree WHERE {
  ?standard sg:adopts* ?root .
  FILTER NOT EXISTS { ?root sg:adopts ?further }
  ?root dcterms:identifier ?rootIdentifier .
  ?equivalent sg:adopts* ?root .
  FILTER(?equivalent != ?root)
  ?equivalent dcterms:identifier ?identifier .
  OPTIONAL {
    ?adoption sg:adoptingEdition ?equivalent ; sg:adoptionDegree/skos:notation ?degree .
  }
}
ORDER BY ?identifier
"""


def timed(run: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    run()
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], rows


def pick(store: OxigraphStore, sparql: str) -> str:
    rows = store.select(sparql).rows
    if not rows:
        raise SystemExit(f"the graph has no value for: {sparql}")
    return str(rows[len(rows) // 2]["v"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, default=Path("bench/out/g1m-s42.nt"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the cases whose label contains this text")
    args = parser.parse_args(argv)
    store = OxigraphStore()
    started = time.perf_counter()
    store.oxigraph.bulk_load(
        path=str(args.graph), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH)
    )
    editions = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?e a sg:Edition }").rows[0]["n"])  # type: ignore[arg-type]
    print(f"{len(store):,} triples, {editions:,} editions, loaded in {time.perf_counter() - started:.1f} s")

    family = pick(
        store, "SELECT ?v WHERE { ?n sg:adopts ?en . ?en sg:adopts ?r . ?n dcterms:identifier ?v } LIMIT 999"
    )
    committee = pick(
        store, "SELECT ?v WHERE { ?s sg:parentCommittee ?tc . ?tc dcterms:identifier ?v } LIMIT 99"
    )
    ics = pick(
        store, 'SELECT ?v WHERE { ?c a sg:ICSCode ; skos:notation ?v FILTER(!CONTAINS(?v, ".")) } LIMIT 99'
    )
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(named_queries=named_queries())))

    def page(**params: str) -> Callable[[], int]:
        filters = standard_search.read_search(store, params)
        return lambda: len(standard_search.page_rows(store, filters, 20, 0))

    def text(**params: str) -> Callable[[], int]:
        filters = standard_search.read_search(store, params)
        return lambda: standard_search.text_search(store, filters, 20, 0)[1]["total"]

    def keys(**params: str) -> Callable[[], int]:
        filters = standard_search.read_search(store, params)
        return lambda: len(standard_search.sorted_keys(store, filters))

    def facets(**params: str) -> Callable[[], int]:
        filters = standard_search.read_search(store, params)
        return lambda: standard_search.facet_counts(store, filters)["total"]

    equivalents = named_queries()["equivalents"]
    binding = equivalents.bindings({"standard": family})
    resolved = str(binding["standard"])
    cases: list[tuple[str, Callable[[], int]]] = [
        (f"equivalents before ({family})", lambda: len(store.select(EQUIVALENTS_BEFORE, binding))),
        (f"equivalents after ({family})", lambda: len(store.select(equivalents.sparql, binding))),
        (
            f"/standards/{{id}} record ({family})",
            lambda: len(
                standard_record(
                    store, request, resolved, ("https://w3id.org/stdgraph/ontology#Edition",), ""
                )["equivalents"]["members"]
            ),
        ),
        ("404 suggestions (ISO 1042)", lambda: len(suggest_standards(store, "ISO 1042"))),
        ("/standards q=management (page, total, facets: one pass)", text(q="management")),
        ("/standards q=水质 (page, total, facets: one pass)", text(q="水质")),
        ("/standards q=ISO 1042 (a reference: works only)", text(q="ISO 1042")),
        ("/standards page, publisher=SAC", page(publisher="SAC")),
        ("/standards facets, publisher=SAC", facets(publisher="SAC")),
        (f"/standards page, committee={committee}", page(committee=committee)),
        (f"/standards facets, committee={committee}", facets(committee=committee)),
        (f"/standards page, ics={ics}", page(ics=ics)),
        (f"/standards facets, ics={ics}", facets(ics=ics)),
        ("/standards page, status=withdrawn", page(status="withdrawn")),
        ("/standards page, no filter (ORDER BY in Oxigraph)", page()),
        ("/standards sorted keys, no filter (read once, then pages are slices)", keys()),
        ("/standards sorted keys, status=withdrawn", keys(status="withdrawn")),
        ("/standards facets, no filter (cached after the first request)", facets()),
    ]
    print("\n| query | rows | p50 ms | p95 ms |\n|---|---|---|---|")
    for label, run in cases:
        if args.only not in label:
            continue
        p50, p95, rows = timed(run, args.repeat)
        print(f"| {label} | {rows} | {p50:.1f} | {p95:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
