"""Activation: a person created without a password sets it from the link in their e-mail (Django's password
reset views, so the token, its expiry and its single use are Django's own)."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class ActivationConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/activation_confirm.html"
    success_url = reverse_lazy("activation_done")


activation_confirm = ActivationConfirmView.as_view()
activation_done = auth_views.PasswordResetCompleteView.as_view(template_name="registration/activation_done.html")
