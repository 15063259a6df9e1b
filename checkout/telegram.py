"""Telegram Bot API: sendMessage to the owner's chat (optional; on when configured)."""

import requests
from django.conf import settings


class TelegramError(Exception):
    pass


def telegram_enabled():
    return bool(settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHAT_ID)


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
        raise TelegramError(f"Could not reach Telegram: {exc}") from exc
    try:
        reply = response.json()
    except ValueError as exc:
        raise TelegramError(f"Telegram answered {response.status_code} without JSON.") from exc
    if response.status_code != 200 or not reply.get("ok"):
        raise TelegramError(
            f"Telegram refused the message: {reply.get('description') or response.status_code}"
        )
    return reply.get("result")
