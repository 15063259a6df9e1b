"""Version tags: the page cache's invalidation primitive.

A tag is a counter in the shared cache. What a cached page (or card, or remembered value)
showed is stored with the versions of the tags it depends on, and is fresh only while those
versions are unchanged. ``bump`` makes everything carrying a tag stale, now and again when
the current transaction commits (a request in between could otherwise store the old state).

- ``site``: every page; publishing, settings, a stock level set by hand.
- ``listings``: pages with product cards; an item sold out or came back.
- ``product:<id>``: a product's page; the stock it shows changed.
"""

import time

from django.core.cache import cache
from django.db import transaction

TAG_PREFIX = "pagecache:tag:"
SITE = "site"
LISTINGS = "listings"


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


def site_version():
    """The ``site`` tag's version, created (at a value nothing has seen) if it is missing."""
    tag = TAG_PREFIX + SITE
    version = cache.get(tag)
    if version is None:  # never set, evicted or flushed: start a version nothing has seen
        cache.add(tag, time.time_ns(), None)
        version = cache.get(tag)
    return version
