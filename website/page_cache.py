"""Whole-page caching of the storefront for anonymous shoppers.

Catalog pages (home, categories, products, search results) hold nothing per shopper: no cart
(the badge is filled by a request of its own), no CSRF token, and rendering them never reads
the session. So for a GET from anyone who is not logged in and has no pending messages
(shoppers with a cart included), the rendered page is kept in the shared cache and served from
there, before Wagtail's routing and without the database. Logged-in users carry the AUTH_COOKIE
marker (set at login, cleared at logout) and always get fresh pages, with the Wagtail userbar.

Correctness comes from version numbers ("tags") stored next to each cached page and compared on
every hit, in one round trip to the cache:

- ``site``, on every page: publishing, unpublishing, moving or deleting any page, and editing
  site settings or a stock record by hand bump it, so nothing is served stale after an editor's
  change.
- ``listings``, on pages that show product cards (home, categories, search, a product's
  related products): bumped when an item sells out or comes back, the only stock change a card
  shows.
- ``product:<id>``, on a product's page: bumped when the stock it displays changes (sold out,
  back in stock, the "only N left" count); a sale of an item with plenty left changes nothing
  shown and keeps the page cached.

Tags are read before a page is rendered, and bumped both when the change is made and again
when its transaction commits, so a page rendered from data read in between cannot outlive it.
Previews and logged-in editors never touch the cache. Only pages that say they are cacheable
are stored.

A hit replays the headers the page had when it was stored, so what the middleware below this
one adds (``X-Frame-Options``, ``Vary``) is not lost. One page is one entry: the key holds the
host name as validated against ``ALLOWED_HOSTS`` (lower-cased, without a port), campaign
parameters (``utm_*``, ``fbclid``...) are taken off the request before rendering, and a page
asked for with any parameter it does not read is rendered fresh and not stored. When the cache
is down every request is a miss (``website.cache`` fails open).
"""

import hashlib
import time
from contextvars import ContextVar
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.http.request import split_domain_port

TAG_PREFIX = "pagecache:tag:"
SITE = "site"
LISTINGS = "listings"
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


def product_tag(product_id):
    return f"product:{product_id}"


def _tag_keys(tags):
    return [TAG_PREFIX + tag for tag in tags]


def _bump_keys(keys):
    for key in keys:
        try:
            cache.incr(key)
        except ValueError:
            # Never set (or evicted): start from a value no cached page can have recorded.
            cache.add(key, time.time_ns(), None)


def bump(*tags):
    """Make cached pages carrying any of ``tags`` stale: now, and again once the current
    transaction commits (a request in between could otherwise cache the old state)."""
    keys = _tag_keys(tags)
    _bump_keys(keys)
    transaction.on_commit(lambda: _bump_keys(keys))


def bump_version():
    """Make every cached page stale."""
    bump(SITE)


def depend_on(request, *tags):
    """Record that the page being rendered for ``request`` shows what ``tags`` stand for.
    Call before reading the data the page shows."""
    deps = getattr(request, "_page_cache_deps", None)
    if deps is None or not tags:  # the page will not be cached: nothing to record
        return
    keys = _tag_keys(tags)
    found = cache.get_many(keys)
    deps.update({key: found.get(key, 0) for key in keys})


_remembered = {}
# The site version a request started with (set by SiteMiddleware): read once per request.
_request_site_version = ContextVar("request_site_version", default=None)


def _site_version():
    tag = TAG_PREFIX + SITE
    version = cache.get(tag)
    if version is None:  # never set, evicted or flushed: start a version nothing has seen
        cache.add(tag, time.time_ns(), None)
        version = cache.get(tag)
    return version


# At most this many things are remembered; more (many host names under a wildcard in
# ALLOWED_HOSTS, say) start the memo afresh rather than grow it.
MAX_REMEMBERED = 256


def remembered(key, build):
    """``build()``, kept in this process until the ``site`` tag changes: for the few things
    almost every request needs and only editors change (the Site for a host name, the shop's
    settings, which sections are private). Costs one cache read per request instead of
    database queries; whatever changes them bumps ``site`` (see ``website.signals``).
    Without a cache (Redis down) there is no version to compare, so nothing is remembered."""
    # Read before building: a change meanwhile shows on the next request.
    version = _request_site_version.get() or _site_version()
    if version is None:
        return build()
    hit = _remembered.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = build()
    if len(_remembered) >= MAX_REMEMBERED:
        _remembered.clear()
    _remembered[key] = (version, value)
    return value


def request_hostname(request):
    """The request's host name, validated against ``ALLOWED_HOSTS`` (``DisallowedHost``, a 400,
    otherwise), lower-cased and without the port: ``Shop.Example.com:1`` and
    ``shop.example.com:2`` are one host, so they share one memo and one cache entry."""
    hostname, _ = split_domain_port(request.get_host())
    return hostname


class SiteMiddleware:
    """Find the request's Wagtail Site from memory rather than with a query on every request.
    Wagtail keeps the Site it found in ``request._wagtail_site`` (``Site.find_for_request``);
    this fills it in first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from wagtail.models import Site

        hostname = request_hostname(request)
        token = _request_site_version.set(_site_version())
        try:
            request._wagtail_site = remembered(
                ("site", hostname, request.get_port()), lambda: Site._find_for_request(request)
            )
            return self.get_response(request)
        finally:
            _request_site_version.reset(token)


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


def can_use_cache(request):
    return (
        settings.SHOP_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIP_PREFIXES)
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
            return response
        request._page_cache_deps = {}
        _site_version()  # creates the tag if it is missing, so the page can record it
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
