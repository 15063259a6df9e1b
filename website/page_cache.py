"""Whole-page caching of the storefront for anonymous shoppers.

Catalog pages (home, categories, products) hold nothing per shopper: no cart (the badge is
filled by a request of its own), no CSRF token, and rendering them never reads the session. So
for a GET from anyone who is not logged in and has no pending messages (shoppers with a cart
included), the rendered page is kept in the shared cache and served from there, before
Wagtail's routing and without the database. Logged-in users carry the AUTH_COOKIE marker (set
at login, cleared at logout) and always get fresh pages, with the Wagtail userbar.

Correctness comes from a version number in the cache key: publishing, unpublishing, moving or
deleting any page, editing site settings, and any change of stock bump it, so no page is
served stale after an editor's change or a sale. Previews and logged-in editors never touch
the cache (they have a session). Only pages that say they are cacheable are stored.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

VERSION_KEY = "pagecache:version"
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


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, None)


def bump_version():
    """Make every cached page stale: now, and again once the current transaction commits (a
    request in between could otherwise cache the old state under the new version)."""
    _bump()
    transaction.on_commit(_bump)


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


def _key(request, version):
    digest = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"pagecache:{version}:{digest}"


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
        version = _version()
        key = _key(request, version)
        hit = cache.get(key)
        if hit is not None:
            response = HttpResponse(hit["content"], content_type=hit["content_type"])
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "shop_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and "Cookie" not in response.get("Vary", "")
        ):
            cache.set(
                key,
                {"content": response.content, "content_type": response["Content-Type"]},
                settings.SHOP_PAGE_CACHE_SECONDS,
            )
            response["X-Page-Cache"] = "miss"
        return response


class CacheablePageMixin:
    """For page models whose output is the same for every anonymous visitor."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            response.shop_cacheable = True
        return response
