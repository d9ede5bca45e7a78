"""The overview of a published year (leadership's home and the public overview page), checked against the open data
that `manage.py results --format json` prints, on the demo district whose figures come from the seed article."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from scoring.models import ResultsConfig
from units.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_demo")]

D = Decimal


def open_data(year: int) -> dict:
    out = StringIO()
    call_command("results", year=year, format="json", stdout=out)
    return json.loads(out.getvalue(), parse_float=Decimal)


def expected_blocks(year: int) -> dict[str, dict]:
    """Each block's headline figures, worked out here from the open data alone (not from the portal's code)."""
    current, previous = open_data(year), open_data(year - 1)
    blocks = {}
    for block_name in dict.fromkeys(record["block_name"] for record in current["results"]):

        def ranked(document, name=block_name):
            records = [r for r in document["results"] if r["block_name"] == name and r["is_ranked"]]
            return sorted(records, key=lambda r: r["rank"])  # stable: published order breaks ties

        this, last = ranked(current), ranked(previous)

        def average(records):
            return (sum(r["index"] for r in records) / len(records)).quantize(D("0.01"), ROUND_HALF_UP)

        def median(records):
            values = sorted(r["index"] for r in records)
            middle = len(values) // 2
            if len(values) % 2:
                return values[middle]
            return ((values[middle - 1] + values[middle]) / 2).quantize(D("0.01"), ROUND_HALF_UP)

        bands: dict[str, int] = {}
        for record in this:
            bands[record["band"]] = bands.get(record["band"], 0) + 1
        blocks[block_name] = {
            "gap": this[0]["points"] - this[-1]["points"],
            "previous-gap": last[0]["points"] - last[-1]["points"],
            "average": average(this),
            "average-change": average(this) - average(last),
            "median": median(this),
            "median-change": median(this) - median(last),
            "improved": sum(1 for r in this if r["change_index"] is not None and r["change_index"] > 0),
            "declined": sum(1 for r in this if r["change_index"] is not None and r["change_index"] < 0),
            "top": this[0]["unit_name"],
            "bottom": this[-1]["unit_name"],
            "bands": bands,
        }
    return blocks


def number(text: str, *, last: bool = False) -> Decimal:
    """A figure as the Vietnamese page prints it ("14,3", "+6,94 so với 2021", "năm 2021: 8,9") back to a Decimal:
    the first number, or the last one."""
    found = re.findall(r"[+-]?\d+(?:,\d+)?", text)
    return Decimal(found[-1 if last else 0].replace(",", "."))


def shown_blocks(html: str) -> dict[str, dict]:
    blocks = {}
    for section in html.split('data-testid="overview-block"')[1:]:
        name = re.search(r'<h\d class="h4"[^>]*>([^<]+)</h\d>', section).group(1)
        figures = dict(re.findall(r'data-figure="([a-z-]+)">([^<]*)<', section))
        blocks[name] = {
            **{key: number(figures[key]) for key in ("gap", "average", "average-change", "median", "median-change")},
            "previous-gap": number(figures["previous-gap"], last=True),
            "improved": int(figures["improved"]),
            "declined": int(figures["declined"]),
            "top": figures["top"],
            "bottom": figures["bottom"],
            "bands": {label: int(count) for label, count in re.findall(r"([^:·]+?): (\d+)", figures["bands"])},
        }
    return blocks


def test_the_public_overview_shows_the_figures_of_the_open_data(client):
    # when
    response = client.get(reverse("results_overview", args=[2022]))
    # then
    assert response.status_code == 200
    assert shown_blocks(response.content.decode()) == expected_blocks(2022)


def test_the_figures_are_the_seed_articles(client):
    blocks = shown_blocks(client.get(reverse("results_overview", args=[2022])).content.decode())

    assert (blocks["Phòng, ban, đơn vị"]["previous-gap"], blocks["Phòng, ban, đơn vị"]["gap"]) == (D("14.3"), D("4.5"))
    assert (blocks["UBND phường"]["previous-gap"], blocks["UBND phường"]["gap"]) == (D("8.9"), D("3.36"))
    assert (blocks["Phòng, ban, đơn vị"]["improved"], blocks["Phòng, ban, đơn vị"]["declined"]) == (12, 0)
    assert (blocks["UBND phường"]["improved"], blocks["UBND phường"]["declined"]) == (11, 0)


def test_each_block_has_one_plain_sentence(client):
    html = client.get(reverse("results_overview", args=[2022])).content.decode()

    sentences = re.findall(r'data-testid="block-sentence">([^<]+)<', html)

    assert sentences == [
        "Phòng, ban, đơn vị: chỉ số bình quân 95,71% (tăng 6,94 điểm % so với năm 2021); cả 12 đơn vị đều tăng "
        "chỉ số. Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng thu hẹp từ 14,3 xuống 4,5 điểm. Dẫn đầu: "
        "Phòng Tài nguyên và Môi trường (98,28%); cuối bảng: Phòng Nội vụ (93,78%).",
        "UBND phường: chỉ số bình quân 96,66% (tăng 6,21 điểm % so với năm 2021); cả 11 đơn vị đều tăng chỉ số. "
        "Chênh lệch giữa đơn vị đứng đầu và đơn vị cuối bảng thu hẹp từ 8,9 xuống 3,36 điểm. Dẫn đầu: UBND phường "
        "Kim Giang (98,37%); cuối bảng: UBND phường Thượng Đình (95,01%).",
    ]


def test_leaderships_home_is_the_dashboard_of_the_newest_published_year(client):
    client.force_login(User.objects.get(username="lanhdao"))

    html = client.get(reverse("home")).content.decode()

    assert 'data-testid="leadership-dashboard"' in html
    assert "Kết quả Chỉ số CCHC năm 2022" in html
    assert shown_blocks(html) == expected_blocks(2022)
    assert 'data-testid="heat-table"' not in html  # the home is compact; the heat table is on the overview


@pytest.mark.parametrize("username", ["thuky", "hoidong1", "canbo.hadinh", "truong.hadinh"])
def test_other_roles_keep_their_own_home(client, username):
    client.force_login(User.objects.get(username=username))

    html = client.get(reverse("home")).content.decode()

    assert 'data-testid="leadership-dashboard"' not in html
    assert 'data-testid="headline-strip"' not in html


def test_a_year_not_made_public_is_for_signed_in_people_only(client):
    ResultsConfig.objects.filter(period__year=2022).update(is_public=False)
    url = reverse("results_overview", args=[2022])

    assert client.get(url).status_code == 404
    client.force_login(User.objects.get(username="canbo.hadinh"))
    assert client.get(url).status_code == 200


def test_an_unpublished_year_has_no_overview(client):
    client.force_login(User.objects.get(username="lanhdao"))

    assert client.get(reverse("results_overview", args=[2023])).status_code == 404


def test_the_pictures_have_titles_descriptions_and_tables(client):
    html = client.get(reverse("results_overview", args=[2022])).content.decode()

    assert html.count('data-chart="dumbbell"') == 2
    assert html.count('data-chart="bars"') == 2
    assert '<title id="dumbbell-' in html and '<desc id="bars-' in html
    assert "Chỉ số năm 2021 → năm 2022 — UBND phường" in html
    assert "Chỉ số CCHC năm 2022 — UBND phường (trục bắt đầu từ 94%, không phải 0)" in html
    assert html.count('data-testid="dumbbell-table"') == 2
    assert html.count('data-testid="bars-table"') == 2
    assert html.count('data-testid="heat-table"') == 2
