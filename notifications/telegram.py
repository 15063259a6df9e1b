"""Telegram Bot API: sendMessage to the owner's chat (optional; on when configured).

The API's URL holds the bot token (``/bot<token>/sendMessage``), and ``requests`` puts the
URL in its exception messages: a ``TelegramError`` is therefore always a fresh message that
names what went wrong, never the text (or, through chaining, the traceback) of the request's
own exception.
"""

import requests
from django.conf import settings

from kernel.redact import redact


class TelegramError(Exception):
    pass


def telegram_enabled():
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHAT_ID)


def _why(exc):
    if isinstance(exc, requests.Timeout):
        return "it did not answer in time"
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed"
    return f"the request failed ({type(exc).__name__})"


def send_message(text, chat_id=None, timeout=(3, 8)):
    """Send ``text`` (Telegram HTML) to the owner's chat; raises ``TelegramError`` on failure."""
    url = (
        f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
    )
    body = {
        "chat_id": chat_id or settings.TELEGRAM_CHAT_ID,
        "text": text[:4096],
        "parse_mode": "HTML",
        "disable_web_page_preview": True,
    }
    try:
        response = requests.post(url, json=body, timeout=timeout)
    except requests.RequestException as exc:
        error = TelegramError(f"Could not reach Telegram: {_why(exc)}.")
    else:
        error = None
    if error is not None:
        raise error  # outside the except block: no chained exception carries the URL
    try:
        reply = response.json()
    except ValueError:
        reply = None
    if not isinstance(reply, dict):
        raise TelegramError(f"Telegram answered {response.status_code} without JSON.")
    if response.status_code != 200 or not reply.get("ok"):
        description = redact(str(reply.get("description") or response.status_code))[:200]
        raise TelegramError(f"Telegram refused the message: {description}")
    return reply.get("result")
