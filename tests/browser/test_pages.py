"""Entity pages, the market-access checker and the review queue, as people use them in a browser."""

from __future__ import annotations

import csv

import httpx

from stdgraph import config
from tests.browser.conftest import screenshot
from tests.curation_support import idt_mappings, sssom_tsv


def test_a_standard_page_shows_its_adoption_with_its_source(server: str, page) -> None:
    with (config.CURATED_DIR / "adoptions.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["adopting"] == "GB/T 24001-2016")
    page.goto(f"{server}/search?q=GB/T 24001-2016")
    page.click("ol.results li.result a >> nth=0")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert row["adopted"] in text
    first_source = row["source"].split(" ; ")[0].strip()
    assert page.locator(f"main a[href='{first_source}']").count() >= 1
    screenshot(page, "standard")


def test_the_checker_answers_a_real_question_with_its_reasons(server: str, page) -> None:
    page.goto(
        f"{server}/recognition?product=854143&market=AU&scheme=IECEE+CB+Scheme&body=CQC"
        "&standard=IEC+61215-1:2021&evidence=certificate"
    )
    text = page.locator("main").inner_text()
    assert "accepted via recognition" in text
    assert "IECEE CB Scheme" in text
    assert page.locator("main a[href^='http']").count() >= 1  # each hop cites its source
    screenshot(page, "recognition")


def test_a_reviewer_approves_a_curators_proposal(server: str, tokens: dict[str, str], page) -> None:
    rows = idt_mappings(1)
    proposed = httpx.post(
        f"{server}/mappings",
        content=sssom_tsv(rows).encode(),
        headers={"Content-Type": "text/tab-separated-values", "Authorization": f"Bearer {tokens['curator']}"},
        timeout=60,
    )
    assert proposed.status_code in (200, 201), proposed.text
    page.goto(f"{server}/review")
    row = page.locator("tbody tr", has_text="proposed").first
    record = row.locator("td a").first.inner_text()
    row.locator("input[name=token]").fill(tokens["reviewer"])
    row.locator("input[name=comment]").fill("IDT as the national catalogue states")
    row.locator("button[value=approve]").click()
    page.wait_for_load_state()
    assert page.locator("p.error").count() == 0, page.locator("p.error").inner_text()
    history = httpx.get(f"{server}/mappings/{record}/history", timeout=30).json()
    assert "approved" in str(history)
    screenshot(page, "review")


def test_entity_and_checker_pages_fit_a_phone(server: str, phone) -> None:
    for path, name in (
        ("/id/edition/gb-t-24001_2016", "standard-phone"),
        ("/recognition?product=854143&market=AU", "recognition-phone"),
        ("/review", "review-phone"),
    ):
        phone.goto(f"{server}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"{path} is {width} px wide on a 390 px screen"
        screenshot(phone, name)
