from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from scoring.frameworks.selectors import framework_tree
from scoring.frameworks.services import (
    ensure_editable,
    framework_clone,
    framework_problems,
    period_create,
    period_open_self_assessment,
)
from scoring.models import AuditEvent, Criterion, Framework, Period, RuleOption, RuleType
from tests.factories import (
    CriterionFactory,
    FrameworkFactory,
    PeriodFactory,
    UnitFactory,
    small_framework,
    user_with_role,
)
from units.models import Role

pytestmark = pytest.mark.django_db
DEADLINE = datetime(2023, 12, 15, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def tree_signature(framework: Framework) -> list[tuple]:
    return [
        (
            n.criterion.code,
            n.criterion.title,
            n.criterion.max_points,
            n.criterion.rule_type,
            n.criterion.step,
            n.criterion.deduction_per_occurrence,
            n.criterion.evidence_required,
            n.criterion.allows_not_applicable,
            [(o.label, o.points, o.min_percent) for o in n.criterion.options.all()],
        )
        for n in framework_tree(framework).nodes
    ]


def test_a_complete_framework_has_no_problems_and_its_total_is_the_sum_of_areas():
    framework = small_framework()
    tree = framework_tree(framework)
    assert framework_problems(framework) == []
    assert tree.total == Decimal("10")
    assert [n.criterion.code for n in tree.nodes] == [
        "1", "1.1", "1.1.1", "1.1.2", "1.2", "1.3", "2", "2.1", "2.2", "2.3",
    ]  # fmt: skip


def test_codes_sort_numerically_not_as_text():
    framework = FrameworkFactory()
    area = CriterionFactory(framework=framework, code="1", max_points=Decimal("11"))
    for number in (10, 2, 1, 3, 4, 5, 6, 7, 8, 9, 11):
        CriterionFactory(framework=framework, parent=area, code=f"1.{number}", rule_type=RuleType.YES_NO)
    codes = [n.criterion.code for n in framework_tree(framework).nodes]
    assert codes[:4] == ["1", "1.1", "1.2", "1.3"]
    assert codes[-2:] == ["1.10", "1.11"]


def test_children_must_add_up_to_their_parent():
    framework = small_framework()
    Criterion.objects.filter(framework=framework, code="1.2").update(max_points=Decimal("2.5"))
    assert framework_problems(framework) == [
        "Tổng điểm tối đa các tiêu chí con của 1 là 6,5, khác điểm tối đa 6.",
    ]


def test_rule_problems_are_reported_per_criterion():
    framework = small_framework()
    levels = Criterion.objects.get(framework=framework, code="1.1.1")
    RuleOption.objects.filter(criterion=levels, label="Kịp thời").update(points=Decimal("1.5"))
    Criterion.objects.filter(framework=framework, code="2.1").update(step=Decimal("0.4"))
    Criterion.objects.filter(framework=framework, code="1.3").update(rule_type="")
    assert framework_problems(framework) == [
        "Mức “Kịp thời” của tiêu chí 1.1.1 có 1,5 điểm, vượt điểm tối đa 1.",
        "Tiêu chí 1.3 chưa có cách chấm.",
        "Điểm tối đa của tiêu chí 2.1 (1,5) không chia hết cho bước 0,4.",
    ]


def test_badly_formed_codes_and_misplaced_children_are_reported():
    framework = FrameworkFactory()
    area = CriterionFactory(framework=framework, code="1", max_points=Decimal("2"))
    CriterionFactory(framework=framework, parent=area, code="2.1", rule_type=RuleType.YES_NO)
    CriterionFactory(framework=framework, parent=area, code="1..2", rule_type=RuleType.YES_NO)
    assert framework_problems(framework) == [
        "Mã “1..2” không đúng dạng (ví dụ: 1, 1.2, 1.2.3).",
        "Tiêu chí 2.1 phải thuộc tiêu chí 2.",
    ]


def test_an_empty_framework_cannot_be_used():
    assert framework_problems(FrameworkFactory()) == ["Bộ chỉ số chưa có tiêu chí nào."]


def test_database_refuses_two_criteria_with_one_code_and_non_positive_maxima():
    framework = small_framework()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(framework=framework, code="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(framework=framework, code="9", max_points=Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(framework=framework, code="8", rule_type=RuleType.MANUAL, step=None)


def test_clone_copies_the_whole_tree_into_the_new_year():
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    source = small_framework()
    next_year = PeriodFactory(authority=source.period.authority, year=source.period.year + 1)
    clone = framework_clone(actor=secretary, source=source, period=next_year)
    assert clone.cloned_from == source
    assert clone.block == source.block
    assert tree_signature(clone) == tree_signature(source)
    assert AuditEvent.objects.filter(action="framework.clone", actor=secretary, period=next_year).count() == 1


def test_only_the_secretariat_may_clone():
    source = small_framework()
    next_year = PeriodFactory(authority=source.period.authority, year=source.period.year + 1)
    staff = user_with_role(Role.UNIT_STAFF, unit=UnitFactory(block=source.block))
    with pytest.raises(PermissionDenied):
        framework_clone(actor=staff, source=source, period=next_year)
    assert not Framework.objects.filter(period=next_year).exists()


def test_period_create_copies_every_block_from_the_chosen_year():
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    first = small_framework()
    second = small_framework(FrameworkFactory(period=first.period))
    period = period_create(actor=secretary, authority=first.period.authority, year=2092, copy_from=first.period)
    assert sorted(period.frameworks.values_list("block_id", flat=True)) == sorted([first.block_id, second.block_id])
    with pytest.raises(ValidationError) as caught:
        period_create(actor=secretary, authority=first.period.authority, year=2092)
    assert caught.value.messages == ["Đã có kỳ đánh giá năm 2092."]


def test_opening_a_period_freezes_its_frameworks():
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    framework = small_framework()
    period = period_open_self_assessment(actor=secretary, period=framework.period, deadline=DEADLINE)
    assert period.state == Period.State.SELF_ASSESSMENT
    assert period.self_assessment_deadline == DEADLINE
    framework.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        ensure_editable(framework)
    assert caught.value.messages == [
        f"Bộ chỉ số năm {period.year} đã khóa vì kỳ đánh giá đã mở; hãy sao chép sang năm mới để sửa."
    ]


def test_a_period_with_an_invalid_or_missing_framework_does_not_open():
    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    framework = small_framework()
    Criterion.objects.filter(framework=framework, code="2.3").update(max_points=Decimal("2"))
    other_block = FrameworkFactory(period=framework.period).block
    Framework.objects.filter(block=other_block).delete()
    with pytest.raises(ValidationError) as caught:
        period_open_self_assessment(actor=secretary, period=framework.period, deadline=DEADLINE)
    assert caught.value.messages == [
        f"{framework.block}: Tổng điểm tối đa các tiêu chí con của 2 là 5, khác điểm tối đa 4.",
        f"Khối “{other_block}” chưa có bộ chỉ số.",
    ]
    assert Period.objects.get(pk=framework.period_id).state == Period.State.DRAFT
    assert not AuditEvent.objects.filter(action="period.open").exists()


def test_period_create_carries_the_bands_and_ranking_rule_over_but_not_publicity():
    from scoring.models import ClassificationBand, ResultsConfig

    secretary = user_with_role(Role.COUNCIL_SECRETARY)
    framework = small_framework()
    source = framework.period
    ClassificationBand.objects.create(period=source, min_index=Decimal("90"), label="Tốt", position=0)
    ClassificationBand.objects.create(period=source, min_index=Decimal("80"), label="Khá", position=1)
    ResultsConfig.objects.create(period=source, ranking_method=ResultsConfig.RankingMethod.DENSE, is_public=True)
    period = period_create(actor=secretary, authority=source.authority, year=2093, copy_from=source)
    assert list(period.classification_bands.order_by("-min_index").values_list("min_index", "label")) == [
        (Decimal("90"), "Tốt"),
        (Decimal("80"), "Khá"),
    ]
    config = ResultsConfig.objects.get(period=period)
    assert (config.ranking_method, config.is_public) == ("dense", False)
