"""Customers' saved delivery addresses, which prefill the checkout."""

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from checkout.models.delivery import PROVINCE_LABELS, province_label


class Address(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    province = models.CharField(max_length=40, choices=list(PROVINCE_LABELS.items()))
    address = models.TextField(max_length=500)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at", "-pk"]
        verbose_name_plural = _("addresses")

    def __str__(self):
        return f"{self.name}, {self.province}"

    @property
    def province_label(self):
        """The province as a shopper reads it, in the active language."""
        return province_label(self.province)

    def make_default(self):
        with transaction.atomic():
            Address.objects.filter(user_id=self.user_id).exclude(pk=self.pk).update(
                is_default=False
            )
            Address.objects.filter(pk=self.pk).update(is_default=True)
            self.is_default = True
