"""A process-level memo for the few things almost every request needs and only editors change
(the Site for a host name, the shop's settings, the category menu, which sections are
private): kept in this process until the ``site`` tag's version changes, so reading them costs
one cache read per request instead of database queries."""

from contextlib import contextmanager
from contextvars import ContextVar

from kernel.cache_tags import site_version

_remembered = {}
# The site version a request started with (set by SiteMiddleware): read once per request.
_request_site_version = ContextVar("request_site_version", default=None)


# At most this many things are remembered; more (many host names under a wildcard in
# ALLOWED_HOSTS, say) start the memo afresh rather than grow it.
MAX_REMEMBERED = 256


def remembered(key, build):
    """``build()``, kept in this process until the ``site`` tag changes: for the few things
    almost every request needs and only editors change (the Site for a host name, the shop's
    settings, which sections are private). Costs one cache read per request instead of
    database queries; whatever changes them bumps ``site`` (see ``kernel.receivers``).
    Without a cache (Redis down) there is no version to compare, so nothing is remembered."""
    # Read before building: a change meanwhile shows on the next request.
    version = _request_site_version.get() or site_version()
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


@contextmanager
def site_version_for_request():
    """Read the ``site`` version once for the whole request (``SiteMiddleware``)."""
    token = _request_site_version.set(site_version())
    try:
        yield
    finally:
        _request_site_version.reset(token)
