"""The one place the API reaches through `GraphStore` to the engine behind it.

The SPARQL endpoint needs what `GraphStore.query` does not offer: the protocol's dataset
(`default-graph-uri`, `named-graph-uri`) and results left in Oxigraph's own terms so Oxigraph serialises
them. A remote-endpoint store would proxy the protocol instead.
"""

from __future__ import annotations

import pyoxigraph as ox

from stdgraph.store import GraphStore, OxigraphStore


class UnsupportedStore(TypeError):
    """A store the SPARQL endpoint cannot serve (only Oxigraph for now)."""


def oxigraph_of(store: GraphStore) -> ox.Store:
    """The pyoxigraph store behind an `OxigraphStore`."""
    if not isinstance(store, OxigraphStore):
        raise UnsupportedStore(f"the SPARQL endpoint serves an OxigraphStore, not {type(store).__name__}")
    return store.oxigraph
