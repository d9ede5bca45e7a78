"""Remediation plans of the demo: UBND phường Hạ Đình's head planned for three criteria lost in 2022 (one done, one
in progress, one overdue), so the 2023 sheet shows last year's score and its plan on those criteria."""

from datetime import timedelta

from django.utils import timezone

from scoring.models import Period, RemediationPlan
from scoring.plans.selectors import weak_criteria
from units.models import User

PLANS = {  # criterion code: (action, owner, days from the day the demo is loaded, status, progress)
    "1.5": (
        "Xây dựng và áp dụng ít nhất một sáng kiến CCHC cấp phường trong năm.",
        "Phó Chủ tịch UBND phường phụ trách CCHC",
        60,
        RemediationPlan.Status.IN_PROGRESS,
        "Đã chọn sáng kiến tiếp nhận hồ sơ qua Zalo OA; đang thử nghiệm.",
    ),
    "7.1.1": (
        "Ban hành kế hoạch ứng dụng CNTT, chuyển đổi số trước ngày 31/01.",
        "Công chức Văn phòng – Thống kê",
        -30,
        RemediationPlan.Status.DONE,
        "Đã ban hành Kế hoạch số 12/KH-UBND ngày 20/01.",
    ),
    "6.2.1": (
        "Rà soát nguồn thu, bám sát tiến độ thu ngân sách từng quý.",
        "Công chức Tài chính – Kế toán",
        -5,
        RemediationPlan.Status.PLANNED,
        "",
    ),
}


def seed_plans(head: User, year: int = 2022) -> None:
    """The plans of one ward's head for the criteria it lost most in `year` (idempotent by criterion)."""
    period = Period.objects.filter(year=year, state=Period.State.PUBLISHED).first()
    assignment = head.role_assignments.filter(unit__isnull=False).select_related("unit").first()
    unit = assignment.unit if assignment else None
    if period is None or unit is None:
        return
    today = timezone.localdate()
    for row in weak_criteria(period, unit.pk):
        if row.code not in PLANS:
            continue
        action, owner, days, status, progress = PLANS[row.code]
        RemediationPlan.objects.get_or_create(
            period=period,
            unit=unit,
            criterion_code=row.code,
            defaults={
                "criterion_title": row.title,
                "action": action,
                "owner": owner,
                "due_date": today + timedelta(days=days),
                "status": status,
                "progress_note": progress,
                "progress_updated_at": timezone.now() if progress else None,
                "created_by": head,
            },
        )
