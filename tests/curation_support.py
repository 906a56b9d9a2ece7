"""Inputs for the curation tests, drawn from the project's real curated data.

Mapping rows come from the IDT rows of data/curated/adoptions.csv (an identical adoption is an exact
match, with the same sources and evidence level), so no test states a correspondence the data does not.
"""

from __future__ import annotations

import csv

from stdgraph import config
from stdgraph.curation.auth import Principal

CURATOR = Principal("https://orcid.org/0000-0002-1825-0097", "curator", "t-curator")
REVIEWER = Principal("SAC reviewer", "reviewer", "t-reviewer")
OTHER_REVIEWER = Principal("https://orcid.org/0000-0001-5109-3700", "reviewer", "t-other")

HEADER = (
    "subject_id",
    "predicate_id",
    "object_id",
    "mapping_justification",
    "confidence",
    "see_also",
    "evidence_level",
    "comment",
)


def adoption_rows() -> list[dict[str, str]]:
    with (config.CURATED_DIR / "adoptions.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def idt_mappings(n: int | None = None) -> list[dict[str, str]]:
    """SSSOM rows: each IDT adoption as 'adopting skos:exactMatch adopted', with its sources."""
    rows = []
    for row in adoption_rows():
        if row["degree"] != "IDT":
            continue
        rows.append(
            {
                "subject_id": row["adopting"],
                "predicate_id": "skos:exactMatch",
                "object_id": row["adopted"],
                "mapping_justification": "semapv:ManualMappingCuration",
                "confidence": "0.95",
                "see_also": " | ".join(s.strip() for s in row["source"].split(" ; ")),
                "evidence_level": row["confidence"],
                "comment": row["note"],
            }
        )
    return rows[:n] if n else rows


def sssom_tsv(rows: list[dict[str, str]], header: tuple[str, ...] = HEADER, meta: str = "") -> str:
    lines = [
        "#curie_map:",
        "#  sgid: https://w3id.org/stdgraph/id/",
        "#mapping_set_id: https://w3id.org/stdgraph/test/set",
        "#license: https://creativecommons.org/licenses/by/4.0/",
    ]
    lines += [f"#{line}" for line in meta.splitlines()]
    lines.append("\t".join(header))
    lines += ["\t".join(row.get(c, "") for c in header) for row in rows]
    return "\n".join(lines) + "\n"
