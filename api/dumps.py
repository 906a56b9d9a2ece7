"""`/dumps`: the whole store, or one named graph, as gzipped N-Quads files.

- `GET /dumps` lists the files with their URLs and sizes in quads.
- `GET /dumps/stdgraph.nq.gz` is every quad of the store; `GET /dumps/graphs/{name}.nq.gz` one named
  graph by its short name (`curated-standards` is `https://w3id.org/stdgraph/graph/curated-standards`).

A dump is a `.gz` file, not a compressed response: `Content-Type: application/gzip`, no
`Content-Encoding`, and a `Content-Disposition` file name, so clients save what they download as it is.
The store is exported (`GraphStore.export`) in a worker thread into a temporary file through gzip, then
streamed from that file; nothing is cached, as the store may be rebuilt under a read-only server.
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Iterator
from typing import IO

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from stdgraph.namespaces import SGG
from stdgraph.store import GraphStore

router = APIRouter()

WHOLE = "stdgraph.nq.gz"
GZIP = "application/gzip"
CONTENT = "application/n-quads"  # what the file holds once decompressed
CHUNK = 64 * 1024


def short_names(store: GraphStore) -> dict[str, str]:
    """Short name -> IRI of every named graph under `sgg:` (staging graphs excluded)."""
    names = {}
    for iri in store.named_graphs():
        if iri.startswith(str(SGG)):
            short = iri.removeprefix(str(SGG))
            if short and "/" not in short:
                names[short] = iri
    return names


def _export(store: GraphStore, graph: str | None, filename: str) -> IO[bytes]:
    """The gzipped N-Quads in a temporary file, rewound; the caller closes it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed after the response is sent
    try:
        with gzip.GzipFile(filename=filename, mode="wb", fileobj=spool, mtime=0) as out:
            store.export(out, "nquads", graph)
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    return spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    while chunk := spool.read(CHUNK):
        yield chunk


async def _dump(store: GraphStore, graph: str | None, filename: str) -> StreamingResponse:
    spool = await run_in_threadpool(_export, store, graph, filename.removesuffix(".gz"))
    return StreamingResponse(
        _chunks(spool),
        media_type=GZIP,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        background=BackgroundTask(spool.close),
    )


@router.get("/dumps", summary="The downloadable dumps of the graph")
async def list_dumps(request: Request) -> JSONResponse:
    store: GraphStore = request.app.state.store
    counts = await run_in_threadpool(store.triple_counts)
    names = short_names(store)
    dumps = [
        {
            "name": WHOLE,
            "url": str(request.url_for("dump_all")),
            "graph": None,
            "quads": sum(counts.values()),
            "media_type": GZIP,
            "content_type": CONTENT,
        }
    ]
    for short, iri in names.items():
        dumps.append(
            {
                "name": f"graphs/{short}.nq.gz",
                "url": str(request.url_for("dump_graph", name=short)),
                "graph": iri,
                "quads": counts.get(iri, 0),
                "media_type": GZIP,
                "content_type": CONTENT,
            }
        )
    return JSONResponse({"dumps": dumps})


@router.get(f"/dumps/{WHOLE}", summary="Every quad of the store, as gzipped N-Quads")
async def dump_all(request: Request) -> Response:
    return await _dump(request.app.state.store, None, WHOLE)


@router.get("/dumps/graphs/{name}.nq.gz", summary="One named graph, as gzipped N-Quads")
async def dump_graph(name: str, request: Request) -> Response:
    store: GraphStore = request.app.state.store
    names = short_names(store)
    if name not in names:
        return JSONResponse({"detail": f"no named graph {name!r}", "graphs": sorted(names)}, status_code=404)
    return await _dump(store, names[name], f"{name}.nq.gz")
