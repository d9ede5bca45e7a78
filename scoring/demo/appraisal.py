"""The 2023 appraisal under way: a council, round-1 scores on some submitted sheets, one explanation round open.

Everything goes through the council's own services (membership, assignments, appraisal_record,
explanation_flag / explanation_send), so the demo holds only what the portal itself accepts: a reason
wherever the council differs from the unit, no member on their own unit, a not-applicable mark confirmed
like any score.
"""

import random

from scoring.appraisal.services import appraisal_record, explanation_flag, explanation_send
from scoring.demo.dates import days_from_today
from scoring.demo.history import Cast, bands_seed, council_reason, council_seed, fresh, loss_choices
from scoring.frameworks.selectors import framework_tree
from scoring.models import Assessment, ExplanationRequest, Period, RuleType, Score, Stage
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput

# unit code → (share of the sheet appraised in round 1, criteria the council scores lower than the unit)
ROUND_ONE = {
    "phuong-khuong-dinh": (1.0, ("1.1.3", "6.1.3")),
    "phuong-kim-giang": (0.5, ("1.2",)),
    "phong-kinh-te": (0.6, ("1.4",)),
}
# Not-applicable marks the council confirms: unit code → (criterion code, council's reason).
CONFIRMED_NOT_APPLICABLE = {
    "phuong-khuong-dinh": (
        "3.2.3",
        "Hội đồng xác nhận không áp dụng: đối chiếu Hệ thống thông tin giải quyết TTHC thành phố, năm 2023 "
        "phường không có hồ sơ giải quyết quá hạn.",
    ),
    "phong-kinh-te": (
        "2.1.1",
        "Hội đồng xác nhận không áp dụng: năm 2023 Phòng Kinh tế không được giao chủ trì soạn thảo văn bản QPPL.",
    ),
}
# Where the rule's usual wording (council_reason) would not fit the criterion, the council's own words.
COUNCIL_REASONS = {
    "6.1.3": "Báo cáo thực hiện tiết kiệm chi thường xuyên chưa kèm số liệu chi trả thu nhập tăng thêm cho cán bộ, "
    "công chức theo quy chế chi tiêu nội bộ; Hội đồng chấm phần đã chứng minh được.",
}
SURVEY_POINTS = {"phuong-khuong-dinh": "7.46", "phuong-kim-giang": "7.18", "phong-kinh-te": "5.62"}
# The explanation round: one criterion of one submitted ward, sent with a deadline a week ahead.
EXPLANATION = (
    "phuong-khuong-dinh",
    "1.1.3",
    "Báo cáo kết quả CCHC năm 2023 ghi hoàn thành toàn bộ nhiệm vụ nhưng phụ lục theo dõi tiến độ còn 3 "
    "nhiệm vụ chưa có sản phẩm. Đề nghị phường giải trình và bổ sung sản phẩm (văn bản, báo cáo) của các "
    "nhiệm vụ này.",
)
EXPLANATION_DAYS = 7


def seed_appraisal(period: Period, cast: Cast) -> int:
    """Council, assignments, bands, round-1 scores and one sent explanation request; returns scores recorded now."""
    council_seed(period, cast)
    bands_seed(period, cast)
    recorded = 0
    if not Score.objects.filter(assessment__period=period, stage=Stage.ROUND_1).exists():
        recorded = _round_one(period, cast)
    if not ExplanationRequest.objects.filter(assessment__period=period).exists():
        _explanation_round(period, cast)
    return recorded


def _round_one(period: Period, cast: Cast) -> int:
    sheets = Assessment.objects.filter(
        period=period, unit__code__in=ROUND_ONE, state=Assessment.State.SUBMITTED
    ).select_related("unit", "framework", "period")
    appraisers = {a.unit_id: a.member for a in period.assignments.select_related("member")}
    recorded = 0
    for sheet in sheets:
        member = fresh(appraisers[sheet.unit_id])
        share, lowered = ROUND_ONE[sheet.unit.code]
        not_applicable = CONFIRMED_NOT_APPLICABLE.get(sheet.unit.code)
        rng = random.Random(f"cchc-2023-round1-{sheet.unit.code}")
        leaves = [node.criterion for node in framework_tree(sheet.framework).leaves]
        own = {score.criterion_id: score for score in Score.objects.filter(assessment=sheet, stage=Stage.SELF)}
        for criterion in leaves[: round(len(leaves) * share)] + _also(leaves, share, not_applicable, lowered):
            data = _council_input(criterion, own.get(criterion.id), lowered, not_applicable, sheet, rng)
            if data is None:
                continue
            appraisal_record(
                actor=member, assessment=sheet, criterion=criterion, stage=Stage.ROUND_1, data=data, expected_version=0
            )
            recorded += 1
    return recorded


def _also(leaves, share, not_applicable, lowered) -> list:
    """Criteria the demo needs appraised even on a sheet the council is only part-way through."""
    done = {c.code for c in leaves[: round(len(leaves) * share)]}
    wanted = set(lowered) | ({not_applicable[0]} if not_applicable else set())
    return [c for c in leaves if c.code in wanted and c.code not in done]


def _council_input(criterion, own: Score | None, lowered, not_applicable, sheet, rng) -> ScoreInput | None:
    if criterion.rule_type == RuleType.SURVEY:
        return ScoreInput(
            entry=Entry(value=SURVEY_POINTS[sheet.unit.code]),
            explanation="Kết quả điều tra xã hội học năm 2023 do UBND quận tổ chức.",
        )
    if own is None:
        return None
    if own.is_not_applicable:
        if not_applicable and not_applicable[0] == criterion.code:
            return ScoreInput(entry=Entry(), is_not_applicable=True, explanation=not_applicable[1])
        return None
    if criterion.code in lowered:
        below = [choice for choice in loss_choices(criterion, rng) if choice.points < own.points]
        if below:
            choice = max(below, key=lambda c: c.points)
            reason = COUNCIL_REASONS.get(criterion.code) or council_reason(criterion, choice)
            return ScoreInput(entry=choice.entry, explanation=reason)
    return ScoreInput(
        entry=Entry(
            option_id=own.option_id,
            percent=own.percent,
            achieved=own.achieved,
            required=own.required,
            value=own.value,
            is_yes=own.is_yes,
            occurrences=own.occurrences,
        )
    )


def _explanation_round(period: Period, cast: Cast) -> None:
    unit_code, code, message = EXPLANATION
    sheet = Assessment.objects.select_related("period", "unit").get(period=period, unit__code=unit_code)
    if sheet.state != Assessment.State.SUBMITTED:
        return
    criterion = sheet.framework.criteria.get(code=code)
    member = period.assignments.get(unit=sheet.unit).member
    explanation_flag(actor=fresh(member), assessment=sheet, criterion=criterion, message=message)
    explanation_send(actor=fresh(cast.secretary), period=period, deadline=days_from_today(EXPLANATION_DAYS))
