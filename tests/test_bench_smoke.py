"""The benchmark generator at smoke size: deterministic, well-formed, rich enough for every workload query."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.generate import generate
from bench.workload import BENCH_GRAPH, pick
from stdgraph.queries import named_queries
from stdgraph.store import OxigraphStore

SMOKE = 5_000


def _generate(seed: int) -> str:
    out = io.StringIO()
    generate(out, SMOKE, seed)
    return out.getvalue()


@pytest.fixture(scope="module")
def text() -> str:
    return _generate(42)


@pytest.fixture(scope="module")
def store(text: str, tmp_path_factory: pytest.TempPathFactory) -> OxigraphStore:
    path = tmp_path_factory.mktemp("bench") / "smoke.nt"
    Path(path).write_text(text, encoding="utf-8")
    store = OxigraphStore()
    store._store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(BENCH_GRAPH))
    return store


def test_same_seed_same_bytes_other_seed_differs(text: str) -> None:
    assert _generate(42) == text
    assert _generate(7) != text


def test_size_is_near_the_target(text: str) -> None:
    assert SMOKE * 0.9 <= text.count("\n") <= SMOKE * 1.3


def test_output_parses_as_ntriples(text: str) -> None:
    triples = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == text.count("\n")


@pytest.mark.parametrize(
    "cls",
    [
        "Standard",
        "Edition",
        "Amendment",
        "Adoption",
        "StandardsBody",
        "TechnicalCommittee",
        "CertificationScheme",
        "ConformityAssessmentBody",
        "AccreditationBody",
        "Accreditation",
        "MultilateralArrangement",
        "BilateralArrangement",
        "Participation",
        "TradeAgreement",
        "AgreementChapter",
        "Provision",
        "Market",
        "Country",
        "Union",
        "HSCode",
        "ICSCode",
        "MarketRequirement",
        "AcceptanceRule",
        "ScopeMapping",
    ],
)
def test_every_class_is_present(store: OxigraphStore, cls: str) -> None:
    assert store.ask(f"ASK {{ ?s a sg:{cls} }}")


def test_hs_hierarchy_has_three_levels(store: OxigraphStore) -> None:
    assert store.ask(
        'ASK { ?s sg:hsLevel "subheading" ; skos:broader ?h . ?h skos:broader ?c . ?c sg:hsLevel "chapter" }'
    )


def test_bilateral_arrangements_have_exactly_two_parties(store: OxigraphStore) -> None:
    result = store.select(
        "SELECT ?a (COUNT(DISTINCT ?p) AS ?n) WHERE { ?a a sg:BilateralArrangement ."
        " OPTIONAL { ?a sg:party ?p } } GROUP BY ?a"
    )
    assert result.rows
    assert all(int(row["n"]) == 2 for row in result.rows)  # type: ignore[arg-type]


def test_entry_into_force_not_before_signature(store: OxigraphStore) -> None:
    assert store.ask("ASK { ?a sg:signedOn ?s ; sg:entryIntoForce ?e }")
    assert not store.ask("ASK { ?a sg:signedOn ?s ; sg:entryIntoForce ?e FILTER(STR(?e) < STR(?s)) }")


def test_supersession_is_stated_both_ways(store: OxigraphStore) -> None:
    assert store.ask("ASK { ?new sg:supersedes ?old }")
    assert not store.ask("ASK { ?new sg:supersedes ?old FILTER NOT EXISTS { ?old sg:supersededBy ?new } }")


def test_adoptions_form_chains_and_share_editions(store: OxigraphStore) -> None:
    assert store.ask("ASK { ?bs sg:adopts ?en . ?en sg:adopts ?iso }")
    assert store.ask("ASK { ?a sg:adopts ?iso . ?b sg:adopts ?iso FILTER(?a != ?b) }")


def test_every_workload_query_returns_rows(store: OxigraphStore) -> None:
    queries = named_queries()
    for task in pick(store._store, seed=42):
        query = queries[task.query]
        result = store.select(query.sparql, query.bindings(task.values))
        assert len(result) > 0, f"{task.label} ({task.values}) returned nothing"


def test_the_harness_runs_end_to_end_at_smoke_size() -> None:
    """`python -m bench.run --sizes smoke --http --remote` prints the side-by-side table (untimed)."""
    import subprocess
    import sys

    from stdgraph import config

    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "smoke", "--repeat", "2", "--http", "--remote"],
        cwd=config.REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for column in ("stdgraph-mem", "pyoxigraph", "oxigraph-serve", "stdgraph-remote", "rdflib", "bulk_load"):
        assert column in result.stdout, column
    assert "network hop (stdgraph-remote ÷ stdgraph-disk" in result.stdout
    assert "[rows" not in result.stdout  # every engine, the remote one too, returned the same rows


def test_the_recognition_index_answers_generated_questions_as_the_sparql_path_does(
    store: OxigraphStore,
) -> None:
    from bench.recognition import _answer_args, pick_question
    from stdgraph.recognition import answer
    from stdgraph.recognition_index import RecognitionIndex

    question = _answer_args(pick_question(store))
    index = RecognitionIndex(store)
    for args in (question, {**question, "evidence": None}, {**question, "body": None, "scheme": None}):
        expected = answer(store, **args).to_dict()
        assert expected["requirements"], args
        assert answer(store, **args, graph=index.graph()).to_dict() == expected


def test_the_recognition_bench_runs_end_to_end_at_smoke_size(text: str, tmp_path: Path) -> None:
    """`python -m bench.recognition --size smoke`: the API and one query on `oxigraph serve`, side by side."""
    from bench.recognition import report, run

    data = tmp_path / "smoke.nt"
    data.write_text(text, encoding="utf-8")
    result = run(data, 2, tmp_path, sparql_path=False)
    assert result["rows"]["api"] > 0 and result["rows"]["oxigraph-serve"] > 0
    assert set(result["engines"]) == {"api", "oxigraph-serve"}
    assert "oxigraph-serve p50 / api p50" in report(result)


def test_the_curation_bench_finds_the_same_violations_as_pyshacl_on_the_whole_graph(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench.curation` at smoke size: the broken rows refused by the change-set validation are
    the ones pySHACL finds on the whole graph, and the good rows are committed."""
    from bench.curation import main

    (tmp_path / "gsmoke-s42.nt").write_text(text, encoding="utf-8")
    assert main(["--sizes", "smoke", "--whole", "smoke", "--repeat", "1", "--data-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "| smoke |" in printed and "| yes |" in printed
    result = json.loads(printed.splitlines()[0])
    assert result["violations"] == result["whole_violations"] == result["invalid_rows"] == 6
    assert result["only_change_set"] == result["only_whole_graph"] == []
    assert result["validated_triples"] < result["triples"] / 3


def test_the_build_bench_runs_end_to_end_at_smoke_size(tmp_path: Path) -> None:
    """`python -m bench.build --source ontology --source markets --digest`: the build and the raw bulk_load
    of the quads it produced, each in its own process, with the same quads on both sides (untimed)."""
    import shutil

    from bench.build import digest, markdown, run

    result = run(None, "disk", ["ontology", "markets"], timeout=300, keep=True)
    build, bulk = result["build"], result["bulk_load"]
    assert build["quads"] == bulk["quads"] > 3000
    assert [s["name"] for s in build["sources"]] == ["ontology", "markets"]
    assert {"stream sources", "validation: checks", "swap"} <= set(build["phases"])
    dump = Path(result.pop("dump"))
    try:
        counts = digest(dump)["graphs"]
    finally:
        shutil.rmtree(dump.parent, ignore_errors=True)
    assert sum(counts.values()) == build["quads"]
    assert counts["https://w3id.org/stdgraph/graph/markets"] == build["sources"][1]["triples"]
    table = markdown(result)
    assert "build ÷ bulk_load" in table and "| markets |" in table


def test_the_serve_bench_runs_both_servers_end_to_end_at_smoke_size(tmp_path: Path) -> None:
    """`python -m bench.serve --graph smoke`: stdgraph serve and oxigraph serve over loopback, the same
    answers from both, throughput for each client count, and each lookup against its raw replay."""
    from bench.serve import report, run

    result = run("smoke", requests=8, clients=[1, 2], rounds=2, repeat=2, out=tmp_path)
    assert result["workload"] and all(r["same"] for r in result["rows"] if r["query"] in result["workload"])
    assert set(result["throughput"]) == {f"{s}/{c}" for s in ("stdgraph", "oxigraph") for c in (1, 2)}
    assert all(t["errors"] == 0 and t["qps"] > 0 for t in result["throughput"].values())
    for kind in ("/standards/{id}", "/queries/standard"):
        lookup = result["lookup"][kind]
        assert lookup["ids"] and all(e["queries"] > 0 and e["json_bytes"] > 0 for e in lookup["ids"].values())
        assert lookup["ratio_p50"] > 0
        assert lookup["all"]["floor"]["n"] == lookup["all"]["http"]["n"] > 0
    assert set(result["per_query"]["medians_ms"]) == set(result["workload"])
    assert "throughput stdgraph / oxigraph, 2 client(s)" in report(result)
    assert "HTTP floor (an empty ASGI app on uvicorn, same client)" in report(result)
    # the peer runs as shipped; stdgraph serve restarted itself on jemalloc where the machine has it
    from stdgraph.allocator import find_jemalloc

    expected = "jemalloc" if find_jemalloc() else "system"
    assert result["allocators"] == {"bench": "system", "stdgraph": expected, "oxigraph": "system"}
    assert f"stdgraph {expected}, oxigraph system" in report(result)


def test_the_allocator_bench_runs_both_sides_on_their_allocators(tmp_path: Path) -> None:
    """`python -m bench.allocator --graph smoke`: the same workload on glibc's malloc and on jemalloc."""
    from bench.allocator import compare, report
    from stdgraph.allocator import find_jemalloc

    if find_jemalloc() is None:
        pytest.skip("libjemalloc2 is not installed (`make install` installs it)")
    result = compare("smoke", runs=1, out=tmp_path)
    assert result["allocators"] == {"system": "system", "jemalloc": "jemalloc"}
    assert result["medians_ms"] and all(
        m["system"] > 0 and m["jemalloc"] > 0 for m in result["medians_ms"].values()
    )
    assert "sum of medians" in report(result)
