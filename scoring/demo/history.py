"""Thanh Xuân's published results of 2021 and 2022, rebuilt criterion by criterion.

The figures come from the seed article (Kinhtedothi, 29/12/2022): the gap between the first and the last
unit of each block narrowed from 14.3 to 4.5 points (departments) and from 8.9 to 3.36 points (wards);
2022 is higher than 2021; neighbouring units are 0.5–0.7 points apart at most; areas 2, 4, 5 and 7 score
almost full marks while areas 1 (direction) and 6 (public finance) are lower but still high; 8
collectives and 13 individuals were commended.

Method: each unit's total is chosen first (seeded random, so every run gives the same figures), then
the points it lost are spread over the sub-criteria with inputs each rule accepts (a level, a
percentage in a band, achieved / required, a step of a manual score, yes / no, a count of deductions),
mostly in areas 1 and 6; the satisfaction survey (two decimals) takes the last hundredths so the total is
exact. Sheets and scores of these past years are imported in bulk (thousands of rows), but the council,
the chair's finalisation, the preliminary release and the publication go through the portal's own
services, so the published snapshot is computed by the portal itself.
"""

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from scoring.appraisal.services import block_finalise
from scoring.council.services import assignment_add, council_chair_set, council_member_add
from scoring.demo.dates import VIETNAM, at
from scoring.frameworks.services import period_open_self_assessment
from scoring.models import (
    AdjustmentEntry,
    AdjustmentItem,
    AppraisalAssignment,
    Assessment,
    AuditEvent,
    BlockFinalisation,
    Commendation,
    CouncilMembership,
    Criterion,
    Notice,
    Period,
    ResultPublication,
    ResultRow,
    RuleOption,
    RuleType,
    Score,
    ScoreChange,
    SignedDocument,
    Stage,
)
from scoring.results.services import (
    classification_bands_replace,
    commendation_add,
    results_config_update,
    results_publish,
    results_release_preliminary,
)
from scoring.rules import ENTRY_FIELDS, Entry, Rule, compute_points
from scoring.sheets.services import score_snapshot
from scoring.signing.contents import minutes_content
from scoring.signing.pdf import canonical_json
from scoring.text import number_text
from units.models import Role, RoleAssignment, Unit, User
from units.roles import belongs_to_unit, forget_roles

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DEPARTMENTS, WARDS = "phong-ban", "phuong"

BLOCK_LABELS = {DEPARTMENTS: "phòng, ban, đơn vị", WARDS: "UBND phường"}
BANDS = [(Decimal(90), "Tốt"), (Decimal(80), "Khá"), (Decimal(70), "Trung bình"), (Decimal(0), "Yếu")]

# Leaf groups in the order points are taken away: direction (1) and public finance (6) first.
GROUPS = (("1",), ("6",), ("3",), ("2", "4", "5", "7"))


@dataclass(frozen=True)
class BlockShape:
    """How one block's ranking looks in one year (all amounts in hundredths of a point)."""

    top: tuple[int, int]  # the first unit's total lies in this range
    gap: int  # first minus last, exactly
    neighbour: tuple[int, int]  # every gap between neighbouring units lies in this range
    widest_at_least: int = 0  # and the widest gap reaches at least this


@dataclass(frozen=True)
class YearPlan:
    year: int
    shapes: dict[str, BlockShape]
    shares: tuple[float, float, float, float]  # of the lost points, per group in GROUPS
    survey_loss: tuple[float, float]  # share of the survey's maximum the unit misses
    leaf_loss_cap: Decimal  # one sub-criterion never loses more than this share of its maximum
    differences: tuple[int, ...]  # how many criteria the council scored below the unit (drawn per unit)
    opened: datetime
    submitted: datetime
    finalised: datetime
    decision_number: str
    decision_date: date
    # (block, rank, kind, item code, points, reason)
    adjustments: tuple[tuple[str, int, str, str, str, str], ...] = ()
    commended_collectives: dict[str, int] = field(default_factory=dict)  # block → top N
    surveyor: str = "UBND quận"  # who ran the year's survey


def set_deadlines(period: Period, deadlines: Sequence[datetime]) -> None:
    """Set the period's four deadlines (self-assessment, appraisal, explanation, objection), in that order."""
    (
        period.self_assessment_deadline,
        period.appraisal_deadline,
        period.explanation_deadline,
        period.objection_deadline,
    ) = deadlines
    period.save(
        update_fields=["self_assessment_deadline", "appraisal_deadline", "explanation_deadline", "objection_deadline"]
    )


PLANS = {
    2021: YearPlan(
        year=2021,
        shapes={
            DEPARTMENTS: BlockShape(top=(9520, 9640), gap=1430, neighbour=(30, 290)),
            WARDS: BlockShape(top=(9430, 9540), gap=890, neighbour=(25, 190)),
        },
        shares=(0.33, 0.25, 0.17, 0.25),
        survey_loss=(0.06, 0.14),
        leaf_loss_cap=Decimal(1),
        differences=(1, 2, 2, 3, 4),
        opened=at(2021, 11, 15, 9),
        submitted=at(2021, 12, 9, 16),
        finalised=at(2021, 12, 21, 16),
        decision_number="6125/QĐ-UBND",
        decision_date=date(2021, 12, 30),
        adjustments=(
            (
                DEPARTMENTS,
                -1,
                AdjustmentItem.Kind.PENALTY,
                "TR3",
                "0.5",
                "Bị UBND quận phê bình tại Thông báo số 214/TB-UBND vì chậm báo cáo kết quả CCHC quý III.",
            ),
            (
                WARDS,
                1,
                AdjustmentItem.Kind.BONUS,
                "TH1",
                "1",
                "Sáng kiến “Phiếu hẹn điện tử tại Bộ phận Một cửa” được Hội đồng sáng kiến quận công nhận.",
            ),
        ),
    ),
    2022: YearPlan(
        year=2022,
        shapes={
            DEPARTMENTS: BlockShape(top=(9790, 9860), gap=450, neighbour=(12, 70), widest_at_least=50),
            WARDS: BlockShape(top=(9780, 9850), gap=336, neighbour=(8, 70), widest_at_least=50),
        },
        shares=(0.40, 0.30, 0.12, 0.18),
        survey_loss=(0.03, 0.08),
        leaf_loss_cap=Decimal("0.5"),
        differences=(0, 1, 1, 2, 2, 3),
        opened=at(2022, 11, 14, 9),
        submitted=at(2022, 12, 8, 16),
        finalised=at(2022, 12, 20, 16),
        decision_number="5678/QĐ-UBND",
        decision_date=date(2022, 12, 29),
        adjustments=(
            (
                WARDS,
                1,
                AdjustmentItem.Kind.BONUS,
                "TH1",
                "1",
                "Sáng kiến “Số hóa hồ sơ hộ tịch tại Bộ phận Một cửa” được Hội đồng sáng kiến quận công nhận.",
            ),
            (
                DEPARTMENTS,
                2,
                AdjustmentItem.Kind.BONUS,
                "TH2",
                "0.5",
                "Được UBND thành phố tặng Bằng khen về thành tích trong công tác CCHC giai đoạn 2021–2022.",
            ),
        ),
        commended_collectives={DEPARTMENTS: 3, WARDS: 5},
    ),
}

# The 13 individuals commended for 2022: (name, unit code, position).
COMMENDED_PEOPLE_2022 = (
    ("Bùi Thị Ngọc Ánh", "phong-noi-vu", "Chuyên viên Phòng Nội vụ, đầu mối CCHC"),
    ("Đỗ Thị Quỳnh Mai", "van-phong-hdnd-ubnd", "Chuyên viên Văn phòng HĐND và UBND, Bộ phận Một cửa quận"),
    ("Vũ Thị Thanh Tâm", "phong-tu-phap", "Chuyên viên Phòng Tư pháp, phụ trách kiểm soát thủ tục hành chính"),
    ("Nguyễn Hoàng Long", "phong-tai-chinh-ke-hoach", "Chuyên viên Phòng Tài chính – Kế hoạch"),
    ("Lê Văn Khải", "phong-van-hoa-thong-tin", "Chuyên viên Phòng Văn hóa và Thông tin, phụ trách chuyển đổi số"),
    ("Trần Thị Bích Hợp", "phong-quan-ly-do-thi", "Chuyên viên Phòng Quản lý đô thị"),
    ("Phan Quốc Bảo", "phong-giao-duc-dao-tao", "Chuyên viên Phòng Giáo dục và Đào tạo"),
    ("Trần Thị Thu Trang", "phuong-khuong-dinh", "Công chức Văn phòng – Thống kê UBND phường Khương Đình"),
    ("Lê Thị Kim Oanh", "phuong-kim-giang", "Công chức Văn phòng – Thống kê UBND phường Kim Giang"),
    ("Hoàng Minh Tú", "phuong-nhan-chinh", "Công chức Văn phòng – Thống kê UBND phường Nhân Chính"),
    ("Nguyễn Đức Anh", "phuong-khuong-trung", "Công chức Văn phòng – Thống kê UBND phường Khương Trung"),
    ("Chu Thị Ngọc Diệp", "phuong-thanh-xuan-trung", "Công chức Văn phòng – Thống kê UBND phường Thanh Xuân Trung"),
    ("Nguyễn Thị Hạnh", "phuong-thanh-xuan-bac", "Công chức Văn phòng – Thống kê UBND phường Thanh Xuân Bắc"),
)


# ---------------------------------------------------------------------------------------------
# What a rule accepts


@dataclass(frozen=True)
class Choice:
    """One input a sub-criterion's rule accepts, with the points the portal's rules give it."""

    points: Decimal
    entry: Entry
    option: RuleOption | None = None  # the chosen level itself, for its label and the stored score

    def score_fields(self) -> dict:
        inputs = {field: getattr(self.entry, field) for field in ENTRY_FIELDS if field != "option_id"}
        return {**inputs, "option": self.option, "points": self.points}


def _checked(criterion: Criterion, option: RuleOption | None = None, **inputs) -> Choice:
    """Points always come from the portal's own rules, never from this module's arithmetic."""
    entry = Entry(option_id=option.id if option else None, **inputs)
    return Choice(points=compute_points(Rule.of(criterion), entry), entry=entry, option=option)


def _options(criterion: Criterion) -> list[RuleOption]:
    return sorted(criterion.options.all(), key=lambda option: option.points, reverse=True)


def _percent_between(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    """A percentage in [low, high], usually with one decimal, as a statistics report would give it."""
    low_c, high_c = int(low * 100), int(high * 100)
    pick = rng.randint(low_c, high_c)
    if (pick // 10) * 10 >= low_c:
        pick = (pick // 10) * 10
    return Decimal(pick) / 100


def _band_range(bands: Sequence[RuleOption], index: int) -> tuple[Decimal, Decimal]:
    low = bands[index].min_percent
    if index == 0:
        return low, HUNDRED
    upper = bands[index - 1].min_percent - CENT
    if low == 0:
        low = max(Decimal(0), upper - Decimal(15))
    return low, upper


def full_choice(criterion: Criterion, rng: random.Random) -> Choice:
    """The input that earns the criterion's maximum."""
    match criterion.rule_type:
        case RuleType.LEVELS:
            return _checked(criterion, option=_options(criterion)[0])
        case RuleType.BANDS:
            bands = [o for o in _options(criterion) if o.min_percent is not None]
            low, high = _band_range(bands, 0)
            percent = HUNDRED if low == HUNDRED else _percent_between(rng, max(low, min(high, low + 30)), high)
            return _checked(criterion, option=None, percent=percent)
        case RuleType.RATIO:
            required = Decimal(rng.randint(6, 36))
            return _checked(criterion, achieved=required, required=required)
        case RuleType.MANUAL | RuleType.SURVEY:
            return _checked(criterion, value=criterion.max_points)
        case RuleType.YES_NO:
            return _checked(criterion, is_yes=True)
        case RuleType.DEDUCTION:
            return _checked(criterion, occurrences=0)
    raise ValueError(criterion.rule_type)


def loss_choices(criterion: Criterion, rng: random.Random) -> list[Choice]:
    """Inputs that earn less than the maximum, each one a plausible finding of the council."""
    choices: list[Choice] = []
    match criterion.rule_type:
        case RuleType.LEVELS:
            choices = [_checked(criterion, option=option) for option in _options(criterion)[1:]]
        case RuleType.BANDS:
            bands = [o for o in _options(criterion) if o.min_percent is not None]
            for index in range(1, len(bands)):
                choices.append(_checked(criterion, percent=_percent_between(rng, *_band_range(bands, index))))
        case RuleType.RATIO:
            seen = set()
            for required in rng.sample(range(8, 61), 14):
                for missed in (1, 2, 3):
                    choice = _checked(criterion, achieved=Decimal(required - missed), required=Decimal(required))
                    if choice.points not in seen:
                        seen.add(choice.points)
                        choices.append(choice)
        case RuleType.MANUAL:
            value = criterion.max_points - criterion.step
            while value >= 0:
                choices.append(_checked(criterion, value=value))
                value -= criterion.step
        case RuleType.YES_NO:
            choices = [_checked(criterion, is_yes=False)]
        case RuleType.DEDUCTION:
            count = 1
            while criterion.max_points - count * criterion.deduction_per_occurrence >= 0:
                choices.append(_checked(criterion, occurrences=count))
                count += 1
    return [choice for choice in choices if choice.points < criterion.max_points]


def council_reason(criterion: Criterion, choice: Choice) -> str:
    """Why the council scored below the unit, in the words a council would use for that rule."""
    match criterion.rule_type:
        case RuleType.LEVELS:
            return f"Hội đồng chấm mức “{choice.option.label}”: tài liệu kiểm chứng chưa đáp ứng mức đơn vị tự chấm."
        case RuleType.BANDS:
            return (
                f"Theo số liệu kiểm chứng, tỷ lệ thực tế đạt {number_text(choice.entry.percent)}%, "
                "thấp hơn tỷ lệ đơn vị tự tính."
            )
        case RuleType.RATIO:
            return (
                f"Đối chiếu hệ thống theo dõi nhiệm vụ: {choice.entry.achieved:.0f}/{choice.entry.required:.0f} "
                "đúng hạn, không phải toàn bộ như đơn vị báo cáo."
            )
        case RuleType.MANUAL:
            return "Sản phẩm chưa đầy đủ theo hướng dẫn chấm; Hội đồng trừ điểm tương ứng phần chưa đạt."
        case RuleType.YES_NO:
            return "Không có văn bản, biên bản chứng minh đã thực hiện trong năm."
        case RuleType.DEDUCTION:
            return (
                f"Phát hiện {choice.entry.occurrences} lần chậm hoặc không đúng hướng dẫn qua hệ thống quản lý văn bản."
            )
    return "Điều chỉnh theo kết quả thẩm định."


# ---------------------------------------------------------------------------------------------
# Totals first


def _gaps(rng: random.Random, count: int, shape: BlockShape) -> list[int]:
    low, high = shape.neighbour
    for _attempt in range(10_000):
        raw = [rng.uniform(low, high) for _ in range(count)]
        scale = shape.gap / sum(raw)
        gaps = [round(value * scale) for value in raw]
        gaps[rng.randrange(count)] += shape.gap - sum(gaps)
        if all(low <= gap <= high for gap in gaps) and max(gaps) >= shape.widest_at_least:
            return gaps
    raise RuntimeError("no gaps fit the block's shape")


def plan_totals(
    units_by_block: dict[str, Sequence[str]], plans: dict[int, YearPlan] = PLANS
) -> dict[int, dict[str, int]]:
    """Every unit's total (hundredths) per past year: the first in a random order, later years mostly improving."""
    totals: dict[int, dict[str, int]] = {year: {} for year in plans}
    for block, codes in units_by_block.items():
        rng = random.Random(f"cchc-history-{block}")
        previous: dict[str, int] = {}
        for year, plan in sorted(plans.items()):
            shape = plan.shapes[block]
            gaps = _gaps(rng, len(codes) - 1, shape)
            top = rng.randint(*shape.top)
            values = [top - sum(gaps[:index]) for index in range(len(codes))]
            if previous:
                order = sorted(codes, key=lambda code: previous[code] + rng.gauss(0, 250), reverse=True)
            else:
                order = list(codes)
                rng.shuffle(order)
            for code, value in zip(order, values, strict=True):
                totals[year][code] = value
            previous = totals[year]
    return totals


# ---------------------------------------------------------------------------------------------
# Then the criteria


@dataclass
class UnitSheet:
    council: dict[int, Choice]
    own: dict[int, Choice]  # the unit's self-score, where it differs from the council's
    survey_id: int


def distribute(
    leaves: Sequence[Criterion],
    criteria_cents: int,
    plan: YearPlan,
    rng: random.Random,
    groups: Sequence[tuple[str, ...]] = GROUPS,
) -> UnitSheet:
    """Council scores for every leaf adding up to exactly criteria_cents, losses mostly in the first groups."""
    survey = next(c for c in leaves if c.rule_type == RuleType.SURVEY)
    scored = [c for c in leaves if c.rule_type != RuleType.SURVEY]
    full = {c.id: full_choice(c, rng) for c in leaves}
    cap = {c.id: c.max_points * plan.leaf_loss_cap for c in scored}
    losses = {c.id: [ch for ch in loss_choices(c, rng) if c.max_points - ch.points <= cap[c.id]] for c in scored}
    lost = 10_000 - criteria_cents
    survey_max = int(survey.max_points * 100)
    survey_lost = min(lost, round(survey_max * rng.uniform(*plan.survey_loss)))
    to_spread = lost - survey_lost
    chosen: dict[int, Choice] = {}

    def loss_of(leaf: Criterion, choice: Choice) -> int:
        return int((leaf.max_points - choice.points) * 100)

    def spend(pool: list[Criterion], budget: int, *, largest: bool) -> int:
        spent = 0
        rng.shuffle(pool)
        for leaf in pool:
            if leaf.id in chosen:
                continue
            fitting = [ch for ch in losses[leaf.id] if 0 < loss_of(leaf, ch) <= budget - spent]
            if not fitting:
                continue
            if largest:
                pick = max(fitting, key=lambda ch: loss_of(leaf, ch))
            else:
                pick = rng.choices(fitting, weights=[1 / loss_of(leaf, ch) for ch in fitting])[0]
            chosen[leaf.id] = pick
            spent += loss_of(leaf, pick)
        return spent

    carry = 0
    shares = [round(to_spread * share) for share in plan.shares[:-1]]
    shares.append(to_spread - sum(shares))
    for group, share in zip(groups, shares, strict=True):
        pool = [c for c in scored if c.code.split(".")[0] in group]
        budget = share + carry
        carry = budget - spend(pool, budget, largest=False)
    for group in groups:  # whatever is left goes to criteria still at full marks, the first groups first
        carry -= spend([c for c in scored if c.code.split(".")[0] in group], carry, largest=True)
    survey_points = (Decimal(survey_max - survey_lost - carry) / 100).quantize(CENT)
    if survey_points < survey.max_points * Decimal("0.7"):
        raise RuntimeError(f"survey would be {survey_points}: too much left to spread")
    chosen[survey.id] = _checked(survey, value=survey_points)
    council = {c.id: chosen.get(c.id, full[c.id]) for c in leaves}
    total = sum(choice.points for choice in council.values())
    if total * 100 != criteria_cents:
        raise RuntimeError(f"criteria add up to {total}, not {criteria_cents / 100}")
    # The unit claimed full marks on some criteria the council cut (never on the survey it cannot score).
    cut = [c for c in scored if c.id in chosen]
    own = {c.id: full[c.id] for c in rng.sample(cut, min(len(cut), rng.choice(plan.differences)))}
    return UnitSheet(council=council, own=own, survey_id=survey.id)


# ---------------------------------------------------------------------------------------------
# The year, through the portal's services where it counts


@dataclass(frozen=True)
class Cast:
    """Who acts in the seed: the administrator opens, the secretary runs the council, the chair closes."""

    admin: User
    secretary: User
    members: tuple[User, ...]  # (hoidong1, hoidong2 …); the first chairs the council
    leadership: User


def fresh(user: User) -> User:
    """Drop the per-request role and seat caches a service call may have left on the user object."""
    forget_roles(user)
    user.__dict__.pop("_cchc_seats", None)
    user.__dict__.pop("_cchc_finalised", None)
    return user


def by_block(unit: Unit, cast: Cast, index: int) -> User:
    """Thanh Xuân: hoidong1 (Phòng Tư pháp) takes the wards, hoidong2 (Văn phòng HĐND và UBND) the departments;
    neither appraises their own unit, so each takes the other's."""
    first, second = cast.members
    member = first if unit.block.code == WARDS else second
    if belongs_to_unit(fresh(member), unit.pk):
        member = second if member is first else first
    return member


def in_turn(unit: Unit, cast: Cast, index: int) -> User:
    """Units shared among the members in turn, skipping a member who works at the unit."""
    count = len(cast.members)
    for offset in range(count):
        member = cast.members[(index + offset) % count]
        if not belongs_to_unit(fresh(member), unit.pk):
            return member
    raise RuntimeError(f"no council member may appraise {unit}")


def council_seed(period: Period, cast: Cast, choose=by_block) -> None:
    """Members, chair and unit assignments: each member appraises units other than their own."""
    secretary = fresh(cast.secretary)
    for member in cast.members:
        if not CouncilMembership.objects.filter(period=period, user=member).exists():
            council_member_add(actor=secretary, period=period, user=fresh(member))
    if not CouncilMembership.objects.filter(period=period, is_chair=True).exists():
        council_chair_set(actor=secretary, period=period, user=cast.members[0])
    if AppraisalAssignment.objects.filter(period=period).exists():
        return
    units = Unit.objects.filter(assessments__period=period).select_related("block")
    for index, unit in enumerate(units.order_by("block__position", "position")):
        assignment_add(actor=secretary, period=period, member=fresh(choose(unit, cast, index)), unit=unit)


def bands_seed(period: Period, cast: Cast, bands: Sequence[tuple[Decimal, str]] = BANDS) -> None:
    if not period.classification_bands.exists():
        classification_bands_replace(actor=fresh(cast.secretary), period=period, bands=list(bands))


def seed_history(
    period: Period,
    cast: Cast,
    deadlines: Sequence[datetime],
    *,
    plans: dict[int, YearPlan] = PLANS,
    groups: Sequence[tuple[str, ...]] = GROUPS,
    bands: Sequence[tuple[Decimal, str]] = BANDS,
    choose=by_block,
) -> ResultPublication | None:
    """Import a past year's sheets and publish its results; a year already published is left alone."""
    plan = plans[period.year]
    if period.state == Period.State.PUBLISHED:
        return None
    if period.state != Period.State.DRAFT or Assessment.objects.filter(period=period).exists():
        raise RuntimeError(f"Kỳ {period.year} đang dở dang ({period.get_state_display()}): không nhập lại dữ liệu cũ.")
    period = period_open_self_assessment(
        actor=fresh(cast.admin), period=period, deadline=period.self_assessment_deadline
    )
    council_seed(period, cast, choose)
    sheets = list(
        Assessment.objects.filter(period=period)
        .select_related("unit__block", "framework")
        .order_by("unit__block__position", "unit__position")
    )
    units_by_block: dict[str, list[str]] = {}
    for sheet in sheets:
        units_by_block.setdefault(sheet.unit.block.code, []).append(sheet.unit.code)
    totals = plan_totals(units_by_block, plans)[period.year]
    ranked = {
        block: sorted(codes, key=lambda code: totals[code], reverse=True) for block, codes in units_by_block.items()
    }
    adjustments = _adjustments(plan, ranked)
    leaves = _leaves(period)
    people = _unit_people(sheets)
    appraisers = {assignment.unit_id: assignment.member for assignment in period.assignments.select_related("member")}
    scores: list[Score] = []
    for sheet in sheets:
        code = sheet.unit.code
        net = sum((a.net for a in adjustments if a.unit_code == code), Decimal(0))
        criteria_cents = totals[code] - int(net * 100)
        rng = random.Random(f"cchc-{period.year}-{code}")
        unit_sheet = distribute(leaves[sheet.framework_id], criteria_cents, plan, rng, groups)
        scores.extend(
            _score_rows(sheet, leaves[sheet.framework_id], unit_sheet, people[sheet.unit_id], appraisers, cast, plan)
        )
        sheet.state = Assessment.State.SUBMITTED
        sheet.submitted_at = plan.submitted - timedelta(hours=rng.randint(0, 72))
        sheet.submitted_by = people[sheet.unit_id][Role.UNIT_HEAD]
    Score.objects.bulk_create(scores, batch_size=500)
    # Every score has its history, here one entry each: entered by the person who scored it, with their reason.
    ScoreChange.objects.bulk_create(
        (
            ScoreChange(
                score=score,
                actor=score.updated_by,
                old_points=None,
                new_points=score.points,
                new_values=score_snapshot(score),
                reason=score.explanation,
            )
            for score in scores
        ),
        batch_size=500,
    )
    Assessment.objects.bulk_update(sheets, ["state", "submitted_at", "submitted_by"])
    AdjustmentEntry.objects.bulk_create(_adjustment_rows(sheets, adjustments, appraisers))
    AuditEvent.objects.create(
        actor=cast.admin,
        action="demo.history",
        period=period,
        summary=f"Nhập dữ liệu chấm điểm năm {period.year} (năm đã qua) cho bản demo: {len(sheets)} phiếu",
        data={
            "import": "past year",
            "assessments": len(sheets),
            "scores": len(scores),
            "note": "Phiếu tự đánh giá và điểm thẩm định vòng 1 của năm đã qua được nhập một lần; chốt, công bố "
            "sơ bộ và công bố chính thức do Cổng tính qua các bước thông thường.",
        },
    )
    return _publish(period, cast, plan, deadlines, bands)


def _leaves(period: Period) -> dict[int, list[Criterion]]:
    leaves: dict[int, list[Criterion]] = {}
    criteria = (
        Criterion.objects.filter(framework__period=period)
        .exclude(rule_type="")
        .prefetch_related(Prefetch("options", queryset=RuleOption.objects.order_by("position", "id")))
    )
    for criterion in sorted(criteria, key=lambda c: (c.framework_id, c.code_key)):
        leaves.setdefault(criterion.framework_id, []).append(criterion)
    return leaves


def _unit_people(sheets: Iterable[Assessment]) -> dict[int, dict[str, User]]:
    people: dict[int, dict[str, User]] = {sheet.unit_id: {} for sheet in sheets}
    for assignment in RoleAssignment.objects.filter(unit_id__in=people).select_related("user").order_by("id"):
        people[assignment.unit_id].setdefault(assignment.role, assignment.user)
    return people


@dataclass(frozen=True)
class Adjustment:
    unit_code: str
    kind: str
    item_code: str
    points: Decimal
    reason: str

    @property
    def net(self) -> Decimal:
        return self.points if self.kind == AdjustmentItem.Kind.BONUS else -self.points


def _adjustments(plan: YearPlan, ranked: dict[str, list[str]]) -> list[Adjustment]:
    """The plan's bonus and penalty entries, given to the unit at the planned rank (-1: the last)."""
    return [
        Adjustment(ranked[block][rank - 1 if rank > 0 else rank], kind, code, Decimal(points), reason)
        for block, rank, kind, code, points, reason in plan.adjustments
    ]


def _adjustment_rows(sheets: Iterable[Assessment], adjustments: list[Adjustment], appraisers) -> list[AdjustmentEntry]:
    by_code = {sheet.unit.code: sheet for sheet in sheets}
    items = {
        (item.framework_id, item.code): item
        for item in AdjustmentItem.objects.filter(framework__in={sheet.framework_id for sheet in by_code.values()})
    }
    rows = []
    for adjustment in adjustments:
        sheet = by_code[adjustment.unit_code]
        item = items[(sheet.framework_id, adjustment.item_code)]
        assert item.kind == adjustment.kind, adjustment
        rows.append(
            AdjustmentEntry(
                assessment=sheet,
                item=item,
                points=adjustment.points,
                reason=adjustment.reason,
                entered_by=appraisers[sheet.unit_id],
            )
        )
    return rows


def _score_rows(sheet, leaves, unit_sheet: UnitSheet, people, appraisers, cast: Cast, plan: YearPlan) -> list[Score]:
    staff = people.get(Role.UNIT_STAFF) or people[Role.UNIT_HEAD]
    appraiser = appraisers[sheet.unit_id]
    rows = []
    for leaf in leaves:
        council = unit_sheet.council[leaf.id]
        if leaf.rule_type == RuleType.SURVEY:
            rows.append(
                Score(
                    assessment=sheet,
                    criterion=leaf,
                    stage=Stage.ROUND_1,
                    explanation=f"Kết quả điều tra xã hội học năm {plan.year} do {plan.surveyor} tổ chức.",
                    updated_by=cast.secretary,
                    **council.score_fields(),
                )
            )
            continue
        own = unit_sheet.own.get(leaf.id, council)
        rows.append(
            Score(
                assessment=sheet,
                criterion=leaf,
                stage=Stage.SELF,
                explanation=f"Đơn vị tự chấm theo hồ sơ năm {plan.year}.",
                no_evidence_reason=(
                    f"Tài liệu kiểm chứng năm {plan.year} lưu bản giấy tại đơn vị (dữ liệu nhập từ kết quả đã công bố)."
                    if leaf.evidence_required
                    else ""
                ),
                updated_by=staff,
                **own.score_fields(),
            )
        )
        rows.append(
            Score(
                assessment=sheet,
                criterion=leaf,
                stage=Stage.ROUND_1,
                explanation=council_reason(leaf, council) if own.points != council.points else "",
                updated_by=appraiser,
                **council.score_fields(),
            )
        )
    return rows


def _publish(
    period: Period, cast: Cast, plan: YearPlan, deadlines: Sequence[datetime], bands: Sequence[tuple[Decimal, str]]
) -> ResultPublication:
    bands_seed(period, cast, bands)
    results_config_update(actor=fresh(cast.secretary), period=period, ranking_method="rank", is_public=True)
    chair = fresh(cast.members[0])
    for framework in period.frameworks.select_related("block").order_by("block__position"):
        block_finalise(actor=chair, period=period, block=framework.block)
    # The objection window is opened and closed at once: these results were published long ago.
    window = timezone.now() + timedelta(minutes=5)
    before_release = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    period = results_release_preliminary(actor=fresh(cast.secretary), period=period, objection_deadline=window)
    released = Notice.objects.filter(pk__gt=before_release)
    released.update(created_at=plan.finalised + timedelta(days=1))  # the notices carry the year's dates, not today's
    before_publication = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    publication = results_publish(
        actor=fresh(cast.leadership),
        period=period,
        decision_number=plan.decision_number,
        decision_date=plan.decision_date,
        now=window + timedelta(seconds=1),
    )
    _commend(period, cast, plan, publication)
    _restore_dates(period, plan, publication, deadlines)
    published_at = ResultPublication.objects.values_list("published_at", flat=True).get(pk=publication.pk)
    Notice.objects.filter(pk__gt=before_publication).update(created_at=published_at)
    return publication


def _commend(period: Period, cast: Cast, plan: YearPlan, publication: ResultPublication) -> None:
    if not plan.commended_collectives or Commendation.objects.filter(period=period).exists():
        return
    secretary = fresh(cast.secretary)
    rows = ResultRow.objects.filter(publication=publication).select_related("unit", "block")
    for block, count in plan.commended_collectives.items():
        for row in sorted((r for r in rows if r.block.code == block), key=lambda r: r.rank)[:count]:
            commendation_add(
                actor=secretary,
                period=period,
                kind=Commendation.Kind.COLLECTIVE,
                name=row.unit_name,
                unit=row.unit,
                note=f"Xếp thứ {row.rank} khối {BLOCK_LABELS[block]}, chỉ số CCHC {number_text(row.index)}%",
            )
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[c for _n, c, _t in COMMENDED_PEOPLE_2022])}
    for name, code, title in COMMENDED_PEOPLE_2022:
        commendation_add(
            actor=secretary,
            period=period,
            kind=Commendation.Kind.INDIVIDUAL,
            name=name,
            unit=units[code],
            note=f"{title}; có thành tích trong công tác CCHC năm {period.year}",
        )


def _restore_dates(
    period: Period, plan: YearPlan, publication: ResultPublication, deadlines: Sequence[datetime]
) -> None:
    """Put the year's own dates back (the services stamp today): deadlines, opening, closing, publication."""
    Period.objects.filter(pk=period.pk).update(
        opened_at=plan.opened,
        self_assessment_deadline=deadlines[0],
        appraisal_deadline=deadlines[1],
        explanation_deadline=deadlines[2],
        objection_deadline=deadlines[3],
    )
    BlockFinalisation.objects.filter(period=period).update(finalised_at=plan.finalised)
    _restate_minutes(period)
    published_at = datetime.combine(plan.decision_date, datetime.min.time(), tzinfo=VIETNAM) + timedelta(hours=16)
    ResultPublication.objects.filter(pk=publication.pk).update(published_at=published_at)


def _restate_minutes(period: Period) -> None:
    """The minutes were recorded at today's finalisation: record them again with the year's own date (the seed runs
    in one transaction, so none is signed yet)."""
    finalisations = {
        finalisation.block_id: finalisation
        for finalisation in BlockFinalisation.objects.filter(period=period).select_related(
            "period__authority", "block", "finalised_by"
        )
    }
    for document in SignedDocument.objects.filter(period=period, kind=SignedDocument.Kind.MINUTES, signed_at=None):
        content = minutes_content(finalisations[document.block_id], document.reference)
        SignedDocument.objects.filter(pk=document.pk).update(
            content=content, content_sha256=hashlib.sha256(canonical_json(content)).hexdigest()
        )
