from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalog import views as catalog_views
from kernel import i18n, views

handler400 = "kernel.apiviews.bad_request"
handler404 = "kernel.views.page_not_found"
handler500 = "kernel.views.server_error"

urlpatterns = [
    # Shop settings moved from the website app to the kernel app: old bookmarks still work.
    path(
        "admin/settings/website/shopsettings/<int:pk>/",
        RedirectView.as_view(pattern_name="wagtailsettings:edit", permanent=False),
        {"app_name": "kernel", "model_name": "shopsettings"},
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("website.api")),
    path("language/<str:code>/", i18n.switch_language, name="switch_language"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

# What shoppers read exists once per language: /km/cart/, /en/cart/. Unprefixed paths (the
# bare domain, links in e-mails sent before the prefixes) redirect to the visitor's language
# (kernel.i18n.ShopLocaleMiddleware).
shop_patterns = [
    path("search/", catalog_views.search, name="search"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("checkout.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
]

if settings.SERVE_MEDIA:
    # Development and tests only; nginx serves /media/ in production.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(*shop_patterns, path("", include(wagtail_urls)))
