"""Single sign-on through the province's OpenID Connect gateway, beside local accounts.

The gateway says who the person is; the portal decides what they may do. A person is matched to an existing,
active account by one configured claim (OIDC_MATCH_CLAIM: "email" or "preferred_username"); nobody is created,
nothing the provider sends changes an account or its roles, and an ambiguous match signs nobody in.
"""

import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from units.models import User
from units.roles import is_administrator

logger = logging.getLogger(__name__)

# The claim → the account field it is compared with (case-insensitively).
MATCH_FIELDS = {"email": "email", "preferred_username": "username", "username": "username"}
REQUIRED_SETTINGS = (
    "OIDC_RP_CLIENT_ID",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
)


def is_sso_enabled() -> bool:
    return all(getattr(settings, name, "") for name in REQUIRED_SETTINGS)


def sso_provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME or "SSO"


def match_claim() -> str:
    claim = settings.OIDC_MATCH_CLAIM
    if claim not in MATCH_FIELDS:
        raise ValueError(f"OIDC_MATCH_CLAIM must be one of {sorted(MATCH_FIELDS)}, not {claim!r}.")
    return claim


def is_password_login_allowed(user: User) -> bool:
    """With LOCAL_PASSWORD_LOGIN=administrators, only administrators may still sign in with a password."""
    return settings.LOCAL_PASSWORD_LOGIN != "administrators" or is_administrator(user)


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, matching existing accounts only. Harmless when SSO is not configured:
    Django asks every backend on every sign-in, and this one then answers no one."""

    def __init__(self, *args, **kwargs):
        if is_sso_enabled():
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not is_sso_enabled() or "username" in kwargs or "password" in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims: dict) -> bool:
        return bool(str(claims.get(match_claim()) or "").strip())

    def filter_users_by_claims(self, claims: dict) -> QuerySet[User]:
        value = str(claims.get(match_claim()) or "").strip()
        if not value:
            return User.objects.none()
        return User.objects.filter(**{f"{MATCH_FIELDS[match_claim()]}__iexact": value, "is_active": True})

    def describe_user_by_claims(self, claims: dict) -> str:
        return f"{match_claim()} {claims.get(match_claim())!r}"

    def create_user(self, claims: dict):
        # OIDC_CREATE_USER is off; this refuses even if someone turns it on: accounts are made by administrators.
        raise SuspiciousOperation("The portal never creates accounts from single sign-on.")

    def update_user(self, user: User, claims: dict) -> User:
        return user  # names, e-mail and roles stay the portal's

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)
