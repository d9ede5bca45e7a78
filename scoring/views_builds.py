"""The year's annex PDF and Excel workbook, built in the background and kept once built.

The results page links here. Opening the link starts the build if nobody has (a published snapshot never
changes, so building it is a cache fill: safe to start from a GET, done at most once), sends the file at
once when it is ready, and otherwise shows a page that polls every 2 s until it is. POST starts the build
again after a failure. Access follows the published ranking (scoring/results/access.py); the direct
export URLs (views_exports) stay for open-data clients.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from scoring import tasks
from scoring.models import ResultPublication
from scoring.results import access

PUBLIC_MAX_AGE = 300  # as the direct exports: a period can be made private again


def _version(request: HttpRequest) -> int | None:
    value = request.GET.get("version", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _publication(request: HttpRequest, year: int, kind: str) -> ResultPublication | HttpResponse:
    """The publication, or a login redirect for anonymous visitors of a period that is not public."""
    if kind not in tasks.FILE_KINDS:
        raise Http404
    try:
        return access.get_publication_for_view(request.user, year, _version(request))
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise


def _language() -> str:
    return translation.get_supported_language_variant(translation.get_language())


def _query(request: HttpRequest) -> str:
    version = _version(request)
    return f"?version={version}" if version else ""


def _is_public(publication: ResultPublication) -> bool:
    config = getattr(publication.period, "results_config", None)
    return bool(config and config.is_public)


def _file_name(request: HttpRequest, publication: ResultPublication, kind: str) -> str:
    """The direct exports' names: `-vN` only when the link names a version."""
    values = {"year": publication.period.year, "suffix": f"-v{publication.version}" if _query(request) else ""}
    if kind == "pdf":
        return _("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.pdf") % values
    return _("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.xlsx") % values


@require_http_methods(["GET", "POST"])
def results_build(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    publication = _publication(request, year, kind)
    if isinstance(publication, HttpResponse):
        return publication
    language = _language()
    status_url = reverse("results_build", args=[year, kind]) + _query(request)
    download_url = reverse("results_build_download", args=[year, kind]) + _query(request)
    if request.method == "POST":
        tasks.build_start(publication, kind, language)
        return redirect(status_url)
    build = tasks.build_status(publication, kind, language)
    if build.status == tasks.BuildStatus.NOT_STARTED:
        build = tasks.build_start(publication, kind, language)
    if build.status == tasks.BuildStatus.DONE and not request.htmx:
        return redirect(download_url)
    context = {
        "period": publication.period,
        "publication": publication,
        "kind": kind,
        "build": build,
        "status_url": status_url,
        "download_url": download_url,
        "file_name": _file_name(request, publication, kind),
        "results_url": reverse("results_published", args=[year]),
    }
    template = "scoring/build_status.html#status" if request.htmx else "scoring/build_status.html"
    response = render(request, template, context)
    patch_cache_control(response, no_store=True)
    return response


def results_build_download(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The built file, under the same access rule and name as the direct export; always a download."""
    publication = _publication(request, year, kind)
    if isinstance(publication, HttpResponse):
        return publication
    name = tasks.stored_name(publication, kind, _language())
    storage = tasks.exports_storage()
    if not storage.exists(name):  # not built yet, or removed: the build page starts it
        return redirect(reverse("results_build", args=[year, kind]) + _query(request))
    response = FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=_file_name(request, publication, kind),
        content_type=tasks.FILE_KINDS[kind].content_type,
    )
    if _is_public(publication):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
