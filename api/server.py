"""Serve the API with uvicorn over an open store (`stdgraph serve`)."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.settings import ApiSettings
from stdgraph.store import GraphStore


def serve(
    store: GraphStore,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ApiSettings | None = None,
    curation=None,
) -> None:
    """Serve the store until stopped; only the curation routes (when `curation` is given) write to it."""
    app = create_app(store, settings or ApiSettings.from_env(), curation=curation)
    uvicorn.run(app, host=host, port=port, log_level="info")
