"""The store contract: bound parameters, atomic graph replacement, staging clean-up, export.

Tests taking the `store` fixture run on both backends: the embedded `OxigraphStore` and a
`SparqlEndpointStore` over a real `oxigraph serve` (tests/conftest.py).
"""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef

from stdgraph.namespaces import DCTERMS, META_GRAPH, SGG
from stdgraph.store import STAGING_PREFIX, GraphStore, OxigraphStore, QueryError, bind_values

G1 = str(SGG["one"])
G2 = str(SGG["two"])
A = URIRef("https://example.org/a")
B = URIRef("https://example.org/b")


def graph_of(*triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def meta_for(name: str, n: int) -> Graph:
    return graph_of((URIRef(name), DCTERMS.title, Literal(f"graph {n}")))


@pytest.fixture(params=["embedded", "remote"])
def store(request: pytest.FixtureRequest) -> GraphStore:
    s = OxigraphStore() if request.param == "embedded" else request.getfixturevalue("remote_store")
    s.replace_graphs(
        {
            G1: graph_of((A, DCTERMS.title, Literal("alpha", lang="en"))),
            G2: graph_of((B, DCTERMS.title, Literal("乙", lang="zh"))),
        },
        meta_for(G1, 1) + meta_for(G2, 2),
    )
    return s


def test_select_binds_values_by_substitution(store: GraphStore) -> None:
    rows = store.select("SELECT ?s ?t WHERE { ?s dcterms:title ?t }", {"s": B}).rows
    assert rows == [{"s": B, "t": Literal("乙", lang="zh")}]


def test_a_hostile_string_is_only_ever_a_literal(store: GraphStore) -> None:
    hostile = '"} ?s ?p ?o . FILTER(true) {"'
    rows = store.select("SELECT ?t ?s WHERE { ?s dcterms:title ?t }", {"t": hostile}).rows
    assert rows == []


def test_invalid_iri_is_refused_before_the_query(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="not a valid IRI"):
        store.select("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef("http://x/> <y")})


def test_bad_sparql_is_a_query_error(store: GraphStore) -> None:
    with pytest.raises(QueryError, match="syntax"):
        store.select("SELEC ?s WHERE { ?s ?p ?o }")


def test_replace_one_graph_leaves_the_other(store: GraphStore) -> None:
    store.replace_graphs({G1: graph_of((A, DCTERMS.title, Literal("alpha 2")))}, meta_for(G1, 3))
    counts = store.triple_counts()
    assert counts[G1] == 1 and counts[G2] == 1
    titles = store.select("SELECT ?t WHERE { GRAPH ?g { ?s dcterms:title ?t } }").column("t")
    assert Literal("alpha 2") in titles and Literal("alpha", lang="en") not in titles
    meta = store.select(f"SELECT ?t WHERE {{ GRAPH <{META_GRAPH}> {{ <{G1}> dcterms:title ?t }} }}")
    assert meta.column("t") == [Literal("graph 3")]


def test_replacing_with_an_empty_graph_empties_it(store: GraphStore) -> None:
    store.replace_graphs({G1: Graph()})
    assert G1 not in store.triple_counts()


def test_leftover_staging_graphs_are_dropped_on_open(tmp_path) -> None:
    s = OxigraphStore(tmp_path / "store")
    s._load(graph_of((A, DCTERMS.title, Literal("half"))), f"{STAGING_PREFIX}dead/0")
    s.flush()
    del s
    reopened = OxigraphStore(tmp_path / "store")
    assert reopened.named_graphs() == []


def test_query_dispatches_on_form(store: GraphStore) -> None:
    assert store.query("ASK { ?s dcterms:title ?t }") is True
    graph = store.query("CONSTRUCT { ?s dcterms:title ?t } WHERE { ?s dcterms:title ?t }")
    assert isinstance(graph, Graph) and len(graph) == 4  # two titles in data, two in meta


def test_describe_nodes_excludes_named_graphs(store: GraphStore) -> None:
    assert len(store.describe_nodes([str(A)])) == 1
    assert len(store.describe_nodes([str(A)], exclude_graphs=[G1])) == 0


def test_describe_reads_what_describe_nodes_reads(store: GraphStore) -> None:
    """The API's indexed description holds the same triples as the rdflib graph, once each even where
    a triple is in two named graphs, with typed literals kept typed."""
    issued = Literal("2018-08-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    both = graph_of((A, DCTERMS.issued, issued), (A, DCTERMS.title, Literal("alpha", lang="en")))
    store.replace_graphs({G2: both + graph_of((B, DCTERMS.title, Literal("乙", lang="zh")))})
    iris = [str(A), str(B), "https://example.org/nothing"]
    description = store.describe(iris)
    assert set(description) == set(store.describe_nodes(iris))
    assert len(description) == 3
    assert description.value(A, DCTERMS.issued) == issued
    assert description.value(A, DCTERMS.issued).datatype == issued.datatype
    assert list(description.objects(B, DCTERMS.title)) == [Literal("乙", lang="zh")]
    assert description.value(URIRef("https://example.org/nothing"), DCTERMS.title) is None
    assert set(description.graph()) == set(description)


def test_export_nquads_whole_and_one_graph(store: GraphStore) -> None:
    whole, one = io.BytesIO(), io.BytesIO()
    store.export(whole)
    store.export(one, graph=G2)
    assert whole.getvalue().count(b"\n") == len(store)
    assert one.getvalue().count(b"\n") == 1 and b"two" in one.getvalue()
    with pytest.raises(ValueError, match="nquads or trig"):
        store.export(io.BytesIO(), fmt="xml")


def test_bound_values_open_the_outer_where_clause() -> None:
    query = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }"
    bound = bind_values(query, {"s": A, "t": 'x" } DROP ALL { "'})
    assert bound.startswith("SELECT ?s WHERE { VALUES (?s ?t) { (<https://example.org/a> ")
    assert 'DROP ALL { \\"") }' in bound  # the quote inside the literal is escaped
    assert OxigraphStore().select(query, {"s": A, "t": 'x" } DROP ALL { "'}).rows == []
    with pytest.raises(QueryError, match="variable name"):
        bind_values(query, {"s } DROP ALL {": A})
    with pytest.raises(QueryError, match="WHERE"):
        bind_values("ASK { ?s ?p ?o }", {"s": A})


def test_sub_selects_that_project_a_parameter_are_bound_too() -> None:
    query = "SELECT ?s ?n WHERE { { SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }"
    bound = bind_values(query, {"s": A})
    assert bound.count("VALUES (?s) { (<https://example.org/a>) }") == 2
    unprojected = "SELECT ?s WHERE { ?s ?p ?x { SELECT ?x WHERE { ?x ?q ?s } } }"
    assert bind_values(unprojected, {"s": A}).count("VALUES") == 1


def test_binding_inside_a_sub_select_keeps_the_answer(store: GraphStore) -> None:
    query = "SELECT ?s ?t WHERE { { SELECT ?s ?t WHERE { ?s dcterms:title ?t } } }"
    assert store.select(query, {"s": B}).rows == [{"s": B, "t": Literal("乙", lang="zh")}]


def test_a_failed_replacement_leaves_the_store_as_it_was(store: GraphStore, monkeypatch) -> None:
    before = io.BytesIO()
    store.export(before)
    load = store._load  # type: ignore[attr-defined]
    calls = []

    def fail_on_second(graph: Graph, target: str) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError("the disk is full")
        load(graph, target)

    monkeypatch.setattr(store, "_load", fail_on_second)
    with pytest.raises(OSError, match="disk is full"):
        store.replace_graphs({G1: graph_of((A, DCTERMS.title, Literal("new"))), G2: Graph()})
    after = io.BytesIO()
    store.export(after)
    assert sorted(after.getvalue().splitlines()) == sorted(before.getvalue().splitlines())
    assert not [g for g in store.named_graphs() if g.startswith(STAGING_PREFIX)]


def test_blank_nodes_keep_their_identity_through_a_replacement(store: GraphStore) -> None:
    lst = Graph().parse(data="<https://example.org/a> <https://example.org/p> ( 1 2 3 ) .", format="turtle")
    store.replace_graphs({G1: lst})
    query = "SELECT ?x WHERE { ?a <https://example.org/p> ?l . ?l rdf:rest*/rdf:first ?x }"
    assert sorted(int(x) for x in store.select(query).column("x")) == [1, 2, 3]  # type: ignore[arg-type]
