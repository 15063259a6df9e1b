"""The request's Wagtail Site, found from memory rather than with a query per request."""

from django.http.request import split_domain_port
from wagtail.models import Site

from kernel.memo import remembered, site_version_for_request


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
        hostname = request_hostname(request)
        with site_version_for_request():
            # Wagtail's own lookup and the attribute it caches the result in; both private,
            # both pinned by tests/website/test_page_cache.py.
            request._wagtail_site = remembered(
                ("site", hostname, request.get_port()), lambda: Site._find_for_request(request)
            )
            return self.get_response(request)
