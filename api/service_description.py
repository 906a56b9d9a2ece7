"""The SPARQL 1.1 Service Description of `/sparql` (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi.responses import PlainTextResponse, Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from api.conneg import GRAPH_FORMATS, RESULTS_FORMATS, Kind, NotAcceptable, UnknownFormat, negotiate
from api.settings import ApiSettings

RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml"}
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def description(settings: ApiSettings, named_graphs: list[str], iri: str) -> Graph:
    """The service at `iri`: language, result formats, features and the dataset with its named graphs."""
    graph = Graph()
    graph.bind("sd", SD)
    service = URIRef(iri)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (*RESULTS_FORMATS.values(), *GRAPH_FORMATS.values()):
        graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allow_service:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    dataset = BNode()
    default = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    for name in named_graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    graph.add(
        (
            service,
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal(
                "Read-only. The default graph is the union of all named graphs unless the request gives "
                f"default-graph-uri or the query FROM. Limits: {settings.query_timeout:g} s per "
                f"query, {settings.row_cap} result rows (add LIMIT), "
                f"{settings.max_body_bytes} request bytes.",
                lang="en",
            ),
        )
    )
    return graph


def describe(
    settings: ApiSettings, named_graphs: list[str], iri: str, accept: str | None, format_param: str | None
) -> Response:
    try:
        fmt = negotiate(Kind.GRAPH, accept, format_param)
    except NotAcceptable as exc:
        return PlainTextResponse(f"{exc}\n", status_code=406)
    except UnknownFormat as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    graph = description(settings, named_graphs, iri)
    if fmt.name == "jsonld":  # rdflib's JSON-LD writer warns (ConjunctiveGraph); pyoxigraph's does not
        triples = ox.parse(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        body = ox.serialize(triples, format=GRAPH_FORMATS[fmt.name])
    else:
        body = graph.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})
