"""Customers' saved delivery addresses, which prefill the checkout."""

from django.conf import settings
from django.db import models, transaction

from checkout.models.delivery import PROVINCES


class Address(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    name = models.CharField(max_length=120)
    phone = models.CharField(max_length=20)
    province = models.CharField(max_length=40, choices=[(p, p) for p in PROVINCES])
    address = models.TextField(max_length=500)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at", "-pk"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return f"{self.name}, {self.province}"

    def make_default(self):
        with transaction.atomic():
            Address.objects.filter(user_id=self.user_id).exclude(pk=self.pk).update(
                is_default=False
            )
            Address.objects.filter(pk=self.pk).update(is_default=True)
            self.is_default = True
