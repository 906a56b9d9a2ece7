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


@pytest.fixture(scope="session")
def catalogue_build() -> tuple[OxigraphStore, BuildReport]:
    """The default graph plus every source found in ../shared/data (ISO and IEC catalogues, ICS,
    committees), built once per session the way `stdgraph build --data-dir ../shared/data` builds it.
    Slow: tests that use it are marked `slow`."""
    from stdgraph import config
    from stdgraph.build import available_sources
    from stdgraph.sources import found_in

    data = config.shared_data_dir()
    names = [n for n, s in available_sources(include_all=True).items() if s.default or found_in(s, data)]
    store = OxigraphStore()
    report = build(store, names, data_dir=data, progress=False)
    return store, report


@pytest.fixture(scope="session")
def catalogue_store(catalogue_build) -> OxigraphStore:
    return catalogue_build[0]
