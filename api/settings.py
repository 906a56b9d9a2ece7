"""Settings of the HTTP API: limits that keep a public SPARQL endpoint answering.

Each value comes from an environment variable when it is set, else the default below, so the same code
runs on a laptop, in CI and behind a server without a configuration file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, cast, default):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if cast is bool:
        value = raw.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{name}={raw!r}: expected true or false")
    try:
        return cast(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a {cast.__name__}") from None


@dataclass(frozen=True)
class ApiSettings:
    """Limits of the public endpoint.

    - `query_timeout`: seconds a query may run before the endpoint answers 503 (`STDGRAPH_QUERY_TIMEOUT`).
    - `row_cap`: most rows of a SELECT (or triples of a CONSTRUCT/DESCRIBE) returned; a larger result is
      refused with 400 and a hint to add LIMIT, never silently cut (`STDGRAPH_ROW_CAP`).
    - `max_body_bytes`: largest request body (`STDGRAPH_MAX_BODY_BYTES`), else 413.
    - `allow_service`: whether `SERVICE` (federated queries to other endpoints) may run
      (`STDGRAPH_ALLOW_SERVICE`); off by default, as it makes the server fetch arbitrary URLs.
    - `query_workers`: queries that may run at once (`STDGRAPH_QUERY_WORKERS`); a query that exceeds its
      time limit keeps its worker until Oxigraph finishes it, so this also bounds runaway queries.
    """

    query_timeout: float = 10.0
    row_cap: int = 10_000
    max_body_bytes: int = 1_000_000
    allow_service: bool = False
    query_workers: int = 4

    def __post_init__(self) -> None:
        if self.query_timeout <= 0:
            raise ValueError("query_timeout must be positive")
        for name in ("row_cap", "max_body_bytes", "query_workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")

    @classmethod
    def from_env(cls) -> ApiSettings:
        defaults = cls()
        return cls(
            query_timeout=_env("STDGRAPH_QUERY_TIMEOUT", float, defaults.query_timeout),
            row_cap=_env("STDGRAPH_ROW_CAP", int, defaults.row_cap),
            max_body_bytes=_env("STDGRAPH_MAX_BODY_BYTES", int, defaults.max_body_bytes),
            allow_service=_env("STDGRAPH_ALLOW_SERVICE", bool, defaults.allow_service),
            query_workers=_env("STDGRAPH_QUERY_WORKERS", int, defaults.query_workers),
        )
