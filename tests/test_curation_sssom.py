"""SSSOM: the export is read back by sssom-py, a round trip loses nothing, other projects' files import
with every row kept or refused with its line and reason."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from curation_support import CURATOR, HEADER, REVIEWER, idt_mappings, sssom_tsv

from stdgraph.curation import sssom
from stdgraph.curation.model import canonical
from stdgraph.curation.rows import UploadError, read_upload
from stdgraph.curation.workflow import BatchRefused, Curator
from stdgraph.namespaces import SG

FIXTURES = Path(__file__).parent / "curation"

SSSOM_PY = """
import json, sys
from sssom.parsers import parse_sssom_table
from sssom.validators import validate
from sssom.constants import SchemaValidationType
msdf = parse_sssom_table(sys.argv[1])
report = validate(msdf, [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness],
                  fail_on_error=False)
print(json.dumps({
    "rows": len(msdf.df),
    "columns": sorted(msdf.df.columns),
    "mapping_set_id": msdf.metadata.get("mapping_set_id"),
    "license": msdf.metadata.get("license"),
    "problems": [str(r) for rep in report.values() for r in rep.results],
    "modifiers": sorted(str(v) for v in msdf.df.get("predicate_modifier", []) if v == v and v),
}))
"""


def published_export(curation_store) -> tuple[Curator, str]:
    curator = Curator(curation_store)
    rows = idt_mappings()
    rows[1] = rows[1] | {"predicate_id": "skos:closeMatch", "predicate_modifier": "Not"}
    text = sssom_tsv(rows, header=(*HEADER, "predicate_modifier", "mapping_date"))
    for record in curator.propose(read_upload(text.encode(), "sssom", CURATOR.name), CURATOR).records:
        curator.act(record["id"], "approve", REVIEWER, "checked")
        curator.act(record["id"], "publish", REVIEWER)
    published = curator.published()
    return curator, sssom.write_tsv(published, curator.labels(t[2] for r in published for t in r.triples))


def test_sssom_py_reads_the_export_without_errors(curation_store, tmp_path: Path) -> None:
    pytest.importorskip("sssom")
    _, text = published_export(curation_store)
    path = tmp_path / "stdgraph.sssom.tsv"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SSSOM_PY, str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["problems"] == []
    assert result["rows"] == len(idt_mappings())
    assert result["mapping_set_id"] == sssom.MAPPING_SET_ID and result["license"] == sssom.LICENSE
    assert result["modifiers"] == ["Not"]
    assert {"record_id", "subject_label", "reviewer_id", "see_also"} <= set(result["columns"])


def test_round_trip_loses_nothing(curation_store) -> None:
    curator, text = published_export(curation_store)

    def content(records):
        # the lifecycle status is the workflow's state, not the mapping's content: a re-import is proposed
        return {r.iri: canonical(t for t in r.triples if t[1] != SG.lifecycleStatus) for r in records}

    again = read_upload(text.encode(), "sssom", "someone else")
    assert not again.errors and not again.warnings
    assert content(again.records) == content(curator.published())
    assert (
        sssom.write_tsv(again.records, curator.labels(t[2] for r in again.records for t in r.triples)) == text
    )


def test_files_of_other_tools_import_every_row_or_refuse_it_with_line_and_reason(curation_store) -> None:
    curator = Curator(curation_store)
    data = (FIXTURES / "bioregistry-style.sssom.tsv").read_bytes()
    proposal = curator.propose(read_upload(data, "sssom", CURATOR.name), CURATOR)
    assert [r["line"] for r in proposal.records] == [11, 12, 13]
    negative = curator.find(proposal.records[1]["id"])
    assert "--not-exactmatch--" in negative.id
    assert any(str(o) == "https://orcid.org/0000-0002-1825-0097" for _, _, o in negative.triples)


def test_a_file_about_other_things_is_refused_row_by_row(curation_store) -> None:
    curator = Curator(curation_store)
    batch = read_upload((FIXTURES / "sssom-py-basic.sssom.tsv").read_bytes(), "sssom", CURATOR.name)
    assert any("mapping_tool" in w for w in batch.warnings)
    with pytest.raises(BatchRefused) as caught:
        curator.propose(batch, CURATOR)
    by_line: dict[int, set[str]] = {}
    for error in caught.value.errors:
        by_line.setdefault(error.line, set()).add(error.field or "")
    # not standards, not a SKOS relation, and no source or evidence level for a standards graph
    reasons = {"subject_id", "object_id", "predicate_id", "see_also", "evidence_level"}
    assert by_line == {n: reasons for n in (10, 11, 12)}


def test_a_spreadsheet_export_keeps_good_rows_and_names_the_bad_one(curation_store) -> None:
    curator = Curator(curation_store)
    batch = read_upload((FIXTURES / "spreadsheet.sssom.tsv").read_bytes(), "sssom", CURATOR.name)
    assert [r.line for r in batch.records] == [7, 8, 9]
    assert any(
        str(o) == "Identical adoption;\tsaved from a spreadsheet" for _, _, o in batch.records[0].triples
    )
    with pytest.raises(BatchRefused) as caught:
        curator.propose(batch, CURATOR)
    assert [(e.line, e.field) for e in caught.value.errors] == [(8, "predicate_id")]


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        (b"#curie_map: [unclosed\nsubject_id\tpredicate_id\tobject_id\n", "sssom", "not valid YAML"),
        (b"subject_id,predicate_id,object_id\n", "sssom", "tab-separated"),
        (b"subject_id\tpredicate_id\tobject_id\na\tb\n", "sssom", "line 2: has 2 cells"),
        (b"subject_id\tpredicate_id\n", "sssom", "no column object_id"),
        (
            "subject_id\tpredicate_id\tobject_id\nGB/T 24040—2008\tskos:exactMatch\tx\n".encode("gb18030"),
            "sssom",
            "not UTF-8",
        ),
        (
            b"@prefix sg: <https://w3id.org/stdgraph/ontology#> .\n<a> a sg:Mapping",
            "turtle",
            "not valid Turtle",
        ),
        (b'{"mappings": [', "json", "not valid JSON"),
        (b"", "csv", "empty"),
    ],
)
def test_malformed_uploads_are_refused_with_a_reason(data: bytes, fmt: str, expected: str) -> None:
    with pytest.raises(UploadError, match=expected):
        read_upload(data, fmt, CURATOR.name)
