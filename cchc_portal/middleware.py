"""Middleware of the whole portal (not of one app)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PRIVATE_NO_STORE = "private, no-store"


class PrivateNoStoreMiddleware:
    """Every response to a signed-in person says `Cache-Control: private, no-store`.

    What a signed-in page holds (a unit's sheet, its evidence, unpublished scores, the council's work, the
    person's own name in the banner) must stay neither in a shared proxy nor in the browser's cache on a shared
    office computer after they sign out. One rule here instead of a decorator on each view, so a new page cannot
    forget it. Two kinds of response keep their own header: a published file of a public year, which a view
    marks `public` (the same bytes for everyone), and everything sent to anonymous visitors (the public ranking
    and the login page). Static files never reach this middleware: WhiteNoise answers them earlier.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not is_public(response):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


def is_public(response: HttpResponse) -> bool:
    directives = response.get("Cache-Control", "").lower().split(",")
    return any(directive.strip() == "public" for directive in directives)
