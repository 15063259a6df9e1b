"""Limits on forms anyone can post (the contact form): who is asking, and how often.

``client_address`` finds the client's address the way the login throttle does (django-allauth
behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies), so one setting tells the whole shop how many
proxies stand in front of it. ``count_hit`` counts requests per client in fixed windows, in
the shared cache, so every gunicorn worker and web container agrees on the count.

Both fail open: a request whose address cannot be read is counted under one shared name, and
a cache that is down counts nothing (``kernel.cache``), so a limit never turns into an error
page for a shopper.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

UNKNOWN_CLIENT = "unknown"


def _parsed(value):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def client_address(request):
    """The client's address as a short text to count by.

    Behind N trusted proxies (nginx appends the address it saw to X-Forwarded-For) the
    client is the N-th address from the end of that header; anything before it was written
    by the client and is not believed. IPv6 clients are counted by their /64 network: one
    household or phone gets a whole /64 and could otherwise change address at will."""
    address = None
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.headers.get("X-Forwarded-For")
    if proxies > 0 and forwarded:
        hops = forwarded.split(",")
        if len(hops) >= proxies:
            address = _parsed(hops[-proxies])
    if address is None:
        address = _parsed(request.META.get("REMOTE_ADDR"))
    if address is None:
        return UNKNOWN_CLIENT
    if address.version == 6:
        if address.ipv4_mapped:  # "::ffff:203.0.113.7" is 203.0.113.7
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def count_hit(scope, client, window_seconds, now=None):
    """Count one request from ``client`` for ``scope`` and return how many it has made in the
    current window of ``window_seconds`` (this one included)."""
    now = time.time() if now is None else now
    window = int(now) // window_seconds
    key = f"throttle:{scope}:{client}:{window}"
    # The key outlives its window a little, so a count is never lost at the boundary.
    cache.add(key, 0, timeout=window_seconds * 2)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between the two calls, or the cache is down
        cache.add(key, 1, timeout=window_seconds * 2)
        return 1
