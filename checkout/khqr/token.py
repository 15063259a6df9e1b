"""When the Bakong API token runs out. Tokens are JWTs that last about 90 days; the admin
dashboard warns staff two weeks before."""

import base64
import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

WARN_BEFORE = timedelta(days=14)


def token_expiry(token):
    """The ``exp`` time of a JWT, or ``None`` if the token is not a readable JWT."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def token_warning(now=None):
    """A sentence for staff when the configured token is expired or about to be; else ``None``."""
    expiry = token_expiry(settings.BAKONG_API_TOKEN or "")
    if expiry is None:
        return None
    now = now or timezone.now()
    day = date_format(expiry, "d M Y")
    if expiry <= now:
        return _(
            "The Bakong API token expired on %(date)s: payments cannot be confirmed. Renew it now."
        ) % {"date": day}
    if expiry - now <= WARN_BEFORE:
        return _(
            "The Bakong API token expires on %(date)s. Renew it before then (docs/operations.md)."
        ) % {"date": day}
    return None
