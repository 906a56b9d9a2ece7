"""A server killed during curation writes loses no acknowledged change and leaves no partial batch."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
from curation_support import HEADER, idt_mappings, sssom_tsv
from test_serve import free_port

from stdgraph.curation import CurationPaths, curation_dir
from stdgraph.curation.auth import TokenStore
from stdgraph.curation.model import mapping_iri
from stdgraph.curation.rows import DEFAULT_CURIE_MAP, standard_node
from stdgraph.curation.workflow import Curator
from stdgraph.store import OxigraphStore

RELATIONS = ("exactMatch", "closeMatch", "relatedMatch", "broadMatch", "narrowMatch")


def batches(size: int = 4) -> list[list[dict[str, str]]]:
    """Distinct records: each IDT pair under every relation, positive and negative, in batches of `size`."""
    rows = [
        row | {"predicate_id": f"skos:{relation}", "predicate_modifier": modifier}
        for relation in RELATIONS
        for modifier in ("", "Not")
        for row in idt_mappings()
    ]
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def ids(batch: list[dict[str, str]]):
    def node(v):
        return standard_node(v, DEFAULT_CURIE_MAP, "x")

    return [
        mapping_iri(
            node(r["subject_id"]),
            node(r["predicate_id"]),
            node(r["object_id"]),
            r["predicate_modifier"] == "Not",
        )
        for r in batch
    ]


def test_kill_during_writes_keeps_every_acknowledged_batch_whole(default_nquads, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    store = ox.Store(str(store_dir))
    store.load(default_nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    gc.collect()
    token = TokenStore(CurationPaths(curation_dir(store_dir)).tokens).create(
        "https://orcid.org/0000-0002-1825-0097", "curator"
    )
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    server = subprocess.Popen(
        [sys.executable, "-m", "stdgraph.cli", "serve", "--store", str(store_dir), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    acknowledged: list[list[dict[str, str]]] = []
    sent: list[list[dict[str, str]]] = []
    work = batches()
    lock = threading.Lock()
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text(errors="replace")
            try:
                httpx.get(f"{url}/mappings", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)

        def writer(mine: list[list[dict[str, str]]]) -> None:
            for batch in mine:
                with lock:
                    sent.append(batch)
                try:
                    response = httpx.post(
                        f"{url}/mappings",
                        content=sssom_tsv(batch, header=(*HEADER, "predicate_modifier")).encode(),
                        headers={
                            "Content-Type": "text/tab-separated-values",
                            "Authorization": f"Bearer {token}",
                        },
                        timeout=60,
                    )
                except httpx.TransportError:
                    return  # the server is gone
                assert response.status_code == 201, response.text
                with lock:
                    acknowledged.append(batch)

        threads = [threading.Thread(target=writer, args=(work[i::2],)) for i in range(2)]
        for t in threads:
            t.start()
        while True:  # kill once some writes are acknowledged and others are in flight
            with lock:
                if len(acknowledged) >= 4:
                    break
            assert time.monotonic() < deadline + 240, "no writes were acknowledged"
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        for t in threads:
            t.join(timeout=90)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    assert len(sent) > len(acknowledged), "the kill came after every write; nothing was in flight"
    curator = Curator(OxigraphStore(store_dir))
    for batch in acknowledged:
        assert all(curator.state(iri) is not None for iri in ids(batch)), "an acknowledged batch was lost"
    for batch in sent:
        present = [curator.state(iri) is not None for iri in ids(batch)]
        assert all(present) or not any(present), "a batch was stored in part"
    stored = sum(1 for batch in sent if curator.state(ids(batch)[0]) is not None)
    assert stored >= len(acknowledged)
