"""Search from the home page finds a standard, facets narrow it, and the pages fit a phone."""

from __future__ import annotations

from tests.browser.conftest import screenshot


def test_search_from_the_home_page_finds_a_standard(server: str, page) -> None:
    page.goto(server)
    page.fill("#q", "GB/T 24001")
    page.press("#q", "Enter")
    first = page.locator("ol.results li.result a").first
    first.wait_for()
    assert first.inner_text().startswith("GB/T 24001")
    assert first.get_attribute("href").startswith("/id/edition/gb-t-24001")
    screenshot(page, "search")


def test_a_facet_link_narrows_the_results(server: str, page) -> None:
    page.goto(f"{server}/search?q=carbon")
    before = page.locator("ol.results li.result").count()
    page.click("a.facet[data-facet='kind'] >> text=standard")
    assert page.locator("a.facet.on").count() == 1
    kinds = page.locator("ol.results .kind").all_inner_texts()
    assert kinds and set(kinds) == {"standard"} and len(kinds) <= before


def test_home_and_search_fit_a_phone(server: str, phone) -> None:
    for path, name in (("/", "home-phone"), ("/search?q=碳足迹", "search-phone")):
        phone.goto(f"{server}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"{path} is {width} px wide on a 390 px screen"
        screenshot(phone, name)
