"""Information pages (about, delivery, returns, privacy, terms): written in both languages,
linked from every page's footer when marked "Show in menus"."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import translation

from catalog.models import ContentPage
from tests.factories import home_page, make_category

pytestmark = pytest.mark.django_db


def information_page(title, publish=True, **fields):
    page = ContentPage(slug=title.lower().replace(" ", "-"), title=title, live=publish, **fields)
    home_page().add_child(instance=page)
    if publish:
        page.save_revision().publish()
    return page


def footer_links(response):
    assert response.status_code == 200
    footer = BeautifulSoup(response.content, "html.parser").select_one(".site-footer")
    return {a.get_text(strip=True): a["href"] for a in footer.select("a")}


def test_an_information_page_in_both_languages_linked_from_the_footer(shop):
    returns = information_page(
        "Returns",
        title_km="ការប្តូរ និងសងប្រាក់វិញ",
        show_in_menus=True,
        intro="You have 7 days.",
        intro_km="លោកអ្នកមាន 7 ថ្ងៃ។",
        body=[("paragraph", "<p>Message us with your order number.</p>")],
        body_km=[("paragraph", "<p>សូមផ្ញើសារមកយើងជាមួយលេខការបញ្ជាទិញ។</p>")],
    )
    information_page("Draft terms", show_in_menus=True, publish=False)
    information_page("Hidden page")  # not in menus
    category = make_category(title="Pantry")

    with translation.override("km"):
        khmer_url = returns.url
    khmer = Client().get(khmer_url)
    text = BeautifulSoup(khmer.content, "html.parser").get_text(" ", strip=True)
    assert "ការប្តូរ និងសងប្រាក់វិញ" in text and "លោកអ្នកមាន 7 ថ្ងៃ។" in text
    assert "សូមផ្ញើសារមកយើងជាមួយលេខការបញ្ជាទិញ។" in text
    assert "Message us" not in text

    # Every page's footer links to it, in the page's language; drafts and pages not in
    # menus are left out.
    for language, title in (("en", "Returns"), ("km", "ការប្តូរ និងសងប្រាក់វិញ")):
        with translation.override(language):
            links = footer_links(Client().get(category.url))
            assert links[title] == returns.url
        assert "Draft terms" not in links and "Hidden page" not in links


def test_an_untranslated_information_page_reads_in_english_on_khmer_pages(shop):
    page = information_page(
        "Privacy", intro="What we keep.", body=[("paragraph", "<p>Your name and phone.</p>")]
    )
    with translation.override("km"):
        response = Client().get(page.url)
    assert response.status_code == 200
    assert '<html lang="km"' in response.content.decode()
    assert "Your name and phone." in response.content.decode()


def test_editors_can_add_information_pages_under_the_home_page(shop, admin_client):
    home = home_page()
    response = admin_client.get(f"/admin/pages/add/catalog/contentpage/{home.pk}/")
    assert response.status_code == 200
    assert 'name="intro_km"' in response.content.decode()  # the Khmer tab
    assert ContentPage.can_create_at(home)
    assert not ContentPage.can_create_at(make_category())
