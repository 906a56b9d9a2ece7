"""Where stdgraph finds its files and keeps its store.

Settings come from command-line options first, then environment variables, then defaults, so the same
code runs on a laptop, in CI and behind a server without a configuration file.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = REPO_ROOT / "ontology"
SHAPES_DIR = REPO_ROOT / "shapes"
QUERIES_DIR = REPO_ROOT / "queries"
CURATED_DIR = REPO_ROOT / "data" / "curated"


def shared_data_dir() -> Path:
    """The folder of public source files (`STDGRAPH_SHARED_DATA`, else `../shared/data`)."""
    env = os.environ.get("STDGRAPH_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def store_path(option: str | Path | None = None) -> Path:
    """The on-disk store: `--store`, else `STDGRAPH_STORE`, else `./var/store` under the working dir."""
    if option:
        return Path(option)
    env = os.environ.get("STDGRAPH_STORE")
    return Path(env) if env else Path.cwd() / "var" / "store"


def endpoint_url(option: str | None = None) -> str | None:
    """A remote SPARQL 1.1 query endpoint: `--endpoint`, else `STDGRAPH_ENDPOINT`, else none (embedded)."""
    return option or os.environ.get("STDGRAPH_ENDPOINT") or None


def update_endpoint_url(option: str | None = None) -> str | None:
    """Its SPARQL 1.1 Update endpoint: `--update-endpoint`, else `STDGRAPH_UPDATE_ENDPOINT`, else the same
    URL as the query endpoint."""
    return option or os.environ.get("STDGRAPH_UPDATE_ENDPOINT") or None


def graph_store_url(option: str | None = None) -> str | None:
    """Its Graph Store HTTP Protocol URL, for loading whole graphs: `--graph-store`, else
    `STDGRAPH_GRAPH_STORE`, else none (graphs are loaded by SPARQL `INSERT DATA`)."""
    return option or os.environ.get("STDGRAPH_GRAPH_STORE") or None


def endpoint_credentials() -> tuple[str, str] | None:
    """HTTP basic credentials for the endpoint: `STDGRAPH_ENDPOINT_USER` and `STDGRAPH_ENDPOINT_PASSWORD`."""
    user = os.environ.get("STDGRAPH_ENDPOINT_USER")
    return (user, os.environ.get("STDGRAPH_ENDPOINT_PASSWORD", "")) if user else None


def open_store(
    path: str | Path | None = None,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
    read_only: bool = False,
    credentials: tuple[str, str] | None = None,
):
    """The configured `GraphStore`, for every command: a remote SPARQL endpoint when one is given
    (`--endpoint`, or `STDGRAPH_ENDPOINT` unless `--store` is given), else the embedded store at
    `store_path(path)`. A remote store is checked (it answers; its default graph is the union of its
    named graphs) before it is returned; errors are `OSError`s that name the store. `credentials` replace
    `endpoint_credentials()` (the environment's)."""
    url = endpoint or (None if path else endpoint_url())
    if url:
        from stdgraph.remote_store import SparqlEndpointStore

        store = SparqlEndpointStore(
            url,
            update_endpoint_url(update_endpoint),
            graph_store_url(graph_store),
            credentials=credentials or endpoint_credentials(),
            read_only=read_only,
        )
        store.check()
        return store
    from stdgraph.store import OxigraphStore

    return OxigraphStore(store_path(path), read_only=read_only)


def store_label(path: str | Path | None = None, endpoint: str | None = None) -> str:
    """Where `open_store` with the same arguments reads, for messages."""
    url = endpoint or (None if path else endpoint_url())
    return f"the SPARQL endpoint {url}" if url else str(store_path(path))
