"""The stdgraph HTTP API: `create_app(store, settings)` wires the routers to one store."""

from __future__ import annotations

from fastapi import FastAPI

from api import (
    dumps,
    editor,
    entities,
    html,
    linked_data,
    named_queries,
    neighbourhood,
    recognition,
    search,
    sparql,
    standards,
    void,
)
from api.backend import oxigraph_of
from api.hot_routes import HotRoutes
from api.settings import ApiSettings
from stdgraph.store import GraphStore


def create_app(store: GraphStore, settings: ApiSettings | None = None, curation=None) -> FastAPI:
    """An app serving `store` (open it read-only for a public server) within `settings`' limits.

    With `curation` (an `api.curation.Curation` over the same, writable store) the curation routes are
    added: `/mappings`, `/releases`, `/review`.
    """
    settings = settings or ApiSettings()
    app = FastAPI(
        title="stdgraph",
        summary="Standards, adoptions and mutual recognition for green trade, as a knowledge graph",
    )
    app.state.store = store
    app.state.settings = settings
    app.state.sparql = sparql.Endpoint(oxigraph_of(store), settings, store.named_graphs)
    app.include_router(sparql.router)
    app.include_router(named_queries.router)
    app.include_router(dumps.router)
    app.include_router(void.router)
    app.include_router(editor.router)
    app.include_router(neighbourhood.router)
    app.include_router(search.router)
    yasgui = editor.yasgui_files()
    app.state.yasgui = yasgui is not None
    if yasgui is not None:
        app.mount("/static/vendor/yasgui", yasgui, name="yasgui")
    app.include_router(recognition.router)
    app.include_router(standards.router)
    app.include_router(entities.router)
    app.include_router(linked_data.router)
    if curation is not None:
        from api import curation as curation_routes

        curation_routes.install(app, curation)
    app.mount("/static", html.static_files(), name="static")
    app.add_middleware(HotRoutes)  # GET /queries/{name} and /standards/{id} below FastAPI's routing
    return app
