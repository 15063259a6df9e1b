from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from catalog import views as catalog_views
from website import views

handler400 = "website.apiviews.bad_request"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", catalog_views.search, name="search"),
    path("api/", include("website.api")),
    path("accounts/", include("allauth.urls")),
    path("", include("checkout.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]

if settings.SERVE_MEDIA:
    # Development and tests only; nginx serves /media/ in production.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]
