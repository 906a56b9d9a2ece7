"""`/void` (and `/.well-known/void`): a VoID and DCAT description of the dataset.

Built on each request from the store: the provenance records of the meta graph (`sg:SourceGraph`: title,
publisher, source, licence, retrieval date, load time) and the live triple count of every named graph.
The dataset has one `void:subset` per named graph, named by the graph's own IRI, each with its dump;
the whole has the SPARQL endpoint and the full dump, with URLs from the request's base. Turtle by
default; N-Triples, RDF/XML or JSON-LD by Accept or `format=` (`api.conneg`, graph formats).
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF
from starlette.concurrency import run_in_threadpool

from api.conneg import GRAPH_FORMATS, Kind, NotAcceptable, UnknownFormat, negotiate
from api.dumps import GZIP, short_names
from stdgraph.namespaces import DCAT, DCTERMS, META_GRAPH, PREFIXES, PROV, RDF, SG, VOID, XSD
from stdgraph.store import GraphStore, to_ox

router = APIRouter()

DATASET = URIRef("https://w3id.org/stdgraph/dataset")
"""The whole of stdgraph, as a dataset."""

COPIED = (
    DCTERMS.title,
    DCTERMS.description,
    DCTERMS.publisher,
    DCTERMS.source,
    DCTERMS.license,
    SG.retrieved,
    SG.rowCount,
    PROV.generatedAtTime,
)
"""What each subset takes from its `sg:SourceGraph` record in the meta graph."""

_RECORDS = f"""
SELECT ?g ?p ?o WHERE {{
  GRAPH <{META_GRAPH}> {{ ?g a sg:SourceGraph ; ?p ?o }}
  VALUES ?p {{ {" ".join(f"<{p}>" for p in COPIED)} }}
}}
"""

N_QUADS = URIRef("http://www.w3.org/ns/formats/N-Quads")


def _read(store: GraphStore) -> tuple[dict[str, int], dict[str, list[tuple[URIRef, object]]]]:
    counts = store.triple_counts()
    records: dict[str, list[tuple[URIRef, object]]] = {}
    for row in store.select(_RECORDS).rows:
        records.setdefault(str(row["g"]), []).append((row["p"], row["o"]))  # type: ignore[arg-type]
    return counts, records


def _distribution(void: Graph, dataset: URIRef, url: str) -> None:
    dist = BNode()
    void.add((dataset, VOID.dataDump, URIRef(url)))
    void.add((dataset, DCAT.distribution, dist))
    void.add((dist, RDF.type, DCAT.Distribution))
    void.add((dist, DCAT.downloadURL, URIRef(url)))
    void.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{GZIP}")))
    void.add((dist, DCAT.packageFormat, URIRef(f"https://www.iana.org/assignments/media-types/{GZIP}")))
    void.add((dist, DCTERMS["format"], N_QUADS))


def description(store: GraphStore, request: Request) -> Graph:
    """The VoID/DCAT graph for `store`, with URLs relative to `request`."""
    counts, records = _read(store)
    void = Graph()
    document = URIRef(str(request.url.replace(query="", fragment="")))
    void.add((document, RDF.type, VOID.DatasetDescription))
    void.add((document, FOAF.primaryTopic, DATASET))

    void.add((DATASET, RDF.type, VOID.Dataset))
    void.add((DATASET, RDF.type, DCAT.Dataset))
    void.add((DATASET, DCTERMS.title, Literal("stdgraph", lang="en")))
    void.add(
        (
            DATASET,
            DCTERMS.description,
            Literal(
                "Standards, their national adoptions, certification schemes, accreditation and mutual "
                "recognition arrangements and market requirements for green trade, as a knowledge graph; "
                "one named graph per source.",
                lang="en",
            ),
        )
    )
    void.add((DATASET, VOID.triples, Literal(sum(counts.values()), datatype=XSD.integer)))
    void.add((DATASET, VOID.sparqlEndpoint, URIRef(str(request.url_for("sparql")))))
    void.add((DATASET, VOID.uriSpace, Literal(PREFIXES["sgid"])))
    void.add((DATASET, VOID.vocabulary, URIRef(PREFIXES["sg"])))
    void.add((DATASET, VOID.feature, N_QUADS))
    _distribution(void, DATASET, str(request.url_for("dump_all")))

    for short, iri in short_names(store).items():
        subset = URIRef(iri)
        void.add((DATASET, VOID.subset, subset))
        void.add((subset, RDF.type, VOID.Dataset))
        void.add((subset, RDF.type, DCAT.Dataset))
        void.add((subset, VOID.triples, Literal(counts.get(iri, 0), datatype=XSD.integer)))
        for predicate, value in records.get(iri, []):
            void.add((subset, predicate, value))
        if subset == META_GRAPH:
            void.add((subset, DCTERMS.title, Literal("Provenance of every named graph", lang="en")))
        _distribution(void, subset, str(request.url_for("dump_graph", name=short)))
    return void


def _order(triple) -> tuple:
    """The document, the dataset, the subsets, then blank nodes; so Turtle groups each subject."""
    s, p, o = triple
    rank = 0 if s == DATASET else 1 if isinstance(s, URIRef) else 2
    return rank, str(s), p != RDF.type, str(p), str(o)


def serialise(void: Graph, format_name: str) -> bytes:
    ordered = sorted(void, key=_order)
    triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in ordered]  # type: ignore[arg-type]
    prefixes = {**PREFIXES, "foaf": str(FOAF)} if format_name in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=GRAPH_FORMATS[format_name], prefixes=prefixes) or b""


@router.get("/void", summary="VoID and DCAT description of the dataset")
@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset (well-known URL)")
async def void(request: Request) -> Response:
    try:
        fmt = negotiate(Kind.GRAPH, request.headers.get("accept"), request.query_params.get("format"))
    except UnknownFormat as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    except NotAcceptable as exc:
        return PlainTextResponse(f"{exc}\n", status_code=406)
    graph = await run_in_threadpool(description, request.app.state.store, request)
    body = await run_in_threadpool(serialise, graph, fmt.name)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
