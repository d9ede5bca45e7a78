"""The portal speaks Vietnamese unless the person chose another language (the switcher's cookie).

Django's LocaleMiddleware also follows the browser's Accept-Language, so a browser set to English got English
although nobody asked for it. Here the choice is the person's alone: their set_language cookie, else
LANGUAGE_CODE.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The language the person chose with the switcher, else the portal's default; never the browser's."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if code and code in {language for language, _name in settings.LANGUAGES}:
        return code
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the Accept-Language header (responses still say Content-Language)."""

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        # The page depends on the language cookie, not on Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
