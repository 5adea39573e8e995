"""Welsh: forces that offer it show a language switch; every core string has a Welsh translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import make_force

ROOT = Path(__file__).resolve().parents[1]


def test_a_welsh_force_offers_welsh_and_pages_switch_language(app, client, forces):
    with app.app_context():
        make_force("gwent", "GWE", {"sample": True}, languages=["en", "cy"], name="Gwent Police")
    english = client.get("/gwent/").get_data(as_text=True)
    assert '<html lang="en"' in english and 'lang="cy">Cymraeg' in english
    response = client.get("/language/cy?next=/gwent/")
    assert response.headers["Location"] == "/gwent/"
    welsh = client.get("/gwent/").get_data(as_text=True)
    assert '<html lang="cy"' in welsh
    assert "Beth ydych chi eisiau ei wneud?" in welsh  # "What do you want to do?"
    assert "Mewngofnodi" in client.get("/account/sign-in").get_data(as_text=True)


def test_an_english_only_force_offers_no_welsh(client, forces):
    client.get("/language/cy?next=/alpha/")
    page = client.get("/alpha/").get_data(as_text=True)
    assert '<html lang="en"' in page and "Cymraeg" not in page


def test_language_switch_refuses_off_site_redirects(client):
    assert client.get("/language/cy?next=https://evil.example/").headers["Location"] == "/"


def test_every_core_message_has_a_welsh_translation():
    translations = ROOT / "platform" / "frontcounter" / "translations"
    template = read_po((translations / "messages.pot").open("rb"))
    welsh = read_po((translations / "cy" / "LC_MESSAGES" / "messages.po").open("rb"))
    missing = [
        m.id
        for m in template
        if m.id and (welsh.get(m.id) is None or not welsh.get(m.id).string or welsh.get(m.id).fuzzy)
    ]
    assert not missing, f"untranslated in cy: {missing[:10]}"


def _message_ids(pot) -> set:
    return {m.id for m in read_po(pot.open("rb")) if m.id}


def _extract(source, out) -> set:
    """Extract messages from `source` as the catalogue READMEs say (tests excluded); return their ids."""
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "platform" / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--ignore-dirs=tests",
            "-o",
            str(out),
            str(source),
        ]
    )
    return _message_ids(out)


def test_the_message_template_is_up_to_date_with_the_code(tmp_path):
    fresh = _extract(ROOT / "platform" / "frontcounter", tmp_path / "fresh.pot")
    committed = _message_ids(ROOT / "platform/frontcounter/translations/messages.pot")
    assert fresh == committed, f"run the extract in platform/frontcounter/translations/README.md: {fresh ^ committed}"


def test_every_plugin_catalogue_is_complete_in_welsh():
    incomplete = {}
    for translations in sorted((ROOT / "plugins").glob("*/translations")):
        welsh = read_po((translations / "cy" / "LC_MESSAGES" / "messages.po").open("rb"))
        template = read_po((translations / "messages.pot").open("rb"))
        missing = [
            m.id
            for m in template
            if m.id and (welsh.get(m.id) is None or not welsh.get(m.id).string or welsh.get(m.id).fuzzy)
        ]
        if missing:
            incomplete[translations.parent.name] = missing[:5]
    assert not incomplete, incomplete


def test_every_plugin_message_template_is_up_to_date_with_its_code(tmp_path):
    stale = {}
    for translations in sorted((ROOT / "plugins").glob("*/translations")):
        fresh = _extract(translations.parent, tmp_path / f"{translations.parent.name}.pot")
        committed = _message_ids(translations / "messages.pot")
        if fresh != committed:
            stale[translations.parent.name] = sorted(map(str, fresh ^ committed))[:5]
    assert not stale, f"re-extract these plugins' catalogues: {stale}"
