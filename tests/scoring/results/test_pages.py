"""Published results pages: ranking with year-over-year changes, chart and statistics; a unit's page; heads'
accountability; commendations; the secretary's settings; who may see each; fixed query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import AuditEvent, Commendation, CouncilMembership, Period, ResultsConfig
from scoring.results.services import commendation_add
from tests.factories import (
    AuthorityFactory,
    BlockFactory,
    PeriodFactory,
    UnitFactory,
    get_as,
    publish_results,
    publish_snapshot,
    user_with_role,
)
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

PUBLISHED_PAGES = ["results_published", "results_published_unit", "results_heads", "results_commendations"]


@pytest.fixture
def people(years):
    period = years["second"].period
    member = user_with_role(Role.COUNCIL_MEMBER)
    CouncilMembership.objects.create(period=period, user=member)
    return {
        "anonymous": None,
        "unit_staff": user_with_role(Role.UNIT_STAFF, years["units"]["A"]),
        "council_member": member,
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
        "leadership": user_with_role(Role.LEADERSHIP),
    }


def url_of(name: str, years) -> str:
    if name == "results_published_unit":
        return reverse(name, args=[2022, years["units"]["A"].pk])
    return reverse(name, args=[2022])


@pytest.mark.parametrize("page", PUBLISHED_PAGES)
@pytest.mark.parametrize(
    "who,private,public",
    [
        ("anonymous", 404, 200),
        ("unit_staff", 200, 200),
        ("council_member", 200, 200),
        ("secretary", 200, 200),
        ("leadership", 200, 200),
    ],
)
def test_published_pages_are_for_everyone_logged_in_and_for_visitors_when_public(
    client,
    years,
    people,
    page,
    who,
    private,
    public,
):
    url = url_of(page, years)
    assert get_as(client, people[who], url).status_code == private
    ResultsConfig.objects.create(period=years["second"].period, is_public=True)
    response = client.get(url)
    assert response.status_code == public
    assert "Quyết định số 1/QĐ-UBND" in response.text or "tập thể" in response.text


@pytest.mark.parametrize("page", PUBLISHED_PAGES)
@pytest.mark.parametrize("who", ["anonymous", "unit_staff", "council_member", "secretary", "leadership"])
def test_an_unpublished_year_has_no_published_pages(client, years, people, page, who):
    period = PeriodFactory(authority=years["block"].authority, year=2023, state=Period.State.PRELIMINARY)
    ResultsConfig.objects.create(period=period, is_public=True)
    expected = 200 if page == "results_commendations" and who in ("council_member", "secretary", "leadership") else 404
    url = url_of(page, years).replace("2022", "2023")
    assert get_as(client, people[who], url).status_code == expected


@pytest.mark.parametrize(
    "who,private_years,public_years,live",
    [
        ("anonymous", [], [2022, 2021], False),
        ("unit_staff", [2022, 2021], [2022, 2021], False),
        ("council_member", [2022, 2021], [2022, 2021], True),
        ("secretary", [2022, 2021], [2022, 2021], True),
        ("leadership", [2022, 2021], [2022, 2021], True),
    ],
)
def test_the_index_lists_the_years_each_visitor_may_read(
    client,
    years,
    people,
    who,
    private_years,
    public_years,
    live,
):
    PeriodFactory(authority=years["block"].authority, year=2023, state=Period.State.APPRAISAL)
    url = reverse("results_index")
    response = get_as(client, people[who], url)
    assert response.status_code == 200
    assert [year for year in (2022, 2021) if f'href="/results/{year}/"' in response.text] == private_years
    assert ('href="/results/2023/live/"' in response.text) is live
    for period in (years["first"].period, years["second"].period):
        ResultsConfig.objects.create(period=period, is_public=True)
    response = client.get(url)
    assert [year for year in (2022, 2021) if f'href="/results/{year}/"' in response.text] == public_years


@pytest.mark.parametrize(
    "who,status",
    [("anonymous", 302), ("unit_staff", 404), ("council_member", 404), ("secretary", 200), ("leadership", 404)],
)
def test_only_the_secretary_opens_the_results_settings(client, years, people, who, status):
    assert get_as(client, people[who], reverse("results_settings", args=[2022])).status_code == status


def test_the_ranking_page_shows_changes_rule_chart_statistics_and_areas(client, years, people):
    response = get_as(client, people["leadership"], reverse("results_published", args=[2022]))
    text = response.text
    assert "Xếp hạng theo chỉ số; đơn vị bằng chỉ số cùng hạng (1, 2, 2, 4)." in text
    assert "Thay đổi so với kết quả công bố năm 2021" in text
    # A: 85,5 of an adjusted 95 = 90,00; fewer points than in 2021 but a higher index, and one place lower
    assert "85,5 / 95" in text and "(gốc 100, trừ tiêu chí không áp dụng)" in text
    assert "-0,5" in text and "+4,00" in text and "giảm 1 bậc" in text
    assert "tăng 1 bậc" in text  # B 2 → 1
    assert text.count(">mới<") == 2  # D and E were not published in 2021
    assert "Trong khối này điểm tối đa của các đơn vị khác nhau" in text
    # the chart is an accessible inline SVG with unlocalised coordinates; the table remains the source
    assert 'role="img"' in text and "<title id=" in text and "<desc id=" in text
    # on an axis from 40 to 100 % (near the lowest index, 50), said in its title: B's 95.5 % is 314.5 of 340
    assert "Chỉ số CCHC năm 2022 — Khối phường (trục bắt đầu từ 40%, không phải 0)" in text
    assert 'width="314.5"' in text
    # statistics and areas
    assert '<td class="numeric" data-testid="gap-points">27,00</td>' in text
    assert "Chênh lệch đầu – cuối năm 2021" in text and "(+11,00)" in text
    assert "So với năm 2021: 2 đơn vị tăng chỉ số, 1 giảm, 0 giữ nguyên, 1 đơn vị mới." in text
    assert "Tăng nhiều nhất: UBND phường B (+10,50 điểm %)." in text
    assert "84,88" in text and "87,75" in text
    assert '<tr class="table-success"><th scope="row" class="unit-name">1. Lĩnh vực 1</th>' in text
    assert '<tr class="table-warning"><th scope="row" class="unit-name">2. Lĩnh vực 2</th>' in text
    # the same publication as PDF, Excel and open data, one click away
    for kind in ("pdf", "xlsx"):  # built in the background (once per publication), then downloaded
        assert f'href="{reverse("results_build", args=[2022, kind])}?version=1"' in text
    for name in ("results_json", "results_csv"):
        assert f'href="{reverse(name, args=[2022, 2022])}?version=1"' in text


def test_the_ranking_read_again_follows_a_later_correction_of_the_previous_year(client, years, people):
    # given the 2022 ranking already read once (and kept, since a publication never changes)
    url = reverse("results_published", args=[2022])
    assert "↓</span> -1,50" in get_as(client, people["leadership"], url).text  # C: 70 → 68.5
    # when 2021 is corrected: C had 98, not 70
    publish_snapshot(
        years["first"].period,
        [
            {"unit": years["units"]["A"], "points": "86", "adjusted_max": "100", "index": "86", "rank": 2},
            {"unit": years["units"]["B"], "points": "85", "adjusted_max": "100", "index": "85", "rank": 3},
            {"unit": years["units"]["C"], "points": "98", "adjusted_max": "100", "index": "98", "rank": 1},
        ],
        version=2,
        correction="Sai điểm của phường C",
    )
    # then the 2022 page compares with the corrected 2021: C declined by 29.50 points of index, not 1.50
    text = client.get(url).text
    assert "↓</span> -1,50" not in text and "↓</span> -29,50" in text


def test_the_ranking_is_kept_per_language(client, years, people):
    url = reverse("results_published", args=[2022])
    assert "Thống kê của khối" in get_as(client, people["leadership"], url).text
    client.cookies["django_language"] = "en"  # the person's choice (the language menu), not the browser's header
    english = client.get(url).text
    assert "Thống kê của khối" not in english and "Block statistics" in english
    del client.cookies["django_language"]
    assert "Thống kê của khối" in client.get(url, headers={"accept-language": "en"}).text


def test_the_dense_ranking_rule_is_stated_when_the_publication_used_it(client, years, people):
    years["second"].ranking_method = "dense"
    years["second"].save()
    response = get_as(client, people["leadership"], reverse("results_published", args=[2022]))
    assert "Xếp hạng theo chỉ số; đơn vị bằng chỉ số cùng hạng (1, 2, 2, 3)." in response.text


def test_a_page_without_a_previous_year_shows_no_change_columns(client, years, people):
    response = get_as(client, people["leadership"], reverse("results_published", args=[2021]))
    assert "Chưa có năm trước đã công bố để so sánh." in response.text
    assert "± Hạng" not in response.text


def test_the_unit_page_shows_areas_against_the_block_and_the_history(client, years, people):
    url = reverse("results_published_unit", args=[2022, years["units"]["C"].pk])
    response = get_as(client, people["unit_staff"], url)
    text = response.text
    assert "Kết quả của UBND phường C năm 2022" in text
    assert '<td class="numeric">91,25</td>' in text and "-11,25" in text
    assert "Phạm Cường" in text and "68,5 / 100" in text and "70 / 100" in text
    new = get_as(client, people["unit_staff"], reverse("results_published_unit", args=[2022, years["units"]["D"].pk]))
    assert "chưa có kết quả năm trước" in new.text


def test_a_unit_not_in_the_publication_has_no_page(client, years, people):
    stranger = UnitFactory(block=years["block"])
    url = reverse("results_published_unit", args=[2022, stranger.pk])
    assert get_as(client, people["leadership"], url).status_code == 404


def test_the_unit_page_read_again_costs_one_query_and_still_asks_who_may_see_it(
    client, years, django_assert_num_queries
):
    # given a public year whose unit page was read once (and kept, since a publication never changes)
    config = ResultsConfig.objects.create(period=years["second"].period, is_public=True)
    url = reverse("results_published_unit", args=[2022, years["units"]["C"].pk])
    assert "Kết quả của UBND phường C năm 2022" in client.get(url).text
    # when a visitor reads it again: one query, which says whether they may and whether the unit was published
    with django_assert_num_queries(1):
        response = client.get(url)
    # then it is the whole page, with its title
    assert "<title>Kết quả của UBND phường C năm 2022" in response.text
    assert '<td class="numeric">91,25</td>' in response.text and "68,5 / 100" in response.text
    # and once the year is no longer public, the kept page is no longer served to visitors
    config.is_public = False
    config.save()
    assert client.get(url).status_code == 404
    client.force_login(user_with_role(Role.UNIT_STAFF, years["units"]["A"]))
    assert client.get(url).status_code == 200


def test_the_unit_page_read_again_follows_a_correction_and_the_units_code(client, years, people):
    # given C's 2022 page already read once
    unit = years["units"]["C"]
    url = reverse("results_published_unit", args=[2022, unit.pk])
    text = get_as(client, people["leadership"], url).text
    assert "70 / 100" in text and "↓</span> -1,50" in text  # 2021: 70; 2022: 68.5
    assert f"/results/2022/units/{unit.code}/scorecard.pdf?version=1" in text
    # when 2021 is corrected (C had 98, not 70) and the unit's code is changed
    publish_snapshot(
        years["first"].period,
        [
            {"unit": years["units"]["A"], "points": "86", "adjusted_max": "100", "index": "86", "rank": 2},
            {"unit": years["units"]["B"], "points": "85", "adjusted_max": "100", "index": "85", "rank": 3},
            {"unit": unit, "points": "98", "adjusted_max": "100", "index": "98", "rank": 1},
        ],
        version=2,
        correction="Sai điểm của phường C",
    )
    Unit.objects.filter(pk=unit.pk).update(code="phuong-c-moi")
    # then the page compares with the corrected 2021, and its scorecard link uses the new code
    text = client.get(url).text
    assert "98 / 100" in text and "↓</span> -29,50" in text and "↓</span> -1,50" not in text
    assert "/results/2022/units/phuong-c-moi/scorecard.pdf?version=1" in text
    # and a version of 2022 published later is the page from then on, while the first stays readable
    publish_snapshot(
        years["second"].period,
        [{"unit": unit, "points": "69", "adjusted_max": "100", "index": "69", "rank": 1}],
        version=2,
        correction="Sai điểm của phường C",
    )
    assert "69 / 100" in client.get(url).text
    first = client.get(reverse("results_published_unit_version", args=[2022, 1, unit.pk])).text
    assert "68,5 / 100" in first and "69 / 100" not in first


def test_a_unit_left_out_of_a_later_version_has_no_page_in_it(client, years, people):
    unit = years["units"]["E"]
    url = reverse("results_published_unit", args=[2022, unit.pk])
    assert get_as(client, people["leadership"], url).status_code == 200
    publish_snapshot(
        years["second"].period,
        [{"unit": years["units"]["A"], "points": "86", "adjusted_max": "100", "index": "86", "rank": 1}],
        version=2,
        correction="Phường E không thuộc khối",
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("results_published_unit_version", args=[2022, 1, unit.pk])).status_code == 200


def test_a_version_or_year_never_published_has_no_ranking(client, years, people):
    assert get_as(client, people["leadership"], reverse("results_published_version", args=[2022, 1])).status_code == 200
    assert client.get(reverse("results_published_version", args=[2022, 9])).status_code == 404
    assert client.get(reverse("results_published", args=[2031])).status_code == 404


def test_the_heads_page_shows_each_years_head(client, years, people):
    text = get_as(client, people["leadership"], reverse("results_heads", args=[2022])).text
    assert "Nguyễn An" in text and "Trần Thị Hoa" in text
    assert "chưa có kết quả" in text  # D in 2021


def test_the_published_unit_page_from_a_real_publication_shows_reasons_and_not_applicable(
    client,
    setting,
):
    # given the flow fixture published: Hạ Đình 8.5 of an adjusted 9 (94.44, rank 1) above Kim Giang 9 of 10
    period = publish_results(setting["period"], setting["secretary"], setting["leader"]).period
    client.force_login(setting["staff"])
    ranking = client.get(reverse("results_published", args=[period.year])).text
    assert "8,5 / 9" in ranking and "9 / 10" in ranking
    assert ranking.index("Hạ Đình") < ranking.index("Kim Giang")
    unit = client.get(reverse("results_published_unit", args=[period.year, setting["ha_dinh"].unit_id])).text
    assert "Không có chức năng kiểm tra" in unit
    assert unit.count("Không áp dụng") == 2  # self and final on 1.3
    assert "Lê Văn Trưởng" in unit


def test_the_secretary_adds_and_removes_a_commendation_linked_to_the_units_result(client, years, people):
    client.force_login(people["secretary"])
    unit = years["units"]["B"]
    response = client.post(
        reverse("results_commendation_add", args=[2022]),
        {"kind": "collective", "name": "", "unit": unit.pk, "note": "Bằng khen của UBND quận"},
        follow=True,
    )
    assert "Đã thêm khen thưởng: UBND phường B." in response.text
    assert reverse("results_published_unit", args=[2022, unit.pk]) in response.text
    assert "1 tập thể và 0 cá nhân được khen thưởng." in response.text
    commendation = Commendation.objects.get()

    response = client.post(reverse("results_commendation_remove", args=[commendation.pk]), follow=True)
    assert "Đã xoá khen thưởng: UBND phường B." in response.text
    assert not Commendation.objects.exists()
    assert AuditEvent.objects.filter(action="results.commend_remove", summary="Tập thể: UBND phường B").exists()


@pytest.mark.parametrize("who", ["unit_staff", "council_member", "leadership"])
def test_others_can_neither_add_nor_remove_commendations(client, years, people, who):
    period = years["second"].period
    commendation = commendation_add(actor=people["secretary"], period=period, kind="individual", name="Nguyễn Thị Mai")
    client.force_login(people[who])
    assert (
        client.post(reverse("results_commendation_add", args=[2022]), {"kind": "individual", "name": "X"}).status_code
        == 404
    )
    assert client.post(reverse("results_commendation_remove", args=[commendation.pk])).status_code == 404
    assert list(Commendation.objects.values_list("name", flat=True)) == ["Nguyễn Thị Mai"]
    assert "Thêm khen thưởng" not in client.get(reverse("results_commendations", args=[2022])).text


def test_the_secretary_sets_ranking_public_access_bands_and_an_unranked_unit(client, people):
    period, unit = _appraised_unit()
    client.force_login(people["secretary"])
    url = reverse("results_settings", args=[2024])
    client.post(url, {"action": "config", "ranking_method": "dense", "is_public": "on"})
    client.post(
        url,
        {
            "action": "bands",
            "band_count": "3",
            "band_min_0": "90",
            "band_label_0": "Tốt",
            "band_min_1": "0",
            "band_label_1": "Chưa tốt",
            "band_min_2": "",
            "band_label_2": "",
        },
    )
    response = client.post(url, {"action": "exclusion", "unit": unit.pk, "reason": "Mới thành lập"}, follow=True)
    assert f"{unit.name} được đánh giá nhưng không xếp hạng." in response.text
    config = ResultsConfig.objects.get(period=period)
    assert (config.ranking_method, config.is_public) == ("dense", True)
    assert list(period.classification_bands.values_list("min_index", "label")) == [
        (Decimal("90.00"), "Tốt"),
        (Decimal("0.00"), "Chưa tốt"),
    ]
    assert list(period.ranking_exclusions.values_list("unit_id", "reason")) == [(unit.pk, "Mới thành lập")]


def test_the_secretary_ranks_again_a_unit_marked_not_ranked_until_publication(client, people):
    # given a unit marked as assessed but not ranked
    period, unit = _appraised_unit()
    client.force_login(people["secretary"])
    url = reverse("results_settings", args=[2024])
    client.post(url, {"action": "exclusion", "unit": unit.pk, "reason": "Mới thành lập"})
    assert f'aria-label="Xếp hạng trở lại {unit.name}"' in client.get(url).text
    # when the secretary ranks it again
    response = client.post(url, {"action": "include", "unit": unit.pk}, follow=True)
    # then it is ranked, the change is in the audit log, and asking twice says why nothing happens
    assert f"{unit.name} được xếp hạng trở lại." in response.text
    assert not period.ranking_exclusions.exists()
    event = AuditEvent.objects.get(action="results.include")
    assert (event.actor, event.summary, event.data) == (people["secretary"], str(unit), {"reason": "Mới thành lập"})
    assert (
        f"{unit.name} đang được xếp hạng." in client.post(url, {"action": "include", "unit": unit.pk}, follow=True).text
    )
    # and once the results are published the list is fixed
    client.post(url, {"action": "exclusion", "unit": unit.pk, "reason": "Mới thành lập"})
    Period.objects.filter(pk=period.pk).update(state=Period.State.PUBLISHED)
    response = client.post(url, {"action": "include", "unit": unit.pk}, follow=True)
    assert "Kết quả đã công bố: không thay đổi danh sách xếp hạng được nữa." in response.text
    assert period.ranking_exclusions.exists()
    assert "Xếp hạng trở lại" not in response.text


def test_only_the_secretariat_ranks_a_unit_again(client, people):
    period, unit = _appraised_unit()
    period.ranking_exclusions.create(unit=unit, reason="Mới thành lập", created_by=people["secretary"])
    for who in ("unit_staff", "council_member", "leadership"):
        client.force_login(people[who])
        assert (
            client.post(reverse("results_settings", args=[2024]), {"action": "include", "unit": unit.pk}).status_code
            == 404
        )
    assert period.ranking_exclusions.exists()


def test_bands_without_a_zero_floor_are_refused_with_the_services_message(client, people):
    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    client.force_login(people["secretary"])
    response = client.post(
        reverse("results_settings", args=[2024]),
        {"action": "bands", "band_count": "1", "band_min_0": "50", "band_label_0": "Đạt"},
        follow=True,
    )
    assert "mức thấp nhất bắt đầu từ 0%" in response.text
    assert not period.classification_bands.exists()


def _appraised_unit() -> tuple[Period, Unit]:
    """A 2024 period in appraisal with one unit's sheet."""
    from scoring.models import Framework

    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    unit = UnitFactory(block=BlockFactory(authority=period.authority))
    framework = Framework.objects.create(period=period, block=unit.block, name="Bộ chỉ số 2024")
    period.assessments.create(unit=unit, framework=framework)
    return period, unit


# ---------------------------------------------------------------------------------------------
# Query counts: the same on 20 and on 200 units


def many_units(count: int) -> dict:
    """Two published years of one block of `count` units (the last one new in the second year), in bulk."""
    authority = AuthorityFactory()
    block = BlockFactory(authority=authority, name="Khối phường")
    units = Unit.objects.bulk_create(
        Unit(block=block, code=f"q-{n}", name=f"Đơn vị {n:03}", position=n) for n in range(count)
    )
    lines = []
    for year_offset in (0, 1):
        lines.append(
            [
                {
                    "unit": unit,
                    "points": str(Decimal(90) - Decimal(n) / 4 + year_offset),
                    "adjusted_max": "100",
                    "index": str(Decimal(90) - Decimal(n) / 4 + year_offset),
                    "rank": n + 1,
                    "head": f"Trưởng {n}",
                    "areas": [("1", "95"), ("2", str(80 + n % 10))],
                }
                for n, unit in enumerate(units)
                if year_offset or n < count - 1
            ]
        )
    for year_offset, year_lines in enumerate(lines):
        publish_snapshot(PeriodFactory(authority=authority, year=2021 + year_offset), year_lines)
    for period in Period.objects.filter(authority=authority):
        commendation_add(
            actor=user_with_role(Role.COUNCIL_SECRETARY), period=period, kind="collective", name="X", unit=units[0]
        )
    return {"units": units}


@pytest.mark.parametrize("count", [20, 200])
@pytest.mark.parametrize(
    "page,queries",
    [
        ("results_index", 7),
        ("results_published", 14),  # with the signed annex of the publication
        ("results_published_unit", 11),
        ("results_heads", 7),
        ("results_commendations", 10),
        ("results_settings", 10),  # the survey part of each block's framework is one more read
    ],
)
def test_results_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, count, page, queries):
    data = many_units(count)
    client.force_login(user_with_role(Role.COUNCIL_SECRETARY))
    if page == "results_index":
        url = reverse(page)
    elif page == "results_published_unit":
        url = reverse(page, args=[2022, data["units"][-1].pk])
    else:
        url = reverse(page, args=[2022])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if page in ("results_published", "results_heads"):
        assert response.text.count("Đơn vị 199" if count == 200 else "Đơn vị 019") >= 1


# ---------------------------------------------------------------------------------------------
# Settings and commendations read through forms: a bad value is named on the page and nothing changes


@pytest.mark.parametrize(
    "minimum,message",
    [
        ("chín mươi", "“chín mươi” không phải là số."),
        ("150", "Ngưỡng chỉ số “150” phải từ 0 đến 100, có tối đa 2 chữ số thập phân."),
        ("-5", "Ngưỡng chỉ số “-5” phải từ 0 đến 100, có tối đa 2 chữ số thập phân."),
        ("12,345", "Ngưỡng chỉ số “12,345” phải từ 0 đến 100, có tối đa 2 chữ số thập phân."),
        ("", "Hãy nhập ngưỡng chỉ số cho mức “Tốt”."),
    ],
)
def test_a_band_threshold_that_is_not_a_percentage_is_named_and_nothing_is_saved(client, people, minimum, message):
    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    client.force_login(people["secretary"])
    response = client.post(
        reverse("results_settings", args=[2024]),
        {"action": "bands", "band_count": "2", "band_min_0": minimum, "band_label_0": "Tốt", "band_min_1": "0"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("results_settings", args=[2024]), 302)]
    assert message in response.text
    assert "Đã lưu các mức xếp loại." not in response.text
    assert not period.classification_bands.exists()
    assert not AuditEvent.objects.filter(action="results.bands").exists()


def test_bands_typed_with_a_decimal_comma_are_saved(client, people):
    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    client.force_login(people["secretary"])
    response = client.post(
        reverse("results_settings", args=[2024]),
        {"action": "bands", "band_count": "2", "band_min_0": "92,5", "band_label_0": " Tốt ", "band_min_1": "0,00"}
        | {"band_label_1": "Khá"},
        follow=True,
    )
    assert "Đã lưu các mức xếp loại." in response.text
    assert list(period.classification_bands.values_list("min_index", "label")) == [
        (Decimal("92.50"), "Tốt"),
        (Decimal("0.00"), "Khá"),
    ]


def test_an_unknown_ranking_method_is_named_with_its_field_and_the_settings_stay(client, people):
    period = PeriodFactory(year=2024, state=Period.State.APPRAISAL)
    client.force_login(people["secretary"])
    response = client.post(
        reverse("results_settings", args=[2024]),
        {"action": "config", "ranking_method": "random", "is_public": "on"},
        follow=True,
    )
    assert (
        "Cách xếp hạng: Hãy chọn một lựa chọn hợp lệ. random không phải là một trong các lựa chọn khả thi."
        in response.text
    )
    assert not ResultsConfig.objects.filter(period=period).exists()
    assert not AuditEvent.objects.filter(action="results.config").exists()


def test_a_unit_without_a_sheet_this_year_cannot_be_left_unranked(client, people):
    period, unit = _appraised_unit()
    stranger = UnitFactory(block=unit.block)  # no sheet in 2024: not among the page's units
    client.force_login(people["secretary"])
    url = reverse("results_settings", args=[2024])
    assert client.post(url, {"action": "exclusion", "unit": stranger.pk, "reason": "Mới"}).status_code == 404
    assert client.post(url, {"action": "exclusion", "unit": "", "reason": "Mới"}).status_code == 404
    response = client.post(url, {"action": "exclusion", "unit": unit.pk, "reason": ""}, follow=True)
    assert "Hãy ghi lý do đơn vị không được xếp hạng." in response.text
    assert not period.ranking_exclusions.exists()


def test_a_commendation_of_an_unknown_kind_or_unit_is_refused(client, people):
    client.force_login(people["secretary"])
    url = reverse("results_commendation_add", args=[2022])
    response = client.post(url, {"kind": "team", "name": "Tổ CCHC"}, follow=True)
    assert "Loại: Hãy chọn một lựa chọn hợp lệ. team không phải là một trong các lựa chọn khả thi." in response.text
    response = client.post(url, {"kind": "individual", "name": ""}, follow=True)
    assert "Hãy nhập tên tập thể hoặc cá nhân được khen thưởng." in response.text
    assert (
        client.post(url, {"kind": "collective", "unit": Unit.objects.order_by("-pk").first().pk + 1}).status_code == 404
    )
    assert client.post(url, {"kind": "collective", "unit": "phuong-a"}).status_code == 404
    assert not Commendation.objects.exists()
    assert not AuditEvent.objects.filter(action="results.commend").exists()
