"""`stdgraph serve` against `oxigraph serve` over HTTP on loopback, in one run, on the same data and queries.

Usage: `python -m bench.serve --graph catalogue|1m|smoke [--requests N] [--clients 1,4] [--lookups N]
[--lookups-only]` (`--lookups-only`: part (b) alone, `stdgraph serve` only, into
`serve-<graph>-lookups.json`).

- Data. `catalogue`: the store `stdgraph build --data-dir ../shared/data --store bench/out/catalogue-store`
  makes (built here when absent, ~6 minutes; reused after), dumped to N-Quads and loaded into oxigraph's own
  store. `1m`: the generated graph `bench/out/g1m-s42.nt` (made by `bench.generate` when absent) bulk-loaded
  into a stdgraph store (graph `BENCH_GRAPH`) and, with `oxigraph load --graph`, into oxigraph's store.
  Both stores are kept in `bench/out` and reused while their source is unchanged.
- Servers. `stdgraph serve --store DIR` (the CLI: uvicorn, the whole app, default settings) and
  `oxigraph serve --union-default-graph` (so the same query text gives the same answer), both on 127.0.0.1
  on a free port, as subprocesses stopped by their pid.
- (a) `/sparql` throughput. The workload: every named query of `queries/*.rq` with its example parameters
  (on the generated graph, values picked from the data by `bench.workload` where the examples name nothing
  there), bound the way the API binds them (`NamedQuery.bindings` then `bind_values`), plus researcher
  queries: instances per class, a title text search, a DESCRIBE of a standard. Each query goes once to both
  servers first: the number of result rows (SELECT) or triples (DESCRIBE) must agree, a mismatch is reported
  and a query either server refuses is dropped. Then `--requests` requests per server and client count,
  POSTed with httpx by 1 and 4 concurrent clients (threads, one connection each, cycling through the
  workload from different offsets), in rounds that alternate the servers so that load on the machine hits
  both alike. Queries per second of each and the ratio stdgraph / oxigraph.
- (b) Lookup latency, two lookups per identifier: `GET /standards/{id}` (the whole record: resolve the
  identifier, 16-43 queries and quad patterns) and `GET /queries/standard?standard={id}` (one named query,
  its identifier resolved first), JSON over HTTP, p50 / p95, against the very pyoxigraph calls that request
  makes (recorded from one GET on an in-process app over the same store: the SPARQL texts and the quad
  patterns), replayed raw on pyoxigraph, every term of every row read, without HTTP or JSON; also the same
  GET in process (ASGI, no socket) to show where the time goes, and the HTTP floor: a GET to an empty ASGI
  app served by uvicorn as `stdgraph serve` serves the API (`bench.http_floor`), over the same kind of
  connection. Runs alternate. The ratio of p50s.

- Allocator. Run as a program, the bench restarts itself the way `stdgraph serve` does
  (`stdgraph.allocator`: on jemalloc where the machine has it, unless `STDGRAPH_ALLOCATOR=system`), so the
  raw and in-process columns run on the same allocator as the server they are set against. `oxigraph
  serve` runs as shipped, on glibc's malloc (`LD_PRELOAD` taken out of its environment);
  `--peer-allocator jemalloc` preloads jemalloc into it too, to show how much of a ratio is the allocator.
  The allocator each process runs on is read from its `/proc/<pid>/maps` and reported.

Results go to `bench/out/serve-<graph>.json`; the tables are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import pyoxigraph as ox

from bench.engines import PROLOGUE, free_port
from bench.recognition import summary as stats
from bench.run import OUT, SIZES
from bench.workload import BENCH_GRAPH, pick
from stdgraph import allocator
from stdgraph.namespaces import PREFIXES
from stdgraph.queries import named_queries
from stdgraph.store import OxigraphStore, bind_values

ROOT = Path(__file__).resolve().parent.parent
OXIGRAPH = str(Path(sys.executable).parent / "oxigraph")
RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
GENERATED = {"smoke": SIZES["smoke"], "1m": SIZES["1m"]}  # bench.generate graphs, seed 42
CATALOGUE_IDS = ("ISO 14067:2018", "GB/T 24001-2016", "ISO 14064-1", "ISO 14001:2015")

# researcher queries: (label, text with {word} and {standard} slots filled per graph)
RESEARCHER = (
    (
        "count per class",
        "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)",
    ),
    (
        "title text search",
        "SELECT ?edition ?identifier ?title WHERE {\n"
        "  ?edition dcterms:identifier ?identifier ; dcterms:title ?title .\n"
        '  FILTER(CONTAINS(LCASE(STR(?title)), "{word}"))\n'
        "} ORDER BY ?identifier LIMIT 100",
    ),
    ("describe a standard", "DESCRIBE <{standard}>"),
)


# ---------------------------------------------------------------------------------------------------
# data


@dataclass
class Data:
    name: str
    store: Path  # stdgraph's store folder
    oxigraph: Path  # oxigraph serve's store folder


def _stamp_ok(folder: Path, stamp: str) -> bool:
    marker = folder / "bench-source.txt"
    return folder.exists() and marker.exists() and marker.read_text() == stamp


def _oxigraph_load(folder: Path, file: Path, graph: str | None, stamp: str) -> None:
    if _stamp_ok(folder, stamp):
        return
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    args = [OXIGRAPH, "load", "--location", str(folder), "--file", str(file)]
    started = time.perf_counter()
    subprocess.run([*args, *(["--graph", graph] if graph else [])], check=True, stdout=subprocess.DEVNULL)
    print(f"oxigraph load {file.name}: {time.perf_counter() - started:.0f} s")
    (folder / "bench-source.txt").write_text(stamp)


def prepare(graph: str, out: Path = OUT) -> Data:
    """The two stores of `graph` in `out`, made when absent or stale."""
    out.mkdir(parents=True, exist_ok=True)
    if graph == "catalogue":
        return _catalogue(out)
    if graph not in GENERATED:
        raise SystemExit(f"--graph {graph!r}: use catalogue, {' or '.join(GENERATED)}")
    nt = out / f"g{graph}-s42.nt"
    if not nt.exists():
        from bench.generate import generate_file

        print(f"generating {nt}")
        generate_file(nt, GENERATED[graph], 42)
    stamp = f"{nt.resolve()} {nt.stat().st_size} {nt.stat().st_mtime_ns}"
    store = out / f"g{graph}-s42-store"
    if not _stamp_ok(store, stamp):
        subprocess.run(["rm", "-rf", str(store)], check=True)
        started = time.perf_counter()
        target = OxigraphStore(store)
        target.oxigraph.bulk_load(
            path=str(nt), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH)
        )
        target.flush()
        del target
        print(f"stdgraph store from {nt.name}: {time.perf_counter() - started:.0f} s")
        (store / "bench-source.txt").write_text(stamp)
    _oxigraph_load(out / f"g{graph}-s42-oxserve", nt, BENCH_GRAPH, stamp)
    return Data(graph, store, out / f"g{graph}-s42-oxserve")


def _catalogue(out: Path) -> Data:
    store = out / "catalogue-store"
    if not store.exists():
        print("building the catalogue graph (stdgraph build --data-dir ../shared/data), ~6 minutes")
        subprocess.run(
            [sys.executable, "-m", "stdgraph.cli", "build", "--quiet", "--data-dir",
             str(ROOT.parent / "shared" / "data"), "--store", str(store)],
            check=True, env=_env(),
        )  # fmt: skip
    ro = OxigraphStore(store, read_only=True)
    stamp = f"{len(ro)} quads"
    dump = out / "catalogue.nq"
    target = out / "catalogue-oxserve"
    if not _stamp_ok(target, stamp):
        with dump.open("wb") as file:
            ro.export(file, "nquads")
    del ro
    _oxigraph_load(target, dump, None, stamp)
    return Data("catalogue", store, target)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# ---------------------------------------------------------------------------------------------------
# servers


class Server:
    """A server subprocess on a free loopback port, stopped by its pid."""

    def __init__(
        self,
        name: str,
        args: list[str],
        url: str,
        sparql: str,
        env: dict[str, str] | None = None,
        logs: Path = OUT,
    ):
        self.name, self.url, self.sparql = name, url, sparql
        self.log = (logs / f"serve-{name}.log").open("wb")
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited: see {self.log.name}")
            try:
                if httpx.post(self.sparql, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within 120 s")
            time.sleep(0.2)

    def allocator(self) -> str:
        return allocator.in_use(Path(f"/proc/{self.process.pid}/maps"))

    def rss_kb(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            return int(next((line.split()[1] for line in status if line.startswith("VmHWM")), "0"))

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


def start_stdgraph(data: Data, logs: Path = OUT) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "stdgraph.cli", "serve", "--store", str(data.store), "--port", str(port)]
    return Server("stdgraph", args, url, f"{url}/sparql", _env(), logs)


def start_floor(logs: Path = OUT) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "bench.http_floor", "--port", str(port)]
    return Server("floor", args, url, f"{url}/", _env(), logs)


def start_oxigraph(data: Data, logs: Path = OUT, peer_allocator: str = "system") -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [OXIGRAPH, "serve", "--location", str(data.oxigraph), "--bind", f"127.0.0.1:{port}"]
    args += ["--union-default-graph", "--timeout-s", "10"]
    env = allocator.environ_for(peer_allocator)  # as shipped, or preloaded with jemalloc
    return Server("oxigraph", args, url, f"{url}/query", env, logs)


# ---------------------------------------------------------------------------------------------------
# the /sparql workload


@dataclass
class Query:
    label: str
    text: str
    accept: str


def _values(store: ox.Store, sparql: str) -> list[str]:
    solutions = store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
    return [s[0].value for s in solutions]  # type: ignore[index, union-attr]


def workload(graph: str, store: ox.Store) -> tuple[list[Query], list[str]]:
    """The queries, and the standard identifiers to look up."""
    overrides: dict[str, dict[str, str]] = {}
    ids = list(CATALOGUE_IDS)
    word, standard = "carbon", "ISO 14067:2018"
    if graph != "catalogue":
        tasks = pick(store)
        for task in tasks:
            if task.query == task.label or task.label == "search (en)":
                overrides[task.query] = task.values
        ids = [t.values["standard"] for t in tasks if "standard" in t.values]
        word = next(t.values["text"] for t in tasks if t.label == "search (en)")
        standard = next(t.values["standard"] for t in tasks if t.label == "standard")
        for name in ("find", "search"):
            overrides[name] = {"text": word}
    queries = []
    for name, named in sorted(named_queries().items()):
        values = overrides.get(name) or {p.name: p.example for p in named.params if p.example is not None}
        text = PROLOGUE + bind_values(named.sparql, named.bindings(values))
        queries.append(Query(name, text, RESULTS_JSON))
    from stdgraph.identifiers import edition_iri

    fill = {"{word}": word, "{standard}": edition_iri(standard)}
    for label, text in RESEARCHER:
        for slot, value in fill.items():
            text = text.replace(slot, value)
        queries.append(Query(label, PROLOGUE + text, N_TRIPLES if "DESCRIBE" in text else RESULTS_JSON))
    return queries, ids


def post(client: httpx.Client, url: str, query: Query) -> httpx.Response:
    return client.post(url, data={"query": query.text}, headers={"Accept": query.accept})


def count(response: httpx.Response, query: Query) -> int:
    if query.accept == N_TRIPLES:
        return sum(1 for line in response.content.splitlines() if line.strip())
    return len(response.json()["results"]["bindings"])


def complete(response: httpx.Response, query: Query) -> bool:
    """Whether a 200 answer is whole: `oxigraph serve` cuts a streamed answer at its time limit (stdgraph
    answers 503 instead), so a JSON document that does not close counts as an error too."""
    return query.accept != RESULTS_JSON or response.content.rstrip().endswith(b"}")


def check(servers: list[Server], queries: list[Query]) -> tuple[list[Query], list[dict]]:
    """Run each query once on each server; keep those both answer, report row counts and mismatches."""
    kept, report = [], []
    with httpx.Client(timeout=60) as client:
        for query in queries:
            entry: dict[str, Any] = {"query": query.label}
            ok = True
            for server in servers:
                started = time.perf_counter()
                response = post(client, server.sparql, query)
                entry[f"{server.name}_ms"] = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    entry[server.name] = f"HTTP {response.status_code}: {response.text[:120].strip()}"
                    ok = False
                else:
                    try:
                        entry[server.name] = count(response, query)
                    except ValueError as exc:  # oxigraph serve cuts a streamed answer at its time limit
                        entry[server.name] = f"broken answer after {len(response.content)} bytes: {exc}"
                        ok = False
            entry["same"] = ok and len({entry[s.name] for s in servers}) == 1
            report.append(entry)
            if ok:
                kept.append(query)
    return kept, report


def per_query(servers: list[Server], queries: list[Query], runs: int) -> dict[str, Any]:
    """Each query `runs` times on each server, one request at a time, the servers' order alternating:
    medians per query, the geometric mean of their ratios, and the median difference on light queries
    (under 50 ms on oxigraph serve), which is what one server adds per request over the other."""
    medians: dict[str, dict[str, float]] = {}
    with httpx.Client(timeout=60) as client:
        for query in queries:
            times: dict[str, list[float]] = {s.name: [] for s in servers}
            for k in range(runs):
                for server in servers if k % 2 == 0 else list(reversed(servers)):
                    started = time.perf_counter()
                    post(client, server.sparql, query).raise_for_status()
                    times[server.name].append((time.perf_counter() - started) * 1000)
            medians[query.label] = {name: statistics.median(t) for name, t in times.items()}
    ratios = [m["stdgraph"] / m["oxigraph"] for m in medians.values()]
    light = [m["stdgraph"] - m["oxigraph"] for m in medians.values() if m["oxigraph"] < 50]
    return {
        "runs": runs,
        "medians_ms": medians,
        "geometric_mean_ratio": statistics.geometric_mean(ratios),
        "light_queries": len(light),
        "light_median_difference_ms": statistics.median(light) if light else None,
    }


def throughput(
    server: Server, queries: list[Query], clients: int, requests: int, offset: int
) -> tuple[float, int]:
    """Seconds for `requests` requests by `clients` threads; errors (refused or cut answers) counted."""
    per = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    errors = [0] * clients
    barrier = threading.Barrier(clients + 1)

    def work(i: int) -> None:
        with httpx.Client(timeout=60) as client:
            post(client, server.sparql, queries[0])  # open the connection
            barrier.wait()
            start = offset + i * max(1, len(queries) // clients)
            for k in range(per[i]):
                query = queries[(start + k) % len(queries)]
                response = post(client, server.sparql, query)
                if response.status_code != 200 or not complete(response, query):
                    errors[i] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - started, sum(errors)


# ---------------------------------------------------------------------------------------------------
# lookup latency


class Recorder:
    """A pyoxigraph store that notes every query and quad pattern asked of it."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.calls: list[tuple[str, tuple, dict]] = []

    def query(self, *args, **kwargs):
        self.calls.append(("query", args, kwargs))
        return self.store.query(*args, **kwargs)

    def quads_for_pattern(self, *args, **kwargs):
        self.calls.append(("quads_for_pattern", args, kwargs))
        return self.store.quads_for_pattern(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.store, name)


def replay(store: ox.Store, calls: list[tuple[str, tuple, dict]]) -> int:
    """The recorded calls on the raw store, every term of every answer read; the number of terms."""
    terms = 0
    for method, args, kwargs in calls:
        answer = getattr(store, method)(*args, **kwargs)
        if isinstance(answer, ox.QuerySolutions):
            width = len(answer.variables)
            for solution in answer:
                terms += sum(1 for i in range(width) if solution[i] is not None)
        elif isinstance(answer, ox.QueryBoolean):
            terms += 1
        else:
            for item in answer:
                terms += len((item.subject, item.predicate, item.object))
    return terms


LOOKUPS = {
    "/standards/{id}": "/standards/{quoted}",  # the whole record: 16-43 queries and quad patterns
    "/queries/standard": "/queries/standard?standard={quoted}",  # one named query, its identifier resolved
}


class InProcess:
    """The app called in process (the bare ASGI call: no socket, no test client), on an event loop in a
    thread of its own, so that it also runs where the caller is inside a running loop (pytest with a
    browser session open)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def get(self, path: str) -> float:
        """GET `path`; the seconds of the ASGI call itself, timed on the loop (the hop there is not)."""
        return asyncio.run_coroutine_threadsafe(self._get(path), self.loop).result()

    async def _get(self, path: str) -> float:
        raw_path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": unquote(raw_path),
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"accept", b"application/json")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        started = time.perf_counter()
        await self.app(scope, receive, send)
        elapsed = time.perf_counter() - started
        if sent[0]["status"] != 200:
            raise RuntimeError(f"GET {path} in process answered {sent[0]['status']}")
        return elapsed

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


def recorded(store: OxigraphStore, path: str, app: InProcess) -> list[tuple]:
    """The pyoxigraph calls one GET of `path` makes (an in-process app over the same store)."""
    recorder = Recorder(store.oxigraph)
    raw_store = store._store
    store._store = recorder  # type: ignore[assignment]
    try:
        app.get(path)
    finally:
        store._store = raw_store
    return recorder.calls


def _get(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path, headers={"Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
    return body


def _connect(server: Server) -> http.client.HTTPConnection:
    parts = urlsplit(server.url)
    return http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=60
    )  # keep-alive; lighter than httpx


def lookups(
    server: Server, store: OxigraphStore, ids: list[str], repeat: int, logs: Path = OUT
) -> dict[str, Any]:
    """Each lookup over HTTP, against the very pyoxigraph calls it makes replayed raw in process."""
    from api.app import create_app

    raw_store = store.oxigraph
    keys = [(kind, i) for kind in LOOKUPS for i in ids]
    paths = {(kind, i): LOOKUPS[kind].format(quoted=quote(i, safe="/:")) for kind, i in keys}
    app = InProcess(create_app(store))
    calls = {key: recorded(store, paths[key], app) for key in keys}
    times: dict[tuple[str, str], dict[str, list[float]]] = {
        key: {"http": [], "raw": [], "in_process": [], "floor": []} for key in keys
    }
    sizes = {}
    floor = start_floor(logs)
    connection, floor_connection = _connect(server), _connect(floor)
    try:

        def over_http(key: tuple[str, str]) -> None:
            sizes[key] = len(_get(connection, paths[key]))

        runs = {
            "http": over_http,
            "raw": lambda key: replay(raw_store, calls[key]),
            "in_process": lambda key: app.get(paths[key]),  # returns its own time
            "floor": lambda key: _get(floor_connection, "/"),
        }
        for key in keys:  # warm-up
            for run in runs.values():
                run(key)
        for k in range(repeat):
            for key in keys:
                order = list(runs.items()) if k % 2 == 0 else list(reversed(runs.items()))
                for name, run in order:
                    started = time.perf_counter()
                    own = run(key)
                    took = time.perf_counter() - started
                    times[key][name].append(own if isinstance(own, float) else took)
    finally:
        connection.close()
        floor_connection.close()
        floor.stop()
        app.close()
    out: dict[str, Any] = {}
    for kind in LOOKUPS:
        entries: dict[str, Any] = {}
        for identifier in ids:
            key = (kind, identifier)
            entry = {name: stats(t) for name, t in times[key].items()}
            entry["queries"] = len(calls[key])
            entry["json_bytes"] = sizes[key]
            entry["ratio_p50"] = entry["http"]["p50_ms"] / entry["raw"]["p50_ms"]
            entries[identifier] = entry
        pooled = {
            name: stats([t for i in ids for t in times[(kind, i)][name]])
            for name in ("http", "raw", "in_process", "floor")
        }
        out[kind] = {
            "ids": entries,
            "all": pooled,
            "ratio_p50": pooled["http"]["p50_ms"] / pooled["raw"]["p50_ms"],
        }
    return out


# ---------------------------------------------------------------------------------------------------
# the run


def run(
    graph: str,
    requests: int,
    clients: list[int],
    rounds: int,
    repeat: int,
    out: Path = OUT,
    per_query_runs: int = 3,
    lookups_only: bool = False,
    peer_allocator: str = "system",
) -> dict[str, Any]:
    data = prepare(graph, out)
    store = OxigraphStore(data.store, read_only=True)
    queries, ids = workload(graph, store.oxigraph)
    if lookups_only:  # (b) alone: stdgraph serve only, for A/B runs of the lookups
        server = start_stdgraph(data, out)
        try:
            result = {"graph": graph, "quads": len(store), "load_average_start": os.getloadavg()}
            result["allocators"] = {"bench": allocator.in_use(), "stdgraph": server.allocator()}
            result["lookup"] = lookups(server, store, ids, repeat, out)
            result["load_average_end"] = os.getloadavg()
        finally:
            server.stop()
        result["cpus"] = os.cpu_count()
        return result
    servers = [start_stdgraph(data, out), start_oxigraph(data, out, peer_allocator)]
    try:
        kept, rows = check(servers, queries)
        result: dict[str, Any] = {
            "graph": graph,
            "quads": len(store),
            "rows": rows,
            "workload": [q.label for q in kept],
            "load_average_start": os.getloadavg(),
            "allocators": {"bench": allocator.in_use(), **{s.name: s.allocator() for s in servers}},
        }
        result["per_query"] = per_query(servers, kept, per_query_runs)
        total = {(s.name, c): [0.0, 0, 0] for s in servers for c in clients}
        per_round = max(1, requests // rounds)
        for r in range(rounds):
            for c in clients:
                order = servers if r % 2 == 0 else list(reversed(servers))
                for server in order:
                    seconds, errors = throughput(server, kept, c, per_round, offset=r * 7)
                    cell = total[(server.name, c)]
                    cell[0] += seconds
                    cell[1] += per_round
                    cell[2] += errors
        result["throughput"] = {
            f"{name}/{c}": {"qps": n / s, "requests": n, "seconds": s, "errors": e}
            for (name, c), (s, n, e) in total.items()
        }
        result["throughput_ratio"] = {
            str(c): result["throughput"][f"stdgraph/{c}"]["qps"]
            / result["throughput"][f"oxigraph/{c}"]["qps"]
            for c in clients
        }
        result["load_average_throughput"] = os.getloadavg()
        result["lookup"] = lookups(servers[0], store, ids, repeat, out)
        result["load_average_end"] = os.getloadavg()
        result["server_vmhwm_kb"] = {s.name: s.rss_kb() for s in servers}
    finally:
        for server in servers:
            server.stop()
    result["cpus"] = os.cpu_count()
    return result


def report(result: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in result.get("load_average_throughput", result["load_average_end"]))
    lines = [f"{result['graph']}: {result['quads']:,} quads, {result['cpus']} CPUs, load average {load}"]
    if "allocators" in result:
        lines.append("allocators: " + ", ".join(f"{k} {v}" for k, v in result["allocators"].items()))
    lines.append("")
    if "rows" not in result:
        return "\n".join(lines + _lookup_report(result))
    lines.append(f"{'query':<28}{'stdgraph rows':>14}{'oxigraph rows':>14}{'sg ms':>9}{'ox ms':>9}  same")
    for r in result["rows"]:
        lines.append(
            f"{r['query']:<28}{str(r['stdgraph'])[:13]:>14}{str(r['oxigraph'])[:13]:>14}"
            f"{r['stdgraph_ms']:>9.1f}{r['oxigraph_ms']:>9.1f}  {'yes' if r['same'] else 'NO'}"
        )
    pq = result["per_query"]
    lines += ["", f"one request at a time, median of {pq['runs']} runs each (ms):"]
    lines.append(f"{'query':<28}{'stdgraph':>10}{'oxigraph':>10}{'ratio':>7}")
    for label, m in pq["medians_ms"].items():
        ratio = m["stdgraph"] / m["oxigraph"]
        lines.append(f"{label:<28}{m['stdgraph']:>10.1f}{m['oxigraph']:>10.1f}{ratio:>7.2f}")
    mean = pq["geometric_mean_ratio"]
    lines.append(f"geometric mean of the per-query ratios stdgraph / oxigraph: {mean:.2f}")
    if pq["light_median_difference_ms"] is not None:
        lines.append(
            f"median stdgraph - oxigraph on the {pq['light_queries']} light queries (< 50 ms): "
            f"{pq['light_median_difference_ms']:.2f} ms"
        )
    lines += ["", f"{'/sparql':<12}{'clients':>8}{'requests':>10}{'q/s':>10}{'errors':>8}"]
    for key, t in result["throughput"].items():
        name, c = key.split("/")
        lines.append(f"{name:<12}{c:>8}{t['requests']:>10}{t['qps']:>10.1f}{t['errors']:>8}")
    for c, ratio in result["throughput_ratio"].items():
        lines.append(f"throughput stdgraph / oxigraph, {c} client(s): {ratio:.2f}")
    return "\n".join(lines + _lookup_report(result))


def _lookup_report(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for kind, lookup in result["lookup"].items():
        lines += ["", f"{'GET ' + kind:<24}{'queries':>8}{'http p50':>10}{'p95':>8}"
                  f"{'in-proc p50':>12}{'raw p50':>9}{'p95':>8}{'ratio':>7}"]  # fmt: skip
        for identifier, e in lookup["ids"].items():
            lines.append(
                f"{identifier:<24}{e['queries']:>8}{e['http']['p50_ms']:>10.2f}{e['http']['p95_ms']:>8.2f}"
                f"{e['in_process']['p50_ms']:>12.2f}{e['raw']['p50_ms']:>9.2f}{e['raw']['p95_ms']:>8.2f}"
                f"{e['ratio_p50']:>7.2f}"
            )
        a = lookup["all"]
        lines.append(
            f"{'all':<24}{'':>8}{a['http']['p50_ms']:>10.2f}{a['http']['p95_ms']:>8.2f}"
            f"{a['in_process']['p50_ms']:>12.2f}{a['raw']['p50_ms']:>9.2f}{a['raw']['p95_ms']:>8.2f}"
            f"{lookup['ratio_p50']:>7.2f}"
        )
        lines.append(f"GET {kind}: http p50 / raw p50 {lookup['ratio_p50']:.2f}")
        if "floor" in a:
            lines.append(
                f"HTTP floor (an empty ASGI app on uvicorn, same client): p50 {a['floor']['p50_ms']:.2f} ms; "
                f"http p50 - floor p50 = {a['http']['p50_ms'] - a['floor']['p50_ms']:.2f} ms"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", default="catalogue", help="catalogue, 1m or smoke (CI)")
    parser.add_argument(
        "--requests", type=int, default=300, help="/sparql requests per server and client count"
    )
    parser.add_argument("--clients", default="1,4", help="client counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="rounds the requests are split into")
    parser.add_argument("--lookups", type=int, default=30, help="timed lookups per identifier and path")
    parser.add_argument("--per-query", type=int, default=3, help="runs of each query one at a time")
    parser.add_argument(
        "--lookups-only", action="store_true", help="only (b), the lookups (stdgraph serve alone)"
    )
    parser.add_argument(
        "--peer-allocator",
        choices=allocator.CHOICES,
        default="system",
        help="oxigraph serve's allocator: system (as shipped) or jemalloc (preloaded)",
    )
    args = parser.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    result = run(
        args.graph,
        args.requests,
        clients,
        args.rounds,
        args.lookups,
        per_query_runs=args.per_query,
        lookups_only=args.lookups_only,
        peer_allocator=args.peer_allocator,
    )
    name = f"serve-{args.graph}{'-lookups' if args.lookups_only else ''}.json"
    (OUT / name).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(report(result))
    return 0


if __name__ == "__main__":
    allocator.restart_on_jemalloc()  # the bench's own columns on the server's allocator
    sys.exit(main())
