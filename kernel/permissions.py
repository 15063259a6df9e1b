"""Permission policies shared by the shop's admin views."""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadAndChangeOnly(ModelPermissionPolicy):
    """Staff look at and change these records; they never add or delete them by hand (stock
    rows come from publishing products, orders and payments from checkouts)."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete", "copy"):
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)
