"""The /recognition answer through the API (precomputed index) against the same question as ONE SPARQL query
on `oxigraph serve` over HTTP, in the same run, on the generated graph.

Usage: `python -m bench.recognition --size 1m [--seed 42] [--requests 30]` (sizes as `bench.run`: smoke, 100k,
1m, ...). The graph is `bench/out/g<size>-s<seed>.nt`, generated if absent (the generator writes recognition
data since the perf branch: an older file without acceptance rules is regenerated).

- `api`: `GET /recognition` through the app in process (ASGI, Starlette's TestClient: no socket, the whole
  FastAPI stack and JSON encoding), on an in-memory `OxigraphStore` bulk-loaded with the graph; the app's
  recognition index is built by the first (warm-up) request and reused.
- `oxigraph-serve`: one SPARQL query over HTTP (POST, JSON results) to `oxigraph serve` on 127.0.0.1 (RocksDB,
  `--union-default-graph`), loaded with the same file by `oxigraph load`, started on a free port and
  stopped by its pid. The query fetches the facts the verdict is decided from (requirements of the
  market and its unions for the code and its ancestors, through scope or curated mapping; their acceptance
  rules; the held body's participations in each rule's arrangement; its accreditations): less than the API
  answer carries (no names, sources, labels, adoptions), so the ratio is a lower bound. The body's
  participations and accreditations are sub-selects that project `?body`, so `bind_values` anchors them.
- `sparql-path` (for reference): `stdgraph.recognition.answer` on the same store without the index (the named
  queries, one answer at a time), in process.

Requests alternate between the engines so that load on the machine hits them alike; the ratio of p50s from
the same run is the figure. Results go to `bench/out/recognition-<size>.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from bench.engines import PROLOGUE, HttpEngine
from bench.generate import generate_file
from bench.run import OUT, size_of
from bench.workload import BENCH_GRAPH
from stdgraph.namespaces import SGID, market
from stdgraph.recognition import HS_VERSION, answer
from stdgraph.store import OxigraphStore, bind_values

ONE_QUERY = """
SELECT ?requirement ?imposedBy ?scope ?mapping ?label ?appliesFrom ?appliesUntil ?rule ?kind ?excludes
       ?arrangement ?ruleScheme ?ruleBody ?standardId ?editionYear ?accreditationMarket
       ?participation ?pFrom ?pUntil ?pStatus ?accreditation ?ab ?abJurisdiction ?aFrom ?aUntil
WHERE {
  {
    SELECT DISTINCT ?market ?hs ?requirement ?imposedBy ?scope ?mapping WHERE {
      ?hs skos:broader* ?scope .
      ?market ^sg:memberState? ?imposedBy .
      { ?requirement sg:productScope ?scope . }
      UNION
      { ?mapping sg:mappedCode ?scope ; sg:forRequirement ?requirement . }
      ?requirement sg:market ?imposedBy .
    }
  }
  ?requirement skos:prefLabel ?label .
  OPTIONAL { ?requirement sg:appliesFrom ?appliesFrom }
  OPTIONAL { ?requirement sg:appliesUntil ?appliesUntil }
  OPTIONAL {
    ?rule sg:forRequirement ?requirement ; sg:evidenceKind ?kind .
    OPTIONAL { ?rule sg:excludes ?excludes }
    OPTIONAL { ?rule sg:ruleScheme ?ruleScheme }
    OPTIONAL { ?rule sg:ruleBody ?ruleBody }
    OPTIONAL { ?rule sg:ruleStandard/dcterms:identifier ?standardId }
    OPTIONAL { ?rule sg:editionYear ?editionYear }
    OPTIONAL {
      ?rule sg:ruleArrangement ?arrangement .
      OPTIONAL {
        SELECT ?body ?arrangement ?participation ?pFrom ?pUntil ?pStatus WHERE {
          ?participation sg:participant ?body ; sg:inArrangement ?arrangement .
          OPTIONAL { ?participation sg:validFrom ?pFrom }
          OPTIONAL { ?participation sg:validUntil ?pUntil }
          OPTIONAL { ?participation sg:participationStatus ?pStatus }
        }
      }
    }
    OPTIONAL {
      ?rule sg:accreditationMarket ?accreditationMarket .
      OPTIONAL {
        SELECT ?body ?accreditation ?ab ?abJurisdiction ?aFrom ?aUntil WHERE {
          ?accreditation sg:accreditedBody ?body ; sg:accreditedBy ?ab .
          OPTIONAL { ?ab sg:jurisdiction ?abJurisdiction }
          OPTIONAL { ?accreditation sg:validFrom ?aFrom }
          OPTIONAL { ?accreditation sg:validUntil ?aUntil }
        }
      }
    }
  }
}
ORDER BY ?imposedBy ?requirement ?scope ?rule
"""

PICK = """
SELECT ?code ?marketCode ?arrangementLabel ?acronym ?kind WHERE {
  ?rule sg:ruleArrangement ?arrangement ; sg:forRequirement ?requirement ; sg:evidenceKind ?kind .
  ?arrangement skos:prefLabel ?arrangementLabel .
  ?requirement sg:market ?imposedBy ; sg:productScope ?scope .
  ?imposedBy sg:iso3166Alpha2 ?imposer .
  OPTIONAL { ?imposedBy sg:memberState ?member . ?member sg:iso3166Alpha2 ?memberCode }
  BIND(COALESCE(?memberCode, ?imposer) AS ?marketCode)
  ?hs skos:broader* ?scope ; skos:notation ?code .
  FILTER(STRLEN(?code) = 6)
  ?participation sg:inArrangement ?arrangement ; sg:participant ?body .
  ?body a sg:ConformityAssessmentBody ; sg:acronym ?acronym .
  FILTER NOT EXISTS { ?participation sg:participationStatus ?status }
  FILTER NOT EXISTS { ?participation sg:validUntil ?until }
}
ORDER BY DESC(BOUND(?memberCode)) ?rule ?code ?acronym
LIMIT 1
"""


def pick_question(store: OxigraphStore) -> dict[str, str]:
    """A question with work to do: a member state (where there is one) inheriting a union requirement whose
    rule accepts evidence through an arrangement, asked by a body that takes part in it."""
    rows = store.select(PICK).rows
    if not rows:
        raise RuntimeError("the graph has no acceptance rule through an arrangement: regenerate it")
    row = rows[0]
    return {
        "product": str(row["code"]),
        "market": str(row["marketCode"]),
        "scheme": str(row["arrangementLabel"]),
        "body": str(row["acronym"]),
        "evidence": str(row["kind"]),
        "date": "2026-01-15",
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(times: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": percentile(times, 0.95) * 1000,
        "n": len(times),
    }


def ensure_graph(size: str, seed: int) -> Path:
    data = OUT / f"g{size}-s{seed}.nt"
    if data.exists():
        with data.open("rb") as handle:
            if not any(b"/acceptance-rule/" in line for line in handle):
                print(f"{data.name} predates the recognition data: regenerating it")
                data.unlink()
    if not data.exists():
        print(f"generating {data.name} (~{size_of(size):,} triples)")
        generate_file(data, size_of(size), seed)
    return data


def run(data: Path, requests: int, workdir: Path, sparql_path: bool = True) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from api.app import create_app

    store = OxigraphStore()
    started = time.perf_counter()
    store._store.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH))
    load_s = time.perf_counter() - started
    question = pick_question(store)
    client = TestClient(create_app(store))
    server = HttpEngine(cap=600)
    server.load(data, workdir)
    try:
        bindings = {
            "hs": URIRef(SGID[f"hs/{HS_VERSION}/{question['product']}"]),
            "market": URIRef(market(question["market"])),
            "body": URIRef(_body_iri(store, question["body"])),
        }
        text = PROLOGUE + bind_values(ONE_QUERY, bindings)

        def api() -> int:
            response = client.get("/recognition", params=question)
            response.raise_for_status()
            return len(response.json()["requirements"])

        def serve() -> int:
            response = server.client.post(
                server.url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
            )
            response.raise_for_status()
            return len(response.json()["results"]["bindings"])

        def path() -> int:
            return len(answer(store, **_answer_args(question)).requirements)

        engines = {"api": api, "oxigraph-serve": serve}
        if sparql_path:
            engines["sparql-path"] = path
        first: dict[str, float] = {}
        rows: dict[str, int] = {}
        for name, call in engines.items():  # warm-up; the api's first request builds the index
            started = time.perf_counter()
            rows[name] = call()
            first[name] = (time.perf_counter() - started) * 1000
            call()
        times: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(requests):
            for name, call in engines.items():
                started = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - started)
    finally:
        server_extra = server.close()
    result = {
        "triples": store_len(data),
        "question": question,
        "bulk_load_s": load_s,
        "first_request_ms": first,
        "rows": rows,
        "engines": {name: summary(t) for name, t in times.items()},
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "server": server_extra,
    }
    result["ratio_p50"] = result["engines"]["oxigraph-serve"]["p50_ms"] / result["engines"]["api"]["p50_ms"]
    return result


def _answer_args(question: dict[str, str]) -> dict[str, str]:
    return {
        "product": question["product"],
        "market_code": question["market"],
        "on": question["date"],
        "scheme": question["scheme"],
        "body": question["body"],
        "evidence": question["evidence"],
    }


def _body_iri(store: OxigraphStore, acronym: str) -> str:
    rows = store.select("SELECT ?b WHERE { ?b sg:acronym ?a }", {"a": acronym}).rows
    return str(rows[0]["b"])


def store_len(data: Path) -> int:
    with data.open("rb") as handle:
        return sum(1 for _ in handle)


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['triples']:,} triples; question {json.dumps(result['question'], ensure_ascii=False)}",
        f"load average {', '.join(f'{x:.2f}' for x in result['load_average'])} on {result['cpus']} CPUs",
        f"{'engine':<16}{'p50 ms':>10}{'p95 ms':>10}{'first ms':>10}{'rows':>8}",
    ]
    for name, s in result["engines"].items():
        lines.append(
            f"{name:<16}{s['p50_ms']:>10.2f}{s['p95_ms']:>10.2f}"
            f"{result['first_request_ms'][name]:>10.1f}{result['rows'][name]:>8}"
        )
    lines.append(f"oxigraph-serve p50 / api p50 = {result['ratio_p50']:.1f}x")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1m", help="smoke, 100k, 1m, ... (as bench.run)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per engine")
    parser.add_argument("--no-sparql-path", action="store_true", help="skip the in-process SPARQL path")
    args = parser.parse_args(argv)
    data = ensure_graph(args.size.lower(), args.seed)
    with tempfile.TemporaryDirectory(prefix="stdgraph-rec-") as workdir:
        result = run(data, args.requests, Path(workdir), not args.no_sparql_path)
    out = OUT / f"recognition-{args.size.lower()}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
