"""Carts, orders and payments (see the checkout issues)."""
