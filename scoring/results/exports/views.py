"""Downloads of published results: annex PDF, unit scorecard PDF, Excel workbook, JSON and CSV open data.

Each reads one publication (the latest, or `?version=N`) under the published pages' rules: everyone logged
in, and anonymous visitors when the period is public (others are sent to log in). A scorecard follows the
published unit page, which uses the same rule.
"""

from collections.abc import Callable
from dataclasses import dataclass

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
from scoring.permissions.results import get_publication_for_view, is_public_period
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


def _readable(request: HttpRequest, year: int) -> ResultPublication | HttpResponse:
    """The publication (the latest, or `?version=N`), or a login redirect for anonymous visitors of a period that
    is not public."""
    try:
        return get_publication_for_view(request.user, year, _version(request))
    except Http404:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise


def _with_cache_headers(response: HttpResponse, publication: ResultPublication) -> HttpResponse:
    """Public results may be cached for a few minutes (a period can be made private again); others never."""
    if is_public_period(publication.period):
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_name(request: HttpRequest, publication: ResultPublication, kind: str) -> str:
    """The year's files are named for what they hold; `-vN` only when the link names a version."""
    values = {"year": publication.period.year, "suffix": f"-v{publication.version}" if _version(request) else ""}
    if kind == "pdf":
        return _("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.pdf") % values
    if kind == "xlsx":
        return _("Kết quả Chỉ số CCHC năm %(year)s%(suffix)s.xlsx") % values
    return "ket-qua-{year}{suffix}.{kind}".format(**values, kind=kind)


@dataclass(frozen=True)
class YearFile:
    """How one kind of the year's file is made and sent."""

    content_type: str
    as_attachment: bool
    build: Callable[[HttpRequest, ResultPublication], bytes]


YEAR_FILES = {
    "pdf": YearFile(pdf.PDF_CONTENT_TYPE, False, lambda request, publication: pdf.year_pdf(publication)),
    "xlsx": YearFile(XLSX_CONTENT_TYPE, True, lambda request, publication: workbook.year_workbook(publication)),
    "json": YearFile(
        "application/json; charset=utf-8",
        False,
        lambda request, publication: opendata.to_json(published_results(publication, block_code=_block(request))),
    ),
    "csv": YearFile(
        "text/csv; charset=utf-8",
        True,
        lambda request, publication: opendata.to_csv(published_results(publication, block_code=_block(request))),
    ),
}


def _block(request: HttpRequest) -> str | None:
    return request.GET.get("block") or None


def _year_file(request: HttpRequest, year: int, file_year: int, kind: str) -> HttpResponse:
    """File names repeat the year (`/results/2022/ket-qua-2022.pdf`) so a saved file says what it holds."""
    if file_year != year:
        raise Http404
    publication = _readable(request, year)
    if isinstance(publication, HttpResponse):
        return publication
    file = YEAR_FILES[kind]
    response = HttpResponse(file.build(request, publication), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(
        file.as_attachment, _file_name(request, publication, kind)
    )
    return _with_cache_headers(response, publication)


def results_pdf(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    return _year_file(request, year, file_year, "pdf")


def results_xlsx(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    return _year_file(request, year, file_year, "xlsx")


def results_json(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    return _year_file(request, year, file_year, "json")


def results_csv(request: HttpRequest, year: int, file_year: int) -> HttpResponse:
    return _year_file(request, year, file_year, "csv")


def results_scorecard_pdf(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """One unit's scorecard, under the published unit page's rule."""
    publication = _readable(request, year)
    if isinstance(publication, HttpResponse):
        return publication
    row = ResultRow.objects.filter(publication=publication, unit__code=unit_code).values("unit_id", "block_id").first()
    if row is None:
        raise Http404
    results = published_results(publication, unit_id=row["unit_id"], with_areas=True, with_criteria=True)
    block_size = ResultRow.objects.filter(publication=publication, block_id=row["block_id"], is_ranked=True).count()
    unit_row = results.rows[0]
    response = HttpResponse(
        pdf.scorecard_pdf(results, unit_row, block_size=block_size), content_type=pdf.PDF_CONTENT_TYPE
    )
    name = _("Kết quả Chỉ số CCHC năm %(year)s - %(unit)s%(suffix)s.pdf") % {
        "year": year,
        "unit": unit_row.unit_name,
        "suffix": f"-v{publication.version}" if _version(request) else "",
    }
    response["Content-Disposition"] = content_disposition_header(False, name)
    return _with_cache_headers(response, publication)


# ---------------------------------------------------------------------------------------------
# The year's annex PDF and Excel workbook, built in the background and kept once built.
#
# The results page links here. Opening the link starts the build if nobody has (a published snapshot never
# changes, so building it is a cache fill: safe to start from a GET, done at most once), sends the file at
# once when it is ready, and otherwise shows a page that polls every 2 s until it is. POST starts the build
# again after a failure. Access follows the published ranking; the direct export URLs above stay for
# open-data clients.


def _build_publication(request: HttpRequest, year: int, kind: str) -> ResultPublication | HttpResponse:
    if kind not in tasks.FILE_KINDS:
        raise Http404
    return _readable(request, year)


def _language() -> str:
    return translation.get_supported_language_variant(translation.get_language())


def _query(request: HttpRequest) -> str:
    version = _version(request)
    return f"?version={version}" if version else ""


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
    return _with_cache_headers(response, publication)
