"""Site-wide views: robots.txt and the error pages."""

import sys

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kernel.outage import caused_by_database_outage, database_unavailable_response
from kernel.request_id import current_request_id


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    prefixes = [""] + [f"/{code}" for code, _name in settings.LANGUAGES]
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/"]
    for prefix in prefixes:  # the cart, checkout and search exist under every language prefix
        lines += [f"Disallow: {prefix}/{path}/" for path in ("cart", "checkout", "search")]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=3600, public=True)
def sitemap_index(request):
    """``/sitemap.xml``: the index of the per-language sitemaps (``/km/sitemap.xml``...)."""
    entries = "".join(
        f"<sitemap><loc>{escape(request.build_absolute_uri(f'/{code}/sitemap.xml'))}</loc>"
        "</sitemap>"
        for code, _name in settings.LANGUAGES
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>\n"
    )
    return HttpResponse(body, content_type="application/xml")


def bad_request_page(request, exception=None):
    """The page for a request Django refuses to read (``handler400``, via
    ``kernel.apiviews.bad_request``): a body too large or with too many fields, a bad Host.

    Rendered without the request's context: its body is what could not be read, and context
    processors (the CSRF token, messages) may read it again."""
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
    from django.template import loader

    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent):
        status = 413
        title = _("What you sent is too large")
        message = _(
            "The form you sent is larger than the shop accepts. Please shorten what you "
            "typed and try again."
        )
    else:
        status = 400
        title = _("We could not read that request")
        message = _("Please go back, reload the page and try again.")
    context = {"status": status, "title": title, "message": message}
    try:
        body = loader.get_template("400.html").render(context)
    except Exception:  # noqa: BLE001
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """``handler500``: "try again shortly" (503) when the database could not be reached,
    else the shop's 500 page, with the request's id as a reference the shopper can quote."""
    # Rendered without context processors: the database may be what failed. If even the
    # template cannot render (a broken static manifest, say), answer in plain words.
    from django.template import loader

    if caused_by_database_outage(sys.exc_info()[1]):
        return database_unavailable_response(request)
    try:
        context = {"request_id": current_request_id()}
        return HttpResponse(loader.get_template("500.html").render(context), status=500)
    except Exception:  # noqa: BLE001
        message = _(
            "Something went wrong on our side. Your cart and orders are safe; please try again."
        )
        if current_request_id():
            message += "\n" + _(
                "If you contact us about this, please quote this reference: %(reference)s"
            ) % {"reference": current_request_id()}
        return HttpResponse(message, status=500, content_type="text/plain; charset=utf-8")
