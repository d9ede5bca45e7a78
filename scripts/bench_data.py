"""A province-scale dataset for the benchmark, built through the portal's own services where they exist.

Shape: one authority, 3 blocks, `unit_count` units (200 by default: 30 departments, 120 communes, 50 wards),
one 120-sub-criterion framework per block (6 areas × 20 levels criteria), two published years and a third
year in appraisal. Like scoring/demo/history.py, the score rows of the two past years are inserted in bulk;
everything else goes through the services: period creation and framework cloning, opening, the council and
its assignments, finalisation, preliminary release and publication; in the current year every unit's
self-assessment is a 120-row Excel sheet imported by `sheet_import`, its evidence is uploaded and cited by
the evidence services, the head submits, appraisal starts and the council records round-1 scores.
"""

import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from evidence.services import documents_upload, evidence_link
from scoring.appraisal.services import appraisal_record, block_finalise
from scoring.council.services import assignment_add, council_chair_set, council_member_add, period_start_appraisal
from scoring.demo.history import fresh
from scoring.frameworks.services import period_create, period_open_self_assessment
from scoring.models import Assessment, Criterion, Framework, Period, RuleOption, RuleType, Score, Stage
from scoring.results.services import (
    classification_bands_replace,
    results_config_update,
    results_publish,
    results_release_preliminary,
)
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, assessment_submit
from scoring.sheets.workbook import COLUMNS, sheet_import
from units.models import Authority, Block, Role, RoleAssignment, Unit, User

AREAS, LEAVES_PER_AREA = 6, 20
FIRST_YEAR = 2023
LEVELS = (("Đạt đầy đủ", Decimal("1")), ("Đạt một phần", Decimal("0.5")), ("Chưa đạt", Decimal("0")))
# Share of units per block: departments, communes, wards (a city scoring its departments and communes).
BLOCK_SHARES = (("so-nganh", "Sở, ban, ngành", 0.15), ("xa", "UBND xã", 0.60), ("phuong", "UBND phường", 0.25))
BANDS = [(Decimal(90), "Tốt"), (Decimal(80), "Khá"), (Decimal(70), "Trung bình"), (Decimal(0), "Yếu")]
COUNCIL_SIZE = AREAS  # one member per area, across every unit
ROUND_ONE_IN_CURRENT_YEAR = 6  # criteria per unit the council has already scored (area 1's first six)


@dataclass
class Dataset:
    """What the measurements need to find again."""

    unit_count: int
    years: tuple[int, int, int]
    admin: User
    secretary: User
    leadership: User
    members: list[User]
    heads: dict[int, User]  # unit id → head
    timings: dict[str, float] = field(default_factory=dict)
    import_seconds: list[float] = field(default_factory=list)
    import_queries: int = 0

    @property
    def current_year(self) -> int:
        return self.years[2]


def _block_sizes(unit_count: int) -> list[int]:
    sizes = [max(1, round(unit_count * share)) for _code, _name, share in BLOCK_SHARES]
    sizes[1] += unit_count - sum(sizes)
    return sizes


def _people(unit_count: int) -> tuple[dict, dict[int, User]]:
    authority = Authority.objects.create(name="Thành phố Benchmark", short_name="TP Benchmark", level="city")
    blocks = [
        Block.objects.create(authority=authority, code=code, name=name, position=position)
        for position, (code, name, _share) in enumerate(BLOCK_SHARES, start=1)
    ]
    units = []
    for block, size in zip(blocks, _block_sizes(unit_count), strict=True):
        units += [
            Unit(block=block, code=f"{block.code}-{number:03d}", name=f"{block.name} số {number}", position=number)
            for number in range(1, size + 1)
        ]
    units = Unit.objects.bulk_create(units)
    password = make_password("bench-password")

    def person(username: str, full_name: str) -> User:
        return User(username=username, full_name=full_name, password=password)

    cast = {
        "admin": person("admin", "Quản trị hệ thống"),
        "secretary": person("thuky", "Thư ký Hội đồng"),
        "leadership": person("lanhdao", "Lãnh đạo UBND"),
    }
    members = [person(f"hoidong{number}", f"Thành viên Hội đồng {number}") for number in range(1, COUNCIL_SIZE + 1)]
    heads = [person(f"head-{unit.code}", f"Thủ trưởng {unit.name}") for unit in units]
    User.objects.bulk_create([*cast.values(), *members, *heads])
    roles = [
        RoleAssignment(user=cast["admin"], role=Role.ADMINISTRATOR),
        RoleAssignment(user=cast["secretary"], role=Role.COUNCIL_SECRETARY),
        RoleAssignment(user=cast["leadership"], role=Role.LEADERSHIP),
        *(RoleAssignment(user=member, role=Role.COUNCIL_MEMBER) for member in members),
        *(RoleAssignment(user=head, role=Role.UNIT_HEAD, unit=unit) for head, unit in zip(heads, units, strict=True)),
    ]
    RoleAssignment.objects.bulk_create(roles)
    cast["authority"] = authority
    cast["blocks"] = blocks
    cast["members"] = members
    return cast, {unit.id: head for head, unit in zip(heads, units, strict=True)}


def _framework(period: Period, block: Block) -> Framework:
    """6 areas × 20 levels leaves; the first leaf of each area needs evidence (the others do not)."""
    framework = Framework.objects.create(
        period=period, block=block, name=f"Bộ chỉ số CCHC {block.name} năm {period.year}"
    )
    for area_number in range(1, AREAS + 1):
        area = Criterion.objects.create(
            framework=framework,
            code=str(area_number),
            title=f"Lĩnh vực {area_number}",
            max_points=Decimal(LEAVES_PER_AREA),
            position=area_number,
        )
        leaves = Criterion.objects.bulk_create(
            Criterion(
                framework=framework,
                parent=area,
                code=f"{area_number}.{leaf}",
                title=f"Tiêu chí thành phần {area_number}.{leaf}: kết quả thực hiện nhiệm vụ cải cách hành chính",
                max_points=Decimal(1),
                position=leaf,
                rule_type=RuleType.LEVELS,
                evidence_required=leaf == 1,
            )
            for leaf in range(1, LEAVES_PER_AREA + 1)
        )
        RuleOption.objects.bulk_create(
            RuleOption(criterion=leaf, position=position, label=label, points=points)
            for leaf in leaves
            for position, (label, points) in enumerate(LEVELS)
        )
    return framework


def _levels(rng: random.Random, strength: float) -> int:
    """Index into LEVELS: most criteria fully met, a unit's strength shifting the rest."""
    draw = rng.random()
    return 0 if draw < strength else (1 if draw < strength + (1 - strength) * 0.7 else 2)


def _leaves(period: Period) -> dict[int, list[Criterion]]:
    leaves: dict[int, list[Criterion]] = {}
    criteria = Criterion.objects.filter(framework__period=period).exclude(rule_type="").prefetch_related("options")
    for criterion in sorted(criteria, key=lambda c: (c.framework_id, c.code_key)):
        leaves.setdefault(criterion.framework_id, []).append(criterion)
    return leaves


def _council(period: Period, cast: dict) -> None:
    """Every member appraises one area across all units; the first chairs the council."""
    secretary = fresh(cast["secretary"])
    for member in cast["members"]:
        council_member_add(actor=secretary, period=period, user=fresh(member))
    council_chair_set(actor=fresh(secretary), period=period, user=fresh(cast["members"][0]))
    for area_number, member in enumerate(cast["members"], start=1):
        assignment_add(actor=fresh(secretary), period=period, member=fresh(member), area_code=str(area_number))


def _past_year(period: Period, cast: dict, heads: dict[int, User]) -> None:
    """Open, score in bulk (self and round 1, as scoring/demo/history.py does), finalise, release, publish."""
    period = period_open_self_assessment(
        actor=fresh(cast["admin"]), period=period, deadline=timezone.now() + timedelta(days=30)
    )
    _council(period, cast)
    leaves = _leaves(period)
    sheets = list(Assessment.objects.filter(period=period).order_by("id"))
    appraiser = {str(number): member for number, member in enumerate(cast["members"], start=1)}
    scores = []
    for sheet in sheets:
        rng = random.Random(f"bench-{period.year}-{sheet.unit_id}")
        strength = rng.uniform(0.6, 0.95)
        for leaf in leaves[sheet.framework_id]:
            options = list(leaf.options.all())
            final = options[_levels(rng, strength)]
            own = options[0] if rng.random() < 0.1 else final
            common = {"assessment": sheet, "criterion": leaf, "is_not_applicable": False}
            scores.append(
                Score(
                    **common,
                    stage=Stage.SELF,
                    option=own,
                    points=own.points,
                    explanation="Đơn vị tự chấm theo hồ sơ năm.",
                    no_evidence_reason="Tài liệu lưu bản giấy tại đơn vị." if leaf.evidence_required else "",
                    updated_by=heads[sheet.unit_id],
                )
            )
            scores.append(
                Score(
                    **common,
                    stage=Stage.ROUND_1,
                    option=final,
                    points=final.points,
                    explanation="" if own == final else "Tài liệu kiểm chứng chưa đáp ứng mức đơn vị tự chấm.",
                    updated_by=appraiser[leaf.code.split(".")[0]],
                )
            )
        sheet.state = Assessment.State.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.submitted_by = heads[sheet.unit_id]
    Score.objects.bulk_create(scores, batch_size=2000)
    Assessment.objects.bulk_update(sheets, ["state", "submitted_at", "submitted_by"], batch_size=500)
    classification_bands_replace(actor=fresh(cast["secretary"]), period=period, bands=BANDS)
    results_config_update(actor=fresh(cast["secretary"]), period=period, ranking_method="rank", is_public=True)
    chair = fresh(cast["members"][0])
    for block in cast["blocks"]:
        block_finalise(actor=fresh(chair), period=period, block=block)
    window = timezone.now() + timedelta(minutes=5)
    period = results_release_preliminary(actor=fresh(cast["secretary"]), period=period, objection_deadline=window)
    results_publish(
        actor=fresh(cast["leadership"]),
        period=period,
        decision_number=f"{period.year}/QĐ-UBND",
        decision_date=date(period.year, 12, 30),
        now=window + timedelta(seconds=1),
    )


def self_assessment_workbook(leaves: list[Criterion], rng: random.Random) -> bytes:
    """A unit's filled sheet as the portal exports it (same header texts), one row per leaf."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tu danh gia"
    header = [column.header for column in COLUMNS]
    sheet.append(header)
    index = {column.key: position for position, column in enumerate(COLUMNS)}
    strength = rng.uniform(0.6, 0.95)
    for leaf in leaves:
        values: list = [None] * len(COLUMNS)
        values[index["code"]] = leaf.code
        values[index["title"]] = leaf.title
        values[index["max_points"]] = float(leaf.max_points)
        values[index["option"]] = LEVELS[_levels(rng, strength)][0]
        values[index["explanation"]] = f"Đơn vị tự chấm tiêu chí {leaf.code} theo hồ sơ lưu trữ."
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _evidence_pdf() -> bytes:
    """A small, real PDF (the evidence checks sniff the bytes)."""
    from weasyprint import HTML

    return HTML(string="<p>Báo cáo kết quả cải cách hành chính (tài liệu kiểm chứng)</p>").write_pdf()


def _current_year(period: Period, cast: dict, heads: dict[int, User], dataset: Dataset) -> None:
    period = period_open_self_assessment(
        actor=fresh(cast["admin"]), period=period, deadline=timezone.now() + timedelta(days=30)
    )
    _council(period, cast)
    leaves = _leaves(period)
    pdf = _evidence_pdf()
    sheets = list(Assessment.objects.filter(period=period).select_related("framework", "unit").order_by("id"))
    for number, sheet in enumerate(sheets):
        head = heads[sheet.unit_id]
        content = self_assessment_workbook(leaves[sheet.framework_id], random.Random(f"bench-{sheet.unit_id}"))
        started = time.perf_counter()
        if number == 0:
            with CaptureQueriesContext(connection) as queries:
                sheet_import(actor=fresh(head), assessment=sheet, file=content)
            dataset.import_queries = len(queries)
        else:
            sheet_import(actor=fresh(head), assessment=sheet, file=content)
        dataset.import_seconds.append(time.perf_counter() - started)
        evidenced = [leaf for leaf in leaves[sheet.framework_id] if leaf.evidence_required]
        upload = SimpleUploadedFile("bao-cao-cchc.pdf", pdf, content_type="application/pdf")
        document = documents_upload(
            actor=fresh(head),
            assessment=sheet,
            uploads=[upload],
            title=f"Báo cáo CCHC năm {period.year}",
            criterion=evidenced[0],
            locator="Trang 1",
        )[0]
        for leaf in evidenced[1:]:
            evidence_link(actor=fresh(head), assessment=sheet, criterion=leaf, document=document, locator="Mục 2")
        assessment_submit(actor=fresh(head), assessment=sheet)
    period = period_start_appraisal(
        actor=fresh(cast["secretary"]),
        period=period,
        appraisal_deadline=timezone.now() + timedelta(days=20),
        confirm_early=True,
    )
    member = cast["members"][0]  # area 1
    for sheet in sheets:
        own = {s.criterion_id: s for s in Score.objects.filter(assessment=sheet, stage=Stage.SELF)}
        for leaf in leaves[sheet.framework_id][:ROUND_ONE_IN_CURRENT_YEAR]:
            option = own[leaf.id].option
            appraisal_record(
                actor=fresh(member),
                assessment=sheet,
                criterion=leaf,
                stage=Stage.ROUND_1,
                data=ScoreInput(entry=Entry(option_id=option.id)),
                expected_version=0,
            )


def build(unit_count: int, *, current_year: bool = True) -> Dataset:
    """Fill the (empty, migrated) database; returns who is who and how long each step took. Without
    `current_year`, the third year is created but left without sheets (the results-only scale)."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    cast, heads = _people(unit_count)
    admin = cast["admin"]
    first = period_create(actor=fresh(admin), authority=cast["authority"], year=FIRST_YEAR)
    for block in cast["blocks"]:
        _framework(first, block)
    second = period_create(actor=fresh(admin), authority=cast["authority"], year=FIRST_YEAR + 1, copy_from=first)
    third = period_create(actor=fresh(admin), authority=cast["authority"], year=FIRST_YEAR + 2, copy_from=second)
    timings["people and frameworks"] = time.perf_counter() - started
    dataset = Dataset(
        unit_count=unit_count,
        years=(first.year, second.year, third.year),
        admin=admin,
        secretary=cast["secretary"],
        leadership=cast["leadership"],
        members=cast["members"],
        heads=heads,
        timings=timings,
    )
    for period in (first, second):
        step = time.perf_counter()
        _past_year(period, cast, heads)
        timings[f"{period.year} (bulk scores, published through services)"] = time.perf_counter() - step
    if current_year:
        step = time.perf_counter()
        _current_year(third, cast, heads, dataset)
        timings[f"{third.year} (sheet imports, evidence, submission, round 1)"] = time.perf_counter() - step
    return dataset


def load() -> Dataset:
    """The dataset an earlier run left in the database (`scripts/bench.py --keep`), for measuring again."""
    # The survey benchmark's draft year (scripts/bench.py, survey_dataset) is not one of the dataset's years.
    years = tuple(
        Period.objects.filter(surveys__isnull=True).distinct().order_by("year").values_list("year", flat=True)
    )
    heads = {
        role.unit_id: role.user
        for role in RoleAssignment.objects.filter(role=Role.UNIT_HEAD).select_related("user").order_by("unit_id")
    }
    return Dataset(
        unit_count=len(heads),
        years=years,
        admin=User.objects.get(username="admin"),
        secretary=User.objects.get(username="thuky"),
        leadership=User.objects.get(username="lanhdao"),
        members=list(User.objects.filter(username__startswith="hoidong").order_by("id")),
        heads=heads,
    )
