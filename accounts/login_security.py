"""Login hardening for both login forms: the storefront's (django-allauth, /accounts/login/) and
the Wagtail admin's (/admin/login/).

Throttling (allauth's rate-limit machinery, kept in the shared Django cache, so every gunicorn
worker and container agrees; allauth finds the client address behind
ALLAUTH_TRUSTED_PROXY_COUNT proxies):

* Per client address: ``login_failed``'s ``/ip`` rate (10 failures a minute). A throttled
  address is refused even with the right password until its failures age out.
* Per account: ``login_failed``'s ``/key`` rate (5 failures in 5 minutes), keyed by the account
  the typed user name or e-mail address resolves to, so "dara", "Dara@Example.com" and the admin
  and storefront forms all count against the same account, whatever address they come from.
  Logins that are throttled are refused before the password is checked, so guessing stops.

Back-off rather than lock-out: the per-account limit is a sliding window, so it lifts by itself
5 minutes after the failures stop. An attacker who keeps failing could keep it shut for strangers,
so a browser that has already logged in to the account (it carries a signed "known device"
cookie naming the account and bound to its current password) is judged by its own small budget
(``login_failed_known_device``) instead of the account-wide and per-address ones: failures made
elsewhere never lock the owner out of their usual browser. The cookie cannot be forged (it is
signed with SECRET_KEY) and stops counting once the password changes.

Successful logins give their slot back (allauth's rollback), so they neither count nor wipe
the attacker's history.

Admin access: the admin login form only lets in accounts with Wagtail's
``wagtailadmin.access_admin`` permission, and answers everybody else exactly as it answers a
wrong password (the attempt counts as a failure too), so it is no password oracle for customers.

Two-factor authentication (django-allauth's MFA, TOTP plus recovery codes): the admin login form
asks for the code of an account that has set one up and refuses it without a valid one (a
recovery code works once); allauth's own login runs its MFA stage. An account with admin access
but no authenticator is sent by ``LoginSecurityMiddleware`` to allauth's set-up page before it may
use the admin.
"""

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import filter_users_by_email
from allauth.core.internal import ratelimit
from allauth.mfa.base.internal.flows import post_authentication
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

ADMIN_PERMISSION = "wagtailadmin.access_admin"

DEVICE_COOKIE = "shop_login_device"
DEVICE_COOKIE_SALT = "accounts.login_security.device"
DEVICE_COOKIE_MAX_AGE = 180 * 24 * 3600
DEVICE_COOKIE_ACCOUNTS = 5  # accounts one browser remembers
_LOGGED_IN = "_shop_logged_in_user"


def account_for(login):
    """The user a typed user name or e-mail address names, else None (looked up the same way
    whether or not it exists)."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        users = filter_users_by_email(login, prefer_verified=True)
        if users:
            return users[0]
    User = get_user_model()
    return User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": login}).first()


def _login_from(credentials):
    return credentials.get("email") or credentials.get("username") or ""


def _auth_fingerprint(user):
    # Changes whenever the password does (the same hash Django's sessions are bound to).
    return user.get_session_auth_hash()[:20]


def _read_device_cookie(request):
    try:
        value = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""),
            salt=DEVICE_COOKIE_SALT,
            max_age=DEVICE_COOKIE_MAX_AGE,
        )
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("accounts"), dict):
        return None
    return value


def known_device(request, user):
    """This browser's device id when it has logged in to ``user``'s account with its current
    password before, else None."""
    if user is None:
        return None
    cookie = _read_device_cookie(request)
    if cookie and cookie["accounts"].get(str(user.pk)) == _auth_fingerprint(user):
        return str(cookie.get("id", ""))[:64] or None
    return None


def remember_device(request, response, user):
    cookie = _read_device_cookie(request) or {}
    accounts = {k: v for k, v in cookie.get("accounts", {}).items() if k != str(user.pk)}
    accounts[str(user.pk)] = _auth_fingerprint(user)
    accounts = dict(list(accounts.items())[-DEVICE_COOKIE_ACCOUNTS:])
    value = {"id": cookie.get("id") or secrets.token_urlsafe(16), "accounts": accounts}
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(value, salt=DEVICE_COOKIE_SALT, compress=True),
        max_age=DEVICE_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


@receiver(user_logged_in, dispatch_uid="accounts.login_security.note_login")
def _note_login(sender, request, user, **kwargs):
    # Fired only once a login is complete (after the second factor); the middleware then marks
    # the browser as one the owner uses.
    if request is not None:
        setattr(request, _LOGGED_IN, user)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter with failed-login limits keyed by account and a known-device bypass.
    The admin login form uses it too, so both forms share one set of counters."""

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account limit by the text typed; key it by the account instead
        # (also used when a password reset clears the account's failures).
        return self._account_key(account_for(_login_from(credentials)), credentials)

    @staticmethod
    def _account_key(user, credentials):
        if user is not None:
            return f"account:{user.pk}"
        return f"login:{_login_from(credentials).strip().lower()}"

    def pre_authenticate(self, request, **credentials):
        user = account_for(_login_from(credentials))
        key = self._account_key(user, credentials)
        device = known_device(request, user)
        if device:
            action, key = "login_failed_known_device", f"{key}:device:{device}"
        else:
            action = "login_failed"
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action=action, key=key
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def forget_attempt(self):
        """A login that fully succeeded gives its slot back."""
        self._rollback_login_failed_rl_usage()


def has_second_factor(user):
    return (
        Authenticator.objects.filter(user_id=user.pk)
        .filter(type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES])
        .exists()
    )


class AdminLoginForm(WagtailLoginForm):
    """Wagtail's login form (WAGTAILADMIN_USER_LOGIN_FORM), throttled like the storefront's,
    for admin accounts only, and asking for the two-factor code of accounts that have one."""

    code = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=64,
        help_text=_(
            "The 6-digit code from your authenticator app, or one of your recovery codes. "
            "Leave empty if you have not set up two-factor authentication yet."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    error_messages = {
        **WagtailLoginForm.error_messages,
        "invalid_login": _(
            "Your %(username_field)s, password or two-factor code was not correct. "
            "Please try again."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        adapter = get_account_adapter(self.request)
        credentials = {"username": username, "password": password}
        adapter.pre_authenticate(self.request, **credentials)  # the throttle's message if limited
        user = authenticate(self.request, **credentials)
        authenticator = None
        allowed = user is not None and user.has_perm(ADMIN_PERMISSION)
        if allowed and has_second_factor(user):
            authenticator = self._second_factor(user, self.cleaned_data.get("code", ""))
            allowed = authenticator is not None
        if not allowed:
            # One answer for a wrong password, a customer's account and a wrong code; the
            # attempt stays counted against the address and the account.
            raise self.get_invalid_login_error()
        adapter.forget_attempt()
        if authenticator is not None:
            # Marks the recovery code used, and records the second factor in the session as
            # allauth's own login does.
            post_authentication(self.request, authenticator)
        self.user_cache = user
        return self.cleaned_data

    @staticmethod
    def _second_factor(user, code):
        code = (code or "").strip()
        if not code:
            return None
        for authenticator in Authenticator.objects.filter(user_id=user.pk).exclude(
            type=Authenticator.Type.WEBAUTHN
        ):
            authenticator.user = user
            if authenticator.wrap().validate_code(code):
                return authenticator
        return None


class LoginSecurityMiddleware:
    """Sends an account with admin access but no two-factor authentication to set it up before
    it may use the admin (logging out stays possible), and marks the browser a login succeeded
    in as one its owner uses (see ``known_device``). After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setup = self._two_factor_setup(request)
        if setup is not None:
            return setup
        response = self.get_response(request)
        user = getattr(request, _LOGGED_IN, None)
        if user is not None and user.is_authenticated:
            remember_device(request, response, user)
        return response

    def _two_factor_setup(self, request):
        admin = reverse("wagtailadmin_home")
        if not request.path.startswith(admin):
            return None
        if request.path in (reverse("wagtailadmin_login"), reverse("wagtailadmin_logout")):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.has_perm(ADMIN_PERMISSION):
            return None
        if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
            return None
        messages.warning(
            request,
            _(
                "Set up two-factor authentication with an authenticator app before using the "
                "admin. Keep the recovery codes you are shown somewhere safe."
            ),
        )
        return redirect("mfa_activate_totp")
