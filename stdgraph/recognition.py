"""Is my evidence accepted? Requirements for a product in a market, and the reasons, hop by hop.

The facts come from the named queries `queries/recognition-*.rq` (and `adoption.rq`), each bound to IRIs;
this module only walks them and decides:

1. the requirements of the market, and of the unions it belongs to, for the product's HS code and the
   heading and chapter above it, reached through the requirement's own scope or a curated scope mapping
   (always marked as the curator's judgement); requirements that do not apply on the date are left out
   with a note;
2. for each, the evidence its sourced acceptance rules accept or exclude;
3. for the evidence held (a scheme or arrangement, a body, a standard edition, a kind of evidence), a
   verdict per requirement: `accepted`, `accepted via recognition`, `conditional`, `not accepted` (only
   where a sourced rule excludes it) or `not established` (naming the fact no source gives), each with
   every path of reasons: requirement -> rule -> arrangement -> participation -> accreditation -> body ->
   standard edition, each hop with its sources, confidence (primary/secondary) and validity.

Labels of the same type operating in the market (ecolabels) are answered the same way, through the
arrangements between their operators.
"""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from rdflib import URIRef
from rdflib.term import Node

from stdgraph import identifiers
from stdgraph.namespaces import SG, SGID, entity, market, slugify
from stdgraph.queries import get_query
from stdgraph.store import GraphStore

EVIDENCE_KINDS = ("certificate", "test-report", "verification-report", "ecolabel-licence", "self-declaration")
VERDICTS = ("accepted", "accepted via recognition", "conditional", "not accepted", "not established")
HS_VERSION = "2022"
CURATOR_NOTE = "curator's judgement, not the requirement's own words"
RELATION_WORDS = {
    "close": "close to",
    "narrower": "wholly within",
    "broader": "broader than",
    "overlap": "partly within",
}
"""How a scope mapping's relation reads in a hop: 'HS 2523 is wholly within the requirement's scope'."""


class RecognitionInputError(ValueError):
    """An input that names nothing in the graph or cannot be read; carries suggestions."""

    def __init__(self, field_name: str, message: str, suggestions: list[str] | None = None) -> None:
        self.field = field_name
        self.suggestions = suggestions or []
        hint = f" (did you mean: {'; '.join(self.suggestions)}?)" if self.suggestions else ""
        super().__init__(f"{field_name}: {message}{hint}")


# ---------------------------------------------------------------------------------------------------
# the answer


@dataclass
class Hop:
    """One link of a path: a sourced fact, with its confidence and validity."""

    step: str
    label: str
    iri: str | None = None
    sources: list[str] = field(default_factory=list)
    confidence: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None
    curator_judgement: bool = False


@dataclass
class Reason:
    """One path of reasons for a verdict; `missing` names the facts no source gives."""

    verdict: str
    hops: list[Hop]
    missing: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    arrangement: str | None = None
    other_standard: str | None = None
    """Set when the rule names another standard than the one held (the evidence held does not bear on it)."""


@dataclass
class Excluded:
    """A link left out of the answer because it does not hold on the date (or was withdrawn)."""

    step: str
    label: str
    iri: str | None
    note: str


@dataclass
class RequirementAnswer:
    iri: str
    label: str
    imposed_by: str
    legal_basis: str | None
    scope_text: str | None
    evidence_required: str | None
    standard_or_method: str | None
    verified_by: str | None
    applies_from: str | None
    applies_until: str | None
    confidence: str | None
    sources: list[str]
    reached_by: list[list[Hop]]
    accepted_evidence: list[dict]
    verdict: str | None = None
    reasons: list[Reason] = field(default_factory=list)
    also_needed: list[str] = field(default_factory=list)
    """Evidence the requirement names beside the one held (e.g. an IEC 61730 certificate beside IEC 61215)."""


@dataclass
class LabelAnswer:
    """A label of the same type as the one held, operating in the market, and whether it is recognised."""

    iri: str
    label: str
    verdict: str
    reasons: list[Reason]


@dataclass
class Held:
    """The evidence the exporter holds, resolved to IRIs where the graph knows them."""

    kind: str | None = None
    scheme: str | None = None
    scheme_label: str | None = None
    scheme_is_arrangement: bool = False
    body: str | None = None
    body_label: str | None = None
    standard: str | None = None

    @property
    def given(self) -> bool:
        return any((self.kind, self.scheme, self.body, self.standard))


@dataclass
class Answer:
    product: dict
    market: dict
    date: str
    held: Held
    requirements: list[RequirementAnswer]
    labels: list[LabelAnswer]
    excluded: list[Excluded]
    notes: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------------------------------------------
# dates


def _period(value: str | None) -> tuple[date, date] | None:
    """First and last day of an xsd:date, gYearMonth or gYear value."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if day:
        return date(year, month, day), date(year, month, day)  # type: ignore[arg-type]
    if month:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])  # type: ignore[arg-type]
    return date(year, 1, 1), date(year, 12, 31)  # type: ignore[arg-type]


def holds_on(valid_from: str | None, valid_until: str | None, on: date) -> str | None:
    """None when the period holds on `on`, else why not ('expired on ...', 'only from ...')."""
    start, end = _period(valid_from), _period(valid_until)
    if end and end[1] < on:
        return f"expired: valid until {valid_until}"
    if start and start[0] > on:
        return f"not yet in force: valid from {valid_from}"
    return None


def parse_date(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RecognitionInputError(
            "date", f"{text!r} is not a date: write YYYY-MM-DD, e.g. 2026-01-15"
        ) from None


# ---------------------------------------------------------------------------------------------------
# queries


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _sources(cell: Node | None) -> list[str]:
    return sorted(s for s in str(cell or "").split(" ; ") if s)  # GROUP_CONCAT has no order


class Graph:
    """The named queries this module asks, bound to one store."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._nodes: dict[str, dict] = {}

    def rows(self, name: str, **params: str) -> list[dict[str, Node | None]]:
        query = get_query(name)
        bindings = {p.name: p.term(params[p.name]) for p in query.params if p.name in params}
        return self.store.select(query.sparql, bindings).rows

    def select(self, sparql: str, bindings: dict[str, Node] | None = None) -> list[dict[str, Node | None]]:
        """An ad hoc query of this module (resolving inputs), bound like the named ones."""
        return self.store.select(sparql, bindings or {}).rows

    def node(self, iri: str) -> dict:
        """Name, confidence and sources of a node (cached for one answer)."""
        if iri not in self._nodes:
            found = self.rows("recognition-node", node=iri)
            row = found[0] if found else {}
            name = row.get("name") or row.get("acronym") or row.get("identifier")
            self._nodes[iri] = {
                "label": _text(name) or iri.rsplit("/", 1)[-1],
                "acronym": _text(row.get("acronym")),
                "confidence": _text(row.get("level")),
                "sources": _sources(row.get("sources")),
                "jurisdictions": str(row.get("jurisdictions") or "").split(),
                "types": str(row.get("types") or "").split(),
                "exists": bool(found),
            }
        return self._nodes[iri]

    def hop(self, step: str, iri: str, note: str | None = None, label: str | None = None) -> Hop:
        info = self.node(iri)
        return Hop(step, label or info["label"], iri, info["sources"], info["confidence"], note=note)


# ---------------------------------------------------------------------------------------------------
# inputs


def resolve_product(graph: Graph, text: str) -> dict:
    code = re.sub(r"[\s.]", "", text or "")
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
        raise RecognitionInputError(
            "product", f"{text!r} is not an HS code of 2, 4 or 6 digits (e.g. 854143)"
        )
    iri = str(SGID[f"hs/{HS_VERSION}/{code}"])
    info = graph.node(iri)
    if info["exists"]:
        return {"code": code, "iri": iri, "label": info["label"]}
    suggestions: list[str] = []
    for prefix in (code[:4], code[:2]):
        parent = str(SGID[f"hs/{HS_VERSION}/{prefix}"])
        if len(prefix) < len(code) and graph.node(parent)["exists"]:
            rows = graph.select(
                "SELECT ?code ?label WHERE { ?c skos:broader ?parent ; skos:notation ?code ; "
                "skos:prefLabel ?label } ORDER BY ?code LIMIT 8",
                {"parent": URIRef(parent)},
            )
            suggestions = [f"{r['code']} ({str(r['label'])[:60]})" for r in rows]
            break
    raise RecognitionInputError("product", f"HS {HS_VERSION} has no code {code}", suggestions)


def resolve_market(graph: Graph, text: str) -> dict:
    value = (text or "").strip()
    if re.fullmatch(r"[A-Za-z]{2}", value):
        iri = market(value)
        info = graph.node(iri)
        if info["exists"]:
            return {"code": value.upper(), "iri": iri, "label": info["label"]}
    rows = graph.select(
        "SELECT ?code ?label WHERE { ?m sg:iso3166Alpha2 ?code ; skos:prefLabel ?label "
        'FILTER(LANG(?label) = "en") }'
    )
    names = {str(r["label"]).lower(): str(r["code"]) for r in rows}
    if value.lower() in names:
        code = names[value.lower()]
        return {"code": code, "iri": market(code), "label": graph.node(market(code))["label"]}
    close = difflib.get_close_matches(value.lower(), list(names), n=3, cutoff=0.6)
    suggestions = [f"{names[n]} ({n.title()})" for n in close]
    raise RecognitionInputError(
        "market", f"{text!r} is no market in the graph: give an ISO 3166-1 alpha-2 code or EU", suggestions
    )


def resolve_scheme(graph: Graph, text: str) -> tuple[str, str, bool]:
    """A certification scheme or a recognition arrangement, by name or key: (IRI, label, is arrangement)."""
    rows = graph.select(
        "SELECT ?s ?label ?arrangement WHERE { { ?s a sg:CertificationScheme BIND(false AS ?arrangement) } "
        "UNION { ?s sg:arrangementType ?type BIND(true AS ?arrangement) } ?s skos:prefLabel ?label }"
    )
    wanted = text.strip().lower()
    keys: dict[str, tuple[str, str, bool]] = {}
    for r in rows:
        iri, label = str(r["s"]), str(r["label"])
        found = (iri, label, str(r["arrangement"]) == "true")
        keys.setdefault(label.lower(), found)
        keys.setdefault(iri.rsplit("/", 1)[-1], found)
    for candidate in (wanted, _slug(wanted)):
        if candidate in keys:
            return keys[candidate]
    close = difflib.get_close_matches(wanted, [k for k in keys if " " in k or "-" not in k], n=4, cutoff=0.5)
    raise RecognitionInputError(
        "scheme", f"no scheme or arrangement named {text!r}", [keys[c][1] for c in close]
    )


def resolve_body(graph: Graph, text: str) -> tuple[str | None, str]:
    """A body by acronym (`CQC`, `CQC@CN`) or name; a body the graph does not know stays as text."""
    acronym, _, country = text.strip().partition("@")
    rows = graph.select(
        "SELECT ?b ?acronym ?code WHERE { ?b sg:acronym ?acronym "
        "OPTIONAL { ?b sg:jurisdiction/sg:iso3166Alpha2 ?code } }"
    )
    matches = sorted(
        {
            str(r["b"])
            for r in rows
            if str(r["acronym"]).lower() == acronym.lower()
            and (not country or str(r["code"] or "").upper() == country.upper())
        }
    )
    if len(matches) == 1:
        return matches[0], graph.node(matches[0])["label"]
    if len(matches) > 1:
        options = sorted(
            {f"{r['acronym']}@{r['code']}" for r in rows if str(r["b"]) in matches and r["code"]}
        )
        raise RecognitionInputError("body", f"{text!r} names several bodies; add the country", options)
    return None, text.strip()


def resolve_standard(text: str) -> identifiers.StandardRef:
    try:
        return identifiers.parse(text)
    except identifiers.IdentifierError as exc:
        raise RecognitionInputError("standard", f"{text!r} is not a standard reference: {exc}") from None


def _slug(text: str) -> str:
    try:
        return slugify(text)
    except ValueError:
        return text


# ---------------------------------------------------------------------------------------------------
# reasoning


@dataclass
class Context:
    graph: Graph
    on: date
    held: Held
    standard: identifiers.StandardRef | None
    excluded: list[Excluded]


def _rank(verdict: str) -> int:
    return VERDICTS.index(verdict)


def _rule_summary(rule: dict[str, Node | None]) -> dict:
    return {
        "rule": _text(rule["rule"]),
        "evidence_kind": _text(rule["kind"]),
        "excludes": _text(rule["excludes"]) == "true",
        "scheme": _text(rule["schemeLabel"]),
        "arrangement": _text(rule["arrangementLabel"]),
        "body": _text(rule["bodyLabel"]),
        "standard": _text(rule["standardId"]),
        "edition_year": _text(rule["editionYear"]),
        "other_editions_excluded": _text(rule["otherEditionsExcluded"]) == "true",
        "accreditation_market": _text(rule["accreditationMarket"]),
        "condition": _text(rule["condition"]),
        "note": _text(rule["note"]),
        "sources": _sources(rule["sources"]),
        "confidence": _text(rule["level"]),
    }


def _rule_hop(rule: dict[str, Node | None]) -> Hop:
    s = _rule_summary(rule)
    what = "excludes" if s["excludes"] else "accepts"
    parts = [f"{what} a {s['evidence_kind']}"]
    for key, words in (
        ("scheme", "of"),
        ("arrangement", "through"),
        ("body", "from"),
        ("standard", "against"),
    ):
        if s[key]:
            parts.append(f"{words} {s[key]}")
    if s["edition_year"]:
        parts.append(f"({s['edition_year']} edition{' only' if s['other_editions_excluded'] else ''})")
    if s["accreditation_market"]:
        parts.append(f"by a body accredited in {s['accreditation_market'].rsplit('/', 1)[-1]}")
    return Hop("rule", " ".join(parts), s["rule"], s["sources"], s["confidence"], note=s["note"])


def _members(graph: Graph, market_iri: str) -> set[str]:
    code = market_iri.rsplit("/", 1)[-1]
    rows = graph.rows("recognition-market", market=code)
    return {market_iri} | {str(r["related"]) for r in rows if str(r["relation"]) == "member"}


def _arrangement(ctx: Context, iri: str) -> tuple[Hop, str | None]:
    rows = ctx.graph.rows("recognition-arrangement", arrangement=iri)
    row = rows[0] if rows else {}
    recognises = _text(row.get("recognises"))
    scope = _text(row.get("scopeText"))
    note = "; ".join(
        filter(
            None, (f"recognises: {recognises}" if recognises else None, f"scope: {scope}" if scope else None)
        )
    )
    hop = Hop(
        "arrangement",
        _text(row.get("label")) or ctx.graph.node(iri)["label"],
        iri,
        _sources(row.get("sources")),
        _text(row.get("level")),
        valid_from=_text(row.get("inForce")) or _text(row.get("signed")),
        note=note or _text(row.get("comments")),
    )
    status = _text(row.get("status"))
    problem = f"arrangement status: {status}" if status in ("withdrawn", "suspended") else None
    return hop, problem


def _participations(ctx: Context, body: str, arrangement: str, label: str) -> list[Hop]:
    hops = []
    for p in ctx.graph.rows("recognition-participations", body=body, arrangement=arrangement):
        valid_from, valid_until = _text(p["validFrom"]), _text(p["validUntil"])
        role = _text(p["role"]) or "participant"
        problem = holds_on(valid_from, valid_until, ctx.on)
        if _text(p["status"]) == "withdrawn":
            problem = f"withdrawn{f' ({valid_until})' if valid_until else ''}"
        hop = Hop(
            "participation",
            f"{ctx.held.body_label} is {role} in {label}",
            _text(p["participation"]),
            _sources(p["sources"]),
            _text(p["level"]),
            valid_from,
            valid_until,
            note=_text(p["scopeText"]) or _text(p["comments"]),
        )
        if problem:
            ctx.excluded.append(Excluded("participation", hop.label, hop.iri, problem))
        else:
            hops.append(hop)
    return hops


def _accreditation(ctx: Context, rule_market: str, req_label: str, reason: Reason) -> None:
    where = rule_market.rsplit("/", 1)[-1]
    held = ctx.held
    if not held.body:
        who = held.body_label or "the verifier or certifier"
        if held.body_label:
            reason.missing.append(
                f"no source found about {who}: no accreditation of it by an accreditation body of "
                f"{where} is known"
            )
        else:
            reason.missing.append(
                f"the body that issued the evidence was not given; '{req_label}' needs one accredited by an "
                f"accreditation body of {where} (or of its member states)"
            )
        return
    allowed = _members(ctx.graph, rule_market)
    elsewhere = []
    body_info = ctx.graph.node(held.body)
    if str(SG.AccreditationBody) in body_info["types"]:
        # The exporter named the accreditation body of their verifier: its own jurisdiction decides.
        hop = ctx.graph.hop("accreditation body", held.body)
        codes = ", ".join(j.rsplit("/", 1)[-1] for j in body_info["jurisdictions"])
        hop.note = f"jurisdiction: {codes or 'not stated'}"
        reason.hops.append(hop)
        if set(body_info["jurisdictions"]) & allowed:
            return
        reason.hops += _signatory_context(ctx, held.body)
        reason.missing.append(
            f"no source found that '{req_label}' accepts verifiers accredited outside {where} "
            f"(accredited by {held.body_label})"
        )
        return
    for acc in ctx.graph.rows("recognition-accreditations", body=held.body):
        hop = Hop(
            "accreditation",
            f"{held.body_label} accredited by "
            f"{_text(acc['accreditationBodyLabel']) or _text(acc['accreditationBody'])}",
            _text(acc["accreditation"]),
            _sources(acc["sources"]),
            _text(acc["level"]),
            _text(acc["validFrom"]),
            _text(acc["validUntil"]),
            note=_text(acc["scopeText"]),
        )
        problem = holds_on(hop.valid_from, hop.valid_until, ctx.on)
        if problem:
            ctx.excluded.append(Excluded("accreditation", hop.label, hop.iri, problem))
            continue
        jurisdictions = set(str(acc["jurisdictions"] or "").split())
        if jurisdictions & allowed:
            reason.hops += [hop, ctx.graph.hop("accreditation body", str(acc["accreditationBody"]))]
            return
        elsewhere.append((hop, str(acc["accreditationBody"])))
    if elsewhere:
        names = ", ".join(h.label for h, _ in elsewhere)
        reason.missing.append(
            f"no source found that '{req_label}' accepts verifiers accredited outside {where} ({names})"
        )
        for hop, ab in elsewhere:
            reason.hops.append(hop)
            reason.hops += _signatory_context(ctx, ab)
    else:
        reason.missing.append(
            f"no source found of an accreditation of {held.body_label} by an accreditation body of {where}"
        )


def _signatory_context(ctx: Context, ab: str) -> list[Hop]:
    """An accreditation body's IAF MLA / ILAC MRA participations, shown as context of a path."""
    hops = []
    for key in ("IAF MLA", "ILAC MRA"):
        arrangement = entity("arrangement", key)
        for p in ctx.graph.rows("recognition-participations", body=ab, arrangement=arrangement):
            problem = holds_on(_text(p["validFrom"]), _text(p["validUntil"]), ctx.on)
            if problem or _text(p["status"]) == "withdrawn":
                continue
            hops.append(
                Hop(
                    "signatory",
                    f"{ctx.graph.node(ab)['label']} is {_text(p['role'])} of the {key}"
                    + (f" for {_text(p['scopeText'])}" if p["scopeText"] else ""),
                    _text(p["participation"]),
                    _sources(p["sources"]),
                    _text(p["level"]),
                    _text(p["validFrom"]),
                    _text(p["validUntil"]),
                    note=f"context only: no source links the {key} to this requirement",
                )
            )
    return hops


def _same_work(held_work: str, rule_work: str) -> bool:
    """'IEC 61215-1' is a part of the series 'IEC 61215'."""
    return held_work == rule_work or held_work.startswith(f"{rule_work}-")


def _edition_check(
    ref: identifiers.StandardRef, rule: dict, reason: Reason, label: str, via: str = ""
) -> None:
    year, only = rule["edition_year"], rule["other_editions_excluded"]
    hop = Hop(
        "standard edition", f"{ref.canonical}{via}", ref.edition_iri if ref.is_edition else ref.standard_iri
    )
    reason.hops.append(hop)
    if not year:
        return
    if not ref.year:
        reason.missing.append(
            f"the edition of {ref.canonical} held was not given; '{label}' names the {year} edition"
        )
    elif ref.year < year and only:
        reason.verdict = "not accepted"
        hop.note = (
            f"older than the {year} edition, the only one the requirement accepts (see the rule's source)"
        )
    elif ref.year < year:
        reason.conditions.append(f"{ref.canonical} is an older edition than the {year} edition named")
    elif ref.year > year:
        reason.conditions.append(f"{ref.canonical} is a later edition than the {year} edition named")


def _standard(ctx: Context, rule: dict, reason: Reason, label: str) -> None:
    ref = ctx.standard
    work = rule["standard"]
    if ref is None:
        reason.missing.append(
            f"the standard of the evidence was not given; '{label}' names {work}"
            + (f" ({rule['edition_year']} edition)" if rule["edition_year"] else "")
        )
        return
    if _same_work(ref.work, work):
        _edition_check(ref, rule, reason, label)
        return
    if ref.is_edition:
        for row in ctx.graph.rows("adoption", standard=ref.canonical):
            adopted = identifiers.parse(str(row["adopted"]))
            if not _same_work(adopted.work, work):
                continue
            degree = str(row["degree"])
            reason.hops.append(
                Hop(
                    "adoption",
                    f"{ref.canonical} adopts {adopted.canonical} ({degree})",
                    None,
                    _sources(row["source"]),
                    _text(row["evidence"]),
                )
            )
            if degree == "IDT":
                _edition_check(adopted, rule, reason, label, via=f" (through {ref.canonical}, IDT)")
            elif degree == "MOD":
                reason.conditions.append(
                    f"{ref.canonical} is a modified (MOD) adoption of {adopted.canonical}: "
                    "equivalence is partial"
                )
                _edition_check(adopted, rule, reason, label, via=f" (through {ref.canonical}, MOD)")
            elif degree == "NEQ":
                reason.missing.append(
                    f"{ref.canonical} is not equivalent (NEQ) to {adopted.canonical}; no source found that "
                    f"'{label}' accepts it"
                )
            else:
                reason.missing.append(
                    f"the degree of adoption of {adopted.canonical} by {ref.canonical} is not established"
                )
            return
    reason.other_standard = work


def evaluate_rule(ctx: Context, rule_row: dict[str, Node | None], req: RequirementAnswer) -> Reason | None:
    """The verdict of one acceptance rule for the evidence held; None when it is about another kind."""
    rule = _rule_summary(rule_row)
    held = ctx.held
    if held.kind and held.kind != rule["evidence_kind"]:
        return None
    requirement_hop = Hop(
        "requirement", req.label, req.iri, req.sources, req.confidence, req.applies_from, req.applies_until
    )
    reason = Reason("accepted", [requirement_hop, _rule_hop(rule_row)])
    if rule["excludes"]:
        if held.kind != rule["evidence_kind"]:
            return None  # an exclusion of a kind the exporter did not say they hold
        reason.verdict = "not accepted"
        return reason
    if rule_row["scheme"] is not None:
        scheme = str(rule_row["scheme"])
        if held.scheme == scheme:
            reason.hops.append(ctx.graph.hop("scheme", scheme))
        elif held.scheme:
            reason.missing.append(
                f"no source found that '{req.label}' accepts {held.scheme_label} (it names {rule['scheme']})"
            )
        else:
            reason.missing.append(
                f"the scheme of the evidence was not given; '{req.label}' names {rule['scheme']}"
            )
    if rule_row["arrangement"] is not None:
        arrangement = str(rule_row["arrangement"])
        hop, problem = _arrangement(ctx, arrangement)
        if problem:
            ctx.excluded.append(Excluded("arrangement", hop.label, arrangement, problem))
            reason.missing.append(f"{hop.label} does not hold on {ctx.on} ({problem})")
        reason.hops.append(hop)
        reason.arrangement = hop.label
        if held.scheme and held.scheme_is_arrangement and held.scheme != arrangement:
            reason.missing.append(
                f"no source found that '{req.label}' accepts evidence under {held.scheme_label}"
            )
        if held.body:
            found = _participations(ctx, held.body, arrangement, hop.label)
            if found:
                reason.hops += found
                reason.hops.append(ctx.graph.hop("body", held.body))
            else:
                reason.missing.append(
                    f"no source found that {held.body_label} takes part in the {hop.label} now"
                )
        elif held.body_label:
            reason.missing.append(
                f"no source found about {held.body_label}: its place in the {hop.label} is unknown"
            )
        else:
            reason.missing.append(
                f"the body that issued the evidence was not given; '{req.label}' accepts it through "
                f"the {hop.label}"
            )
    if rule_row["body"] is not None:
        body = str(rule_row["body"])
        if held.body == body:
            reason.hops.append(ctx.graph.hop("body", body))
        elif held.body_label:
            reason.missing.append(
                f"no source found that '{req.label}' accepts evidence from {held.body_label} "
                f"(it names {rule['body']})"
            )
        else:
            reason.missing.append(f"the body was not given; '{req.label}' names {rule['body']}")
    if rule_row["accreditationMarket"] is not None:
        _accreditation(ctx, str(rule_row["accreditationMarket"]), req.label, reason)
    if rule["standard"]:
        _standard(ctx, rule, reason, req.label)
    elif ctx.standard is not None:
        method = f" (its method: {req.standard_or_method})" if req.standard_or_method else ""
        reason.missing.append(
            f"no source found that '{req.label}' accepts evidence against {ctx.standard.canonical}{method}"
        )
    if rule["condition"]:
        reason.conditions.append(rule["condition"])
    if reason.verdict == "not accepted":
        return reason
    if reason.missing:
        reason.verdict = "not established"
    elif reason.conditions:
        reason.verdict = "conditional"
    elif reason.arrangement:
        reason.verdict = "accepted via recognition"
    return reason


def _judge(ctx: Context, req: RequirementAnswer, rules: list[dict[str, Node | None]]) -> None:
    requirement_hop = Hop(
        "requirement", req.label, req.iri, req.sources, req.confidence, req.applies_from, req.applies_until
    )
    evaluated = [r for r in (evaluate_rule(ctx, rule, req) for rule in rules) if r is not None]
    reasons = [r for r in evaluated if r.other_standard is None]
    others = sorted({r.other_standard for r in evaluated if r.other_standard})
    if reasons:
        req.also_needed = [f"evidence against {work}, which '{req.label}' also names" for work in others]
    elif others:
        reasons = [
            Reason(
                "not established",
                [requirement_hop],
                [
                    f"no source found that '{req.label}' accepts evidence against "
                    f"{ctx.standard.canonical if ctx.standard else 'the standard held'}; "
                    f"it names {', '.join(others)}"
                ],
            )
        ]
    elif not rules:
        who = f"; who verifies or accepts, as its source states: {req.verified_by}" if req.verified_by else ""
        reasons = [
            Reason(
                "not established",
                [requirement_hop],
                [f"no source found of what evidence '{req.label}' accepts{who}"],
            )
        ]
    else:
        kinds = ", ".join(sorted({str(r["kind"]) for r in rules}))
        what = f"a {ctx.held.kind}" if ctx.held.kind else "the evidence held"
        missing = f"no source found that '{req.label}' accepts {what}; its sources name: {kinds}"
        reasons = [Reason("not established", [requirement_hop], [missing])]
    reasons.sort(key=lambda r: _rank(r.verdict))
    req.reasons = reasons
    req.verdict = reasons[0].verdict


def _labels(ctx: Context, market_code: str) -> list[LabelAnswer]:
    held = ctx.held
    if not held.scheme or held.scheme_is_arrangement:
        return []
    found: dict[str, LabelAnswer] = {}
    for row in ctx.graph.rows("recognition-labels", scheme=held.scheme, market=market_code):
        target = str(row["target"])
        answer = found.setdefault(
            target, LabelAnswer(target, _text(row["targetLabel"]) or ctx.graph.node(target)["label"], "", [])
        )
        if row["arrangement"] is None:
            continue
        arrangement = str(row["arrangement"])
        hop, problem = _arrangement(ctx, arrangement)
        if problem:
            ctx.excluded.append(Excluded("arrangement", hop.label, arrangement, problem))
            continue
        hops = [
            ctx.graph.hop("scheme", held.scheme),
            ctx.graph.hop("operator", str(row["heldParty"])),
            hop,
            ctx.graph.hop("operator", str(row["targetParty"])),
            ctx.graph.hop("scheme", target),
        ]
        answer.reasons.append(Reason("accepted via recognition", hops, arrangement=hop.label))
    for answer in found.values():
        if answer.reasons:
            answer.verdict = "accepted via recognition"
        else:
            answer.verdict = "not established"
            answer.reasons = [
                Reason(
                    "not established",
                    [ctx.graph.hop("scheme", held.scheme), ctx.graph.hop("scheme", answer.iri)],
                    [
                        f"no source found of an arrangement between the operators of "
                        f"{held.scheme_label} and {answer.label}"
                    ],
                )
            ]
    return list(found.values())


def _reached_by(
    graph: Graph, row: dict[str, Node | None], hs: dict, mkt: dict, hs_sources: list[str]
) -> list[Hop]:
    hops = []
    imposed = str(row["imposedBy"])
    if imposed != mkt["iri"]:
        union = graph.node(imposed)
        hops.append(
            Hop(
                "membership",
                f"{mkt['label']} is a member state of {union['label']}",
                imposed,
                union["sources"],
                union["confidence"],
            )
        )
    scope = str(row["scope"])
    if scope != hs["iri"]:
        code = scope.rsplit("/", 1)[-1]
        hops.append(
            Hop(
                "hs",
                f"HS {hs['code']} falls under HS {code} ({graph.node(scope)['label']})",
                scope,
                hs_sources,
                "primary",
            )
        )
    if row["mapping"] is not None:
        code = scope.rsplit("/", 1)[-1]
        hops.append(
            Hop(
                "scope mapping",
                f"HS {code} is {RELATION_WORDS.get(str(row['relation']), 'mapped to')} the requirement's "
                f"scope '{_text(row['scopeText'])}'",
                str(row["mapping"]),
                _sources(row["mappingSources"]),
                _text(row["mappingLevel"]),
                note=f"{_text(row['justification'])} — {_text(row['curator'])}",
                curator_judgement=True,
            )
        )
    else:
        hops.append(
            Hop("product scope", f"the requirement's own scope names HS {scope.rsplit('/', 1)[-1]}", scope)
        )
    return hops


def answer(
    store: GraphStore,
    product: str,
    market_code: str,
    on: str | None = None,
    scheme: str | None = None,
    body: str | None = None,
    standard: str | None = None,
    evidence: str | None = None,
    graph: Graph | None = None,
) -> Answer:
    """What a market requires for a product on a date; whether the evidence held is accepted, and why.

    `graph` is where the facts are read: by default the named queries on `store`, one answer at a time;
    `stdgraph.recognition_index.RecognitionIndex.graph()` gives the same facts from a precomputed index.
    """
    graph = graph if graph is not None else Graph(store)
    day = parse_date(on)
    hs = resolve_product(graph, product)
    mkt = resolve_market(graph, market_code)
    held = Held()
    if evidence:
        if evidence not in EVIDENCE_KINDS:
            close = difflib.get_close_matches(evidence, EVIDENCE_KINDS, n=2, cutoff=0.4)
            raise RecognitionInputError(
                "evidence", f"{evidence!r} is not one of {', '.join(EVIDENCE_KINDS)}", close
            )
        held.kind = evidence
    if scheme:
        held.scheme, held.scheme_label, held.scheme_is_arrangement = resolve_scheme(graph, scheme)
    if body:
        held.body, held.body_label = resolve_body(graph, body)
    ref = resolve_standard(standard) if standard else None
    if ref is not None:
        held.standard = ref.canonical
    ctx = Context(graph, day, held, ref, [])
    notes = []
    if body and held.body is None:
        notes.append(f"no body {body!r} is in the graph: every fact about it is not established")
    hs_scheme = graph.node(str(SGID[f"hs/{HS_VERSION}"]))["sources"]
    grouped: dict[str, RequirementAnswer] = {}
    for row in graph.rows("recognition-requirements", market=mkt["code"], hs=hs["code"]):
        iri = str(row["requirement"])
        if iri not in grouped:
            problem = holds_on(_text(row["appliesFrom"]), _text(row["appliesUntil"]), day)
            if problem:
                ctx.excluded.append(Excluded("requirement", str(row["label"]), iri, problem))
                grouped[iri] = None  # type: ignore[assignment]
                continue
            grouped[iri] = RequirementAnswer(
                iri=iri,
                label=str(row["label"]),
                imposed_by=str(row["imposedBy"]).rsplit("/", 1)[-1],
                legal_basis=_text(row["legalBasis"]),
                scope_text=_text(row["scopeText"]),
                evidence_required=_text(row["evidenceRequired"]),
                standard_or_method=_text(row["standardOrMethod"]),
                verified_by=_text(row["verifiedBy"]),
                applies_from=_text(row["appliesFrom"]),
                applies_until=_text(row["appliesUntil"]),
                confidence=_text(row["level"]),
                sources=_sources(row["sources"]),
                reached_by=[],
                accepted_evidence=[],
            )
        if grouped[iri] is not None:
            grouped[iri].reached_by.append(_reached_by(graph, row, hs, mkt, hs_scheme))
    requirements = [r for r in grouped.values() if r is not None]
    for req in requirements:
        rules = graph.rows("recognition-rules", requirement=req.iri)
        req.accepted_evidence = [_rule_summary(r) for r in rules]
        if held.given:
            _judge(ctx, req, rules)
    labels = _labels(ctx, mkt["code"])
    if not requirements:
        notes.append(f"no sourced requirement of {mkt['label']} for HS {hs['code']} applies on {day}")
    if any(h.curator_judgement for r in requirements for path in r.reached_by for h in path):
        notes.append(f"scope mappings are the {CURATOR_NOTE}")
    unique = {(e.step, e.iri, e.note): e for e in ctx.excluded}
    return Answer(hs, mkt, day.isoformat(), held, requirements, labels, list(unique.values()), notes)
