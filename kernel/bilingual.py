"""Content written in both of the shop's languages, one record for both.

A product is one page whatever language it is shown in: its English text lives in the usual
fields and its Khmer text in twins beside them (``summary`` and ``summary_km``). Prices, SKUs,
variants, images and stock are not duplicated at all, so they cannot drift apart between
languages, and a page, a cart line and an order line have one id in both. docs/languages.md
explains why the shop does this instead of keeping a translated copy of the page tree.

Reading a field goes through ``in_language``: the active language's text, or the other
language's when the editor has not written it yet, so a page never shows an empty heading.
"""

from django.utils import translation
from django.utils.html import strip_tags

KHMER = "km"


def written(value):
    """Whether an editor wrote something: non-blank text, rich text with words in it (the
    editor leaves ``<p></p>`` behind when a box is emptied) or a StreamField with blocks."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(strip_tags(value).strip())
    try:
        return len(value) > 0
    except TypeError:
        return True


def is_khmer(language=None):
    return (language or translation.get_language() or "").startswith(KHMER)


class Bilingual:
    """A model whose shopper-facing fields have Khmer twins.

    ``khmer_fields`` maps a field to its Khmer twin (``{"title": "title_km"}``);
    ``in_language("title")`` gives the text in the active (or the given) language.
    """

    khmer_fields: dict[str, str] = {}

    def in_language(self, field, language=None):
        twin = self.khmer_fields.get(field)
        if twin is None:
            return getattr(self, field)
        asked, other = (twin, field) if is_khmer(language) else (field, twin)
        text = getattr(self, asked)
        return text if written(text) else getattr(self, other)

    @property
    def shown_title(self):
        """The title in the active language."""
        return self.in_language("title")
