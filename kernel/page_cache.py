"""Whole-page caching of the storefront for anonymous shoppers.

Catalog pages (home, categories, products, search results) hold nothing per shopper: no cart
(the badge is filled by a request of its own), no CSRF token, and rendering them never reads
the session. So for a GET from anyone who is not logged in and has no pending messages
(shoppers with a cart included), the rendered page is kept in the shared cache and served from
there, before Wagtail's routing and without the database. Logged-in users carry the AUTH_COOKIE
marker (set at login, cleared at logout) and always get fresh pages, with the Wagtail userbar.

Correctness comes from version tags (``kernel.cache_tags``) stored next to each cached page and
compared on every hit, in one round trip to the cache: ``site`` on every page, ``listings`` on
pages with product cards, ``product:<id>`` on a product's page. Tags are read before a page is
rendered. Previews and logged-in editors never touch the cache. Only pages that say they are
cacheable are stored.

A hit replays the headers the page had when it was stored, so what the middleware below this
one adds (``X-Frame-Options``, ``Vary``) is not lost. One page is one entry: the key holds the
host name as validated against ``ALLOWED_HOSTS`` (lower-cased, without a port), campaign
parameters (``utm_*``, ``fbclid``...) are taken off the request before rendering, and a page
asked for with any parameter it does not read is rendered fresh and not stored. When the cache
is down every request is a miss (``kernel.cache`` fails open).

Every language has its own URLs (``/km/...``, ``/en/...``), so the path in the key keeps the
languages apart, and the tags, which are not per language, invalidate both. Pieces cached
inside pages (product cards) carry the language in their keys.
"""

import hashlib
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

from kernel import metrics
from kernel.cache_tags import SITE, depend_on, site_version
from kernel.sites import request_hostname

SKIP_PREFIXES = (
    "/admin/",
    "/api/",
    "/cart/",
    "/checkout/",
    "/orders/",
    "/account/",
    "/accounts/",
    "/media/",
    "/static/",
    "/django-admin/",
)


def _is_fresh(deps):
    current = cache.get_many(list(deps))
    return all(current.get(key, 0) == version for key, version in deps.items())


AUTH_COOKIE = "shop_auth"


def _cookie_free(request):
    return not (request.COOKIES.get(AUTH_COOKIE) or request.COOKIES.get("messages"))


class AuthMarkerMiddleware:
    """Keep the AUTH_COOKIE marker in step with the login state, looking at requests that used
    the session anyway (logins, logouts, account and admin pages), so catalog pages never
    need to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        logged_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if logged_in and not request.COOKIES.get(AUTH_COOKIE):
            response.set_cookie(
                AUTH_COOKIE,
                "1",
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
            )
        elif not logged_in and request.COOKIES.get(AUTH_COOKIE):
            response.delete_cookie(AUTH_COOKIE, samesite="Lax")
        return response


MAX_PATH = 300  # longer URLs (odd query strings) are served fresh rather than filling the cache
# Query parameters a catalog page reads; a page asked for with any other is served fresh.
PAGE_PARAMETERS = {"page", "q"}
# Campaign and click identifiers that links from ads, e-mails and social networks carry. No
# page reads them (analytics scripts read them in the browser), so they are taken off the
# request before the page is rendered: every variant is one page, and one cache entry.
TRACKING_PARAMETERS = {
    "_ga",
    "_gl",
    "dclid",
    "fbclid",
    "gbraid",
    "gclid",
    "gclsrc",
    "igshid",
    "li_fat_id",
    "mc_cid",
    "mc_eid",
    "msclkid",
    "ref_src",
    "srsltid",
    "ttclid",
    "twclid",
    "wbraid",
    "yclid",
}
# Response headers that are per response, never replayed from the cache.
UNREPLAYED_HEADERS = {"set-cookie", "date", "content-length", "x-page-cache"}


def is_tracking_parameter(name):
    return name in TRACKING_PARAMETERS or name.startswith("utm_")


def drop_tracking_parameters(request):
    """Take campaign parameters off ``request``'s query string (and ``request.GET``)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not is_tracking_parameter(name)]
    if len(kept) != len(pairs):
        request.META["QUERY_STRING"] = urlencode(kept)
        request.__dict__.pop("GET", None)  # parsed again from the new query string


def _key(request):
    source = f"{request_hostname(request)}{request.get_full_path()}"
    return f"pagecache:page2:{hashlib.sha256(source.encode()).hexdigest()}"


def _without_language(path):
    """``/km/cart/`` -> ``/cart/``: the skipped areas exist under every language prefix."""
    code = translation.get_language_from_path(path)
    return path[len(code) + 1 :] if code else path


def can_use_cache(request):
    return (
        settings.SHOP_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not _without_language(request.path).startswith(SKIP_PREFIXES)
        and _cookie_free(request)
    )


def _cacheable_query(request):
    return len(request.get_full_path()) <= MAX_PATH and set(request.GET) <= PAGE_PARAMETERS


class PageCacheMiddleware:
    """Serve a cached page when there is one; store pages that marked themselves cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not can_use_cache(request):
            return self.get_response(request)
        drop_tracking_parameters(request)
        if not _cacheable_query(request):
            return self.get_response(request)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None and _is_fresh(hit["deps"]):
            response = HttpResponse(hit["content"])
            for name, value in hit["headers"]:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            metrics.inc(metrics.PAGE_CACHE, result="hit")
            return response
        metrics.inc(metrics.PAGE_CACHE, result="miss")
        request._page_cache_deps = {}
        site_version()  # creates the tag if it is missing, so the page can record it
        depend_on(request, SITE)
        response = self.get_response(request)
        if (
            getattr(response, "shop_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
        ):
            cache.set(
                key,
                {
                    "content": response.content,
                    # What the middleware below this one added (X-Frame-Options, Vary...)
                    # comes back with every hit.
                    "headers": [
                        (name, value)
                        for name, value in response.items()
                        if name.lower() not in UNREPLAYED_HEADERS
                    ],
                    "deps": request._page_cache_deps,
                },
                settings.SHOP_PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        return response


def mark_cacheable(response):
    """Let the middleware store this response (it must be the same for every anonymous
    visitor, and its tags recorded with ``depend_on`` before rendering)."""
    response.shop_cacheable = True
    return response


class CacheablePageMixin:
    """For page models whose output is the same for every anonymous visitor."""

    #: Tags (besides ``site``) this kind of page depends on; see ``cache_tags``.
    page_cache_tags = ()

    def cache_tags(self):
        return self.page_cache_tags

    def serve(self, request, *args, **kwargs):
        depend_on(request, *self.cache_tags())
        response = super().serve(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            mark_cacheable(response)
        return response
