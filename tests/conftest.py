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


# --- curation (curate branch) ---


@pytest.fixture(scope="session")
def default_nquads(default_store) -> bytes:
    """The default graph as N-Quads, to give each curation test a fresh copy of it."""
    import io

    buffer = io.BytesIO()
    default_store.export(buffer, "nquads")
    return buffer.getvalue()


@pytest.fixture
def curation_store(default_nquads) -> OxigraphStore:
    """A writable in-memory copy of the default graph (curation tests write to it)."""
    import pyoxigraph as ox

    store = OxigraphStore()
    store.oxigraph.load(default_nquads, format=ox.RdfFormat.N_QUADS)
    return store
