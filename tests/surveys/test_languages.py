"""Any language with a CLDR code: names and writing direction from Babel, the designer's search,
answering right to left, and imported texts in any language kept."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from surveys import i18n
from surveys.interchange import resolve_language
from surveys.services import definition as defs
from surveys.services import interchange
from tests.surveys.conftest import all_types_definition
from tests.surveys.test_xlsform import workbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["ar", "fa", "fa-AF", "ps", "ckb", "he", "ur"])
def test_right_to_left_where_cldr_says_so(code):
    assert i18n.is_rtl(code) and i18n.direction(code) == "rtl"
    assert code in i18n.SURVEY_LANGUAGES and i18n.SURVEY_LANGUAGES[code][1] is True


@pytest.mark.parametrize("code", ["de", "sv", "es", "sr", "sr-Latn", "hr", "bs", "sq", "hu", "ku"])
def test_left_to_right_languages_of_the_target_groups(code):
    assert code in i18n.SURVEY_LANGUAGES and not i18n.is_rtl(code)


def test_names_come_from_cldr():
    assert i18n.language_name("sv") == "Svenska"
    assert i18n.language_name("fa-AF") == "دری"  # Dari
    assert i18n.language_name("sr-Latn") == "Srpski (latinica)"
    assert i18n.language_label("ckb", "de") == "کوردیی ناوەندی – Zentralkurdisch (ckb)"
    assert len(i18n.all_languages()) > 500 and i18n.all_languages()[0] == "de"


@pytest.mark.parametrize(
    "text,code",
    [
        ("German (de)", "de"),
        ("de-informal", "de"),
        ("Swedish", "sv"),
        ("Spanish (es)", "es"),
        ("Español", "es"),
        ("Schwedisch", "sv"),
        ("Dari (prs)", "fa-AF"),
        ("prs", "fa-AF"),
        ("Pashto", "ps"),
        ("Sorani", "ckb"),
        ("Serbian (Latin)", "sr-Latn"),
        ("sr_Latn", "sr-Latn"),
        ("Shqip", "sq"),
        ("magyar", "hu"),
        ("Klingonisch", None),
        ("xx", None),
    ],
)
def test_imported_language_names_and_codes(text, code):
    assert resolve_language(text) == code


def test_a_survey_in_any_cldr_language_and_a_clear_refusal(process):
    languages = ["de", "sv", "es", "sr-Latn", "hr", "bs", "sq", "hu", "fa-AF", "ps", "ckb"]
    survey = defs.survey_create_from_definition(
        user=None,
        process=process,
        definition=all_types_definition(
            languages=languages, title={"de": "Befragung", "sv": "Enkät", "ckb": "ڕاپرسی"}
        ),
    )
    assert survey.languages == languages
    assert survey.title["sv"] == "Enkät" and survey.title["ckb"] == "ڕاپرسی"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        defs.survey_create_from_definition(
            user=None, process=process, definition=all_types_definition(languages=["de", "xx"])
        )
    assert "Unknown language code(s): xx" in str(refused.value)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    yield client
    translation.activate(settings.LANGUAGE_CODE)


def test_designer_offers_every_language_with_search_and_adds_typed_ones(staff_client, make_survey):
    draft = make_survey(status="draft")
    url = reverse("surveys:survey_settings", args=[draft.pk])
    page = staff_client.get(url).content.decode()
    assert 'list="id_languages-all"' in page and '<datalist id="id_languages-all">' in page
    assert '<option value="sv">Svenska – Swedish (sv)</option>' in page
    assert '<option value="ckb">' in page and '<option value="fa-AF">' in page
    response = staff_client.post(
        url,
        {
            "languages": ["de", "en"],
            "languages__more": "Swedish, ckb; Dari",
            "default_language": "de",
            "access_mode": "public",
            "anonymised": "on",
            "title__de": "Befragung",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.languages == ["de", "en", "sv", "ckb", "fa-AF"]
    page = staff_client.get(url).content.decode()
    assert 'name="title__ckb"' in page and 'lang="ckb" dir="rtl"' in page.replace(
        'dir="rtl" lang="ckb"', 'lang="ckb" dir="rtl"'
    )
    refused = staff_client.post(
        url,
        {
            "languages": ["de"],
            "languages__more": "Klingonisch",
            "default_language": "de",
            "access_mode": "public",
            "title__de": "Befragung",
        },
    )
    assert refused.status_code == 400
    assert "Klingonisch" in refused.content.decode()


def test_answering_in_sorani_kurdish_is_right_to_left(client, process):
    definition = all_types_definition(languages=["de", "ckb"])
    survey = defs.survey_create_from_definition(
        user=None, process=process, definition=definition, status="open"
    )
    url = reverse("surveys:respond_public", args=[survey.public_id])
    page = client.get(url, {"lang": "ckb"}).content.decode()
    assert '<html lang="ckb" dir="rtl">' in page
    assert "کوردیی ناوەندی" in page  # the language switch names it in its own script


def test_xlsform_texts_in_swedish_spanish_and_dari_are_kept(process):
    data = workbook(
        [
            ("type", "name", "label::German (de)", "label::Swedish (sv)", "label::Español (es)",
             "label::Dari (prs)"),
            ("text", "name", "Name", "Namn", "Nombre", "نام"),
        ],
        settings_rows=[("form_title", "default_language"), ("Test", "German (de)")],
    )  # fmt: skip
    report = interchange.survey_import(user=None, process=process, data=data)
    survey = report.survey
    assert survey.languages == ["de", "sv", "es", "fa-AF"]
    question = survey.current_version.questions.get(code="name")
    assert question.text == {"de": "Name", "sv": "Namn", "es": "Nombre", "fa-AF": "نام"}
