"""Customers' saved delivery addresses, which prefill the checkout."""

from checkout.models import Address


def default_address(user):
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at").first()


def save_address_from_checkout(user, data):
    """Keep the address a customer just used, unless they already have it."""
    existing = Address.objects.filter(
        user=user,
        name=data["name"],
        phone=data["phone"],
        province=data["province"],
        address=data["address"],
    ).first()
    if existing:
        return existing
    return add_address(
        Address(
            user=user,
            name=data["name"],
            phone=data["phone"],
            province=data["province"],
            address=data["address"],
        )
    )


def add_address(address):
    """Save a customer's new address; their first one becomes their default."""
    address.save()
    if not Address.objects.filter(user_id=address.user_id, is_default=True).exists():
        address.make_default()
    return address
