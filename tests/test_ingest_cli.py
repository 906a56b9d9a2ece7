"""`stdgraph build --data-dir` and `stdgraph ingest SOURCE --from`: what they pick up, and that a failed
reload leaves the store exactly as it was."""

from __future__ import annotations

import functools
import gc
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from ingest import environmental_goods as eg
from ingest import hs_codes
from stdgraph import config
from stdgraph.build import ONTOLOGY, available_sources, build
from stdgraph.cli import app, sources_in
from stdgraph.namespaces import SG
from stdgraph.sources import read_source
from stdgraph.store import OxigraphStore

runner = CliRunner()
SHARED = config.shared_data_dir()
GOODS = eg.SOURCE.location.removeprefix("shared:")
HS = hs_codes.SOURCE.location.removeprefix("shared:")


@dataclass
class Outcome:
    exit_code: int
    output: str


def run(*args: str) -> Outcome:
    """The command's exit code and output; its traceback (which holds the open store) is dropped, so
    the store is let go before the next command opens it, as when the process ends."""
    result = runner.invoke(app, list(args))
    outcome = Outcome(result.exit_code, result.output)
    del result
    gc.collect()
    return outcome


def data_dir(tmp: Path, *folders: str) -> Path:
    """A --data-dir holding only some of the shared folders (links to the real ones)."""
    tmp.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        (tmp / folder).symlink_to(SHARED / folder)
    return tmp


def test_build_data_dir_picks_up_the_sources_whose_folders_are_there(tmp_path: Path) -> None:
    names, skipped = sources_in(data_dir(tmp_path, GOODS, HS))
    known = available_sources(include_all=True)
    not_shared = {n for n, s in known.items() if not s.location.startswith("shared:") and s.default}
    assert set(names) == not_shared | {eg.SOURCE.name, hs_codes.SOURCE.name}
    shared = {n for n, s in known.items() if s.location.startswith("shared:")}
    assert {n for n, _ in skipped} == shared - {eg.SOURCE.name, hs_codes.SOURCE.name}
    everything, _ = sources_in(SHARED)
    assert "emission-factors" in everything  # not in the default graph, but its folder is there


def test_build_data_dir_names_a_missing_file_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "data" / GOODS
    shutil.copytree(SHARED / GOODS, folder)
    (folder / eg.DESCRIPTIONS_FILE).unlink()
    result = run("build", "--store", str(tmp_path / "s"), "--data-dir", str(tmp_path / "data"), "-q")
    assert result.exit_code == 2
    assert eg.DESCRIPTIONS_FILE in result.output and "is missing" in result.output
    assert "not changed" in result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An on-disk store with the ontology, the HS 2022 codes the list links to (enough context to
    validate the links; HS 2022 itself is validated with the default graph), and the environmental
    goods, built and validated against them."""
    path = tmp_path_factory.mktemp("ingest") / "store"
    target = OxigraphStore(path)
    ontology, hs = read_source(ONTOLOGY), read_source(hs_codes.SOURCE)
    linked = set(read_source(eg.SOURCE).graph.objects(None, SG.sameHSCode))
    codes = Graph()
    for triple in hs.graph:
        if triple[0] in linked:
            codes.add(triple)
    graphs = {str(ontology.source.graph_iri): ontology.graph, str(hs.source.graph_iri): codes}
    target.replace_graphs(graphs, ontology.provenance + hs.provenance)
    build(target, sources=[eg.SOURCE], progress=False)
    target.flush()
    del target
    gc.collect()
    return str(path)


def state(store: str, tmp_path: Path) -> tuple[bytes, dict]:
    dump = tmp_path / "dump.nq"
    assert run("export", "--store", store, "-o", str(dump)).exit_code == 0
    stats = run("stats", "--json", "--store", store)
    return dump.read_bytes(), json.loads(stats.output)["graphs"]


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(SHARED / GOODS, folder)
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


def test_ingest_reloads_one_source_from_a_folder(store: str, tmp_path: Path) -> None:
    _, before = state(store, tmp_path)
    result = run("ingest", eg.SOURCE.name, "--from", str(SHARED / GOODS), "--store", store, "-q")
    assert result.exit_code == 0, result.output
    assert "note (environmental-goods):" in result.output and "not linked to HS 2022" in result.output
    _, after = state(store, tmp_path)
    assert after == before  # same data, replaced rather than added


def test_a_malformed_file_is_named_with_its_line_and_changes_nothing(store: str, tmp_path: Path) -> None:
    before = state(store, tmp_path)
    folder = broken_copy(tmp_path, eg.CODES_FILE, "840290,HS2007", "8402x0,HS2007")
    result = run("ingest", eg.SOURCE.name, "--from", str(folder), "--store", store, "-q")
    assert result.exit_code == 2
    assert f"{eg.CODES_FILE}, line 3" in result.output and "not changed" in result.output
    assert state(store, tmp_path) == before


def test_a_missing_file_is_named_and_changes_nothing(store: str, tmp_path: Path) -> None:
    before = state(store, tmp_path)
    folder = broken_copy(tmp_path, eg.CODES_FILE, "", "")
    (folder / eg.CODES_FILE).unlink()
    result = run("ingest", eg.SOURCE.name, "--from", str(folder), "--store", store, "-q")
    assert result.exit_code == 2 and eg.CODES_FILE in result.output and "missing" in result.output
    assert state(store, tmp_path) == before


def test_unknown_source_and_missing_path_are_usage_errors(store: str, tmp_path: Path) -> None:
    result = run("ingest", "no-such-source", "--from", str(tmp_path), "--store", store)
    assert result.exit_code == 2 and "unknown source" in result.output
    result = run("ingest", eg.SOURCE.name, "--from", str(tmp_path / "nothing"), "--store", store)
    assert result.exit_code == 2 and "no such file or folder" in result.output


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A static file server on loopback, serving a copy of the environmental-goods folder."""
    folder = tmp_path / "served"
    shutil.copytree(SHARED / GOODS, folder / "goods")
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def test_ingest_from_a_url(store: str, server: str, tmp_path: Path) -> None:
    _, before = state(store, tmp_path)
    for url in (f"{server}/goods/", f"{server}/goods/{eg.CODES_FILE}"):
        result = run("ingest", eg.SOURCE.name, "--from", url, "--store", store, "-q")
        assert result.exit_code == 0, result.output
    assert state(store, tmp_path)[1] == before


def test_a_url_over_the_cap_or_missing_changes_nothing(
    store: str, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = state(store, tmp_path)
    result = run("ingest", eg.SOURCE.name, "--from", f"{server}/nothing/", "--store", store, "-q")
    assert result.exit_code == 2 and "HTTP 404" in result.output
    monkeypatch.setenv("STDGRAPH_MAX_DOWNLOAD_BYTES", "100")
    result = run("ingest", eg.SOURCE.name, "--from", f"{server}/goods/", "--store", store, "-q")
    assert result.exit_code == 2 and "cap of 100" in result.output
    assert state(store, tmp_path) == before
