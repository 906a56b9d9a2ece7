"""The benchmark workload: named queries with parameter values picked once from the data (seeded).

Every engine runs the same queries with the same values, so their timings and row counts compare. Values are
picked as a user would type them (`ISO 1042:2019`, `DE`, `281340`) and converted by the query's own typed
parameters, which is the path the CLI and the API take.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from stdgraph.namespaces import PREFIXES

BENCH_GRAPH = "https://w3id.org/stdgraph/graph/bench"


@dataclass(frozen=True)
class Task:
    """One workload entry: a label for the tables, the named query, and its parameter values."""

    label: str
    query: str
    values: dict[str, str]


# label -> (named query, parameter name, SPARQL that lists candidate values as ?v), ordered for stable picks.
_CANDIDATES: dict[str, tuple[str, str | None, str | None]] = {
    "standard": (
        "standard",
        "standard",
        "SELECT ?v WHERE { ?e sg:editionOf ?w ; dcterms:publisher sgid:org\\/iso ; dcterms:identifier ?v ."
        " FILTER NOT EXISTS { ?e sg:amends ?x } } ORDER BY ?v LIMIT 5000",
    ),
    "supersession": (
        "supersession",
        "standard",
        "SELECT ?v WHERE { ?e sg:supersedes ?a ; sg:supersededBy ?b ; dcterms:identifier ?v }"
        " ORDER BY ?v LIMIT 5000",
    ),
    "equivalents": (
        "equivalents",
        "standard",
        "SELECT DISTINCT ?v WHERE { ?n sg:adopts ?en . ?en sg:adopts ?root . ?n dcterms:identifier ?v }"
        " ORDER BY ?v LIMIT 5000",
    ),
    "adoption": (
        "adoption",
        "standard",
        "SELECT DISTINCT ?v WHERE { ?a sg:adoptingEdition ?e . ?e dcterms:identifier ?v"
        ' FILTER(STRSTARTS(?v, "GB")) }'
        " ORDER BY ?v LIMIT 5000",
    ),
    "committee-standards": (
        "committee-standards",
        "committee",
        "SELECT DISTINCT ?v WHERE { ?sc sg:parentCommittee ?tc . ?tc dcterms:identifier ?v }"
        " ORDER BY ?v LIMIT 5000",
    ),
    "standards-by-publisher": ("standards-by-publisher", None, None),
}
_EXPORTER = """SELECT DISTINCT ?v WHERE {
  ?req sg:market sgid:market\\/EU ; sg:productScope ?scope .
  { ?v skos:broader ?scope } UNION { ?h skos:broader ?scope . ?v skos:broader ?h }
  ?v sg:hsLevel "subheading" .
} ORDER BY ?v LIMIT 5000"""


def _values(store: ox.Store, sparql: str) -> list[str]:
    solutions = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    return [s["v"].value for s in solutions]  # type: ignore[index, union-attr]


def pick(store: ox.Store, seed: int = 42) -> list[Task]:
    """Parameter values for every task, chosen from candidates found in the data (deterministic per seed)."""
    rng = random.Random(f"{seed}:workload")
    tasks = []
    for label, (query, param, sparql) in _CANDIDATES.items():
        if param is None or sparql is None:
            tasks.append(Task(label, query, {}))
            continue
        candidates = _values(store, sparql)
        if not candidates:
            raise ValueError(f"the graph has no candidate value for {label}; generate a larger graph")
        tasks.append(Task(label, query, {param: rng.choice(candidates)}))
    # a topic word that titles in the graph do use, in each language
    for lang in ("en", "zh"):
        titles = _values(
            store,
            "SELECT DISTINCT ?v WHERE { ?e sg:editionOf ?w ; dcterms:title ?v"
            f' FILTER(LANG(?v) = "{lang}") }}'
            " ORDER BY ?v LIMIT 5000",
        )
        topic = rng.choice(titles).split(" — " if lang == "en" else " ")[0]
        text = topic.split()[-1].lower() if lang == "en" else topic
        tasks.append(Task(f"search ({lang})", "search", {"text": text}))
    subheadings = _values(store, _EXPORTER)
    members = _values(store, "SELECT ?v WHERE { sgid:market\\/EU sg:memberState ?v } ORDER BY ?v")
    if not subheadings or not members:
        raise ValueError("the graph has no EU requirement over an HS heading or chapter")
    tasks.append(
        Task(
            "requirements-for-product",
            "requirements-for-product",
            {
                "market": rng.choice(members).rsplit("/", 1)[1],
                "hs": rng.choice(subheadings).rsplit("/", 1)[1],
            },
        )
    )
    return tasks


def pick_from_file(path: Path, seed: int = 42) -> list[Task]:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH))
    return pick(store, seed)
