"""Template context every storefront page needs."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from catalog.models import CategoryPage, ContentPage, for_shoppers
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


def _information_links(request):
    site = Site.find_for_request(request)
    if site is None:
        return []
    return remembered(
        ("information-links", site.pk),
        lambda: list(
            for_shoppers(ContentPage.objects.child_of(site.root_page))
            .in_menu()
            .order_by("path")
            .only("id", "title", "title_km", "url_path", "path", "depth", "slug")
        ),
    )


def storefront(request):
    return {
        "category_menu": SimpleLazyObject(lambda: _category_menu(request)),
        # The footer's "Information" links: information pages marked "Show in menus".
        "information_links": SimpleLazyObject(lambda: _information_links(request)),
    }
