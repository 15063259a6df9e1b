"""Site-wide views: robots.txt and the error pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /cart/",
        "Disallow: /checkout/",
        "Disallow: /api/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed. If even the
    # template cannot render (a broken static manifest, say), answer in plain words.
    from django.template import loader

    try:
        return HttpResponse(loader.get_template("500.html").render(), status=500)
    except Exception:  # noqa: BLE001
        return HttpResponse(
            "Something went wrong on our side. Your cart and orders are safe; please try again.",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
