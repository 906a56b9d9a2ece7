"""The SPARQL editor: YASGUI from the project's own files runs an example query and shows rows."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from tests.browser.conftest import screenshot


def test_yasgui_runs_an_example_query_and_shows_rows(server: str, page) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{server}/editor")
    page.wait_for_function("window.stdgraphYasgui !== undefined")
    assert not any(not url.startswith(server) for url in failed), failed
    page.click("a.example[data-name='adoption']")
    page.click(".yasqe_queryButton")
    rows = page.locator(".yasr table.dataTable tbody tr")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() >= 1
    assert "IDT" in page.locator(".yasr").inner_text()
    screenshot(page, "editor")


def test_every_script_and_style_is_served_by_stdgraph_itself(server: str, page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{server}/editor")
    page.wait_for_function("window.stdgraphYasgui !== undefined")
    outside = [url for url in requested if not url.startswith(server) and not url.startswith("data:")]
    assert outside == []


def test_the_permalink_opens_the_editor_with_its_query(server: str, page) -> None:
    query = "SELECT ?s WHERE { ?s a sg:Edition } LIMIT 3"
    page.goto(f"{server}/editor?query={quote(query)}")
    page.wait_for_function("window.stdgraphYasgui !== undefined")
    assert page.evaluate("window.stdgraphYasgui.getTab().getQuery()") == query
    href = page.locator("#permalink").get_attribute("href")
    assert httpx.URL(f"{server}{href}").params["query"] == query


def test_without_javascript_the_form_runs_the_query(server: str, browser) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server}/editor")
        page.fill("textarea[name=query]", "SELECT (COUNT(*) AS ?n) WHERE { ?e a sg:Edition }")
        page.select_option("select[name=format]", "csv")
        with page.expect_download() as download:
            page.click("#plain button[type=submit]")
        text = download.value.path().read_text()
        lines = text.strip().splitlines()
        assert lines[0] == "n" and int(lines[1]) > 0
    finally:
        context.close()


def test_the_editor_fits_a_phone(server: str, phone) -> None:
    phone.goto(f"{server}/editor")
    phone.wait_for_function("window.stdgraphYasgui !== undefined")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width} px wide on a 390 px screen"
    screenshot(phone, "editor-phone")
