"""factory_boy factories shared by the whole suite."""

from decimal import Decimal

import factory

from scoring.models import Criterion, Framework, Period, RuleOption, RuleType
from units.models import Authority, Block, Role, RoleAssignment, Unit, User

PASSWORD = "Mat-khau-thu-nghiem-2024"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("name",)

    name = "UBND quận Thanh Xuân"
    short_name = "Thanh Xuân"


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    authority = factory.SubFactory(AuthorityFactory)
    code = factory.Sequence(lambda n: f"khoi-{n}")
    name = factory.Sequence(lambda n: f"Khối {n}")
    position = factory.Sequence(int)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    block = factory.SubFactory(BlockFactory)
    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"UBND phường Số {n}")
    position = factory.Sequence(int)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.django.Password(PASSWORD)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.UNIT_STAFF
    unit = None


def user_with_role(role: str, unit: Unit | None = None, **user_fields) -> User:
    user = UserFactory(**user_fields)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period

    authority = factory.SubFactory(AuthorityFactory)
    year = factory.Sequence(lambda n: 2021 + n % 70)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    period = factory.SubFactory(PeriodFactory)
    block = factory.SubFactory(BlockFactory, authority=factory.SelfAttribute("..period.authority"))
    name = factory.LazyAttribute(lambda f: f"Bộ chỉ số {f.block.name} năm {f.period.year}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Tiêu chí {n}")
    max_points = Decimal("1")
    rule_type = ""


class RuleOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleOption

    criterion = factory.SubFactory(CriterionFactory)
    label = factory.Sequence(lambda n: f"Mức {n}")
    points = Decimal("0")


def small_framework(framework: Framework | None = None) -> Framework:
    """A valid 10-point framework using every rule type (two areas, five criteria, leaves at depth 2 and 3)."""
    framework = framework or FrameworkFactory()

    def node(code, title, max_points, parent=None, **rule):
        return Criterion.objects.create(
            framework=framework, parent=parent, code=code, title=title, max_points=Decimal(max_points), **rule
        )

    area1 = node("1", "Công tác chỉ đạo, điều hành CCHC", "6")
    plan = node("1.1", "Kế hoạch CCHC năm", "3", area1)
    issued = node("1.1.1", "Ban hành kế hoạch CCHC năm", "1", plan, rule_type=RuleType.LEVELS)
    for position, (label, points) in enumerate([("Kịp thời", "1"), ("Không kịp thời", "0.5"), ("Không ban hành", "0")]):
        RuleOption.objects.create(criterion=issued, position=position, label=label, points=Decimal(points))
    done = node("1.1.2", "Mức độ thực hiện kế hoạch", "2", plan, rule_type=RuleType.BANDS)
    for position, (label, points, bound) in enumerate(
        [("Từ 90% trở lên", "2", "90"), ("Từ 70% đến dưới 90%", "1", "70"), ("Dưới 70%", "0", "0")]
    ):
        RuleOption.objects.create(
            criterion=done, position=position, label=label, points=Decimal(points), min_percent=Decimal(bound)
        )
    node("1.2", "Tỷ lệ văn bản chỉ đạo được thực hiện", "2", area1, rule_type=RuleType.RATIO)
    node("1.3", "Kiểm tra công tác CCHC", "1", area1, rule_type=RuleType.YES_NO, allows_not_applicable=True)
    area2 = node("2", "Cải cách thủ tục hành chính", "4")
    node("2.1", "Chất lượng giải quyết hồ sơ", "1.5", area2, rule_type=RuleType.MANUAL, step=Decimal("0.25"))
    node("2.2", "Hồ sơ trễ hạn", "1.5", area2, rule_type=RuleType.DEDUCTION, deduction_per_occurrence=Decimal("0.5"))
    node("2.3", "Mức độ hài lòng của người dân", "1", area2, rule_type=RuleType.SURVEY, evidence_required=False)
    return framework


def wide_framework(framework: Framework | None = None, *, areas: int = 6, leaves_per_area: int = 20) -> Framework:
    """A valid framework of `areas × leaves_per_area` levels leaves (one point each), for query-count tests."""
    framework = framework or FrameworkFactory()
    for area_number in range(1, areas + 1):
        area = Criterion.objects.create(
            framework=framework,
            code=str(area_number),
            title=f"Lĩnh vực {area_number}",
            max_points=Decimal(leaves_per_area),
        )
        leaves = Criterion.objects.bulk_create(
            Criterion(
                framework=framework,
                parent=area,
                code=f"{area_number}.{leaf}",
                title=f"Tiêu chí {area_number}.{leaf}",
                max_points=Decimal(1),
                rule_type=RuleType.LEVELS,
            )
            for leaf in range(1, leaves_per_area + 1)
        )
        RuleOption.objects.bulk_create(
            RuleOption(criterion=leaf, position=position, label=label, points=Decimal(points))
            for leaf in leaves
            for position, (label, points) in enumerate([("Đạt", "1"), ("Không đạt", "0")])
        )
    return framework
