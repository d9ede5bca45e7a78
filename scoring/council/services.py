"""Writes of the council's secretariat: who sits on the council, who appraises what, conflicts, and the
move from self-assessment to appraisal."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.council.selectors import council_users
from scoring.models import (
    AppraisalAssignment,
    Assessment,
    AuditEvent,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    Period,
    ScoreChange,
    Stage,
)
from scoring.notices.services import notify
from scoring.permissions.council import COUNCIL_ELIGIBLE_ROLES, can_manage_council
from units.models import Unit, User
from units.roles import belongs_to_unit, forget_roles, roles_of


def _authorise(actor: User, period: Period) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    if not can_manage_council(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng được quản lý Hội đồng thẩm định của kỳ chưa công bố."))
    return period


def _audit(actor: User, period: Period, action: str, summary: str, **data) -> None:
    AuditEvent.objects.create(actor=actor, action=action, period=period, summary=summary[:500], data=data)


def _membership(period: Period, user: User) -> CouncilMembership:
    membership = CouncilMembership.objects.select_for_update().filter(period=period, user=user).first()
    if membership is None:
        raise ValidationError(
            _("%(name)s không phải thành viên Hội đồng năm %(year)s.") % {"name": user, "year": period.year}
        )
    return membership


# ---------------------------------------------------------------------------------------------
# Membership


@transaction.atomic
def council_member_add(*, actor: User, period: Period, user: User) -> CouncilMembership:
    """Seat a person on the period's council; only people holding a council, secretariat or leadership role."""
    period = _authorise(actor, period)
    forget_roles(user)
    if not user.is_active or not (roles_of(user).global_roles & COUNCIL_ELIGIBLE_ROLES):
        raise ValidationError(
            _(
                "%(name)s chưa có vai trò Thành viên Hội đồng thẩm định (hoặc Thư ký, Lãnh đạo UBND); "
                "hãy giao vai trò trước khi đưa vào Hội đồng."
            )
            % {"name": user}
        )
    if CouncilMembership.objects.filter(period=period, user=user).exists():
        raise ValidationError(
            _("%(name)s đã là thành viên Hội đồng năm %(year)s.") % {"name": user, "year": period.year}
        )
    membership = CouncilMembership.objects.create(period=period, user=user)
    _audit(actor, period, "council.member_add", str(user), user_id=user.pk)
    return membership


@dataclass(frozen=True)
class RemovalResult:
    kept_scores: int  # council scores the member had recorded; they stay, with their history
    removed_assignments: int


@transaction.atomic
def council_member_remove(*, actor: User, period: Period, user: User) -> RemovalResult:
    """Take a person off the council with their assignments; the scores they already gave are kept."""
    period = _authorise(actor, period)
    membership = _membership(period, user)
    kept = (
        ScoreChange.objects.filter(
            actor=user, score__assessment__period=period, score__stage__in=[Stage.ROUND_1, Stage.ROUND_2]
        )
        .values("score_id")
        .distinct()
        .count()
    )
    removed, _by_model = AppraisalAssignment.objects.filter(period=period, member=user).delete()
    was_chair = membership.is_chair
    membership.delete()
    _audit(
        actor,
        period,
        "council.member_remove",
        str(user),
        user_id=user.pk,
        was_chair=was_chair,
        kept_scores=kept,
        removed_assignments=removed,
    )
    return RemovalResult(kept_scores=kept, removed_assignments=removed)


@transaction.atomic
def council_chair_set(*, actor: User, period: Period, user: User) -> CouncilMembership:
    """Make one member the chair (Chủ tịch Hội đồng); the previous chair stays a member."""
    period = _authorise(actor, period)
    membership = _membership(period, user)
    if membership.is_chair:
        raise ValidationError(_("%(name)s đang là Chủ tịch Hội đồng.") % {"name": user})
    previous = CouncilMembership.objects.select_for_update().filter(period=period, is_chair=True).first()
    if previous is not None:
        previous.is_chair = False
        previous.save(update_fields=["is_chair"])
    membership.is_chair = True
    membership.save(update_fields=["is_chair"])
    _audit(
        actor,
        period,
        "council.chair_set",
        str(user),
        user_id=user.pk,
        previous_user_id=previous.user_id if previous else None,
    )
    return membership


# ---------------------------------------------------------------------------------------------
# Assignments and conflicts


def period_area_codes(period: Period, unit: Unit | None = None) -> set[str]:
    """Area codes (top-level criteria) of the period's frameworks, or of the unit's block framework."""
    areas = Criterion.objects.filter(framework__period=period, parent__isnull=True)
    if unit is not None:
        areas = areas.filter(framework__block_id=unit.block_id)
    return set(areas.values_list("code", flat=True))


def _check_not_conflicted(member: User, unit: Unit, period: Period) -> None:
    forget_roles(member)
    if belongs_to_unit(member, unit.pk):
        raise ValidationError(
            _("%(name)s công tác hoặc có vai trò tại %(unit)s nên không được thẩm định đơn vị này.")
            % {"name": member, "unit": unit}
        )
    if ConflictDeclaration.objects.filter(period=period, member=member, unit=unit).exists():
        raise ValidationError(
            _("%(name)s đã khai xung đột lợi ích với %(unit)s nên không được phân công đơn vị này.")
            % {"name": member, "unit": unit}
        )


@transaction.atomic
def assignment_add(
    *, actor: User, period: Period, member: User, unit: Unit | None = None, area_code: str = ""
) -> AppraisalAssignment:
    """Give a member a unit, an area across all units, or one area of one unit."""
    period = _authorise(actor, period)
    _membership(period, member)
    area_code = (area_code or "").strip()
    if unit is None and not area_code:
        raise ValidationError(_("Hãy chọn đơn vị, lĩnh vực hoặc cả hai."))
    if unit is not None:
        if not Assessment.objects.filter(period=period, unit=unit).exists():
            raise ValidationError(
                _("%(unit)s không có phiếu đánh giá trong năm %(year)s.") % {"unit": unit, "year": period.year}
            )
        _check_not_conflicted(member, unit, period)
    if area_code and area_code not in period_area_codes(period, unit):
        raise ValidationError(
            _("Lĩnh vực “%(code)s” không có trong bộ chỉ số %(where)s.")
            % {"code": area_code, "where": _("của đơn vị") if unit else _("năm %(year)s") % {"year": period.year}}
        )
    if AppraisalAssignment.objects.filter(period=period, member=member, unit=unit, area_code=area_code).exists():
        raise ValidationError(_("Phân công này đã có."))
    try:
        with transaction.atomic():
            assignment = AppraisalAssignment.objects.create(
                period=period, member=member, unit=unit, area_code=area_code
            )
    except IntegrityError:
        raise ValidationError(_("Phân công này đã có.")) from None
    _audit(
        actor,
        period,
        "council.assignment_add",
        str(assignment),
        assignment_id=assignment.pk,
        member_id=member.pk,
        unit_id=unit.pk if unit else None,
        area_code=area_code,
    )
    return assignment


def _delete_audited(
    actor: User, period: Period, row: AppraisalAssignment | ConflictDeclaration, action: str, **data: object
) -> None:
    """Delete a member's assignment or conflict, leaving in the audit trail who, which unit, and `data`."""
    _audit(actor, period, action, str(row), member_id=row.member_id, unit_id=row.unit_id, **data)
    row.delete()


@transaction.atomic
def assignment_remove(*, actor: User, assignment: AppraisalAssignment) -> None:
    period = _authorise(actor, assignment.period)
    assignment = (
        AppraisalAssignment.objects.select_for_update(of=("self",))
        .select_related("member", "unit")
        .get(pk=assignment.pk)
    )
    _delete_audited(actor, period, assignment, "council.assignment_remove", area_code=assignment.area_code)


@transaction.atomic
def conflict_declare(*, actor: User, period: Period, member: User, unit: Unit, reason: str) -> ConflictDeclaration:
    """Record a conflict of interest; the member's assignments naming that unit are withdrawn with it."""
    period = _authorise(actor, period)
    _membership(period, member)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do xung đột lợi ích.")})
    if ConflictDeclaration.objects.filter(period=period, member=member, unit=unit).exists():
        raise ValidationError(
            _("Xung đột lợi ích của %(name)s với %(unit)s đã được khai.") % {"name": member, "unit": unit}
        )
    conflict = ConflictDeclaration.objects.create(
        period=period, member=member, unit=unit, reason=reason, declared_by=actor
    )
    withdrawn, _by_model = AppraisalAssignment.objects.filter(period=period, member=member, unit=unit).delete()
    _audit(
        actor,
        period,
        "council.conflict_declare",
        str(conflict),
        member_id=member.pk,
        unit_id=unit.pk,
        reason=reason,
        withdrawn_assignments=withdrawn,
    )
    return conflict


@transaction.atomic
def conflict_remove(*, actor: User, conflict: ConflictDeclaration) -> None:
    period = _authorise(actor, conflict.period)
    conflict = ConflictDeclaration.objects.select_for_update().select_related("member", "unit").get(pk=conflict.pk)
    _delete_audited(actor, period, conflict, "council.conflict_remove", reason=conflict.reason)


# ---------------------------------------------------------------------------------------------
# Phase


@transaction.atomic
def period_start_appraisal(*, actor: User, period: Period, appraisal_deadline, confirm_early: bool = False) -> Period:
    """Close self-assessment and open appraisal; before the self-assessment deadline only when confirmed."""
    period = _authorise(actor, period)
    if period.state != Period.State.SELF_ASSESSMENT:
        raise ValidationError(
            _("Chỉ chuyển sang thẩm định từ giai đoạn tự đánh giá (hiện tại: %(state)s).")
            % {"state": period.get_state_display()}
        )
    now = timezone.now()
    if appraisal_deadline is None or appraisal_deadline <= now:
        raise ValidationError({"appraisal_deadline": _("Hạn thẩm định phải ở sau thời điểm hiện tại.")})
    deadline = period.self_assessment_deadline
    if deadline is not None and now < deadline and not confirm_early:
        raise ValidationError(
            {
                "confirm_early": _(
                    "Hạn tự đánh giá (%(deadline)s) chưa đến: các phiếu chưa nộp sẽ bị khóa ngay. "
                    "Hãy đánh dấu xác nhận nếu vẫn muốn bắt đầu thẩm định."
                )
                % {"deadline": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}
            }
        )
    drafts = Assessment.objects.filter(period=period, state=Assessment.State.DRAFT).count()
    period.state = Period.State.APPRAISAL
    period.appraisal_deadline = appraisal_deadline
    period.save(update_fields=["state", "appraisal_deadline"])
    _audit(
        actor,
        period,
        "period.start_appraisal",
        str(period),
        appraisal_deadline=appraisal_deadline.isoformat(),
        early=bool(deadline and now < deadline),
        unsubmitted=drafts,
    )
    members = council_users(period)
    notify(
        members,
        _("Kỳ đánh giá năm %(year)s đã chuyển sang thẩm định; hạn thẩm định %(deadline)s.")
        % {"year": period.year, "deadline": timezone.localtime(appraisal_deadline).strftime("%H:%M %d/%m/%Y")},
        url=reverse("appraisal_queue"),
    )
    return period
