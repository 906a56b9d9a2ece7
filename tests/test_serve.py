"""The main job as a user runs it: `stdgraph serve` on an empty store builds, then answers SPARQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from stdgraph import allocator


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_builds_an_empty_store_then_answers_on_loopback(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stdgraph.cli",
            "serve",
            "--store",
            str(tmp_path / "store"),
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 240
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
            try:
                response = httpx.get(
                    url,
                    params={
                        "query": "SELECT ?d WHERE { ?a sg:adoptingEdition ?e ; "
                        "sg:adoptionDegree/skos:notation ?d . ?e dcterms:identifier 'GB/T 24001-2016' }"
                    },
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=10,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start within 240 s"
                time.sleep(0.5)
        assert response.status_code == 200, response.text
        degrees = {b["d"]["value"] for b in response.json()["results"]["bindings"]}
        assert degrees == {"IDT"}
        # the server restarted itself (same pid) on jemalloc where the machine has it
        expected = "jemalloc" if allocator.find_jemalloc() else "system"
        assert allocator.in_use(Path(f"/proc/{server.pid}/maps")) == expected
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
