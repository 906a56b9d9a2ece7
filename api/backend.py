"""The one place the API reaches through `GraphStore` to the engine behind it.

The SPARQL endpoint needs what `GraphStore.query` does not offer: the protocol's dataset
(`default-graph-uri`, `named-graph-uri`) and results left in Oxigraph's own terms so Oxigraph serialises
them. For an embedded `OxigraphStore` that is its pyoxigraph store. For a remote `SparqlEndpointStore`
it is `RemoteSparql`, which forwards the query as it came (with the project's prefixes and the endpoint's
base IRI declared, and the protocol's dataset parameters) and parses the answer into the same pyoxigraph
result objects, so `/sparql` keeps every protocol feature it has over the embedded store: content
negotiation over the same formats, the row cap and time limit, updates and `SERVICE` refused before
anything is sent, the service description.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from stdgraph.remote_store import N_TRIPLES, RESULTS_JSON, EndpointError, SparqlEndpointStore, query_form
from stdgraph.store import GraphStore, OxigraphStore, QueryError


class UnsupportedStore(TypeError):
    """A store the SPARQL endpoint cannot serve."""


class RemoteSparql:
    """A remote endpoint behind the `pyoxigraph.Store.query` signature that `api.sparql` calls.

    SELECT and ASK come back as SPARQL JSON results (parsed by pyoxigraph), CONSTRUCT and DESCRIBE as
    N-Triples. The union default graph is the server's own (`SparqlEndpointStore.check` verified it), so
    `use_default_graph_as_union` needs no parameter. The row cap is applied to the answer as it arrives:
    the remote server still computes the whole result (its own time limit bounds that).
    """

    def __init__(self, store: SparqlEndpointStore) -> None:
        self.store = store

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        prefixes: dict[str, str] | None = None,
        default_graph: Sequence[ox.NamedNode] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        use_default_graph_as_union: bool = False,
    ):
        prologue = f"BASE <{ox.NamedNode(base_iri).value}>\n" if base_iri else ""
        for prefix, iri in (prefixes or {}).items():
            prologue += f"PREFIX {prefix}: <{ox.NamedNode(iri).value}>\n"
        params = [("default-graph-uri", g.value) for g in default_graph or ()]
        params += [("named-graph-uri", g.value) for g in named_graphs or ()]
        from api.sparql import ProtocolError  # api.sparql is the caller; imported late to keep one direction

        try:  # one type asked for: Virtuoso answers a DESCRIBE in SPARQL JSON when JSON comes first
            graph_form = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        except QueryError:
            graph_form = False
        accept = N_TRIPLES if graph_form else RESULTS_JSON
        try:
            media, body = self.store.raw_query(prologue + query, accept, params)
        except QueryError as exc:
            raise SyntaxError(str(exc)) from None
        except EndpointError as exc:
            raise ProtocolError(502, f"the triple store behind this endpoint failed: {exc}") from None
        if media == RESULTS_JSON:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if media == N_TRIPLES:
            return _triples(body)
        raise ProtocolError(502, f"the triple store behind this endpoint answered {media or 'no type'}")


def _triples(body: bytes) -> Iterator[ox.Triple]:
    for quad in ox.parse(body, format=ox.RdfFormat.N_TRIPLES):
        yield quad.triple


def oxigraph_of(store: GraphStore) -> ox.Store | RemoteSparql:
    """What `/sparql` evaluates queries with: the pyoxigraph store behind an `OxigraphStore`, or the
    forwarding `RemoteSparql` for a `SparqlEndpointStore`."""
    if isinstance(store, OxigraphStore):
        return store.oxigraph
    if isinstance(store, SparqlEndpointStore):
        return RemoteSparql(store)
    raise UnsupportedStore(
        f"the SPARQL endpoint serves an OxigraphStore or a SparqlEndpointStore, not {type(store).__name__}"
    )
