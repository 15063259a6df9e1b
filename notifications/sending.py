"""Sending what the outbox holds: each due message is claimed with a conditional update (so
several workers never send one twice), rendered if it was queued unrendered (messages are
rendered here, after the event's transaction, never while it holds locks), then sent by
e-mail or Telegram. Failures wait longer each time; a dead SMTP server or Telegram API only
delays messages.

Rendering picks each message's language itself (``messages.render``: the shopper's for their
order's messages, the owner's for the shop's), whatever language the worker runs in."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.utils import timezone

from kernel import metrics
from kernel.redact import describe_error
from notifications import telegram
from notifications.messages import render
from notifications.models import EMAIL, Notification

logger = logging.getLogger(__name__)

RETRY_PAUSES = (30, 60, 120, 300, 600, 1800, 3600)  # seconds, then every hour


def _claim(notification_id, now):
    """Take a due message for this worker; ``False`` if another worker has it."""
    due = models.Q(state=Notification.State.PENDING, next_attempt_at__lte=now) | models.Q(
        state=Notification.State.SENDING, next_attempt_at__lte=now
    )
    return bool(
        Notification.objects.filter(due, pk=notification_id).update(
            state=Notification.State.SENDING,
            attempts=models.F("attempts") + 1,
            # A claim older than this belongs to a worker that crashed mid-send.
            next_attempt_at=now + timedelta(seconds=settings.SHOP_NOTIFICATION_LEASE_SECONDS),
        )
    )


def _render_once(notification):
    """Render a message queued without its words, and keep them on the row: a retry sends
    the same words, and the outbox shows what was sent."""
    if notification.body_text:
        return
    subject, text, body_html = render(notification)
    notification.subject, notification.body_text, notification.body_html = (
        subject[:255],
        text,
        body_html,
    )
    Notification.objects.filter(pk=notification.pk).update(
        subject=notification.subject, body_text=text, body_html=body_html
    )


def _send(notification):
    if notification.channel == EMAIL:
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.recipient],
            headers={"Message-ID": f"<notification-{notification.pk}@{settings.SHOP_MAIL_DOMAIN}>"},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send(fail_silently=False)
    else:
        telegram.send_message(notification.body_text, chat_id=notification.recipient)


def deliver_notifications(now=None, limit=100):
    """Send every due message once; failures wait longer each time. Returns counts."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        state__in=[Notification.State.PENDING, Notification.State.SENDING], next_attempt_at__lte=now
    ).values_list("pk", flat=True)[:limit]
    counts = {"sent": 0, "failed": 0}
    for notification_id in list(due):
        if not _claim(notification_id, now):
            continue
        notification = Notification.objects.select_related("order").get(pk=notification_id)
        try:
            _render_once(notification)
            _send(notification)
        except Exception as error:  # noqa: BLE001  (any failure: try again later)
            pause = RETRY_PAUSES[min(notification.attempts, len(RETRY_PAUSES)) - 1]
            # Error texts can quote URLs, headers or server replies holding a token or the
            # SMTP password: only a redacted description is stored and logged.
            reason = describe_error(error)
            Notification.objects.filter(pk=notification.pk).update(
                state=Notification.State.PENDING,
                next_attempt_at=timezone.now() + timedelta(seconds=pause),
                last_error=reason[:500],
            )
            # Named by id, channel and kind, never by its recipient (an e-mail address or a
            # chat id): log lines become error reports' breadcrumbs. The error text may quote
            # the recipient too (an SMTP server refusing the address): it is left out there.
            logged_reason = (
                reason.replace(notification.recipient, "[recipient]")
                if notification.recipient
                else reason
            )
            logger.warning(
                "Could not send notification %s (%s %s, attempt %s): %s",
                notification.pk,
                notification.channel,
                notification.kind,
                notification.attempts,
                logged_reason,
            )
            counts["failed"] += 1
            metrics.inc(metrics.NOTIFICATIONS, channel=notification.channel, result="failed")
            continue
        Notification.objects.filter(pk=notification.pk).update(
            state=Notification.State.SENT, sent_at=timezone.now(), last_error=""
        )
        counts["sent"] += 1
        metrics.inc(metrics.NOTIFICATIONS, channel=notification.channel, result="sent")
    return counts
