"""Curation over HTTP: propose, review, publish and withdraw mappings and adoptions; history; releases.

Reads are public. Every write needs `Authorization: Bearer <token>` (from `stdgraph token create`): 401
without a valid token, 403 when its role may not do this or a curator reviews their own proposal. An
upload is refused whole with 4xx (413 too large, 415 unknown type, 400 unreadable, 422 rows that do not
conform, each named by line and column) and changes nothing. `/review` is the reviewers' queue as a page
that works without JavaScript (forms carry the token).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from api import html
from stdgraph.curation import CurationPaths, sssom
from stdgraph.curation.auth import AuthError, ForbiddenError, Principal, TokenStore
from stdgraph.curation.model import STATUSES
from stdgraph.curation.releases import list_releases
from stdgraph.curation.rows import FORMAT_OF_MEDIA, UploadError, read_upload
from stdgraph.curation.workflow import ACTIONS, BatchRefused, CurationError, Curator

router = APIRouter(tags=["curation"])


@dataclass
class Curation:
    """What the curation routes need: the curator (writable store), the tokens and the releases folder."""

    curator: Curator
    tokens: TokenStore
    paths: CurationPaths

    @classmethod
    def open(cls, curator: Curator, paths: CurationPaths) -> Curation:
        return cls(curator, TokenStore(paths.tokens), paths)


def install(app: FastAPI, curation: Curation) -> None:
    app.state.curation = curation
    app.include_router(router)


def _curation(request: Request) -> Curation:
    return request.app.state.curation


def _principal(request: Request, authorization: str | None) -> Principal:
    token = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise HTTPException(
                401, "send the token as 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
            )
        token = value.strip()
    try:
        return _curation(request).tokens.verify(token)
    except AuthError as exc:
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None


def _refused(exc: CurationError) -> HTTPException:
    return HTTPException(exc.status, str(exc))


UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "description": "A batch: SSSOM TSV (metadata block and table), CSV (SSSOM columns, or the adoption "
        "columns adopting, adopted, degree, note, source, confidence), JSON ({'mappings': [...], "
        "'adoptions': [...], 'curie_map': {...}}) or Turtle (sg:Mapping / sg:Adoption nodes).",
        "content": {media: {"schema": {"type": "string"}} for media in FORMAT_OF_MEDIA},
    }
}


@router.post(
    "/mappings",
    status_code=201,
    summary="Propose a batch of mappings or adoptions (curator token)",
    openapi_extra=UPLOAD_DOC,
    responses={
        401: {"description": "no valid token"},
        403: {"description": "the token's role may not propose"},
        413: {"description": "the upload is larger than STDGRAPH_MAX_BODY_BYTES"},
        415: {"description": "not SSSOM TSV, CSV, JSON or Turtle"},
        400: {"description": "unreadable: not UTF-8, bad TSV/CSV/JSON/Turtle"},
        422: {"description": "rows that do not conform, each with line, field and message; nothing stored"},
    },
)
async def propose(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    comment: Annotated[str | None, Query(description="why this batch (kept in the history)")] = None,
) -> JSONResponse:
    principal = _principal(request, authorization)
    try:
        principal.require("curator", "proposing")
    except ForbiddenError as exc:
        raise HTTPException(403, str(exc)) from None
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the upload is {declared} bytes; the limit is {limit}: split the batch")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"the upload is larger than {limit} bytes: split the batch")
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMAT_OF_MEDIA.get(media)
    if fmt is None:
        allowed = ", ".join(FORMAT_OF_MEDIA)
        raise HTTPException(415, f"content type {media or '(none)'!r} is not accepted: send one of {allowed}")
    try:
        batch = read_upload(bytes(body), fmt, principal.name)
    except UploadError as exc:
        raise HTTPException(400, str(exc)) from None
    curator = _curation(request).curator
    try:
        proposal = await _in_thread(curator.propose, batch, principal, comment)
    except BatchRefused as exc:
        return JSONResponse(
            {
                "detail": str(exc).splitlines()[0],
                "errors": [e.to_dict() for e in exc.errors],
                "warnings": exc.warnings,
            },
            status_code=422,
        )
    except ForbiddenError as exc:
        raise HTTPException(403, str(exc)) from None
    return JSONResponse(proposal.__dict__, status_code=201)


async def _in_thread(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


@router.get("/mappings", summary="Curated records (mappings and adoptions) with their status")
def records(
    request: Request, status: Annotated[str | None, Query(description="one of " + ", ".join(STATUSES))] = None
) -> dict[str, Any]:
    if status is not None and status not in STATUSES:
        raise HTTPException(400, f"status {status!r} is not one of: {', '.join(STATUSES)}")
    found = _curation(request).curator.records(status)
    return {"records": [r.to_dict() for r in found]}


@router.get(
    "/mappings.sssom.tsv",
    summary="The published mappings as SSSOM TSV (with the metadata block)",
    response_class=PlainTextResponse,
)
def export_sssom(request: Request) -> Response:
    curator = _curation(request).curator
    published = curator.published()
    labels = curator.labels(t[2] for r in published for t in r.triples)
    return Response(sssom.write_tsv(published, labels), media_type="text/tab-separated-values; charset=utf-8")


@router.get("/mappings/{record_id}", summary="One record: its current version, status and triples")
def record(request: Request, record_id: str) -> dict[str, Any]:
    try:
        return _curation(request).curator.find(record_id).to_dict()
    except CurationError as exc:
        raise _refused(exc) from None


@router.get("/mappings/{record_id}/history", summary="Every step of a record (PROV-O): who, when, what, why")
def history(request: Request, record_id: str) -> dict[str, Any]:
    try:
        steps = _curation(request).curator.history(record_id)
    except CurationError as exc:
        raise _refused(exc) from None
    return {"id": record_id, "steps": [s.to_dict() for s in steps]}


@router.post(
    "/mappings/{record_id}/{action}",
    summary="Approve, reject, publish or withdraw a record (reviewer token; not one's own proposal)",
    responses={401: {}, 403: {}, 404: {}, 409: {"description": "the record is not in a state for this"}},
)
async def act(
    request: Request, record_id: str, action: str, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise HTTPException(404, f"unknown action {action!r}: use {', '.join(ACTIONS)}")
    principal = _principal(request, authorization)
    comment = None
    raw = await request.body()
    if raw:
        try:
            import json

            payload = json.loads(raw)
            comment = payload.get("comment") if isinstance(payload, dict) else None
        except ValueError:
            raise HTTPException(400, 'the body must be JSON: {"comment": "why"}') from None
    try:
        state = await _in_thread(_curation(request).curator.act, record_id, action, principal, comment)
    except ForbiddenError as exc:
        raise HTTPException(403, str(exc)) from None
    except CurationError as exc:
        raise _refused(exc) from None
    return state.to_dict()


@router.get("/releases", summary="Releases, newest first: version, date, counts and files")
def releases(request: Request) -> dict[str, Any]:
    return {"releases": list_releases(_curation(request).paths.releases)}


@router.get("/review", response_class=HTMLResponse, summary="Review queue (HTML, no JavaScript needed)")
def review_page(request: Request, done: str | None = None) -> HTMLResponse:
    return _queue(request, message=done)


def _queue(request: Request, message: str | None = None, error: str | None = None, status: int = 200):
    curator = _curation(request).curator
    waiting = curator.records("proposed") + curator.records("approved")
    return html.render(
        request, "review.html", status_code=status, records=waiting, message=message, error=error
    )


@router.post(
    "/review/{record_id}",
    response_class=HTMLResponse,
    summary="Review form target (HTML form: token, action, comment)",
)
async def review_form(request: Request, record_id: str) -> Response:
    raw = await request.body()
    if len(raw) > request.app.state.settings.max_body_bytes:
        return _queue(request, error="the form is too large", status=413)
    form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", errors="replace")).items()}
    token, action, comment = form.get("token", ""), form.get("action", ""), form.get("comment", "")
    try:
        principal = _curation(request).tokens.verify(token.strip() or None)
        await _in_thread(_curation(request).curator.act, record_id, action, principal, comment)
    except AuthError as exc:
        return _queue(request, error=str(exc), status=401)
    except ForbiddenError as exc:
        return _queue(request, error=str(exc), status=403)
    except CurationError as exc:
        return _queue(request, error=str(exc), status=exc.status)
    return RedirectResponse(f"/review?done={record_id}+{action}", status_code=303)
