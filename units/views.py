"""Sign-in pages: the local password form, the province's single sign-on (when configured), and activation: a
person created without a password sets it from the link in their e-mail (Django's password reset views, so the
token, its expiry and its single use are Django's own)."""

import logging

import requests
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from units.forms import PortalLoginForm
from units.sso import is_sso_enabled, sso_provider_name

logger = logging.getLogger(__name__)


class PortalLoginView(auth_views.LoginView):
    form_class = PortalLoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = is_sso_enabled()
        context["sso_provider"] = sso_provider_name()
        return context


class PortalCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer; a refusal says why in Vietnamese instead of landing silently on the login page."""

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "Không đăng nhập được qua %(provider)s: tài khoản này chưa được cấp trên Cổng, hoặc đăng nhập bị từ"
                " chối. Hãy liên hệ quản trị hệ thống để được cấp tài khoản."
            )
            % {"provider": sso_provider_name()},
        )
        return redirect("login")


def sso_login(request: HttpRequest) -> HttpResponse:
    """Send the visitor to the provider (with state, nonce and PKCE kept in the session)."""
    if not is_sso_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def sso_callback(request: HttpRequest) -> HttpResponse:
    if not is_sso_enabled():
        raise Http404
    try:
        return PortalCallbackView.as_view()(request)
    except (requests.RequestException, SuspiciousOperation) as error:
        logger.warning("Single sign-on failed: %r", error)
        messages.error(
            request,
            _("Không kết nối được với %(provider)s hoặc phiên đăng nhập đã hết hạn. Hãy thử đăng nhập lại.")
            % {"provider": sso_provider_name()},
        )
        return redirect("login")


class ActivationConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/activation_confirm.html"
    success_url = reverse_lazy("activation_done")


activation_confirm = ActivationConfirmView.as_view()
activation_done = auth_views.PasswordResetCompleteView.as_view(template_name="registration/activation_done.html")
