"""The `stdgraph` command as a user runs it: exit codes, messages, and the answers it prints."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stdgraph.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store built by the command itself, on disk, as the quick start builds it."""
    path = tmp_path_factory.mktemp("cli") / "store"
    result = runner.invoke(app, ["build", "--store", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "triples from" in result.output
    gc.collect()  # make sure the writer has let go of the store before readers open it
    return str(path)


def run(*args: str):
    return runner.invoke(app, list(args))


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "check", "validate", "query", "stats", "export"):
        assert command in result.output


def test_query_answers_which_iso_standard_gb_t_24001_adopts(store_path: str) -> None:
    result = run(
        "query", "adoption", "--param", "standard=GB/T 24001-2016", "--format", "json", "--store", store_path
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and {r["adopted"] for r in rows} == {"ISO 14001:2015"}
    assert {r["degree"] for r in rows} == {"IDT"}
    assert all(r["source"].startswith("http") for r in rows)


def test_query_accepts_the_ways_people_write_a_reference(store_path: str) -> None:
    result = run(
        "query",
        "adoption",
        "-p",
        "standard=ｇｂ／ｔ　２４００１—２０１６",
        "-f",
        "csv",
        "--store",
        store_path,
    )
    assert result.exit_code == 0 and "ISO 14001:2015" in result.output


def test_inline_sparql_and_bad_sparql(store_path: str) -> None:
    ok = run(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a sg:Adoption }", "-f", "json", "--store", store_path
    )
    assert ok.exit_code == 0 and int(json.loads(ok.output)[0]["n"]) > 5
    bad = run("query", "SELECT ?s WHERE { ?s ", "--store", store_path)
    assert bad.exit_code == 2 and "SPARQL syntax error" in bad.output


def test_missing_parameter_and_unknown_query_are_usage_errors(store_path: str) -> None:
    missing = run("query", "adoption", "--store", store_path)
    assert missing.exit_code == 2 and "needs --param standard" in missing.output
    unknown = run("query", "no-such-query", "--store", store_path)
    assert unknown.exit_code == 2 and "no named query" in unknown.output


def test_stats_json_counts_graphs_and_classes(store_path: str) -> None:
    result = run("stats", "--json", "--store", store_path)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["graphs"]["https://w3id.org/stdgraph/graph/curated-standards"] > 100
    assert data["classes"]["https://w3id.org/stdgraph/ontology#Adoption"] > 5


def test_export_one_graph_as_nquads(store_path: str, tmp_path: Path) -> None:
    out = tmp_path / "g.nq"
    graph = "https://w3id.org/stdgraph/graph/curated-standards"
    result = run("export", "--graph", graph, "-o", str(out), "--store", store_path)
    assert result.exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.endswith(f"<{graph}> .") for line in lines)


def test_commands_on_a_missing_store_say_to_build(tmp_path: Path) -> None:
    result = run("stats", "--store", str(tmp_path / "nothing"))
    assert result.exit_code == 2 and "stdgraph build" in result.output


def test_validate_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.ttl"
    good.write_text("@prefix ex: <https://example.org/> . ex:a ex:b ex:c .\n")
    assert run("validate", str(good)).exit_code == 0
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix sg: <https://w3id.org/stdgraph/ontology#> .\n"
        "<https://w3id.org/stdgraph/id/adoption/x> a sg:Adoption .\n"
    )
    result = run("validate", str(bad))
    assert result.exit_code == 1 and "degree" in result.output
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle <<<\n")
    result = run("validate", str(broken))
    assert result.exit_code == 2 and "not valid turtle" in result.output


def test_build_with_a_bad_input_folder_is_refused(tmp_path: Path) -> None:
    result = run("build", "--store", str(tmp_path / "s"), "--input", "curated-standards", "-q")
    assert result.exit_code == 2 and "NAME=DIR" in result.output


def test_build_with_a_negative_worker_count_is_refused(tmp_path: Path) -> None:
    result = run("build", "--store", str(tmp_path / "s"), "--workers", "-1", "-q")
    assert result.exit_code == 2 and "--workers" in result.output
    assert not (tmp_path / "s").exists()
