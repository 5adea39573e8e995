"""No page shows template markup as text: the check every test runs (tests/support/markup.py), proved to
catch what it is for, and a walk over every page of the URL map that needs no more than a force."""

from __future__ import annotations

import pytest
from flask import render_template_string

from tests.support import markup


def test_the_check_catches_markup_built_by_joining_strings(app, forces):
    from frontcounter.tenancy import tenant_context

    # The pay page's mistake: "~" joins a literal tag to an escaped value, so the tag is escaped too.
    with app.test_request_context("/alpha/"), tenant_context(forces[0]):
        broken = render_template_string(
            """{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}"""
            """{{ govukSummaryList({"rows": [{"key": {"text": "Amount"},"""
            """ "value": {"html": '<span id="amount">' ~ (pence|pence|escape) ~ '</span>'}}]}) }}""",
            pence=19800,
        )
        fixed = render_template_string(
            """{% from "govuk_frontend_jinja/components/summary-list/macro.html" import govukSummaryList %}"""
            """{% set amount %}<span id="amount">{{ pence|pence }}</span>{% endset %}"""
            """{{ govukSummaryList({"rows": [{"key": {"text": "Amount"}, "value": {"html": amount}}]}) }}""",
            pence=19800,
        )
    assert markup.escaped_markup_in(broken) == "&lt;span "
    assert markup.escaped_markup_in(fixed) is None and '<span id="amount">£198.00</span>' in fixed


def test_a_person_typing_tags_is_not_mistaken_for_markup_when_the_test_says_so():
    assert markup.escaped_markup_in("Name: &lt;b&gt;bold&lt;/b&gt;") is None  # not a tag our templates use
    assert markup.escaped_markup_in("State &lt;strong id='case-state'&gt;") == "&lt;strong "


def _simple_pages(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or set(rule.arguments) - {"force"}:
            continue
        urls.append(rule.rule.replace("<force>", "alpha"))
    return sorted(set(urls))


def test_every_simple_page_renders_without_markup_shown_as_text(app, client, forces):
    pages = _simple_pages(app)
    assert "/alpha/" in pages and "/alpha/track" in pages and "/" in pages
    for url in pages:
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype == "text/html":
            assert markup.escaped_markup_in(response.get_data(as_text=True)) is None, url
    markup.FOUND.clear()  # checked above, page by page


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_pages_in_welsh_too(app, client, forces, lang):
    client.get(f"/language/{lang}?next=/")
    for url in ("/", "/alpha/", "/alpha/track", "/account/sign-in"):
        assert markup.escaped_markup_in(client.get(url).get_data(as_text=True)) is None, url
