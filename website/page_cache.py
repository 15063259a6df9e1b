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
"""

import hashlib
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

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


def remembered(key, build):
    """``build()``, kept in this process until the ``site`` tag changes: for the few things
    almost every request needs and only editors change (the Site for a host name, the shop's
    settings, which sections are private). Costs one cache read per request instead of
    database queries; whatever changes them bumps ``site`` (see ``website.signals``)."""
    # Read before building: a change meanwhile shows on the next request.
    version = _request_site_version.get() or _site_version()
    hit = _remembered.get(key)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = build()
    _remembered[key] = (version, value)
    return value


class SiteMiddleware:
    """Find the request's Wagtail Site from memory rather than with a query on every request.
    Wagtail keeps the Site it found in ``request._wagtail_site`` (``Site.find_for_request``);
    this fills it in first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from wagtail.models import Site

        token = _request_site_version.set(_site_version())
        try:
            host = request._get_raw_host()
            request._wagtail_site = remembered(
                ("site", host, request.get_port()), lambda: Site._find_for_request(request)
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


def _key(request):
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pagecache:page:{digest}"


def can_use_cache(request):
    return (
        settings.SHOP_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(SKIP_PREFIXES)
        and len(request.get_full_path()) <= MAX_PATH
        and _cookie_free(request)
    )


class PageCacheMiddleware:
    """Serve a cached page when there is one; store pages that marked themselves cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not can_use_cache(request):
            return self.get_response(request)
        key = _key(request)
        hit = cache.get(key)
        if hit is not None and _is_fresh(hit["deps"]):
            response = HttpResponse(hit["content"], content_type=hit["content_type"])
            response["X-Page-Cache"] = "hit"
            return response
        request._page_cache_deps = {}
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
                    "content_type": response["Content-Type"],
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
