"""Orders refunded before refunds were amounts get the refund they stand for: the whole total,
on the day they became "refunded", with the reason staff gave then. Without it the sales report
(which now counts sales on the day they were paid and refunds on the day they were given)
would count their money as still in."""

from django.db import migrations


def record_past_refunds(apps, schema_editor):
    Order = apps.get_model("checkout", "Order")
    Refund = apps.get_model("checkout", "Refund")
    OrderStatusChange = apps.get_model("checkout", "OrderStatusChange")
    for order in Order.objects.filter(status="refunded", refunds__isnull=True).iterator():
        change = (
            OrderStatusChange.objects.filter(order=order, to_status="refunded")
            .order_by("-created_at", "-pk")
            .first()
        )
        Refund.objects.create(
            order=order,
            amount=order.total,
            currency=order.currency,
            method="other",
            reason=(change.reason if change and change.reason else "Refunded")[:255],
            created_by_id=change.changed_by_id if change else None,
            created_at=change.created_at if change else order.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("checkout", "0016_discounts")]

    operations = [migrations.RunPython(record_past_refunds, migrations.RunPython.noop)]
