"""The demo seed: organisation, accounts and the 2021–2023 frameworks, idempotent."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from evidence.models import Document, EvidenceLink
from scoring import models
from scoring.demo.accounts import DEMO_ACCOUNTS, DEMO_LOGINS, DEMO_PASSWORD, FIRST_LOGINS
from scoring.demo.frameworks import build_framework, framework_spec
from scoring.frameworks.selectors import framework_tree
from scoring.frameworks.services import framework_problems
from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse
from tests.factories import FrameworkFactory
from units.models import Authority, Block, Role, RoleAssignment, Unit, User

pytestmark = pytest.mark.django_db

WARD_NAMES = [
    "Hạ Đình",
    "Khương Đình",
    "Khương Mai",
    "Khương Trung",
    "Kim Giang",
    "Nhân Chính",
    "Phương Liệt",
    "Thanh Xuân Bắc",
    "Thanh Xuân Nam",
    "Thanh Xuân Trung",
    "Thượng Đình",
]
DEPARTMENT_NAMES = [
    "Văn phòng HĐND và UBND",
    "Phòng Nội vụ",
    "Phòng Tư pháp",
    "Phòng Tài chính – Kế hoạch",
    "Phòng Kinh tế",
    "Phòng Quản lý đô thị",
    "Phòng Tài nguyên và Môi trường",
    "Phòng Lao động – Thương binh và Xã hội",
    "Phòng Văn hóa và Thông tin",
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
    "Thanh tra quận",
]
COUNTED_MODELS = [
    Authority,
    Block,
    Unit,
    User,
    RoleAssignment,
    models.Period,
    models.Framework,
    models.Criterion,
    models.RuleOption,
    models.AdjustmentItem,
    models.AuditEvent,
    models.Assessment,
    models.Score,
    models.ScoreChange,
    models.CouncilMembership,
    models.AppraisalAssignment,
    models.ExplanationRequest,
    models.AdjustmentEntry,
    models.BlockFinalisation,
    models.ClassificationBand,
    models.ResultsConfig,
    models.ResultPublication,
    models.ResultRow,
    models.ResultAreaRow,
    models.ResultCriterionRow,
    models.Commendation,
    models.Notice,
    Survey,
    SurveyQuestion,
    SurveyLevel,
    Respondent,
    SurveyResponse,
    SurveyAnswer,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed shared by the tests that only read it, rolled back when the module is done; what the seed's commit
    runs in production (the notices its services send) runs too."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            seed()
        yield
        transaction.set_rollback(True)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def leaves_of(framework: models.Framework) -> list[models.Criterion]:
    return [node.criterion for node in framework_tree(framework).leaves]


def test_running_twice_gives_the_same_data():
    # given
    seed()
    first = counts()
    admin = User.objects.get(username="admin")
    admin.set_password("mat-khau-da-doi")
    admin.save()

    # when
    output = seed()

    # then
    assert counts() == first
    assert first == {
        "Authority": 1,
        "Block": 2,
        "Unit": 23,
        "User": 40,
        "RoleAssignment": 40,
        "Period": 3,
        "Framework": 6,
        "Criterion": 82 + 78 + 83 + 80 + 85 + 83,
        "RuleOption": first["RuleOption"],
        "AdjustmentItem": 5 + 6 + 5 + 6 + 6 + 7,
        # Each past year: period created, 2 frameworks seeded, opened, council (2 members, chair, 23
        # assignments), the import itself, bands, public ranking, 2 blocks finalised, preliminary release and
        # publication; 2022 adds 8 + 13 commendations. 2023: created, 2 frameworks, opened, 7 units × 3
        # evidence uploads with their citations, 5 submissions, council (26), bands, one explanation flagged
        # and sent (the period stays in self-assessment: units still drafting can finish); per block its survey
        # created, 3 questions, the sample imported, the window opened (answers are anonymous: no event).
        "AuditEvent": 2 * (1 + 2 + 1 + 26 + 1 + 1 + 1 + 2 + 1 + 1)
        + 21
        + (1 + 2 + 1 + 21 * 2 + 5 + 26 + 1 + 2)
        + 2 * (1 + 3 + 1 + 1),
        "Assessment": 3 * 23,
        # 2021: 12 × 56 + 11 × 54 leaves, 2022: 12 × 58 + 11 × 56, each self and round 1 but the survey
        # (round 1 only); 2023: the self-assessment in progress plus 122 round-1 scores
        "Score": first["Score"],
        "ScoreChange": first["ScoreChange"],
        "CouncilMembership": 3 * 2,
        "AppraisalAssignment": 3 * 23,
        "ExplanationRequest": 1,
        "AdjustmentEntry": 2 + 2,
        "BlockFinalisation": 2 * 2,
        "ClassificationBand": 3 * 4,
        "ResultsConfig": 2,
        "ResultPublication": 2,
        "ResultRow": 2 * 23,
        "ResultAreaRow": 2 * 23 * 7,
        "ResultCriterionRow": 12 * 56 + 11 * 54 + 12 * 58 + 11 * 56,
        "Commendation": 8 + 13,
        "Notice": first["Notice"],
        # 2023's survey, open: a questionnaire per block, 3 questions of 4 levels (A–D), 6 people per unit, of whom
        # 4 or 5 answered (one or two links per unit still answer)
        "Survey": 2,
        "SurveyQuestion": 2 * 3,
        "SurveyLevel": 2 * 3 * 4,
        "Respondent": 23 * 6,
        "SurveyResponse": 12 * 6 - 18 + 11 * 6 - 16,
        "SurveyAnswer": (12 * 6 - 18 + 11 * 6 - 16) * 3,
    }
    past = models.Score.objects.filter(assessment__period__year__lt=2023)
    assert past.filter(stage=models.Stage.ROUND_1).count() == 12 * 56 + 11 * 54 + 12 * 58 + 11 * 56
    assert past.filter(stage=models.Stage.SELF).count() == 12 * 55 + 11 * 53 + 12 * 57 + 11 * 55
    assert (
        models.Score.objects.filter(assessment__period__year=2023, stage=models.Stage.ROUND_1).count() == 58 + 29 + 35
    )
    assert User.objects.get(username="admin").check_password(DEMO_PASSWORD)  # reset on re-run
    assert "admin" in output and DEMO_PASSWORD in output
    assert "Khảo sát sự hài lòng 2023 đang mở (thuky: /surveys/2023/):" in output
    waiting = Respondent.objects.filter(response__isnull=True).order_by("survey__framework__block__position", "id")
    assert f"người chưa trả lời: http://127.0.0.1:8000/s/{waiting.first().token}/" in output


def test_the_secretary_sees_the_demo_surveys_rates_distributions_and_computed_points(seeded, client):
    # given the demo's open survey of the wards: Hạ Đình's 6 people, 5 answered 3 questions weighted 100/60/20/0 %
    client.login(username="thuky", password=DEMO_PASSWORD)
    survey = Survey.objects.get(period__year=2023, framework__block__code="phuong")
    assert survey.state == Survey.State.OPEN
    ha_dinh = Unit.objects.get(code="phuong-ha-dinh")
    answers = SurveyAnswer.objects.filter(response__unit=ha_dinh).select_related("level")
    assert answers.count() == 5 * 3
    expected = (Decimal(8) * sum(a.level.weight for a in answers) / (100 * 15)).quantize(Decimal("0.01"))
    assert Decimal("5.5") <= expected <= Decimal("7.8")  # a plausible share of the 8 survey points

    # when the secretary opens the results page of the wards' survey
    page = client.get(f"/survey/{survey.pk}/results/").content.decode()

    # then each unit's response rate, and Hạ Đình's points computed from its answers
    row = page.split("UBND phường Hạ Đình", 1)[1].split("</tr>", 1)[0]
    assert "5" in row and "83,3" in row and f"{expected}".replace(".", ",") in row
    assert "Rất hài lòng" in page and "Không hài lòng" in page  # the distribution of each question
    assert SurveyResponse.objects.filter(unit=ha_dinh).exclude(seconds_taken__gte=40).count() == 0
    # and a link of someone who has not answered still opens the questionnaire
    waiting = Respondent.objects.filter(unit=ha_dinh, response__isnull=True).get()
    answer_page = client.get(f"/s/{waiting.token}/").content.decode()
    assert survey.questions.first().text in answer_page


def test_wards_and_departments_by_their_real_names(seeded):
    authority = Authority.objects.get()
    assert (authority.name, authority.short_name, authority.level) == ("UBND quận Thanh Xuân", "Thanh Xuân", "district")
    blocks = list(authority.blocks.order_by("position").values_list("code", "name", "position"))
    assert blocks == [("phong-ban", "Phòng, ban, đơn vị", 1), ("phuong", "UBND phường", 2)]
    wards = list(Unit.objects.filter(block__code="phuong").order_by("position").values_list("name", flat=True))
    assert wards == [f"UBND phường {name}" for name in WARD_NAMES]
    departments = list(Unit.objects.filter(block__code="phong-ban").order_by("position").values_list("name", flat=True))
    assert departments == DEPARTMENT_NAMES
    assert Unit.objects.get(name="UBND phường Hạ Đình").code == "phuong-ha-dinh"
    assert Unit.objects.get(name="Phòng Nội vụ").code == "phong-noi-vu"
    assert all(code.isascii() for code in Unit.objects.values_list("code", flat=True))


def test_every_framework_totals_100_and_has_no_problems(seeded):
    frameworks = models.Framework.objects.select_related("period", "block").order_by("period__year", "block__position")
    assert [(f.period.year, f.block.code) for f in frameworks] == [
        (2021, "phong-ban"),
        (2021, "phuong"),
        (2022, "phong-ban"),
        (2022, "phuong"),
        (2023, "phong-ban"),
        (2023, "phuong"),
    ]
    for framework in frameworks:
        tree = framework_tree(framework)
        assert tree.total == Decimal("100")
        assert framework_problems(framework) == []
        assert [node.criterion.code for node in tree.roots] == ["1", "2", "3", "4", "5", "6", "7"]
        assert 45 <= len(tree.leaves) <= 60
        assert any(node.criterion.depth == 2 for node in tree.leaves)
        assert (framework.bonus_cap, framework.penalty_cap) == (Decimal("3"), Decimal("5"))
        kinds = set(framework.adjustment_items.values_list("kind", flat=True))
        assert kinds == {models.AdjustmentItem.Kind.BONUS, models.AdjustmentItem.Kind.PENALTY}


def test_every_rule_type_is_used_in_every_framework(seeded):
    for framework in models.Framework.objects.all():
        used = {criterion.rule_type for criterion in leaves_of(framework)}
        assert used == set(models.RuleType.values), framework


def test_satisfaction_survey_in_area_3_needs_no_evidence(seeded):
    for framework in models.Framework.objects.select_related("block"):
        surveys = [c for c in leaves_of(framework) if c.rule_type == models.RuleType.SURVEY]
        assert len(surveys) == 1
        survey = surveys[0]
        assert survey.code.startswith("3.")
        assert survey.title.startswith("Mức độ hài lòng của người dân, tổ chức")
        assert Decimal("5") <= survey.max_points <= Decimal("8")
        assert survey.evidence_required is False
        leaves = leaves_of(framework)
        assert sum(c.evidence_required for c in leaves) >= len(leaves) - 3
        assert 1 <= sum(c.allows_not_applicable for c in leaves) <= len(leaves) // 4


def test_criteria_change_from_year_to_year(seeded):
    def criteria_count(year: int, block: str) -> int:
        return models.Criterion.objects.filter(framework__period__year=year, framework__block__code=block).count()

    for block in ("phong-ban", "phuong"):
        assert criteria_count(2021, block) != criteria_count(2022, block)
        assert criteria_count(2022, block) != criteria_count(2023, block)
        titles_2023 = set(
            models.Criterion.objects.filter(framework__period__year=2023, framework__block__code=block).values_list(
                "title", flat=True
            )
        )
        assert "Triển khai Đề án 06 về ứng dụng dữ liệu dân cư, định danh và xác thực điện tử" in titles_2023
    ward_2022 = models.Framework.objects.get(period__year=2022, block__code="phuong")
    assert ward_2022.cloned_from == models.Framework.objects.get(period__year=2021, block__code="phuong")
    assert models.Framework.objects.get(period__year=2021, block__code="phuong").cloned_from is None


def test_2023_sheets_are_part_way_or_submitted_with_real_pdf_evidence(seeded):
    sheets = {a.unit.code: a for a in models.Assessment.objects.filter(period__year=2023).select_related("unit")}
    assert len(sheets) == 23
    submitted = sorted(code for code, a in sheets.items() if a.state == models.Assessment.State.SUBMITTED)
    assert submitted == [
        "phong-kinh-te",
        "phong-tu-phap",
        "phuong-khuong-dinh",
        "phuong-kim-giang",
        "phuong-nhan-chinh",
    ]
    ha_dinh = sheets["phuong-ha-dinh"]
    assert ha_dinh.state == models.Assessment.State.DRAFT
    assert (
        0
        < models.Score.objects.filter(assessment=ha_dinh).count()
        < ha_dinh.framework.criteria.exclude(rule_type="").count()
    )
    document = Document.objects.filter(unit=ha_dinh.unit).select_related("file").first()
    assert document.file.content_type == "application/pdf"
    stored = storages["evidence"].open(document.file.storage_name).read()
    assert stored.startswith(b"%PDF")
    assert EvidenceLink.objects.filter(assessment=ha_dinh).count() == 3


def test_2023_is_open_for_self_assessment_and_earlier_years_are_published(seeded):
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
    period_2023 = models.Period.objects.get(year=2023)
    assert period_2023.state == models.Period.State.SELF_ASSESSMENT
    # the open year's deadlines are set ahead of the day the demo is loaded, so every step can be played
    today = timezone.localdate()
    assert period_2023.self_assessment_deadline == datetime.combine(
        today + timedelta(days=14), time(17), tzinfo=vietnam
    )
    assert period_2023.opened_at is not None
    assert period_2023.appraisal_deadline.astimezone(vietnam).date() == today + timedelta(days=28)
    assert period_2023.objection_deadline.astimezone(vietnam).date() == today + timedelta(days=42)
    assert list(models.Period.objects.filter(year__lt=2023).values_list("state", flat=True)) == [
        "published",
        "published",
    ]
    # past years keep their own dates, not the day the demo was loaded
    for year, deadline in ((2021, date(2021, 12, 28)), (2022, date(2022, 12, 27))):
        period = models.Period.objects.get(year=year)
        assert period.objection_deadline.astimezone(vietnam).date() == deadline
        assert period.opened_at.year == year


def test_past_years_results_notices_are_filed_as_read(seeded):
    # the notices lead to each unit's result (/results/<year>/units/<id>/); the seed looked for /results/<year>/
    # and so left every unit with two years of unread "preliminary results" and objection notices
    past = models.Notice.objects.filter(url__regex=r"^/results/(2021|2022)/units/[0-9]+/$")
    assert past.count() == 70  # 23 units told of their preliminary results twice, and the council of objections
    assert not past.filter(read_at__isnull=True).exists()
    # what stays unread is this year's news: submitted sheets and the explanation request to Khương Đình
    unread = list(models.Notice.objects.filter(read_at__isnull=True).values_list("url", flat=True))
    assert len(unread) == 7 and all(url.startswith("/assessments/") for url in unread)


def test_each_demo_account_logs_in_with_its_role(seeded, client):
    assert [username for username, _ in DEMO_LOGINS[: len(FIRST_LOGINS)]] == list(FIRST_LOGINS)
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        client.logout()
        user = User.objects.get(username=account.username)
        roles = list(user.role_assignments.values_list("role", "unit__code"))
        assert roles == [(account.role, account.unit)]
        assert user.full_name and user.job_title
        assert (user.home_unit.code if user.home_unit else None) == account.home_unit
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    expected = {
        "thuky": (Role.COUNCIL_SECRETARY, None, "Phòng Nội vụ"),
        "hoidong1": (Role.COUNCIL_MEMBER, None, "Phòng Tư pháp"),
        "hoidong2": (Role.COUNCIL_MEMBER, None, "Văn phòng HĐND và UBND"),
        "lanhdao": (Role.LEADERSHIP, None, None),
        "canbo.hadinh": (Role.UNIT_STAFF, "UBND phường Hạ Đình", "UBND phường Hạ Đình"),
        "truong.hadinh": (Role.UNIT_HEAD, "UBND phường Hạ Đình", "UBND phường Hạ Đình"),
        "canbo.noivu": (Role.UNIT_STAFF, "Phòng Nội vụ", "Phòng Nội vụ"),
        "truong.noivu": (Role.UNIT_HEAD, "Phòng Nội vụ", "Phòng Nội vụ"),
    }
    actual = {
        a.user.username: (a.role, a.unit.name if a.unit else None, a.user.home_unit.name if a.user.home_unit else None)
        for a in RoleAssignment.objects.filter(user__username__in=expected).select_related("user__home_unit", "unit")
    }
    assert actual == expected
    assert User.objects.get(username="lanhdao").job_title == "Chủ tịch UBND quận"


def test_every_unit_has_a_head_and_every_ward_a_focal_officer(seeded):
    heads = RoleAssignment.objects.filter(role=Role.UNIT_HEAD)
    assert sorted(heads.values_list("unit__code", flat=True)) == sorted(Unit.objects.values_list("code", flat=True))
    ward_staff = RoleAssignment.objects.filter(role=Role.UNIT_STAFF, unit__block__code="phuong")
    assert ward_staff.values("unit").distinct().count() == 11
    assert heads.get(unit__code="phuong-thanh-xuan-bac").user.username == "truong.thanhxuanbac"


def test_build_framework_inserts_in_bulk(django_assert_num_queries):
    spec = framework_spec("phuong", 2023)
    # a year the demo never uses, so the test also runs beside the module's shared seed
    framework = FrameworkFactory(period__year=2099, bonus_cap=spec["bonus_cap"], penalty_cap=spec["penalty_cap"])

    # three tree depths, then all rule options, then all bonus/penalty items
    with django_assert_num_queries(5):
        created = build_framework(framework=framework, spec=spec)

    assert created == 83
    assert framework_problems(framework) == []
    assert framework_tree(framework).total == Decimal("100")
