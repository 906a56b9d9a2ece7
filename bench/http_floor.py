"""The HTTP floor of a lookup: an empty ASGI app, served by uvicorn as `stdgraph serve` serves the API.

`python -m bench.http_floor --port N` answers every request with `{}` (JSON, 200). `bench.serve` times a GET
to it over the same kind of kept connection as the lookups: what uvicorn, the event loop, the socket and
the client cost on this machine before the API does anything.
"""

from __future__ import annotations

import argparse

import uvicorn

BODY = b"{}"
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict, receive, send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")  # as api/server.py


if __name__ == "__main__":
    main()
