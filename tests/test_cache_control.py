"""Cache-Control: what a signed-in person is sent is `private, no-store`; public published files, anonymous pages
and static files keep their own caching (cchc_portal/middleware.py, and the download views that say it too)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from tests.world import PDF_BYTES

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"
PUBLIC = "public, max-age=300"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fetch(client, role_world, who: str | None, url: str, headers: dict | None = None):
    client.logout()
    if who is not None:
        client.force_login(role_world["people"][who])
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return response


def text_of(response) -> str:
    return response.content.decode() if not response.streaming else ""


def test_the_sheet_and_its_fragments_are_private_and_never_stored(client, role_world):
    sheet = role_world["sheets"]["own"]
    criterion = role_world["criteria"]["1.1.1"]

    page = fetch(client, role_world, "own_staff", reverse("assessment_sheet", args=[sheet.pk]))
    fragment = fetch(
        client,
        role_world,
        "own_staff",
        reverse("score_history", args=[sheet.pk, criterion.pk]),
        headers={"HX-Request": "true"},
    )

    assert page["Cache-Control"] == NO_STORE
    assert "UBND phường Hạ Đình" in text_of(page)
    assert fragment["Cache-Control"] == NO_STORE


def test_the_sheet_export_is_private_and_never_stored(client, role_world):
    sheet = role_world["sheets"]["own"]

    response = fetch(client, role_world, "own_staff", reverse("sheet_export", args=[sheet.pk]))

    assert response["Cache-Control"] == NO_STORE
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    codes = [row[0] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "1.1.1" in codes


def test_an_evidence_download_is_private_and_never_stored(client, role_world):
    response = fetch(
        client, role_world, "own_staff", reverse("evidence_document_download", args=[role_world["document"].pk])
    )

    assert response["Cache-Control"] == NO_STORE
    assert (response["X-Content-Type-Options"], response["Content-Security-Policy"]) == ("nosniff", "sandbox")
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("who", "name", "shown"),
    [
        ("secretary", "results_live", "UBND phường Kim Giang"),
        ("secretary", "council_overview", "UBND phường Hạ Đình"),
        ("assigned_member", "appraisal_queue", "UBND phường Hạ Đình"),
        ("own_head", "home", "UBND phường Hạ Đình"),
    ],
)
def test_council_and_results_pages_of_the_running_year_are_private_and_never_stored(
    client, role_world, who, name, shown
):
    args = [role_world["period"].year] if name in ("results_live", "council_overview") else []

    response = fetch(client, role_world, who, reverse(name, args=args))

    assert response["Cache-Control"] == NO_STORE
    assert shown in text_of(response)


def test_a_public_years_ranking_is_stored_for_nobody_once_someone_is_signed_in(client, role_world):
    url = reverse("results_published", args=[role_world["published"].year])

    signed_in = fetch(client, role_world, "own_staff", url)
    anonymous = fetch(client, role_world, None, url)
    index = fetch(client, role_world, None, reverse("results_index"))

    # the page a signed-in person sees carries their banner and menu: private
    assert signed_in["Cache-Control"] == NO_STORE
    # the same ranking for visitors, and the list of public years, keep no such header
    assert "no-store" not in anonymous.get("Cache-Control", "")
    assert "no-store" not in index.get("Cache-Control", "")
    assert "UBND phường Hạ Đình" in text_of(anonymous)


@pytest.mark.parametrize("who", [None, "own_staff"])
def test_a_public_years_published_files_keep_their_public_caching(client, role_world, who):
    year = role_world["published"].year

    pdf = fetch(client, role_world, who, reverse("results_pdf", args=[year, year]))
    csv = fetch(client, role_world, who, reverse("results_csv", args=[year, year]))

    assert (pdf["Cache-Control"], csv["Cache-Control"]) == (PUBLIC, PUBLIC)
    assert pdf.content.startswith(b"%PDF-")


def test_a_published_year_that_is_not_public_sends_its_files_privately(client, role_world):
    published = role_world["published"]
    published.results_config.is_public = False
    published.results_config.save(update_fields=["is_public"])

    response = fetch(client, role_world, "own_staff", reverse("results_xlsx", args=[published.year, published.year]))

    assert response["Cache-Control"] == NO_STORE
    assert response["Content-Type"] == XLSX


def test_static_files_keep_their_caching_for_everyone(client, role_world):
    anonymous = fetch(client, role_world, None, "/static/css/portal.css")
    signed_in = fetch(client, role_world, "secretary", "/static/css/portal.css")

    assert signed_in["Cache-Control"] == anonymous["Cache-Control"]
    assert "no-store" not in signed_in["Cache-Control"]
