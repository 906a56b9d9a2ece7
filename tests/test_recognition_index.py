"""The precomputed recognition index gives the SPARQL path's answers, and follows every write."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stdgraph.namespaces import SGG
from stdgraph.recognition import RecognitionInputError, answer
from stdgraph.recognition_index import RecognitionIndex
from stdgraph.store import OxigraphStore
from tests.test_recognition import scenario, turtle

# Every question tests/test_recognition.py asks (product, market, date, scheme, body, standard, evidence).
SCENARIO_QUESTIONS = [
    ("854143", "XA", "2024-01-01"),
    ("854143", "XB", "2024-01-01"),
    ("854143", "XA", "2021-06-01"),
    ("854143", "XC", "2024-01-01"),
    ("854149", "XC", "2024-01-01"),
    ("854143", "XA", "2024-01-01", "Test CB Scheme", "NCB", "IEC 61215-2:2021", "certificate"),
    ("854143", "XA", "2024-01-01", None, "GONE", "IEC 61215:2021"),
    ("854143", "XA", "2024-01-01", None, "NCB", "IEC 61215-1:2016"),
    ("854143", "XA", "2024-01-01", None, "NCB", "EN 61215:2022"),
    ("854143", "XA", "2024-01-01", None, "NCB", "BS 61215:2021"),
    ("854143", "XC", "2024-01-01", None, "VIN", None, "verification-report"),
    ("854143", "XC", "2024-01-01", None, "VOUT", None, "verification-report"),
    ("854143", "XC", "2031-01-01", None, "VIN", None, "verification-report"),
    ("854143", "XC", "2024-01-01", None, None, None, "self-declaration"),
    ("854143", "XC", "2024-01-01", "Label B"),
    ("854143", "XA", "2024-01-01", "Label B"),
    ("854143", "XA", "2024-01-01", None, "VOUT", "IEC 61215:2021"),
    ("854199", "XA"),
    ("85414", "XA"),
    ("854143", "Atlantis"),
    ("854143", "XA", "2024-13-01"),
    ("854143", "XA", None, None, None, None, "invoice"),
]
DEFAULT_QUESTIONS = [
    ("252329", "DE", "2024-06-01"),
    ("252329", "DE", "2026-06-01"),
    ("854143", "AU", "2026-01-15", "IECEE CB Scheme", "CQC", "IEC 61215-1:2021", "certificate"),
    ("854143", "AU", "2026-01-15", "IECEE CB Scheme", "CQC", "IEC 61215-2:2016", "certificate"),
    ("850760", "KR", "2026-01-15", "IECEE CB Scheme", "CQC", "IEC 62133-2:2017", "test-report"),
    ("252329", "FR", "2026-01-15", None, "CNAS", "ISO 14064-3:2019", "verification-report"),
    ("850760", "FR", "2026-06-01", None, None, None, "self-declaration"),
    ("94", "JP", "2026-01-15", "China Environmental Labelling"),
    ("252329", "DE", "2026-06-01", None, None, None, "certificate"),
    ("7606", "EU", "2026-06-01"),
    ("854143", "CN", "2026-06-01", "IECEE CB Scheme"),
]


def outcome(store: OxigraphStore, question: tuple, graph=None) -> dict:
    try:
        return answer(store, *question, graph=graph).to_dict()
    except RecognitionInputError as exc:
        return {"error": str(exc), "field": exc.field, "suggestions": exc.suggestions}


@pytest.fixture(scope="module")
def world() -> OxigraphStore:
    return scenario()


def test_the_index_answers_every_scenario_question_as_the_sparql_path_does(world) -> None:
    index = RecognitionIndex(world)
    for question in SCENARIO_QUESTIONS:
        assert outcome(world, question, index.graph()) == outcome(world, question), question
    assert index.builds == 1  # read once, reused by every answer


def test_the_index_answers_the_default_graph_questions_as_the_sparql_path_does(default_store) -> None:
    index = RecognitionIndex(default_store)
    answered = 0
    for question in DEFAULT_QUESTIONS:
        expected = outcome(default_store, question)
        assert outcome(default_store, question, index.graph()) == expected, question
        answered += bool(expected.get("requirements"))
    assert answered >= 8  # the questions reach real requirements, not only empty answers


def test_every_write_bumps_the_generation_and_rebuilds_the_index() -> None:
    store = scenario()
    index = RecognitionIndex(store)
    index.graph()
    before = store.generation
    store.drop_graphs([str(SGG["nothing-here"])])
    assert store.generation > before
    index.graph()
    assert index.builds == 2


def test_a_new_participation_written_to_the_store_changes_the_next_api_answer() -> None:
    from api.app import create_app

    store = scenario()
    client = TestClient(create_app(store))
    params = {
        "product": "854143",
        "market": "XA",
        "date": "2024-01-01",
        "body": "VOUT",
        "standard": "IEC 61215:2021",
    }

    def verdict() -> str:
        response = client.get("/recognition", params=params)
        assert response.status_code == 200
        (req,) = [r for r in response.json()["requirements"] if r["label"] == "Union chapter rule"]
        return req["verdict"]

    assert verdict() == "not established"
    assert verdict() == "not established"  # the second answer comes from the same index
    extra = turtle(
        """id:participation/vout a sg:Participation ; sg:participant id:org/ver-out ;
                 sg:inArrangement id:arrangement/cb ; sg:participationRole role:national-certification-body ;
                 dcterms:source <https://cb.test/vout> ; sg:evidenceLevel level:primary ."""
    )
    store.replace_graphs({str(SGG["scenario-extra"]): extra})
    assert verdict() == "accepted via recognition"
    store.drop_graphs([str(SGG["scenario-extra"])])
    assert verdict() == "not established"
