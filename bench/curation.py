"""Curation speed: validate and commit a batch of mappings on graphs of growing size, beside pySHACL on the
whole graph.

For each size, the generated graph (`bench/generate.py`, seed 42) is bulk-loaded into an on-disk store; all
sizes are loaded first, then the proposals go round robin over the sizes, so that the load of the moment on
a shared machine weighs on every size alike.
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
from dataclasses import dataclass, field
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


@dataclass
class Size:
    """One generated graph in its store, and the proposals measured on it."""

    label: str
    path: Path
    where: Path
    store: OxigraphStore
    loaded: float
    found: list[tuple[str, str]]
    refused: list[float] = field(default_factory=list)
    committed: list[float] = field(default_factory=list)
    phases: list[dict[str, float]] = field(default_factory=list)
    checked: list[int] = field(default_factory=list)
    first_batch: Any = None
    first_errors: set[tuple[str, str]] = field(default_factory=set)


def open_size(label: str, args: argparse.Namespace) -> Size:
    path = Path(args.data_dir) / f"g{label}-s42.nt"
    if not path.exists():
        generate_file(path, size_of(label), seed=42)
    where = Path(tempfile.mkdtemp(prefix=f"curation-{label}-"))
    t0 = time.perf_counter()
    store = load(path, where / "store")
    return Size(label, path, where, store, time.perf_counter() - t0, pairs(store, args.batch))


def propose_once(size: Size, run: int, args: argparse.Namespace) -> None:
    """The batch with its broken rows (refused: the validation time), then the good rows (committed)."""
    curator = Curator(size.store)
    batch_rows = rows(size.found, RELATIONS[run % len(RELATIONS)], args.invalid)
    batch = rows_to_batch(list(enumerate(batch_rows, start=2)), CURATOR.name)
    t = time.perf_counter()
    try:
        curator.propose(batch, CURATOR)
        raise SystemExit("the batch with broken rows was accepted")
    except BatchRefused as exc:
        size.refused.append(time.perf_counter() - t)
        errors = exc.errors
        size.phases.append(dict(curator.timings))
        size.checked.append(curator.checked_triples)
    broken = {e.record for e in errors}
    clean = rows_to_batch([], CURATOR.name)
    clean.records = [r for r in batch.records if r.id not in broken]
    t = time.perf_counter()
    curator.propose(clean, CURATOR)
    size.committed.append(time.perf_counter() - t)
    if run == 0:
        size.first_batch, size.first_errors = batch, violations_of(errors)


def result_of(size: Size, args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "size": size.label,
        "triples": len(size.store),
        "load_s": round(size.loaded, 1),
        "batch": len(size.found),
        "invalid_rows": args.invalid,
        "violations": len(size.first_errors),
        "validated_triples": max(size.checked),
        "refuse_ms": [round(s * 1000) for s in size.refused],
        "commit_ms": [round(s * 1000) for s in size.committed],
        "refuse_p50_ms": round(statistics.median(size.refused) * 1000),
        "commit_p50_ms": round(statistics.median(size.committed) * 1000),
        "refuse_phases_p50_ms": {
            k: round(statistics.median(p[k] for p in size.phases) * 1000) for k in ("context", "shapes")
        },
    }
    if size.label in args.whole:
        seconds, whole, triples = whole_graph(size.path, size.first_batch)
        result |= {
            "whole_graph_triples": triples,
            "whole_graph_s": round(seconds, 1),
            "whole_violations": len(whole),
            "same_violations": whole == size.first_errors,
            "only_change_set": sorted(size.first_errors - whole),
            "only_whole_graph": sorted(whole - size.first_errors),
            "speedup": round(seconds * 1000 / result["refuse_p50_ms"], 1),
        }
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    base = results[0]
    lines = [
        "| size | triples | batch (invalid) | violations found | change set: refuse p50 ms "
        "| change set: validate + commit p50 ms | validated triples | ÷ first size | pySHACL whole graph s "
        "| whole ÷ change set | same violations |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = r["refuse_p50_ms"] / base["refuse_p50_ms"]
        whole = f"{r['whole_graph_s']}" if "whole_graph_s" in r else "—"
        speed = f"{r['speedup']}×" if "speedup" in r else "—"
        same = ("yes" if r["same_violations"] else "NO") if "same_violations" in r else "—"
        lines.append(
            f"| {r['size']} | {r['triples']:,} | {r['batch']} ({r['invalid_rows']}) | {r['violations']} | "
            f"{r['refuse_p50_ms']} | {r['commit_p50_ms']} | {r['validated_triples']:,} | {ratio:.2f}× | "
            f"{whole} | {speed} | {same} |"
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data-dir", default=str(OUT))
    args = parser.parse_args(argv)
    args.whole = [s for s in args.whole.split(",") if s]
    sizes = [open_size(label, args) for label in args.sizes.split(",") if label]
    try:
        for run in range(args.repeat):  # round robin, so the machine's load of the moment hits every size
            for size in sizes:
                propose_once(size, run, args)
        results = []
        for size in sizes:
            results.append(result_of(size, args))
            print(json.dumps(results[-1]), flush=True)
    finally:
        for size in sizes:
            shutil.rmtree(size.where, ignore_errors=True)
    print(markdown(results))
    failed = [r["size"] for r in results if r.get("same_violations") is False]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
