"""The curation workflow on a copy of the default graph: propose, review, publish, withdraw, history."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest
from curation_support import CURATOR, OTHER_REVIEWER, REVIEWER, adoption_rows, idt_mappings, sssom_tsv
from rdflib import Literal, URIRef

from stdgraph.curation.model import HISTORY_GRAPH, PUBLIC_GRAPH
from stdgraph.curation.releases import list_releases, make_release
from stdgraph.curation.rows import read_upload
from stdgraph.curation.workflow import BatchRefused, Conflict, CurationError, Curator, NotAllowed
from stdgraph.namespaces import SG


def propose_tsv(curator: Curator, rows, who=CURATOR, comment=None):
    return curator.propose(read_upload(sssom_tsv(rows).encode(), "sssom", who.name), who, comment)


def published_ids(store) -> set[str]:
    result = store.select(
        "SELECT ?id WHERE { GRAPH sgg:curated-mappings { ?m a sg:Mapping ; dcterms:identifier ?id } }"
    )
    return {str(r["id"]) for r in result.rows}


def test_a_batch_is_proposed_validated_and_kept_out_of_the_public_graph(curation_store) -> None:
    curator = Curator(curation_store)
    rows = idt_mappings(3)
    proposal = propose_tsv(curator, rows, comment="IDT adoptions as exact matches")
    assert [r["line"] for r in proposal.records] == [6, 7, 8]
    assert {r["status"] for r in proposal.records} == {"proposed"}
    assert published_ids(curation_store) == set()
    state = curator.find(proposal.records[0]["id"])
    assert state.status == "proposed" and state.author == URIRef(CURATOR.name)
    # proposals never reach the data queries: no sg:Mapping node outside the history text
    assert not curation_store.ask("ASK { ?m a sg:Mapping ; sg:lifecycleStatus ?s }")


def test_bad_rows_refuse_the_whole_batch_naming_line_and_field(curation_store) -> None:
    curator = Curator(curation_store)
    before = len(curation_store)
    rows = idt_mappings(4)
    rows[1] = rows[1] | {"confidence": "1.5"}
    rows[2] = rows[2] | {"predicate_id": "owl:sameAs"}
    rows[3] = rows[3] | {"subject_id": "GB/T 24040-1990"}  # a reference the graph does not have
    with pytest.raises(BatchRefused) as caught:
        propose_tsv(curator, rows)
    found = {(e.line, e.field) for e in caught.value.errors}
    assert found == {(7, "confidence"), (8, "predicate_id"), (9, "subject_id")}
    assert all(e.message for e in caught.value.errors)
    assert "line 7, confidence" in str(caught.value)
    assert len(curation_store) == before, "nothing may be stored from a refused batch"


def test_cells_that_cannot_be_read_name_their_column(curation_store) -> None:
    curator = Curator(curation_store)
    rows = idt_mappings(2)
    rows[0] = rows[0] | {"confidence": "high"}
    rows[1] = rows[1] | {"object_id": "zz:1"}
    with pytest.raises(BatchRefused) as caught:
        propose_tsv(curator, rows)
    assert {(e.line, e.field) for e in caught.value.errors} == {(6, "confidence"), (7, "object_id")}


def test_review_rules_publication_and_withdrawal_with_history(curation_store) -> None:
    curator = Curator(curation_store)
    record = propose_tsv(curator, idt_mappings(1), comment="from adoptions.csv").records[0]["id"]
    own = type(CURATOR)(CURATOR.name, "reviewer", "x")  # the author, even with a reviewer token
    with pytest.raises(NotAllowed):
        curator.act(record, "approve", own, "looks right")
    with pytest.raises(CurationError, match="comment"):
        curator.act(record, "approve", REVIEWER, "")
    with pytest.raises(Conflict):
        curator.act(record, "publish", REVIEWER)
    assert curator.act(record, "approve", REVIEWER, "checked against the SAMR record").status == "approved"
    assert curator.act(record, "publish", OTHER_REVIEWER).status == "published"
    assert published_ids(curation_store) == {record}
    assert curation_store.ask(
        "ASK { GRAPH sgg:curated-mappings { ?m sg:reviewer ?r ; sg:lifecycleStatus ?s } }",
    )
    assert curator.act(record, "withdraw", REVIEWER, "superseded edition").status == "withdrawn"
    assert published_ids(curation_store) == set()
    steps = curator.history(record)
    assert [s.status for s in steps] == ["proposed", "approved", "published", "withdrawn"]
    assert [s.agent for s in steps] == [
        CURATOR.name,
        *(str(x) for x in _agents(REVIEWER, OTHER_REVIEWER, REVIEWER)),
    ]
    assert steps[0].comment == "from adoptions.csv" and steps[3].comment == "superseded edition"
    assert all(datetime.fromisoformat(s.time.replace("Z", "+00:00")).tzinfo for s in steps)
    # the withdrawn record stays in the history, with every version
    versions = curation_store.select(
        "SELECT ?v WHERE { GRAPH sgg:curation-history { ?v prov:specializationOf ?m } }",
        {"m": URIRef(f"https://w3id.org/stdgraph/id/mapping/{record}")},
    )
    assert len(versions) == 4


def _agents(*principals):
    from stdgraph.curation.model import agent_iri

    return [agent_iri(p.name) for p in principals]


def test_negative_mappings_are_their_own_records(curation_store) -> None:
    curator = Curator(curation_store)
    row = idt_mappings(1)[0]
    negative = row | {"predicate_id": "skos:closeMatch", "comment": "not merely close: identical"}
    header = (*_header(), "predicate_modifier")
    text = sssom_tsv([row, negative | {"predicate_modifier": "Not"}], header=header)
    proposal = curator.propose(read_upload(text.encode(), "sssom", CURATOR.name), CURATOR)
    ids = [r["id"] for r in proposal.records]
    assert len(set(ids)) == 2 and "--not-closematch--" in ids[1]
    state = curator.find(ids[1])
    assert (state.iri, SG.negated, Literal(True)) in state.triples


def _header():
    from curation_support import HEADER

    return HEADER


def test_a_record_waiting_for_review_cannot_be_proposed_again(curation_store) -> None:
    curator = Curator(curation_store)
    propose_tsv(curator, idt_mappings(1))
    with pytest.raises(BatchRefused, match="already proposed"):
        propose_tsv(curator, idt_mappings(2))


def test_adoptions_follow_the_same_workflow(curation_store) -> None:
    curator = Curator(curation_store)
    row = next(r for r in adoption_rows() if r["degree"] == "IDT")
    header = "adopting,adopted,degree,note,source,confidence"
    cells = [row[c] for c in header.split(",")]
    text = header + "\n" + ",".join(f'"{c}"' for c in cells) + "\n"
    proposal = curator.propose(read_upload(text.encode(), "csv", CURATOR.name), CURATOR)
    record = proposal.records[0]["id"]
    assert proposal.records[0]["kind"] == "adoption"
    curator.act(record, "approve", REVIEWER, "degree as the source states")
    curator.act(record, "publish", REVIEWER)
    assert curation_store.ask(
        "ASK { GRAPH sgg:curated-mappings { ?a sg:adoptionDegree ?d . ?x sg:adopts ?y } }"
    )
    curator.act(record, "withdraw", REVIEWER, "test of withdrawal")
    assert not curation_store.ask("ASK { GRAPH sgg:curated-mappings { ?x sg:adopts ?y } }")
    # the curated source's own adoption is untouched
    assert curation_store.ask("ASK { GRAPH sgg:curated-standards { ?x sg:adopts ?y } }")


def test_two_curators_writing_at_once_lose_nothing(curation_store) -> None:
    curator = Curator(curation_store)
    rows = idt_mappings()
    halves = [rows[: len(rows) // 2], rows[len(rows) // 2 :]]
    errors: list[BaseException] = []

    def work(part):
        try:
            propose_tsv(curator, part)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(h,)) for h in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(curator.records("proposed")) == len(rows)
    # the same record sent twice at once: one wins, the other is told why; one version only
    racers = [
        threading.Thread(target=work, args=([rows[0] | {"predicate_id": "skos:closeMatch"}],))
        for _ in range(2)
    ]
    for t in racers:
        t.start()
    for t in racers:
        t.join()
    assert len(errors) == 1 and "already proposed" in str(errors[0])


def test_releases_list_added_changed_and_withdrawn(curation_store, tmp_path: Path) -> None:
    curator = Curator(curation_store)
    ids = [r["id"] for r in propose_tsv(curator, idt_mappings(3)).records]
    for record in ids:
        curator.act(record, "approve", REVIEWER, "checked")
        curator.act(record, "publish", REVIEWER)
    first = make_release(curation_store, tmp_path, version="1.0")
    assert first.manifest["added"] == sorted(ids) and first.manifest["previous"] is None
    assert {"changelog.md", "mappings.sssom.tsv", "release.json", "stdgraph-1.0.nq.gz"} <= {
        p.name for p in first.path.iterdir()
    }
    curator.act(ids[0], "withdraw", REVIEWER, "wrong")
    changed = idt_mappings(3)[1] | {"confidence": "0.9"}
    propose_tsv(curator, [changed])
    curator.act(ids[1], "approve", OTHER_REVIEWER, "confidence lowered")
    curator.act(ids[1], "publish", OTHER_REVIEWER)
    second = make_release(curation_store, tmp_path, version="1.1")
    m = second.manifest
    assert (m["added"], m["changed"], m["withdrawn"], m["previous"]) == ([], [ids[1]], [ids[0]], "1.0")
    assert [r["version"] for r in list_releases(tmp_path)] == ["1.1", "1.0"]
    with pytest.raises(ValueError, match="never overwritten"):
        make_release(curation_store, tmp_path, version="1.1")


def test_history_graph_conforms_to_the_shapes(curation_store) -> None:
    from rdflib import Graph

    from stdgraph.validation import validate

    curator = Curator(curation_store)
    record = propose_tsv(curator, idt_mappings(1)).records[0]["id"]
    curator.act(record, "approve", REVIEWER, "ok")
    graph = Graph()
    for s, p, o in curation_store.graph_triples(str(HISTORY_GRAPH)):
        graph.add((s, p, o))
    for s, p, o in curation_store.graph_triples(str(PUBLIC_GRAPH)):
        graph.add((s, p, o))
    report = validate(graph)
    assert report.conforms, report.text()
