"""Shared fixtures: one default-graph build per test session, in a temporary on-disk store."""

from __future__ import annotations

import pytest

from stdgraph.build import BuildReport, build
from stdgraph.store import OxigraphStore


@pytest.fixture(scope="session")
def default_build() -> tuple[OxigraphStore, BuildReport]:
    """The default graph, built once in memory the way `stdgraph build` builds it."""
    store = OxigraphStore()
    report = build(store, progress=False)
    return store, report


@pytest.fixture(scope="session")
def default_store(default_build) -> OxigraphStore:
    return default_build[0]


# --- scale: one whole-graph pySHACL run of the default build, shared by the tests that need it ---


@pytest.fixture(scope="session")
def default_whole_graph(default_store):
    """Every graph of the default build but the ontology's, as one rdflib graph."""
    return default_store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != sgg:ontology) }"
    )


@pytest.fixture(scope="session")
def default_pyshacl_report(default_whole_graph):
    """pySHACL's report on the whole default graph (the reference the compiled shapes are held to)."""
    from stdgraph.validation import validate

    return validate(default_whole_graph)
