"""Curation over HTTP: tokens and roles, uploads in four formats, malformed uploads, history, review page."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from curation_support import adoption_rows, idt_mappings, sssom_tsv
from typer.testing import CliRunner

from api.app import create_app
from api.curation import Curation
from api.settings import ApiSettings
from stdgraph.cli import app as cli_app
from stdgraph.curation import CurationPaths
from stdgraph.curation.auth import TokenStore
from stdgraph.curation.workflow import Curator

with warnings.catch_warnings():  # starlette warns that its test client will move to httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TSV = "text/tab-separated-values"


@pytest.fixture
def api(curation_store, tmp_path: Path):
    paths = CurationPaths(tmp_path / "curation")
    tokens = TokenStore(paths.tokens)
    names = {
        "reader": tokens.create("a reader", "reader"),
        "curator": tokens.create("https://orcid.org/0000-0002-1825-0097", "curator"),
        "reviewer": tokens.create("SAC reviewer", "reviewer"),
        "admin": tokens.create("stdgraph admin", "admin"),
    }
    settings = ApiSettings(max_body_bytes=20_000)
    app = create_app(curation_store, settings, curation=Curation.open(Curator(curation_store), paths))
    with TestClient(app) as client:
        yield client, names, curation_store


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_stored_hashed(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    token = tokens.create("SAC reviewer", "reviewer")
    stored = (tmp_path / "tokens.json").read_text()
    assert token.split("_", 2)[2] not in stored and "scrypt" not in stored
    assert oct((tmp_path / "tokens.json").stat().st_mode)[-3:] == "600"
    assert tokens.verify(token).role == "reviewer"
    assert TokenStore(tmp_path / "tokens.json").verify(token).name == "SAC reviewer"


def test_a_revoked_token_is_refused_by_the_running_server_and_the_cli_lists_and_revokes(
    api, monkeypatch
) -> None:
    client, tokens, _ = api
    path = Path(client.app.state.curation.paths.tokens)
    body = sssom_tsv(idt_mappings(1)).encode()
    headers = {"Content-Type": TSV} | bearer(tokens["curator"])
    assert client.post("/mappings", content=body, headers=headers).status_code == 201  # verified, remembered
    monkeypatch.delenv("STDGRAPH_CURATION_DIR", raising=False)
    store = ["--store", str(path.parent.parent / "store")]  # its curation folder is the one the API uses
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["token", "list", *store])
    token_id = tokens["curator"].split("_")[1]
    assert listed.exit_code == 0 and token_id in listed.stdout and "curator" in listed.stdout
    assert tokens["curator"].split("_", 2)[2] not in listed.stdout
    revoked = runner.invoke(cli_app, ["token", "revoke", token_id, *store])
    assert revoked.exit_code == 0, revoked.output
    unknown = runner.invoke(cli_app, ["token", "revoke", "nosuchid", *store])
    assert unknown.exit_code == 2 and "no token with id 'nosuchid'" in unknown.output
    refused = client.post("/mappings", content=sssom_tsv(idt_mappings(2)).encode(), headers=headers)
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
    assert token_id not in {e["id"] for e in TokenStore(path).list()}
    assert len(TokenStore(path).list()) == 3  # the other three still work
    assert client.get("/mappings").status_code == 200  # reads stay public


def test_writes_need_a_token_and_the_right_role(api) -> None:
    client, tokens, _ = api
    body = sssom_tsv(idt_mappings(1)).encode()
    missing = client.post("/mappings", content=body, headers={"Content-Type": TSV})
    assert missing.status_code == 401 and "token" in missing.json()["detail"]
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/mappings", content=body, headers={"Content-Type": TSV} | bearer("sgt_abc_def"))
    assert wrong.status_code == 401 and "not valid" in wrong.json()["detail"]
    reader = client.post("/mappings", content=body, headers={"Content-Type": TSV} | bearer(tokens["reader"]))
    assert reader.status_code == 403 and "curator" in reader.json()["detail"]
    made = client.post("/mappings", content=body, headers={"Content-Type": TSV} | bearer(tokens["curator"]))
    assert made.status_code == 201, made.text
    record = made.json()["records"][0]["id"]
    # reads are public
    assert client.get(f"/mappings/{record}").json()["status"] == "proposed"
    assert client.get("/mappings", params={"status": "proposed"}).json()["records"][0]["id"] == record
    # a curator cannot review; nobody reviews their own proposal
    as_curator = client.post(
        f"/mappings/{record}/approve", json={"comment": "mine"}, headers=bearer(tokens["curator"])
    )
    assert as_curator.status_code == 403
    admin = TokenStore(Path(client.app.state.curation.paths.tokens))
    own = admin.create("https://orcid.org/0000-0002-1825-0097", "reviewer")
    self_review = client.post(f"/mappings/{record}/approve", json={"comment": "mine"}, headers=bearer(own))
    assert self_review.status_code == 403 and "another reviewer" in self_review.json()["detail"]
    ok = client.post(
        f"/mappings/{record}/approve", json={"comment": "as SAMR states"}, headers=bearer(tokens["reviewer"])
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    again = client.post(f"/mappings/{record}/approve", json={"comment": "x"}, headers=bearer(tokens["admin"]))
    assert again.status_code == 409
    published = client.post(f"/mappings/{record}/publish", headers=bearer(tokens["admin"]))
    assert published.json()["status"] == "published"
    history = client.get(f"/mappings/{record}/history").json()["steps"]
    assert [(s["status"], s["agent_name"]) for s in history] == [
        ("proposed", "https://orcid.org/0000-0002-1825-0097"),
        ("approved", "SAC reviewer"),
        ("published", "stdgraph admin"),
    ]
    export = client.get("/mappings.sssom.tsv")
    assert export.status_code == 200 and record in export.text and "#license:" in export.text
    assert client.get("/mappings/no-such-record/history").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "json", "turtle"])
def test_batches_in_other_formats(api, fmt: str) -> None:
    client, tokens, _ = api
    rows = idt_mappings(2)
    if fmt == "csv":
        row = adoption_rows()[1]
        cols = ["adopting", "adopted", "degree", "note", "source", "confidence"]
        body = ",".join(cols) + "\n" + ",".join(json.dumps(row[c]) for c in cols) + "\n"
        media = "text/csv"
    elif fmt == "json":
        body = json.dumps({"mappings": rows})
        media = "application/json"
    else:
        body = client.get("/mappings.sssom.tsv").text  # empty export: no rows
        first = client.post(
            "/mappings",
            content=sssom_tsv(rows).encode(),
            headers={"Content-Type": TSV} | bearer(tokens["curator"]),
        ).json()["records"][0]["id"]
        client.post(f"/mappings/{first}/approve", json={"comment": "ok"}, headers=bearer(tokens["reviewer"]))
        client.post(f"/mappings/{first}/publish", headers=bearer(tokens["reviewer"]))
        turtle = client.get(
            "/sparql",
            params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH sgg:curated-mappings { ?s ?p ?o } }"},
            headers={"Accept": "text/turtle"},
        ).text
        client.post(
            f"/mappings/{first}/withdraw",
            json={"comment": "to propose again"},
            headers=bearer(tokens["reviewer"]),
        )
        body, media = turtle, "text/turtle"
    made = client.post(
        "/mappings", content=body.encode(), headers={"Content-Type": media} | bearer(tokens["curator"])
    )
    assert made.status_code == 201, made.text
    assert all(r["status"] == "proposed" for r in made.json()["records"])


@pytest.mark.parametrize(
    ("body", "media", "status", "words"),
    [
        (b"subject_id\tpredicate_id\tobject_id\na\tb\n", TSV, 400, "cells"),
        (b"@prefix x: <http://x/> .\nx:a x:b", "text/turtle", 400, "Turtle"),
        (
            "subject_id\tpredicate_id\tobject_id\nGB/T 24040\u20142008\tskos:exactMatch\tx\n".encode(
                "gb18030"
            ),
            TSV,
            400,
            "UTF-8",
        ),
        (b"x" * 30_000, TSV, 413, "limit"),
        (b"<xml/>", "application/xml", 415, "not accepted"),
    ],
)
def test_malformed_uploads_get_a_4xx_and_change_nothing(api, body, media, status, words) -> None:
    client, tokens, store = api
    before = len(store)
    response = client.post(
        "/mappings", content=body, headers={"Content-Type": media} | bearer(tokens["curator"])
    )
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert len(store) == before


def test_rows_that_do_not_conform_are_listed_and_nothing_is_stored(api) -> None:
    client, tokens, store = api
    before = len(store)
    rows = idt_mappings(3)
    rows[2] = rows[2] | {"confidence": "2"}
    response = client.post(
        "/mappings",
        content=sssom_tsv(rows).encode(),
        headers={"Content-Type": TSV} | bearer(tokens["curator"]),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(8, "confidence")]
    assert errors[0]["text"].startswith("line 8, confidence:")
    assert len(store) == before


def test_review_page_works_without_javascript(api) -> None:
    client, tokens, _ = api
    record = client.post(
        "/mappings",
        content=sssom_tsv(idt_mappings(1)).encode(),
        headers={"Content-Type": TSV} | bearer(tokens["curator"]),
    ).json()["records"][0]["id"]
    page = client.get("/review")
    assert page.status_code == 200 and record in page.text and "<script" not in page.text
    assert 'method="post"' in page.text and 'name="token"' in page.text and "/static/style.css" in page.text
    denied = client.post(
        f"/review/{record}", data={"token": tokens["curator"], "action": "approve", "comment": "x"}
    )
    assert denied.status_code == 403 and "reviewer" in denied.text
    done = client.post(
        f"/review/{record}",
        data={"token": tokens["reviewer"], "action": "approve", "comment": "checked"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get(f"/mappings/{record}").json()["status"] == "approved"


def test_openapi_documents_the_curation_routes(api) -> None:
    client, _, _ = api
    with warnings.catch_warnings():  # api/sparql.py registers GET and POST under one operation id
        warnings.filterwarnings("ignore", "Duplicate Operation ID", UserWarning)
        paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/mappings",
        "/mappings/{record_id}/history",
        "/mappings/{record_id}/{action}",
        "/releases",
        "/review",
    ):
        assert path in paths
    assert "text/tab-separated-values" in paths["/mappings"]["post"]["requestBody"]["content"]
    assert client.get("/releases").json() == {"releases": []}
