"""Shared fixtures: one default-graph build per test session, in a temporary on-disk store."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from stdgraph.build import BuildReport, build
from stdgraph.remote_store import SparqlEndpointStore
from stdgraph.store import OxigraphStore


@pytest.fixture(scope="session")
def default_build() -> tuple[OxigraphStore, BuildReport]:
    """The default graph, built once in memory the way `stdgraph build` builds it."""
    store = OxigraphStore()
    report = build(store, progress=False)
    return store, report


@pytest.fixture(scope="session")
def default_store(default_build) -> OxigraphStore:
    return default_build[0]


# --- remote triple store: `oxigraph serve` started on 127.0.0.1, stopped by its pid ---


@dataclass
class OxigraphServer:
    url: str
    pid: int

    def store(self, graph_store: bool = True, read_only: bool = False) -> SparqlEndpointStore:
        """A store over this server: queries at /query, updates at /update, graphs loaded at /store."""
        return SparqlEndpointStore(
            f"{self.url}/query",
            f"{self.url}/update",
            f"{self.url}/store" if graph_store else None,
            read_only=read_only,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(server: subprocess.Popen, grace: float) -> None:
    """SIGTERM by pid, then SIGKILL if the server is still there after `grace` seconds."""
    os.kill(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()


@contextlib.contextmanager
def oxigraph_serve(folder: Path, union: bool = True) -> Iterator[OxigraphServer]:
    """`oxigraph serve` (the `oxigraph` package of the test extra) on a free loopback port."""
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    assert binary, "the `oxigraph` command is missing: install the test extra (pip install -e '.[test]')"
    port = _free_port()
    args = [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"]
    log = (folder / "oxigraph.log").open("wb")
    server = subprocess.Popen(
        [*args, "--union-default-graph"] if union else args, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (folder / "oxigraph.log").read_text(errors="replace")
            try:
                httpx.post(f"{url}/query", data={"query": "ASK {}"}, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "oxigraph serve did not answer within 30 s"
                time.sleep(0.1)
        yield OxigraphServer(url, server.pid)
    finally:
        _stop(server, grace=10)
        log.close()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """One `oxigraph serve --union-default-graph` per test session (per xdist worker)."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph-serve")) as server:
        yield server


@pytest.fixture
def remote_store(oxigraph_server: OxigraphServer) -> SparqlEndpointStore:
    """An empty remote store (the session's server, emptied for each test)."""
    store = oxigraph_server.store()
    store.update("DROP SILENT ALL")
    return store


# --- remote triple store: Virtuoso Open Source (`virtuoso-t`, Debian's virtuoso-opensource) ---

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 2
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 8
MaxClientConnections = 8
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {result_rows}
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""
"""A private virtuoso.ini: its own files, loopback ports and ~80 MB of buffers (10,000 x 8 kB pages). The
default ResultSetMaxRows (10,000) would cut a graph's dump short: a store that serves stdgraph's
dumps raises it past the largest graph."""

VIRTUOSO_USER = ("stdgraph", "stdgraph-test")
"""The account the tests write with: created by `dba` (password `dba` in a new database) and granted
SPARQL_UPDATE, as README's deployment steps do."""


@dataclass
class VirtuosoServer:
    url: str
    pid: int
    sql_port: int

    def store(self, graph_store: bool = True, read_only: bool = False) -> SparqlEndpointStore:
        """Queries at /sparql, updates at /sparql-auth and graphs at /sparql-graph-crud-auth, both with
        HTTP digest authentication as the `stdgraph` account."""
        return SparqlEndpointStore(
            f"{self.url}/sparql",
            f"{self.url}/sparql-auth",
            f"{self.url}/sparql-graph-crud-auth" if graph_store else None,
            credentials=VIRTUOSO_USER,
            read_only=read_only,
        )


@contextlib.contextmanager
def virtuoso_serve(folder: Path, result_rows: int = 1_000_000) -> Iterator[VirtuosoServer]:
    """`virtuoso-t +foreground` on free loopback ports with a private ini under `folder`, stopped by pid;
    `result_rows` is its ResultSetMaxRows."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert binary and isql, (
        "Virtuoso is missing: apt-get install virtuoso-opensource (`make install` does it)"
    )
    sql_port, http_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port, result_rows=result_rows)
    )
    log = (folder / "virtuoso.out").open("wb")
    server = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (folder / "virtuoso.out").read_text(errors="replace")
            try:
                if httpx.post(f"{url}/sparql", data={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "Virtuoso did not answer within 90 s"
            time.sleep(0.2)
        user, password = VIRTUOSO_USER
        grant = f"DB.DBA.USER_CREATE('{user}', '{password}'); GRANT SPARQL_UPDATE TO \"{user}\";"
        subprocess.run(
            [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={grant}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield VirtuosoServer(url, server.pid, sql_port)
    finally:
        _stop(server, grace=30)
        log.close()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso per test session (per xdist worker)."""
    with virtuoso_serve(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


# --- curation (curate branch) ---


@pytest.fixture(scope="session")
def default_nquads(default_store) -> bytes:
    """The default graph as N-Quads, to give each curation test a fresh copy of it."""
    import io

    buffer = io.BytesIO()
    default_store.export(buffer, "nquads")
    return buffer.getvalue()


@pytest.fixture
def curation_store(default_nquads) -> OxigraphStore:
    """A writable in-memory copy of the default graph (curation tests write to it)."""
    import pyoxigraph as ox

    store = OxigraphStore()
    store.oxigraph.load(default_nquads, format=ox.RdfFormat.N_QUADS)
    return store


CATALOGUES = ("iso-catalogue", "iec-catalogue", "ics", "iso-committees")
"""The standards catalogues; the trade and emission-factor sources have fixtures of their own."""


@pytest.fixture(scope="session")
def catalogue_build() -> tuple[OxigraphStore, BuildReport]:
    """The default graph plus the standards catalogues found in ../shared/data (ISO and IEC, ICS,
    committees), built once per session as `stdgraph build --data-dir ../shared/data` builds them.
    Slow: tests that use it are marked `slow`."""
    from stdgraph import config
    from stdgraph.build import available_sources
    from stdgraph.sources import found_in

    data = config.shared_data_dir()
    names = [
        n
        for n, s in available_sources(include_all=True).items()
        if s.default or (n in CATALOGUES and found_in(s, data))
    ]
    store = OxigraphStore()
    report = build(store, names, data_dir=data, progress=False)
    return store, report


@pytest.fixture(scope="session")
def catalogue_store(catalogue_build) -> OxigraphStore:
    return catalogue_build[0]
