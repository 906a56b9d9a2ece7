"""`GET /recognition`: what a market requires for a product, and whether the evidence held is accepted.

Parameters: `product` (HS 2022 code), `market` (ISO 3166-1 alpha-2 or EU), optional `evidence` (kind),
`scheme`, `body`, `standard`, `date` (YYYY-MM-DD, default today). The answer is `stdgraph.recognition`'s,
the same as `stdgraph accepts` gives:

- JSON (default): the answer with its paths, hop by hop, each hop with sources, confidence and validity;
- JSON-LD (`Accept: application/ld+json` or `format=jsonld`): the same answer shaped after the UN/CEFACT
  UN Transparency Protocol (UNTP) Digital Conformity Credential terms where they fit (`Regulation`,
  `jurisdictionCountry`, `effectiveDate`, `ConformityAttestation`, `attestationType`, `scope` /
  `ConformityAssessmentScheme`, `referenceStandard`, `authorisation` / `Endorsement`, `issuingAuthority`),
  following https://uncefact.github.io/spec-untp/docs/specification/ConformityCredential (DCC 0.4.1,
  context https://test.uncefact.org/vocabulary/untp/dcc/0.4.1/); what UNTP has no term for (verdicts,
  paths, missing facts, curator's judgements) uses the stdgraph ontology;
- HTML (`Accept: text/html` or `format=html`): the answer for people, printable, with a form; the page's
  permalink is its query string.

The facts come from the app's `stdgraph.recognition_index.RecognitionIndex`, read once from the store and
rebuilt after every write through it (`store.generation`); the answers are the SPARQL path's.

Bad input (an unknown HS code or market, a bad date or evidence kind, an ambiguous body) is refused with
422, naming the field and suggestions.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.html import render
from stdgraph.namespaces import SG
from stdgraph.queries import get_query
from stdgraph.recognition import EVIDENCE_KINDS, Answer, RecognitionInputError, answer
from stdgraph.recognition_index import RecognitionIndex

router = APIRouter()

PARAMS = ("product", "market", "evidence", "scheme", "body", "standard", "date")
UNTP_DCC = "https://test.uncefact.org/vocabulary/untp/dcc/0/"
UNTP_SPEC = "https://uncefact.github.io/spec-untp/docs/specification/ConformityCredential"
ATTESTATION_TYPES = {
    "certificate": "certification",
    "test-report": "testing",
    "verification-report": "verification",
    "ecolabel-licence": "certification",
    "self-declaration": "declaration",
}
"""Evidence kinds as UNTP `attestationType` codes."""


def _wants(request: Request) -> str:
    fmt = request.query_params.get("format", "").lower()
    if fmt in ("json", "jsonld", "html"):
        return fmt
    accept = request.headers.get("accept", "")
    if "application/ld+json" in accept:
        return "jsonld"
    if "text/html" in accept:
        return "html"
    return "json"


def _index(request: Request) -> RecognitionIndex:
    """The app's recognition index, made on first use; it rebuilds itself when the store was written."""
    store = request.app.state.store
    index = getattr(request.app.state, "recognition_index", None)
    if index is None or index.store is not store:
        index = RecognitionIndex(store)
        request.app.state.recognition_index = index
    return index


@router.get("/recognition", response_model=None)
def recognition(request: Request) -> Response:
    """Requirements for a product in a market on a date; the verdict on the evidence held, with reasons."""
    values = {k: v.strip() for k in PARAMS if (v := request.query_params.get(k, "")).strip()}
    fmt = _wants(request)
    permalink = f"/recognition?{urlencode(values)}" if values else "/recognition"
    if "product" not in values or "market" not in values:
        if fmt == "html":
            return _page(request, values, permalink)
        missing = [k for k in ("product", "market") if k not in values]
        return JSONResponse(
            {"detail": f"give {' and '.join(missing)}: e.g. /recognition?product=854143&market=AU"},
            status_code=422,
        )
    if fmt == "html" and not HS_CODE.fullmatch(values["product"]):
        return _page(request, values, permalink, picks=hs_picks(request, values))
    try:
        result = answer(
            request.app.state.store,
            values["product"],
            values["market"],
            values.get("date"),
            values.get("scheme"),
            values.get("body"),
            values.get("standard"),
            values.get("evidence"),
            graph=_index(request).graph(),
        )
    except RecognitionInputError as exc:
        if fmt == "html":
            return _page(request, values, permalink, error=exc, status_code=422)
        return JSONResponse(
            {"detail": str(exc), "field": exc.field, "suggestions": exc.suggestions}, status_code=422
        )
    if fmt == "html":
        return _page(request, values, permalink, result=result)
    if fmt == "jsonld":
        return JSONResponse(jsonld(result, permalink), media_type="application/ld+json")
    return JSONResponse({"permalink": permalink, **result.to_dict()})


HS_CODE = re.compile(r"[\d.\s]+")


def hs_picks(request: Request, values: dict) -> list[dict]:
    """HS codes whose description holds the words typed as the product, each a link to ask with it."""
    query = get_query("hs-search")
    rows = request.app.state.store.select(query.sparql, query.bindings({"text": values["product"]})).rows
    return [
        {
            "code": str(r["notation"]),
            "label": str(r["label"]),
            "href": "/recognition?" + urlencode({**values, "product": str(r["notation"])}),
        }
        for r in rows
    ]


def _page(request: Request, values: dict, permalink: str, result: Answer | None = None, **extra) -> Response:
    status = extra.pop("status_code", 200)
    return render(
        request,
        "recognition.html",
        status_code=status,
        values=values,
        permalink=permalink,
        result=result,
        kinds=EVIDENCE_KINDS,
        **extra,
    )


def _hops(reason: dict) -> list[dict]:
    return [
        {
            "type": ["sg:Hop"],
            "sg:step": hop["step"],
            "name": hop["label"],
            **({"id": hop["iri"]} if hop["iri"] else {}),
            "sg:source": hop["sources"],
            "sg:evidenceLevel": hop["confidence"],
            "sg:validFrom": hop["valid_from"],
            "sg:validUntil": hop["valid_until"],
            "sg:note": hop["note"],
            "sg:curatorJudgement": hop["curator_judgement"],
        }
        for hop in reason["hops"]
    ]


def _reasons(reasons: list[dict]) -> list[dict]:
    return [
        {
            "type": ["sg:Reason"],
            "sg:verdict": r["verdict"],
            "sg:arrangement": r["arrangement"],
            "sg:missing": r["missing"],
            "sg:condition": r["conditions"],
            "sg:path": _hops(r),
        }
        for r in reasons
    ]


def jsonld(result: Answer, permalink: str) -> dict:
    """The answer as JSON-LD, with UNTP DCC terms where they fit and sg: terms for the rest."""
    data = result.to_dict()
    held = data["held"]
    attestation = None
    if result.held.given:
        attestation = {
            "type": ["ConformityAttestation"],
            "attestationType": ATTESTATION_TYPES.get(held["kind"] or ""),
            "scope": (
                {"type": ["ConformityAssessmentScheme"], "id": held["scheme"], "name": held["scheme_label"]}
                if held["scheme"]
                else None
            ),
            "sg:issuedBy": (
                {"type": ["Entity"], "id": held["body"], "name": held["body_label"]}
                if held["body_label"]
                else None
            ),
            "referenceStandard": (
                {"type": ["Standard"], "name": held["standard"]} if held["standard"] else None
            ),
        }
    requirements = []
    for req in data["requirements"]:
        requirements.append(
            {
                "type": ["Regulation", "sg:MarketRequirement"],
                "id": req["iri"],
                "name": req["label"],
                "jurisdictionCountry": req["imposed_by"],
                "effectiveDate": req["applies_from"],
                "sg:appliesUntil": req["applies_until"],
                "sg:legalBasis": req["legal_basis"],
                "sg:productScopeText": req["scope_text"],
                "sg:evidenceRequired": req["evidence_required"],
                "sg:verifiedBy": req["verified_by"],
                "sg:source": req["sources"],
                "sg:evidenceLevel": req["confidence"],
                "sg:reachedBy": [_hops({"hops": path}) for path in req["reached_by"]],
                "sg:acceptedEvidence": [
                    {
                        "type": ["sg:AcceptanceRule"],
                        "id": rule["rule"],
                        "attestationType": ATTESTATION_TYPES.get(rule["evidence_kind"] or ""),
                        "sg:evidenceKind": rule["evidence_kind"],
                        "sg:excludes": rule["excludes"],
                        "scope": (
                            {
                                "type": ["ConformityAssessmentScheme"],
                                "name": rule["scheme"] or rule["arrangement"],
                            }
                            if rule["scheme"] or rule["arrangement"]
                            else None
                        ),
                        "referenceStandard": (
                            {
                                "type": ["Standard"],
                                "name": rule["standard"],
                                "sg:editionYear": rule["edition_year"],
                            }
                            if rule["standard"]
                            else None
                        ),
                        "authorisation": (
                            [
                                {
                                    "type": ["Endorsement"],
                                    "issuingAuthority": {"jurisdictionCountry": rule["accreditation_market"]},
                                }
                            ]
                            if rule["accreditation_market"]
                            else []
                        ),
                        "sg:condition": rule["condition"],
                        "sg:note": rule["note"],
                        "sg:source": rule["sources"],
                        "sg:evidenceLevel": rule["confidence"],
                    }
                    for rule in req["accepted_evidence"]
                ],
                "sg:verdict": req["verdict"],
                "sg:reason": _reasons(req["reasons"]),
                "sg:alsoNeeded": req["also_needed"],
            }
        )
    return {
        "@context": {
            "@vocab": UNTP_DCC,
            "sg": str(SG),
            "id": "@id",
            "type": "@type",
            "sg:source": {"@type": "@id"},
        },
        "id": permalink,
        "type": ["sg:RecognitionAnswer"],
        "sg:conformsTo": UNTP_SPEC,
        "sg:date": data["date"],
        "sg:product": {"type": ["Product"], "id": data["product"]["iri"], "name": data["product"]["label"]},
        "sg:market": {"id": data["market"]["iri"], "name": data["market"]["label"]},
        "sg:evidenceHeld": attestation,
        "sg:requirement": requirements,
        "sg:label": [
            {
                "id": label["iri"],
                "name": label["label"],
                "sg:verdict": label["verdict"],
                "sg:reason": _reasons(label["reasons"]),
            }
            for label in data["labels"]
        ],
        "sg:excluded": [_excluded(e) for e in data["excluded"]],
        "sg:note": data["notes"],
    }


def _excluded(item: dict) -> dict:
    return {"sg:step": item["step"], "name": item["label"], "id": item["iri"], "sg:note": item["note"]}
