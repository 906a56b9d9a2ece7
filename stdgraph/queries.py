"""Named SPARQL queries: `queries/*.rq` files whose header declares what they answer and their parameters.

The header follows grlc's decorator style (`#+ key: value`, YAML), so the same file serves the CLI, the
HTTP API and a researcher reading it. Parameters are typed: a value people write (`GB/T 24001-2016`,
`CN`, `2024-01-01`) is turned into a validated RDF term and bound in a VALUES block, never pasted as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import Literal, URIRef
from rdflib.term import Node

from stdgraph import config, identifiers
from stdgraph.namespaces import SGID, XSD, market
from stdgraph.terms import CellError, date_literal

PARAM_TYPES = ("standard", "edition", "iri", "string", "date", "integer", "market", "hs")


class QueryFileError(ValueError):
    """A query file whose header or parameters are wrong."""


class ParameterError(ValueError):
    """A parameter value that does not fit its declared type; the message says what was expected."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str = "string"
    description: str = ""
    example: str | None = None
    required: bool = True
    default: str | None = None

    def term(self, value: str) -> Node:
        """The RDF term for a value as a user writes it."""
        try:
            return _convert(self.type, value.strip())
        except (ValueError, CellError) as exc:
            raise ParameterError(f"parameter {self.name!r} ({self.type}): {exc}") from None


def _convert(kind: str, value: str) -> Node:
    if kind == "edition":
        return URIRef(identifiers.edition_iri(value))
    if kind == "standard":
        ref = identifiers.parse(value)
        return URIRef(identifiers.edition_iri(value) if ref.is_edition else identifiers.standard_iri(value))
    if kind == "iri":
        if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value, re.I):
            raise ValueError(f"{value!r} is not an absolute IRI")
        return URIRef(value)
    if kind == "date":
        return date_literal(value)
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"{value!r} is not an integer")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "market":
        return URIRef(market(value))
    if kind == "hs":
        code = re.sub(r"[\s.]", "", value)
        if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", code):
            raise ValueError(f"{value!r} is not an HS code of 2, 4 or 6 digits")
        return URIRef(SGID[f"hs/2022/{code}"])
    return Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    description: str
    sparql: str
    params: tuple[Parameter, ...] = field(default_factory=tuple)

    def bindings(self, values: dict[str, str]) -> dict[str, Node]:
        """Check the given values against the declared parameters and convert them to terms."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        bound: dict[str, Node] = {}
        for param in self.params:
            value = values.get(param.name, param.default)
            if value is None:
                if param.required:
                    raise ParameterError(
                        f"query {self.name!r} needs --param {param.name}=... "
                        f"({param.description or param.type}; e.g. {param.example or '...'})"
                    )
                continue
            bound[param.name] = param.term(value)
        return bound


_HEADER = re.compile(r"^#\+ ?(.*)$")


def parse_query_file(path: Path) -> NamedQuery:
    """Read a `.rq` file: its `#+` YAML header and its SPARQL body."""
    header_lines, body_lines = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER.match(line)
        (header_lines if match and not body_lines else body_lines).append(match.group(1) if match else line)
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the #+ header is not valid YAML: {exc}") from None
    if not isinstance(header, dict) or "summary" not in header:
        raise QueryFileError(f"{path}: the header needs at least '#+ summary: ...'")
    params = []
    for raw in header.get("params") or []:
        if not isinstance(raw, dict) or "name" not in raw:
            raise QueryFileError(f"{path}: each parameter needs a name")
        kind = raw.get("type", "string")
        if kind not in PARAM_TYPES:
            raise QueryFileError(f"{path}: parameter {raw['name']}: type must be one of {PARAM_TYPES}")
        params.append(
            Parameter(
                name=raw["name"],
                type=kind,
                description=raw.get("description", ""),
                example=None if raw.get("example") is None else str(raw["example"]),
                required=bool(raw.get("required", True)),
                default=None if raw.get("default") is None else str(raw["default"]),
            )
        )
    return NamedQuery(
        name=path.stem,
        path=path,
        summary=str(header["summary"]),
        description=str(header.get("description", "")).strip(),
        sparql="\n".join(body_lines).strip() + "\n",
        params=tuple(params),
    )


def named_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in `queries/`, by name."""
    folder = directory or config.QUERIES_DIR
    return {p.stem: parse_query_file(p) for p in sorted(folder.glob("*.rq"))}


def get_query(name: str, directory: Path | None = None) -> NamedQuery:
    queries = named_queries(directory)
    if name not in queries:
        raise QueryFileError(f"no named query {name!r}; known: {', '.join(queries) or 'none'}")
    return queries[name]
