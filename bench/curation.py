"""Curation speed: validate and commit a batch of mappings on graphs of growing size, beside pySHACL on the
whole graph.

For each size, the generated graph (`bench/generate.py`, seed 42) is bulk-loaded into an on-disk store.
A batch of `--batch` mappings between editions the graph has (its adoption pairs), `--invalid` of them
broken in the ways curators break rows (confidence above 1, a relation that is not SKOS, a mapping of an
edition to itself, a market where a standard belongs, no justification), is proposed through
`Curator.propose`: it is refused, and the time is the validation of the change set with its one-hop
context. Then the batch without the broken rows is proposed: validated and committed in one update.
`--repeat` runs use a different relation each time, so each proposes new records.

The peer, in the same run, is what a curation tool without change-set validation does: pySHACL over the
whole graph with the batch added (`stdgraph.validation.validate`), at the sizes of `--whole` (100k by
default; 1M takes tens of minutes). Both must find the same violations on the batch's mappings.

Usage: `python -m bench.curation --sizes 100k,1m,5m --whole 100k [--data-dir bench/out]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from bench.generate import generate_file
from bench.run import SIZES, size_of
from stdgraph.curation.auth import Principal
from stdgraph.curation.model import with_status
from stdgraph.curation.rows import FIELD_OF, rows_to_batch
from stdgraph.curation.workflow import BatchRefused, Curator
from stdgraph.store import OxigraphStore
from stdgraph.validation import validate

OUT = Path(__file__).resolve().parent / "out"
CURATOR = Principal("https://orcid.org/0000-0002-1825-0097", "curator", "bench")
RELATIONS = ("exactMatch", "closeMatch", "relatedMatch", "broadMatch", "narrowMatch")
BREAKS = (
    ("confidence", "1.5"),
    ("predicate_id", "owl:sameAs"),
    ("reflexive", ""),
    ("subject_id", "sgid:market/CN"),
    ("mapping_justification", ""),
    ("confidence", "-0.2"),
)


def load(path: Path, where: Path) -> OxigraphStore:
    raw = ox.Store(str(where))
    raw.bulk_load(
        path=str(path),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("https://w3id.org/stdgraph/graph/bench"),
    )
    raw.flush()
    del raw
    return OxigraphStore(where)


def pairs(store: OxigraphStore, n: int) -> list[tuple[str, str]]:
    query = "SELECT DISTINCT ?a ?b WHERE { ?x sg:adoptingEdition ?a ; sg:adoptedEdition ?b } ORDER BY ?a ?b"
    result = store.select(f"{query} LIMIT {int(n)}")
    return [(str(r["a"]), str(r["b"])) for r in result.rows]


def rows(found: list[tuple[str, str]], relation: str, invalid: int) -> list[dict[str, str]]:
    base = {
        "mapping_justification": "semapv:ManualMappingCuration",
        "confidence": "0.9",
        "see_also": "https://catalogue.example.org/bench",
        "evidence_level": "V*",
    }
    made = [base | {"subject_id": a, "predicate_id": f"skos:{relation}", "object_id": b} for a, b in found]
    step = max(1, len(made) // max(1, invalid))
    for k in range(invalid):
        row = made[k * step]
        field, value = BREAKS[k % len(BREAKS)]
        if field == "reflexive":
            row["object_id"] = row["subject_id"]
        else:
            row[field] = value
    return made


def violations_of(errors) -> set[tuple[str, str]]:
    return {(e.record, e.field or "") for e in errors}


def whole_graph(path: Path, batch) -> tuple[float, set[tuple[str, str]], int]:
    """pySHACL on the whole graph with the batch in it; the violations on the batch's mappings."""
    graph = Graph()
    graph.parse(path, format="nt")
    for record in batch.records:
        for triple in with_status(record.iri, record.kind, record.triples, "published"):
            graph.add(triple)
    size = len(graph)
    started = time.perf_counter()
    report = validate(graph)
    seconds = time.perf_counter() - started
    ids = {r.iri: r.id for r in batch.records}
    found = {
        (ids[URIRef(v.focus_node)], FIELD_OF.get(v.path or "", v.property_name or ""))
        for v in report.violations
        if URIRef(v.focus_node) in ids and v.severity == "Violation"
    }
    return seconds, found, size


def run_size(label: str, args: argparse.Namespace) -> dict[str, Any]:
    n = size_of(label)
    data_dir = Path(args.data_dir)
    path = data_dir / f"g{label}-s42.nt"
    if not path.exists():
        generate_file(path, n, seed=42)
    where = Path(tempfile.mkdtemp(prefix=f"curation-{label}-"))
    try:
        t0 = time.perf_counter()
        store = load(path, where / "store")
        loaded = time.perf_counter() - t0
        curator = Curator(store)
        found = pairs(store, args.batch)
        refused, committed, same, phases = [], [], [], []
        for run in range(args.repeat):
            batch_rows = rows(found, RELATIONS[run % len(RELATIONS)], args.invalid)
            batch = rows_to_batch(list(enumerate(batch_rows, start=2)), CURATOR.name)
            t = time.perf_counter()
            try:
                curator.propose(batch, CURATOR)
                raise SystemExit("the batch with broken rows was accepted")
            except BatchRefused as exc:
                refused.append(time.perf_counter() - t)
                errors = exc.errors
                phases.append(dict(curator.timings))
            broken = {e.record for e in errors}
            good = [r for r in batch.records if r.id not in broken]
            clean = rows_to_batch([], CURATOR.name)
            clean.records = good
            t = time.perf_counter()
            curator.propose(clean, CURATOR)
            committed.append(time.perf_counter() - t)
            if run == 0:
                first_batch, first_errors = batch, violations_of(errors)
        result: dict[str, Any] = {
            "size": label,
            "triples": len(store),
            "load_s": round(loaded, 1),
            "batch": len(found),
            "invalid_rows": args.invalid,
            "violations": len(first_errors),
            "refuse_ms": [round(s * 1000) for s in refused],
            "commit_ms": [round(s * 1000) for s in committed],
            "refuse_p50_ms": round(statistics.median(refused) * 1000),
            "commit_p50_ms": round(statistics.median(committed) * 1000),
            "refuse_phases_p50_ms": {
                k: round(statistics.median(p[k] for p in phases) * 1000) for k in ("context", "shapes")
            },
        }
        if label in args.whole:
            seconds, whole, size = whole_graph(path, first_batch)
            same.append(whole == first_errors)
            result |= {
                "whole_graph_triples": size,
                "whole_graph_s": round(seconds, 1),
                "whole_violations": len(whole),
                "same_violations": whole == first_errors,
                "only_change_set": sorted(first_errors - whole),
                "only_whole_graph": sorted(whole - first_errors),
                "speedup": round(seconds * 1000 / result["refuse_p50_ms"], 1),
            }
        return result
    finally:
        shutil.rmtree(where, ignore_errors=True)


def markdown(results: list[dict[str, Any]]) -> str:
    base = results[0]
    lines = [
        "| size | triples | batch (invalid) | violations found | change set: refuse p50 ms "
        "| change set: validate + commit p50 ms | ÷ first size | pySHACL whole graph s | whole ÷ change set "
        "| same violations |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = r["refuse_p50_ms"] / base["refuse_p50_ms"]
        whole = f"{r['whole_graph_s']}" if "whole_graph_s" in r else "—"
        speed = f"{r['speedup']}×" if "speedup" in r else "—"
        same = ("yes" if r["same_violations"] else "NO") if "same_violations" in r else "—"
        lines.append(
            f"| {r['size']} | {r['triples']:,} | {r['batch']} ({r['invalid_rows']}) | {r['violations']} | "
            f"{r['refuse_p50_ms']} | {r['commit_p50_ms']} | {ratio:.2f}× | {whole} | {speed} | {same} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="100k,1m", help=f"comma-separated: {', '.join(SIZES)} or e.g. 250k"
    )
    parser.add_argument("--whole", default="100k", help="sizes at which pySHACL validates the whole graph")
    parser.add_argument("--batch", type=int, default=300)
    parser.add_argument("--invalid", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data-dir", default=str(OUT))
    args = parser.parse_args(argv)
    args.whole = [s for s in args.whole.split(",") if s]
    results = []
    for label in [s for s in args.sizes.split(",") if s]:
        result = run_size(label, args)
        results.append(result)
        print(json.dumps(result), flush=True)
    print(markdown(results))
    failed = [r["size"] for r in results if r.get("same_violations") is False]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
