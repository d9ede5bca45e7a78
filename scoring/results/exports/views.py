"""Downloads of published results: annex PDF, unit scorecard PDF, Excel workbook, JSON and CSV open data.

Each reads one publication (the latest, or `?version=N`) under the published pages' rules: everyone logged
in, and anonymous visitors when the period is public (others are sent to log in). A scorecard follows the
published unit page, which uses the same rule.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from scoring import tasks
from scoring.models import ResultPublication, ResultRow
from scoring.permissions.results import get_publication_for_view
from scoring.results.exports import opendata, pdf, workbook
from scoring.results.exports.data import published_results
from scoring.spreadsheets import XLSX_CONTENT_TYPE

PUBLIC_MAX_AGE = 300


def _version(request: HttpRequest) -> int | None:
    value = request.GET.get("version", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _publication(request: HttpRequest, year: int, file_year: int | None = None) -> ResultPublication | HttpResponse:
    """The publication, or a login redirect for anonymous visitors of a period that is not public.

    File names repeat the year (`/results/2022/ket-qua-2022.pdf`) so a saved file says what it holds.
    """
    if file_year is not None and file_year != year:
        raise Http404
    try:
        return get_publication_for_view(request.user, year, _version(request))
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise


def _is_public(publication: ResultPublication) -> bool:
    config = getattr(publication.period, "results_config", None)
    return bool(config and config.is_public)


def _file_response(
    content: bytes, *, content_type: str, filename: str, as_attachment: bool, is_public: bool
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    if is_public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _suffix(request: HttpRequest, publication: ResultPublication) -> str:
    return f"-v{publication.version}" if request.GET.get("version") else ""


def results_pdf(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    publication = _publication(request, year, file_year)
    if isinstance(publication, HttpResponse):
        return publication
    return _file_response(
        pdf.year_pdf(publication),
        content_type=pdf.PDF_CONTENT_TYPE,
        filename=_("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.pdf")
        % {"year": year, "suffix": _suffix(request, publication)},
        as_attachment=False,
        is_public=_is_public(publication),
    )


def results_scorecard_pdf(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    publication = _publication(request, year)
    if isinstance(publication, HttpResponse):
        return publication
    row = ResultRow.objects.filter(publication=publication, unit__code=unit_code).values("unit_id", "block_id").first()
    if row is None:
        raise Http404
    results = published_results(publication, unit_id=row["unit_id"], with_areas=True, with_criteria=True)
    block_size = ResultRow.objects.filter(publication=publication, block_id=row["block_id"], is_ranked=True).count()
    unit_row = results.rows[0]
    return _file_response(
        pdf.scorecard_pdf(results, unit_row, block_size=block_size),
        content_type=pdf.PDF_CONTENT_TYPE,
        filename=_("Kết quả Chỉ số CCHC năm %(year)s - %(unit)s%(suffix)s.pdf")
        % {"year": year, "unit": unit_row.unit_name, "suffix": _suffix(request, publication)},
        as_attachment=False,
        is_public=_is_public(publication),
    )


def results_xlsx(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    publication = _publication(request, year, file_year)
    if isinstance(publication, HttpResponse):
        return publication
    return _file_response(
        workbook.year_workbook(publication),
        content_type=XLSX_CONTENT_TYPE,
        filename=_("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.xlsx")
        % {"year": year, "suffix": _suffix(request, publication)},
        as_attachment=True,
        is_public=_is_public(publication),
    )


def results_json(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    publication = _publication(request, year, file_year)
    if isinstance(publication, HttpResponse):
        return publication
    results = published_results(publication, block_code=request.GET.get("block") or None)
    return _file_response(
        opendata.to_json(results),
        content_type="application/json; charset=utf-8",
        filename=f"ket-qua-{year}{_suffix(request, publication)}.json",
        as_attachment=False,
        is_public=_is_public(publication),
    )


def results_csv(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    publication = _publication(request, year, file_year)
    if isinstance(publication, HttpResponse):
        return publication
    results = published_results(publication, block_code=request.GET.get("block") or None)
    return _file_response(
        opendata.to_csv(results),
        content_type="text/csv; charset=utf-8",
        filename=f"ket-qua-{year}{_suffix(request, publication)}.csv",
        as_attachment=True,
        is_public=_is_public(publication),
    )


"""The year's annex PDF and Excel workbook, built in the background and kept once built.

The results page links here. Opening the link starts the build if nobody has (a published snapshot never
changes, so building it is a cache fill: safe to start from a GET, done at most once), sends the file at
once when it is ready, and otherwise shows a page that polls every 2 s until it is. POST starts the build
again after a failure. Access follows the published ranking (scoring/results/py); the direct
export URLs (views_exports) stay for open-data clients.
"""


PUBLIC_MAX_AGE = 300  # as the direct exports: a period can be made private again


def _version(request: HttpRequest) -> int | None:
    value = request.GET.get("version", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _build_publication(request: HttpRequest, year: int, kind: str) -> ResultPublication | HttpResponse:
    """The publication, or a login redirect for anonymous visitors of a period that is not public."""
    if kind not in tasks.FILE_KINDS:
        raise Http404
    try:
        return get_publication_for_view(request.user, year, _version(request))
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
    publication = _build_publication(request, year, kind)
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
    template = "scoring/results/build_status.html#status" if request.htmx else "scoring/results/build_status.html"
    response = render(request, template, context)
    patch_cache_control(response, no_store=True)
    return response


def results_build_download(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    """The built file, under the same access rule and name as the direct export; always a download."""
    publication = _build_publication(request, year, kind)
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
        patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response
