"""Named queries: headers parse, parameters are declared, projected and typed, and values are bound safely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from stdgraph.queries import ParameterError, QueryFileError, named_queries, parse_query_file
from stdgraph.store import OxigraphStore

QUERIES = named_queries()


def test_there_are_named_queries() -> None:
    assert {"adoption", "adopted-by", "standard", "supersession", "equivalents", "sources"} <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_parses_and_projects_its_parameters(name: str) -> None:
    query = QUERIES[name]
    assert query.summary
    OxigraphStore().query(query.sparql)  # parses and runs on an empty store
    head = query.sparql.split("WHERE", 1)[0]
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", head), f"{name}: parameter ?{param.name} must be projected"
        assert re.search(rf"\?{param.name}\b", query.sparql.split("WHERE", 1)[1]), (
            f"{name}: ?{param.name} unused"
        )
        assert param.example, f"{name}: parameter {param.name} needs an example"
    query.bindings({p.name: p.example for p in query.params if p.example})


def test_values_are_typed() -> None:
    q = QUERIES["adoption"]
    bound = q.bindings({"standard": "gb/t 24001—2016"})
    assert bound["standard"] == URIRef("https://w3id.org/stdgraph/id/edition/gb-t-24001_2016")


def test_unknown_and_missing_parameters_are_explained() -> None:
    q = QUERIES["adoption"]
    with pytest.raises(ParameterError, match="needs --param standard"):
        q.bindings({})
    with pytest.raises(ParameterError, match="has no parameter colour"):
        q.bindings({"standard": "ISO 14001:2015", "colour": "red"})
    with pytest.raises(ParameterError, match="standard"):
        q.bindings({"standard": "not a standard at all"})


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("market", "cn", URIRef("https://w3id.org/stdgraph/id/market/CN")),
        ("hs", "8541.43", URIRef("https://w3id.org/stdgraph/id/hs/2022/854143")),
        ("string", '"} DROP ALL {', Literal('"} DROP ALL {')),
    ],
)
def test_parameter_types(kind: str, value: str, expected, tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: test\n#+ params:\n#+   - name: x\n"
        f"#+     type: {kind}\n#+     example: x\nSELECT ?x WHERE {{}}\n"
    )
    assert parse_query_file(path).bindings({"x": value})["x"] == expected


def test_bad_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: t\n#+ params:\n#+   - name: x\n#+     type: hs\nSELECT ?x WHERE {}\n")
    with pytest.raises(ParameterError, match="HS code"):
        parse_query_file(path).bindings({"x": "85414"})


def test_a_header_without_summary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("# just a comment\nSELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryFileError, match="summary"):
        parse_query_file(path)
