"""The footer's "Information" links, as editors set them (Settings → Footer links): pages
and outside addresses, in their order, in the page's language; the pages marked "Show in
menus" while none are set; and a saved change shows at once on cached pages."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from catalog.models import ContactPage, ContentPage, FooterLink, FooterLinks
from tests.factories import home_page, make_category

pytestmark = pytest.mark.django_db

TELEGRAM = "https://t.me/angkormarket"


def publish(page, parent=None):
    (parent or home_page()).add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def pages(shop):
    return {
        "returns": publish(
            ContentPage(
                title="Returns", slug="returns", title_km="ការប្តូរ និងសងប្រាក់វិញ", show_in_menus=True
            )
        ),
        "privacy": publish(
            ContentPage(title="Privacy", slug="privacy", title_km="ឯកជនភាព", show_in_menus=False)
        ),
        "contact": publish(
            ContactPage(
                title="Contact us", slug="contact", title_km="ទាក់ទងមកយើង", show_in_menus=True
            )
        ),
        "category": make_category(title="Pantry"),
    }


def url_in(page, language):
    with translation.override(language):
        return page.url


def footer(language, page, client=None):
    """``(heading, [(text, href)])`` of the footer's "Information" column."""
    response = (client or Client()).get(url_in(page, language))
    assert response.status_code == 200
    document = BeautifulSoup(response.content, "html.parser")
    for section in document.select(".site-footer section"):
        links = section.select("ul.footer-links a")
        title = section.select_one(".footer-title").get_text(strip=True)
        if links and title not in ("Shop", "ហាង"):
            return title, [(a.get_text(strip=True), a["href"]) for a in links]
    return None, []


def set_links(*links, heading="", heading_km=""):
    setting = FooterLinks.for_site(Site.objects.get(is_default_site=True))
    setting.heading, setting.heading_km = heading, heading_km
    setting.links = [FooterLink(**link) for link in links]
    setting.save()
    return setting


def test_the_links_editors_set_in_both_languages(pages):
    draft = ContentPage(title="Draft", slug="draft", title_km="សេចក្តីព្រាង", live=False)
    home_page().add_child(instance=draft)
    set_links(
        {"page": pages["privacy"]},  # the page's own title, although not in menus
        {"url": TELEGRAM, "label": "Our Telegram channel", "label_km": "ឆានែល Telegram របស់យើង"},
        {"page": pages["returns"], "label": "7-day returns", "label_km": "ប្តូរវិញក្នុង ៧ ថ្ងៃ"},
        {"page": draft},  # not live: left out until it is published
        heading="Help",
        heading_km="ជំនួយ",
    )

    assert footer("en", pages["category"]) == (
        "Help",
        [
            ("Privacy", url_in(pages["privacy"], "en")),
            ("Our Telegram channel", TELEGRAM),
            ("7-day returns", url_in(pages["returns"], "en")),
        ],
    )
    assert footer("km", pages["category"]) == (
        "ជំនួយ",
        [
            ("ឯកជនភាព", url_in(pages["privacy"], "km")),
            ("ឆានែល Telegram របស់យើង", TELEGRAM),
            ("ប្តូរវិញក្នុង ៧ ថ្ងៃ", url_in(pages["returns"], "km")),
        ],
    )


def test_without_links_the_footer_lists_the_pages_shown_in_menus(pages):
    expected_en = [
        ("Returns", url_in(pages["returns"], "en")),
        ("Contact us", url_in(pages["contact"], "en")),
    ]
    assert footer("en", pages["category"]) == ("Information", expected_en)
    assert footer("km", pages["category"]) == (
        "ព័ត៌មាន",
        [
            ("ការប្តូរ និងសងប្រាក់វិញ", url_in(pages["returns"], "km")),
            ("ទាក់ទងមកយើង", url_in(pages["contact"], "km")),
        ],
    )
    # A setting saved with no links (all removed) falls back the same way.
    set_links(heading="Help")
    assert footer("en", pages["category"])[1] == expected_en


def test_a_saved_change_shows_on_cached_pages_at_once(pages, settings, admin_client):
    settings.SHOP_PAGE_CACHE_SECONDS = 300
    site = Site.objects.get(is_default_site=True)
    shopper = Client()
    first = shopper.get(url_in(pages["category"], "en"))
    assert first["X-Page-Cache"] == "miss"
    assert shopper.get(url_in(pages["category"], "en"))["X-Page-Cache"] == "hit"

    # An editor adds a link in the admin (Settings → Footer links).
    editing = admin_client.get(f"/admin/settings/catalog/footerlinks/{site.pk}/")
    assert editing.status_code == 200 and 'name="links-TOTAL_FORMS"' in editing.content.decode()
    form = nested_form_data(
        {
            "heading": "",
            "heading_km": "",
            "links": inline_formset(
                [
                    {"page": "", "url": TELEGRAM, "label": "Telegram", "label_km": ""},
                    {"page": pages["returns"].pk, "url": "", "label": "", "label_km": ""},
                ]
            ),
        }
    )
    response = admin_client.post(f"/admin/settings/catalog/footerlinks/{site.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]

    assert footer("en", pages["category"], shopper)[1] == [
        ("Telegram", TELEGRAM),
        ("Returns", url_in(pages["returns"], "en")),
    ]

    # And takes it away again: the pages shown in menus come back.
    setting = FooterLinks.objects.get(site=site)
    ids = list(setting.links.order_by("sort_order").values_list("pk", flat=True))
    form = nested_form_data(
        {
            "heading": "",
            "heading_km": "",
            "links": inline_formset(
                [
                    {"id": ids[0], "page": "", "url": TELEGRAM, "label": "Telegram", "DELETE": "1"},
                    {"id": ids[1], "page": pages["returns"].pk, "url": "", "DELETE": "1"},
                ],
                initial=2,
            ),
        }
    )
    response = admin_client.post(f"/admin/settings/catalog/footerlinks/{site.pk}/", form)
    assert response.status_code == 302
    assert ("Contact us", url_in(pages["contact"], "en")) in footer(
        "en", pages["category"], shopper
    )[1]


def test_publishing_a_linked_page_shows_it(pages, settings):
    settings.SHOP_PAGE_CACHE_SECONDS = 300
    draft = ContentPage(title="Sizes", slug="sizes", title_km="ទំហំ", live=False)
    home_page().add_child(instance=draft)
    set_links({"page": draft})
    assert footer("en", pages["category"])[1] == []
    draft.save_revision().publish()
    assert footer("en", pages["category"])[1] == [("Sizes", url_in(draft, "en"))]


@pytest.mark.parametrize(
    ("link", "field"),
    [
        ({}, "page"),
        ({"url": TELEGRAM}, "label"),
        ({"url": TELEGRAM, "label": "Telegram", "page_id": 1}, "url"),
    ],
    ids=["nothing", "address-without-words", "both"],
)
def test_a_link_is_a_page_or_an_address_with_words(link, field):
    with pytest.raises(ValidationError) as refused:
        FooterLink(**link).clean()
    assert field in refused.value.message_dict


def test_editors_may_change_the_footer_links(shop):
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_footerlinks").exists()
