"""Serve the API with uvicorn over a store opened read-only (`stdgraph serve`)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from api.app import create_app
from api.settings import ApiSettings
from stdgraph.store import OxigraphStore


def serve(
    store_path: Path, host: str = "127.0.0.1", port: int = 8000, settings: ApiSettings | None = None
) -> None:
    """Open the store read-only (no lock: a build can run beside the server) and serve until stopped."""
    if not Path(store_path).exists():
        raise FileNotFoundError(f"no store at {store_path}: run `stdgraph build` first")
    store = OxigraphStore(store_path, read_only=True)
    app = create_app(store, settings or ApiSettings.from_env())
    uvicorn.run(app, host=host, port=port, log_level="info")
