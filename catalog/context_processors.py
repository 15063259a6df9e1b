"""Template context every storefront page needs."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from catalog.models import CategoryPage, footer_links, for_shoppers, menu_pages_for_footer
from kernel.memo import remembered


def _category_menu(request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    return remembered(("category-menu", site.pk), lambda: _menu_for(site))


def _menu_for(site):
    return list(
        for_shoppers(CategoryPage.objects.child_of(site.root_page))
        .in_menu()
        .order_by("path")
        .only("id", "title", "title_km", "url_path", "path", "depth", "slug")
    )


def _footer(request):
    """``(setting, links)`` for the footer's "Information" column: the links editors chose
    (Settings → Footer links), or while they chose none, the information and contact pages
    marked "Show in menus". (Chosen links to pages that are not live are left out, and do not
    bring those pages back.) Kept in the memo until the site changes; saving the setting, and
    publishing, moving or unpublishing a page, bump the ``site`` version."""
    site = Site.find_for_request(request)
    if site is None:
        return None, []

    def build():
        setting, links = footer_links(site)
        if links is None:
            links = menu_pages_for_footer(site)
        return setting, links

    return remembered(("footer-links", site.pk), build)


def _footer_heading(request):
    setting, _links = _footer(request)
    return setting.in_language("heading") if setting is not None else ""


def storefront(request):
    return {
        "category_menu": SimpleLazyObject(lambda: _category_menu(request)),
        # The footer's "Information" links and their heading ("" for the standard one).
        "information_links": SimpleLazyObject(lambda: _footer(request)[1]),
        "information_heading": SimpleLazyObject(lambda: _footer_heading(request)),
    }
