"""The engines the harness compares, each run in its own process so its peak RSS is its own.

* `stdgraph-mem`, `stdgraph-disk`: stdgraph's `OxigraphStore` through `store.select(sparql, bindings)`, the
  path the CLI and API take (typed parameters, a leading `VALUES` block from `bind_values`, rdflib terms out).
* `pyoxigraph`: raw `pyoxigraph.Store` with the very query text stdgraph sends (`bind_values` output), values
  left as Oxigraph terms: the limit, so the ratio is what stdgraph's wrapper costs.
* `pyoxigraph-inline`: raw pyoxigraph with the parameter terms written into the query text in place of the
  variables (`inline_terms`), the other way to let Oxigraph's planner see them as constants.
* `pyoxigraph-subst`: raw pyoxigraph with the original text and pyoxigraph `substitutions=` (what stdgraph
  did before `bind_values`; kept to show the planner cost of substitutions).
* `oxigraph-serve`: the `oxigraph` CLI server over HTTP (RocksDB, loopback), queried with httpx with the same
  text stdgraph sends.
* `stdgraph-remote`: stdgraph's `SparqlEndpointStore` (SPARQLWrapper, JSON results, rdflib terms out) over
  the same `oxigraph serve` on loopback: stdgraph's own path with the network hop, to set against
  `stdgraph-disk` (the same RocksDB engine embedded).
* `rdflib`: rdflib's own SPARQL engine with `initBindings` (small graphs only).

Run as `python -m bench.engines ENGINE DATA TASKS_JSON --repeat N --cap SECONDS --out RESULT_JSONL [--start K]
[--max-gb G]`; the child writes one JSON line per step (`begin` before a query's warm-up, `warm` after it,
`query` when its timed runs are done), so the parent (`bench.run`) can kill it when a query runs past the cap
and start a fresh child at the next query.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib.term import Node

from bench.workload import BENCH_GRAPH, Task
from stdgraph.namespaces import PREFIXES
from stdgraph.queries import NamedQuery, named_queries
from stdgraph.store import OxigraphStore, bind_values, to_ox

ENGINES = (
    "stdgraph-mem",
    "stdgraph-disk",
    "pyoxigraph",
    "pyoxigraph-inline",
    "pyoxigraph-subst",
    "oxigraph-serve",
    "stdgraph-remote",
    "rdflib",
)
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
_SELECT = re.compile(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s+WHERE", re.S | re.I)


def inline_terms(sparql: str, bindings: Mapping[str, Node]) -> str:
    """The query with each parameter written in as a serialised Oxigraph term (validated, so safe).

    In the outer projection `?p` becomes `(term AS ?p)`, so the result keeps the parameter's column; a
    sub-select drops it (the outer one re-binds it); elsewhere the variable is replaced by the term (ORDER BY
    on a constant is dropped to keep the grammar valid).
    """
    terms = {name: str(to_ox(value)) for name, value in bindings.items()}
    if not terms:
        return sparql
    names = "|".join(re.escape(n) for n in terms)
    var = re.compile(rf"[?$]({names})\b")

    def projection(match: re.Match[str], outer: bool) -> str:
        head = match.group(1) or ""
        cols = var.sub(lambda m: f"({terms[m.group(1)]} AS ?{m.group(1)})" if outer else "", match.group(2))
        return f"SELECT {head}{cols.strip()} WHERE"

    pieces, last = [], 0
    for match in _SELECT.finditer(sparql):
        pieces.append(var.sub(lambda m: terms[m.group(1)], sparql[last : match.start()]))
        pieces.append(projection(match, outer=not pieces[:-1]))
        last = match.end()
    tail = var.sub(lambda m: terms[m.group(1)], sparql[last:])
    tail = re.sub(r"ORDER BY((?:\s+(?:<[^>]*>|\"[^\"]*\"(?:@[\w-]+|\^\^<[^>]*>)?|\?\w+))+)", _order_by, tail)
    return "".join(pieces) + tail


def _order_by(match: re.Match[str]) -> str:
    keys = [k for k in re.findall(r"<[^>]*>|\"[^\"]*\"(?:@[\w-]+|\^\^<[^>]*>)?|\?\w+", match.group(1))]
    kept = [k for k in keys if k.startswith("?")]
    return f"ORDER BY {' '.join(kept)}" if kept else ""


# --- engines ----------------------------------------


class Engine(ABC):
    """Load a file, then answer named queries; `run` returns the number of rows, fully iterated."""

    name = "engine"
    converts = False
    """True when `run` converts the typed parameter values itself (stdgraph's path); peers get terms."""

    @abstractmethod
    def load(self, data: Path, workdir: Path) -> None: ...

    @abstractmethod
    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int: ...

    def close(self) -> dict[str, Any]:
        """Stop whatever the engine started; returns extra measurements (e.g. a server's peak RSS)."""
        return {}


class StdgraphEngine(Engine):
    """stdgraph's own store. It is filled with pyoxigraph's bulk loader into one named graph (the build path,
    rdflib parse + `replace_graphs`, is measured apart by `bench.run`), then queried only through its API."""

    def __init__(self, disk: bool) -> None:
        self.disk = disk
        self.name = "stdgraph-disk" if disk else "stdgraph-mem"
        self.converts = True

    def load(self, data: Path, workdir: Path) -> None:
        self.store = OxigraphStore(workdir / "store" if self.disk else None)
        self.store._store.bulk_load(
            path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH)
        )

    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int:
        return len(self.store.select(query.sparql, query.bindings(values)))


class RawOxigraphEngine(Engine):
    """Raw pyoxigraph; `mode` is how the parameters reach it: "values" (stdgraph's `bind_values` text),
    "inline" (`inline_terms`) or "subst" (original text plus pyoxigraph `substitutions=`)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.name = {"values": "pyoxigraph", "inline": "pyoxigraph-inline", "subst": "pyoxigraph-subst"}[mode]

    def load(self, data: Path, workdir: Path) -> None:
        self.store = ox.Store()
        self.store.bulk_load(
            path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH)
        )

    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int:
        if self.mode == "values":
            sparql, subs = bind_values(query.sparql, bindings), None
        elif self.mode == "inline":
            sparql, subs = inline_terms(query.sparql, bindings), None
        else:
            sparql, subs = query.sparql, {ox.Variable(k): to_ox(v) for k, v in bindings.items()} or None
        solutions = self.store.query(
            sparql, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=subs
        )
        assert isinstance(solutions, ox.QuerySolutions)
        variables = solutions.variables
        rows = 0
        for solution in solutions:
            for variable in variables:
                solution[variable]
            rows += 1
        return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_rss(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """Reap a child and return its peak RSS in kB (`wait4` rusage is per child, unlike RUSAGE_CHILDREN)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = 0
            return usage.ru_maxrss
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(str(proc.args), timeout)
        time.sleep(0.02)


class HttpEngine(Engine):
    """`oxigraph load` then `oxigraph serve` on 127.0.0.1, queried over the SPARQL protocol (POST, JSON)."""

    name = "oxigraph-serve"

    def __init__(self, cap: float) -> None:
        self.cap = cap
        self.server: subprocess.Popen[bytes] | None = None
        self.extra: dict[str, Any] = {}

    def load(self, data: Path, workdir: Path) -> None:
        import httpx

        binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        location = workdir / "serve"
        started = time.perf_counter()
        loader = subprocess.Popen(
            [binary, "load", "--location", str(location), "--file", str(data), "--graph", BENCH_GRAPH],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self.extra["cli_load_rss_kb"] = wait_rss(loader, 3600)
        finally:
            if loader.returncode is None:
                loader.kill()
                loader.wait()
        self.extra["cli_load_seconds"] = time.perf_counter() - started
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/query"
        self.server = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                "--union-default-graph",
                "--timeout-s",
                str(max(1, int(self.cap))),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.client = httpx.Client(timeout=self.cap + 5)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client.post(
                    self.url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"}
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.05)

    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int:
        text = PROLOGUE + bind_values(query.sparql, bindings)
        response = self.client.post(
            self.url, data={"query": text}, headers={"Accept": "application/sparql-results+json"}
        )
        response.raise_for_status()
        return len(response.json()["results"]["bindings"])

    def close(self) -> dict[str, Any]:
        if self.server is not None:
            self.client.close()
            with open(f"/proc/{self.server.pid}/status") as status:
                hwm = next((line.split()[1] for line in status if line.startswith("VmHWM")), "0")
            self.extra["server_vmhwm_kb"] = int(hwm)
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
            self.server = None
        return self.extra


class RemoteStoreEngine(HttpEngine):
    """The `oxigraph serve` of `HttpEngine`, queried through stdgraph's `SparqlEndpointStore.select`."""

    name = "stdgraph-remote"
    converts = True

    def load(self, data: Path, workdir: Path) -> None:
        from stdgraph.remote_store import SparqlEndpointStore

        super().load(data, workdir)
        self.store = SparqlEndpointStore(self.url, timeout=self.cap + 5, read_only=True)

    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int:
        return len(self.store.select(query.sparql, query.bindings(values)))


class RdflibEngine(Engine):
    name = "rdflib"

    def load(self, data: Path, workdir: Path) -> None:
        from rdflib import Graph

        self.graph = Graph()
        self.graph.parse(str(data), format="nt")

    def run(self, query: NamedQuery, values: dict[str, str], bindings: dict[str, Node]) -> int:
        result = self.graph.query(PROLOGUE + query.sparql, initBindings=bindings)
        return sum(1 for _ in result)


def make(name: str, cap: float) -> Engine:
    if name in ("stdgraph-mem", "stdgraph-disk"):
        return StdgraphEngine(disk=name == "stdgraph-disk")
    if name in ("pyoxigraph", "pyoxigraph-inline", "pyoxigraph-subst"):
        return RawOxigraphEngine({"pyoxigraph": "values"}.get(name, name.removeprefix("pyoxigraph-")))
    if name == "oxigraph-serve":
        return HttpEngine(cap)
    if name == "stdgraph-remote":
        return RemoteStoreEngine(cap)
    if name == "rdflib":
        return RdflibEngine()
    raise ValueError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")


# --- the child process ----------------------------------------


def measure(
    engine: Engine, data: Path, tasks: list[Task], repeat: int, cap: float, emit: Any, start: int = 0
) -> None:
    """Load, then per task from `start`: one warm-up run, then `repeat` timed runs unless the warm-up ran past
    `cap`. A query that never ends is the parent's to stop: it kills this process after `begin` + cap."""
    queries = named_queries()
    with tempfile.TemporaryDirectory(prefix=f"bench-{engine.name}-", dir=data.parent) as tmp:
        try:
            started = time.perf_counter()
            engine.load(data, Path(tmp))
            emit({"step": "load", "seconds": time.perf_counter() - started})
            for task in tasks[start:]:
                query = queries[task.query]
                bindings = query.bindings(task.values)
                emit({"step": "begin", "label": task.label})
                t0 = time.perf_counter()
                try:
                    rows = engine.run(query, task.values, bindings)
                except MemoryError:
                    emit({"step": "query", "label": task.label, "error": "memory"})
                    continue
                first = time.perf_counter() - t0
                emit({"step": "warm", "label": task.label, "seconds": first})
                times = [first]
                if first <= cap:
                    times = []
                    for _ in range(repeat):
                        t0 = time.perf_counter()
                        engine.run(query, task.values, bindings)
                        times.append(time.perf_counter() - t0)
                emit(
                    {
                        "step": "query",
                        "label": task.label,
                        "rows": rows,
                        "times": times,
                        "capped": first > cap,
                    }
                )
        finally:
            extra = engine.close()
    emit({"step": "done", "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, **extra})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run one engine over the workload (a child of bench.run)")
    parser.add_argument("engine", choices=ENGINES)
    parser.add_argument("data", type=Path)
    parser.add_argument("tasks", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cap", type=float, default=10.0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--start", type=int, default=0, help="skip the first K tasks (a restarted child)")
    parser.add_argument("--max-gb", type=float, default=None, help="address-space limit (RLIMIT_AS)")
    args = parser.parse_args(argv)
    if args.max_gb:
        limit = int(args.max_gb * 1024**3)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    tasks = [Task(**t) for t in json.loads(args.tasks.read_text())]
    with args.out.open("a") as out:

        def emit(record: dict[str, Any]) -> None:
            out.write(json.dumps(record) + "\n")
            out.flush()

        measure(make(args.engine, args.cap), args.data, tasks, args.repeat, args.cap, emit, args.start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
