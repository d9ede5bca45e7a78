from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from units.sso import sso_provider_name


class PortalLoginForm(AuthenticationForm):
    """When local passwords are kept for administrators only, a refusal says where officials sign in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.LOCAL_PASSWORD_LOGIN == "administrators":
            self.error_messages = {
                **self.error_messages,
                "invalid_login": _(
                    "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản này phải đăng nhập qua %(provider)s: mật khẩu"
                    " chỉ dành cho quản trị hệ thống."
                )
                % {"provider": sso_provider_name()},
            }
