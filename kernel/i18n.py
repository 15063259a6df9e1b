"""The shop's two languages: which one a request, an order or the owner speaks.

Every storefront page has one URL per language (``/km/...``, ``/en/...``; see
``website/urls.py``). A visit to a page without a language prefix (the bare domain, or a link
from an e-mail sent before the prefixes existed) is sent to the same page in the shopper's
language: the one they chose before (Django's language cookie), else the first of the shop's
languages their browser asks for, else the owner's default (Shop settings).
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from kernel.health import ENDPOINTS
from kernel.models import ShopSettings

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)


def shop_language(code):
    """``code`` as one of the shop's languages ("km-KH" -> "km"), or the site default."""
    if code:
        base = code.lower().replace("_", "-").split("-")[0]
        if base in LANGUAGE_CODES:
            return base
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def browser_language(accept_language):
    """The first of the shop's languages an ``Accept-Language`` header names, or None.

    Only languages the header names count: a browser set to French gets the owner's default,
    not whichever of ours Django would pick as a fallback.
    """
    for code, _quality in translation.trans_real.parse_accept_lang_header(accept_language or ""):
        if code == "*":
            continue
        base = code.lower().split("-")[0]
        if base in LANGUAGE_CODES:
            return base
    return None


def visitor_language(request, default):
    """The language to open an unprefixed URL in: cookie, then browser, then ``default``."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen and chosen in LANGUAGE_CODES:
        return chosen
    return browser_language(request.headers.get("Accept-Language")) or shop_language(default)


# Areas that have no language prefix: their 404s stay 404s (the JSON API's included) instead
# of being sent to a prefixed path that Wagtail's catch-all pattern would accept.
UNPREFIXED_AREAS = (
    "/api/",
    "/admin/",
    "/documents/",
    "/media/",
    "/static/",
    "/language/",
    "/django-admin/",
    *ENDPOINTS,
)


def _shop_setting(request, name):
    """A Shop settings value for this request; the field's default when the request matches no
    site (a bare address, an empty database): choosing a language must never fail."""
    try:
        return getattr(ShopSettings.for_request(request), name)
    except ShopSettings.DoesNotExist:
        return ShopSettings._meta.get_field(name).default


class ShopLocaleMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, choosing the language of unprefixed URLs the shop's way.

    A prefixed URL speaks its prefix. Anything else (the bare domain, ``/api/``, old e-mail
    links) speaks ``visitor_language``; for pages that exist under a prefix, Django's
    middleware then redirects there.
    """

    def process_request(self, request):
        language = translation.get_language_from_path(request.path_info)
        if not language and request.path_info.startswith("/admin/"):
            # Staff read the shop's admin views in the shop's own language unless they chose
            # one in their Wagtail account (Wagtail applies that choice itself).
            language = shop_language(_shop_setting(request, "owner_language"))
        elif not language:
            default = _shop_setting(request, "default_language")
            language = visitor_language(request, default)
            if request.path_info.startswith("/api/"):
                # The storefront script sends the page's language: answer in it, even when
                # the cookie remembers another choice (a /km/ page opened from a search).
                language = browser_language(request.headers.get("Accept-Language")) or language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.path_info.startswith(UNPREFIXED_AREAS):
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


def url_in_language(path, code):
    """``path`` (a local URL) as the same page in language ``code``.

    Django resolves a prefixed path only in the language of its prefix, so it is read in that
    language whichever one is active."""
    with translation.override(
        translation.get_language_from_path(path) or translation.get_language()
    ):
        return translate_url(path, code)


@require_GET
def switch_language(request, code):
    """Remember the shopper's language choice and show the page they were on in it.

    A GET link, so cached catalog pages (which carry no CSRF token) can offer it. The cart and
    the login live in the session, which is untouched.
    """
    if code not in LANGUAGE_CODES:
        raise Http404
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not target.startswith("/"):
        target = "/"
    response = HttpResponseRedirect(url_in_language(target, code))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
