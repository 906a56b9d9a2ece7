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
