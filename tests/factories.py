"""factory_boy factories and the small helpers shared by the whole suite (test modules import from here, never
from one another; shared fixtures live in the conftest.py files)."""

import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import factory
import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from scoring.frameworks.selectors import framework_tree
from scoring.frameworks.services import period_open_self_assessment
from scoring.models import (
    AppraisalAssignment,
    Assessment,
    AuditEvent,
    BlockFinalisation,
    ClassificationBand,
    CouncilMembership,
    Criterion,
    Framework,
    Period,
    ResultAreaRow,
    ResultPublication,
    ResultRow,
    ResultsConfig,
    RuleOption,
    RuleType,
    Score,
    Stage,
)
from scoring.results.services import results_publish, results_release_preliminary
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


def ward_framework(
    year: int, *, name: str = "", deadline: datetime.datetime | None = None, authority: str = "UBND quận Thanh Xuân"
) -> Framework:
    """small_framework for the wards' block ("phuong") of a `year` under appraisal (self-assessment due `deadline`)."""
    block = BlockFactory(authority=AuthorityFactory(name=authority), code="phuong", name="Khối phường")
    period = Period.objects.create(
        authority=block.authority, year=year, state=Period.State.APPRAISAL, self_assessment_deadline=deadline
    )
    return small_framework(FrameworkFactory(period=period, block=block, **({"name": name} if name else {})))


def criteria_snapshot(framework: Framework) -> list[tuple]:
    """Everything the framework workbook carries about each criterion, in tree order (primary keys left out)."""
    return [
        (
            node.criterion.code,
            node.criterion.parent.code if node.criterion.parent else None,
            node.criterion.title,
            node.criterion.guidance,
            node.criterion.max_points,
            node.criterion.rule_type,
            node.criterion.step,
            node.criterion.deduction_per_occurrence,
            node.criterion.evidence_required,
            node.criterion.allows_not_applicable,
            [(o.position, o.label, o.points, o.min_percent) for o in node.criterion.options.all()],
        )
        for node in framework_tree(framework).nodes
    ]


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


# ---------------------------------------------------------------------------------------------
# Sheets and scores


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A unit's sheet, a draft by default; `submitted=True` (with `submitted_by=`) for one the head has sent."""

    class Meta:
        model = Assessment

    framework = factory.SubFactory(FrameworkFactory)
    period = factory.SelfAttribute("framework.period")
    unit = factory.SubFactory(UnitFactory, block=factory.SelfAttribute("..framework.block"))

    class Params:
        submitted = factory.Trait(
            state=Assessment.State.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            submitted_by=factory.SubFactory(UserFactory),
        )


class ScoreFactory(factory.django.DjangoModelFactory):
    """One criterion's points at one stage; `points=None` marks the criterion not applicable."""

    class Meta:
        model = Score

    assessment = factory.SubFactory(AssessmentFactory)
    criterion = factory.SubFactory(
        CriterionFactory,
        framework=factory.SelfAttribute("..assessment.framework"),
        rule_type=RuleType.MANUAL,
        step=Decimal("0.25"),
    )
    stage = Stage.SELF
    points = Decimal("1")
    is_not_applicable = factory.LazyAttribute(lambda score: score.points is None)
    updated_by = factory.SubFactory(UserFactory)


def mark_submitted(assessment: Assessment, by: User) -> None:
    """Submit a sheet without the service (and its checks), for tests about what follows submission."""
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.SUBMITTED, submitted_at=timezone.now(), submitted_by=by
    )
    assessment.refresh_from_db()


def submitted_sheet(framework: Framework, unit: Unit, by: User, *, days_ago: int = 0) -> Assessment:
    """A unit's sheet sent `days_ago` days ago by `by`, without the service (and its checks)."""
    return AssessmentFactory(
        framework=framework,
        unit=unit,
        submitted=True,
        submitted_by=by,
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def login(client, user: User):
    """Sign `user` in through the password check, as the login page does (force_login skips the backends)."""
    assert client.login(username=user.username, password=PASSWORD)
    return client


def get_as(client, user: User | None, url: str):
    """The page at `url` as `user` gets it (None: a visitor who has not signed in)."""
    if user is not None:
        client.force_login(user)
    return client.get(url)


def post_self_score(client, assessment: Assessment, criterion: Criterion, *, htmx=True, version=0, **fields):
    """Post one row of the sheet as the browser does (htmx by default), with the inputs named as in the form."""
    data = {f"c{criterion.pk}-{name}": value for name, value in fields.items()}
    data[f"c{criterion.pk}-version"] = version
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("score_save", args=[assessment.pk, criterion.pk]), data, headers=headers)


def fill_sheet(client, assessment: Assessment, criteria: dict[str, Criterion]) -> None:
    """Score every criterion of small_framework the unit scores, each with a reason for missing evidence."""
    levels = criteria["1.1.1"].options.get(label="Kịp thời")
    reason = {"no_evidence_reason": "Tài liệu lưu bản giấy tại bộ phận một cửa", "explanation": "Đạt"}
    post_self_score(client, assessment, criteria["1.1.1"], option=levels.pk, **reason)
    post_self_score(client, assessment, criteria["1.1.2"], percent="95", **reason)
    post_self_score(client, assessment, criteria["1.2"], achieved="10", required="10", **reason)
    post_self_score(client, assessment, criteria["1.3"], is_yes="yes", **reason)
    post_self_score(client, assessment, criteria["2.1"], value="1.5", **reason)
    post_self_score(client, assessment, criteria["2.2"], occurrences="0", **reason)


# small_framework's leaves and maxima: area 1 (6) = 1.1.1 (1) + 1.1.2 (2) + 1.2 (2) + 1.3 (1, may not apply);
# area 2 (4) = 2.1 (1.5) + 2.2 (1.5) + 2.3 (1, survey). Total 10.
FULL = {"1.1.1": "1", "1.1.2": "2", "1.2": "2", "1.3": "1", "2.1": "1.5", "2.2": "1.5", "2.3": "1"}
NOT_APPLICABLE = None


def full_minus(**lost: str) -> dict:
    """Full marks except the given criteria, e.g. full_minus(c1_2="1") scores 1.2 one point lower."""
    scores = dict(FULL)
    for key, points in lost.items():
        code = key.removeprefix("c").replace("_", ".")
        scores[code] = str(Decimal(scores[code]) - Decimal(points))
    return scores


def unit_sheet(framework: Framework, name: str = "", **unit_fields) -> Assessment:
    """A draft sheet of a new unit of the framework's block."""
    unit = UnitFactory(block=framework.block, **({"name": name} if name else {}), **unit_fields)
    return AssessmentFactory(framework=framework, unit=unit)


def enter_scores(assessment: Assessment, scores: dict, stage: str = Stage.ROUND_1, explanation: str = "") -> None:
    """Store points per code straight into the table (no rule inputs, one query); None marks not applicable."""
    by_code = {c.code: c for c in Criterion.objects.filter(framework=assessment.framework)}
    actor = UserFactory()
    Score.objects.bulk_create(
        ScoreFactory.build(
            assessment=assessment,
            criterion=by_code[code],
            stage=stage,
            points=None if points is None else Decimal(points),
            explanation=explanation,
            updated_by=actor,
        )
        for code, points in scores.items()
    )


# The unit's own scores of small_framework: points, and the inputs that earn them.
OWN_SCORES = {
    "1.1.1": ("1", {"option": "Kịp thời"}),
    "1.1.2": ("2", {"percent": Decimal("95")}),
    "1.2": ("1.75", {"achieved": Decimal("7"), "required": Decimal("8")}),
    "1.3": (None, {}),  # marked not applicable by the unit
    "2.1": ("1.25", {"value": Decimal("1.25")}),
    "2.2": ("1", {"occurrences": 1}),
}


def self_scored_sheet(framework: Framework, unit: Unit, head: User) -> Assessment:
    """A submitted sheet of small_framework carrying OWN_SCORES with their inputs and explanations."""
    assessment = AssessmentFactory(framework=framework, unit=unit, submitted=True, submitted_by=head)
    for criterion in Criterion.objects.filter(framework=framework, code__in=OWN_SCORES):
        points, inputs = OWN_SCORES[criterion.code]
        if "option" in inputs:
            inputs = {"option": criterion.options.get(label=inputs["option"])}
        ScoreFactory(
            assessment=assessment,
            criterion=criterion,
            points=Decimal(points) if points else None,
            explanation="Đơn vị không có đơn vị trực thuộc để kiểm tra" if points is None else "Theo báo cáo năm",
            updated_by=head,
            **inputs,
        )
    return assessment


def open_sheet(framework: Framework | None = None, **unit_fields) -> Assessment:
    """The sheet of a new unit once the period opens, self-assessment due in a week (small_framework by default)."""
    framework = framework or small_framework()
    unit = UnitFactory(block=framework.block, **unit_fields)
    period_open_self_assessment(
        actor=None, period=framework.period, deadline=timezone.now() + datetime.timedelta(days=7)
    )
    return Assessment.objects.get(unit=unit)


def open_wide_sheet() -> tuple[Assessment, User]:
    """A sheet of wide_framework's 120 criteria, open for self-assessment for a week, and its unit's staff."""
    assessment = open_sheet(wide_framework(areas=6, leaves_per_area=20))
    return assessment, user_with_role(Role.UNIT_STAFF, unit=assessment.unit)


def in_appraisal(framework: Framework, *, appraisal_days: int | None = None) -> Period:
    """The framework's period moved on to the council's appraisal, where the tests of the later stages start; with
    `appraisal_days`, self-assessment closed three days ago and the appraisal is due in that many days."""
    period = framework.period
    period.state = Period.State.APPRAISAL
    if appraisal_days is not None:
        period.self_assessment_deadline = timezone.now() - datetime.timedelta(days=3)
        period.appraisal_deadline = timezone.now() + datetime.timedelta(days=appraisal_days)
    period.save()
    return period


def appraised_block(count: int) -> Period:
    """A period in appraisal with a block of `count` units, each scored by the council on every criterion of
    small_framework (1.2 a quarter point lower in turn), built in a few inserts."""
    framework = small_framework()
    period = in_appraisal(framework)
    units = Unit.objects.bulk_create(
        Unit(block=framework.block, code=f"dv-{n}", name=f"Đơn vị {n:03}", position=n) for n in range(count)
    )
    assessments = Assessment.objects.bulk_create(
        AssessmentFactory.build(framework=framework, unit=unit) for unit in units
    )
    leaves = list(Criterion.objects.filter(framework=framework).exclude(rule_type=""))
    actor = UserFactory()
    Score.objects.bulk_create(
        ScoreFactory.build(
            assessment=assessment,
            criterion=leaf,
            stage=Stage.ROUND_1,
            points=leaf.max_points - Decimal(number % 4) / 4 if leaf.code == "1.2" else leaf.max_points,
            updated_by=actor,
        )
        for number, assessment in enumerate(assessments)
        for leaf in leaves
    )
    return period


# ---------------------------------------------------------------------------------------------
# The council


def seat(period: Period, *, unit=None, area_code: str = "", is_chair: bool = False, **user_fields) -> User:
    """A new council member of the period, assigned a unit and/or an area when given."""
    member = user_with_role(Role.COUNCIL_MEMBER, **user_fields)
    CouncilMembership.objects.create(period=period, user=member, is_chair=is_chair)
    if unit is not None or area_code:
        AppraisalAssignment.objects.create(period=period, member=member, unit=unit, area_code=area_code)
    return member


# ---------------------------------------------------------------------------------------------
# Results

# The year the results `published` fixture publishes (tests/scoring/results/conftest.py), and the name of one of
# its units that a spreadsheet would take for a formula.
PUBLISHED_YEAR = 2022
FORMULA_NAME = '=HYPERLINK("http://x")'


def standard_bands(period: Period) -> None:
    ClassificationBand.objects.bulk_create(
        ClassificationBand(period=period, min_index=Decimal(minimum), label=label, position=position)
        for position, (minimum, label) in enumerate([("90", "Tốt"), ("80", "Khá"), ("70", "Trung bình"), ("0", "Yếu")])
    )


def release_preliminary(period: Period, secretary: User, *, hours: int = 48) -> Period:
    """Release the preliminary results with an objection window of `hours` from now."""
    deadline = timezone.now() + datetime.timedelta(hours=hours)
    return results_release_preliminary(actor=secretary, period=period, objection_deadline=deadline)


def publish_results(
    period: Period,
    secretary: User,
    leader: User,
    *,
    number: str = "15/QĐ-UBND",
    date: datetime.date = datetime.date(2023, 1, 16),
    reason: str = "",
) -> ResultPublication:
    """Publish through the services: close every block, release the preliminary results, let the objection window
    pass, then sign the decision (a period already published gets a correction, which needs `reason`)."""
    period.refresh_from_db()
    if period.state != Period.State.PUBLISHED:
        for framework in period.frameworks.all():
            BlockFinalisation.objects.get_or_create(
                period=period, block=framework.block, defaults={"finalised_by": secretary}
            )
        release_preliminary(period, secretary, hours=24)
        Period.objects.filter(pk=period.pk).update(objection_deadline=timezone.now() - datetime.timedelta(days=1))
        period.refresh_from_db()
    return results_publish(
        actor=leader, period=period, decision_number=number, decision_date=date, correction_reason=reason
    )


def publish_snapshot(period: Period, lines: list[dict], *, version: int = 1, correction: str = "") -> ResultPublication:
    """A publication written straight into the snapshot tables (what `results_publish` freezes), in bulk.

    Each line: unit, points, adjusted_max, index, rank (None: not ranked), optional max_points, head, band,
    predecessor (the unit it continues), reason and areas [(code, index)] (area points = index / 10 of a
    maximum of 10).
    """
    period.state = Period.State.PUBLISHED
    period.save(update_fields=["state"])
    publication = ResultPublication.objects.create(
        period=period,
        version=version,
        decision_number=f"{version}/QĐ-UBND",
        decision_date=datetime.date(period.year + 1, 1, 15),
        ranking_method=ResultsConfig.RankingMethod.RANK,
        correction_reason=correction,
        published_by=UserFactory(),
    )
    rows = ResultRow.objects.bulk_create(
        ResultRow(
            publication=publication,
            unit=line["unit"],
            block_id=line["unit"].block_id,
            predecessor=line.get("predecessor"),
            unit_name=line["unit"].name,
            block_name=line.get("block_name", "Khối phường"),
            position=position,
            is_ranked=line["rank"] is not None,
            rank=line["rank"],
            criteria_points=Decimal(line["points"]),
            bonus=Decimal(0),
            penalty=Decimal(0),
            points=Decimal(line["points"]),
            max_points=Decimal(line.get("max_points", "100")),
            adjusted_max=Decimal(line["adjusted_max"]),
            index=Decimal(line["index"]),
            band=line.get("band", ""),
            head_name=line.get("head", ""),
            exclusion_reason=line.get("reason", ""),
        )
        for position, line in enumerate(lines)
    )
    ResultAreaRow.objects.bulk_create(
        ResultAreaRow(
            row=row,
            code=code,
            title=f"Lĩnh vực {code}",
            position=int(code),
            points=Decimal(index) / 10,
            max_points=Decimal(10),
            adjusted_max=Decimal(10),
            index=Decimal(index),
        )
        for row, line in zip(rows, lines, strict=True)
        for code, index in line.get("areas", [])
    )
    return publication


# ---------------------------------------------------------------------------------------------
# Files


def cite(
    assessment: Assessment,
    criterion: Criterion,
    by: User,
    *,
    title: str = "Báo cáo",
    original_name: str = "a.pdf",
    locator: str = "",
) -> EvidenceLink:
    """A document of the unit cited on one criterion, straight into the database (no file in storage)."""
    stored = StoredFile.objects.create(
        sha256=f"{criterion.pk:064d}", size=1, content_type="application/pdf", storage_name=f"t/{criterion.pk}"
    )
    document = Document.objects.create(
        unit=assessment.unit,
        period=assessment.period,
        title=title,
        file=stored,
        original_name=original_name,
        uploaded_by=by,
    )
    return EvidenceLink.objects.create(
        document=document, assessment=assessment, criterion=criterion, locator=locator, created_by=by
    )


def files_under(root: Path) -> list[str]:
    """Every file stored under root, as sorted relative paths (empty when the folder was never created)."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def evidence_events() -> list[tuple[str, dict]]:
    """The evidence audit events so far, oldest first, as (action, data)."""
    return list(AuditEvent.objects.filter(action__startswith="evidence.").order_by("id").values_list("action", "data"))


def assert_no_evidence_saved(evidence_root: Path, files_before=()) -> None:
    """A refused upload left no document, version, link, stored file, audit event or file on storage."""
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert EvidenceLink.objects.count() == 0
    assert StoredFile.objects.count() == 0
    assert evidence_events() == []
    assert files_under(evidence_root) == list(files_before)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """A browser upload that claims nothing about its type: the portal must sniff the content."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def rewrite_zip(source: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of an Office package with some members replaced or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in original.infolist():
            copy.writestr(member.filename, replace.get(member.filename, original.read(member.filename)))
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return buffer.getvalue()


# The first columns of a block's ranking worksheet in the published year's Excel workbook.
RANKING_HEADERS = [
    "Hạng",
    "Mã đơn vị",
    "Đơn vị",
    "Tổng điểm",
    "Điểm tối đa",
    "Điểm tối đa sau điều chỉnh",
    "Chỉ số (%)",
    "Xếp loại",
]


def sheet_xlsx(rows, headers) -> bytes:
    """A real .xlsx of one worksheet: line 1 the headers, then one line per row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def survey_xlsx(rows, headers=("Mã đơn vị", "Mã tiêu chí", "Điểm", "Ghi chú")) -> bytes:
    """A survey-points workbook as the secretariat fills it in."""
    return sheet_xlsx(rows, headers)


# The onboarding workbooks (organisation: blocks and units; people: accounts and roles), as a secretary fills them.
BLOCK_HEADERS = ["Mã khối", "Tên khối"]
UNIT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Mã khối", "Đang hoạt động", "Tiếp nối đơn vị"]
PERSON_HEADERS = ["Tên đăng nhập", "Họ và tên", "Chức vụ", "Thư điện tử", "Mã đơn vị công tác"]
ROLE_HEADERS = ["Tên đăng nhập", "Vai trò", "Mã đơn vị"]

BLOCKS = [["so-nganh", "Sở, ban, ngành"], ["phuong", "UBND phường"]]
UNITS = [
    ["so-noi-vu", "Sở Nội vụ", "so-nganh", 1, None],
    ["so-tu-phap", "Sở Tư pháp", "so-nganh", 1, None],
    ["phuong-an-bien", "UBND phường An Biên", "phuong", 1, None],
]
PEOPLE_ROWS = [
    ["thuky", "Trần Thị Thư", "Chuyên viên Sở Nội vụ", "thuky@example.vn", "so-noi-vu"],
    ["truong.noivu", "Ngô Đức Thắng", "Giám đốc Sở Nội vụ", "thang@example.vn", "so-noi-vu"],
    ["truong.anbien", "Lê Văn An", "Chủ tịch UBND phường An Biên", "an@example.vn", "phuong-an-bien"],
]
ROLE_ROWS = [
    ["thuky", "Thư ký Hội đồng (Phòng Nội vụ)", None],
    ["truong.noivu", "Người đứng đầu đơn vị", "so-noi-vu"],
    ["truong.anbien", "unit_head", "phuong-an-bien"],
]


def workbook(sheets: dict[str, tuple[list, list[list]]]) -> bytes:
    """A real .xlsx: one worksheet per title, line 1 the headers."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, (headers, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def organisation_file(blocks=BLOCKS, units=UNITS) -> bytes:
    return workbook({"Khối": (BLOCK_HEADERS, blocks), "Đơn vị": (UNIT_HEADERS, units)})


def people_file(people=PEOPLE_ROWS, roles=ROLE_ROWS) -> bytes:
    return workbook({"Người dùng": (PERSON_HEADERS, people), "Phân quyền": (ROLE_HEADERS, roles)})
