"""Authenticator codes one 30-second window old (typed at the end of a window, arriving in the
next) are accepted; two windows old are not."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from tests.factories import totp_code

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def totp(db):
    user = get_user_model().objects.create_user("owner", "owner@example.com", "x-password-1")
    TOTP.activate(user, SECRET)
    return TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))


def test_a_code_from_the_window_just_past_is_accepted(totp):
    assert totp.validate_code(totp_code(SECRET, steps=-1))


def test_a_code_two_windows_old_is_refused(totp):
    assert not totp.validate_code(totp_code(SECRET, steps=-2))
