"""`python -m bench.serve --lookups-only`: part (b) alone, `stdgraph serve` only, at smoke size."""

from __future__ import annotations

from pathlib import Path


def test_the_lookups_run_alone_against_their_raw_replay(tmp_path: Path) -> None:
    from bench.serve import report, run

    result = run("smoke", requests=0, clients=[], rounds=1, repeat=2, out=tmp_path, lookups_only=True)
    assert "throughput" not in result and "rows" not in result
    for kind in ("/standards/{id}", "/queries/standard"):
        lookup = result["lookup"][kind]
        assert lookup["ids"] and all(e["queries"] > 0 and e["json_bytes"] > 0 for e in lookup["ids"].values())
        assert lookup["all"]["raw"]["n"] == 2 * len(lookup["ids"])
    text = report(result)
    assert "GET /queries/standard: http p50 / raw p50" in text and "/sparql" not in text
