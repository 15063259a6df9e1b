"""The language switcher and the ``hreflang`` alternates of the page being rendered."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from kernel.i18n import url_in_language

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context):
    """One entry per shop language for the page being rendered: ``code``, ``name``, ``path``
    (this page in that language), ``url`` (absolute, for ``hreflang``), ``switch`` (the
    switcher's link, which also remembers the choice) and ``current``."""
    request = context.get("request")
    if request is None:
        return []
    here = request.get_full_path()
    current = translation.get_language()
    versions = []
    for code, name in settings.LANGUAGES:
        path = url_in_language(here, code)
        versions.append(
            {
                "code": code,
                "name": name,
                "path": path,
                "url": request.build_absolute_uri(path),
                "switch": reverse("switch_language", args=[code]) + "?" + urlencode({"next": here}),
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def unprefixed_url(context):
    """This page's address without a language prefix (``hreflang="x-default"``): it opens in
    the visitor's language."""
    request = context["request"]
    path = request.get_full_path()
    code = translation.get_language_from_path(request.path_info)
    if code:
        path = path[len(code) + 1 :]
    return request.build_absolute_uri(path)
