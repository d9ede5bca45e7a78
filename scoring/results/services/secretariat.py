"""Settings the secretariat keeps for a period's results (ranking rule, public access, classification bands,
units not ranked) and the year's commendations."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scoring.models import AuditEvent, ClassificationBand, Commendation, Period, RankingExclusion, ResultsConfig
from scoring.permissions.results import can_manage_results
from scoring.results.services.preliminary import lock_period
from units.models import Unit, User


def _require_manager(actor: User, period: Period) -> None:
    if not can_manage_results(actor, period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng cấu hình kết quả."))


@transaction.atomic
def results_config_update(*, actor: User, period: Period, ranking_method: str, is_public: bool) -> ResultsConfig:
    """Choose standard or dense ranking (before publication) and whether the published ranking is public."""
    _require_manager(actor, period)
    config, _created = ResultsConfig.objects.select_for_update().get_or_create(period=period)
    if ranking_method != config.ranking_method and period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không đổi cách xếp hạng được nữa."))
    if ranking_method not in ResultsConfig.RankingMethod.values:
        raise ValidationError(_("Cách xếp hạng không hợp lệ."))
    config.ranking_method, config.is_public = ranking_method, is_public
    config.save()
    AuditEvent.objects.create(
        actor=actor,
        action="results.config",
        period=period,
        summary=_("Cấu hình kết quả năm %(year)s") % {"year": period.year},
        data={"ranking_method": ranking_method, "is_public": is_public},
    )
    return config


@transaction.atomic
def period_survey_set(*, actor: User, period: Period, has_survey: bool) -> Period:
    """Say whether the year has a sociological survey; without one the index is taken over the maximum without
    the survey's criteria. Fixed once the results are published."""
    _require_manager(actor, period)
    period = lock_period(period)
    if period.has_survey == has_survey:
        return period
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không đổi cách tính phần điều tra xã hội học được nữa."))
    period.has_survey = has_survey
    period.save(update_fields=["has_survey"])
    AuditEvent.objects.create(
        actor=actor,
        action="period.survey",
        period=period,
        summary=(
            _("Năm %(year)s có điều tra xã hội học")
            if has_survey
            else _("Năm %(year)s không điều tra xã hội học: chỉ số tính trên điểm tối đa không gồm phần điều tra")
        )
        % {"year": period.year},
        data={"has_survey": has_survey},
    )
    return period


@transaction.atomic
def classification_bands_replace(*, actor: User, period: Period, bands: list[tuple[Decimal, str]]) -> None:
    """Replace the period's classification bands; the lowest must start at 0 so every index has a band."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không sửa mức xếp loại được nữa."))
    minima = [minimum for minimum, _label in bands]
    if (
        not bands
        or min(minima) != 0
        or len(set(minima)) != len(minima)
        or any(not label.strip() for _m, label in bands)
    ):
        raise ValidationError(_("Mỗi mức xếp loại cần một tên và một ngưỡng riêng; mức thấp nhất bắt đầu từ 0%."))
    ClassificationBand.objects.filter(period=period).delete()
    ClassificationBand.objects.bulk_create(
        ClassificationBand(period=period, min_index=minimum, label=label.strip(), position=position)
        for position, (minimum, label) in enumerate(sorted(bands, reverse=True))
    )
    AuditEvent.objects.create(
        actor=actor,
        action="results.bands",
        period=period,
        summary=_("Mức xếp loại năm %(year)s") % {"year": period.year},
        data={"bands": [[str(minimum), label] for minimum, label in bands]},
    )


@transaction.atomic
def ranking_exclusion_set(*, actor: User, period: Period, unit: Unit, reason: str) -> RankingExclusion:
    """Mark a unit as assessed but not ranked (its figures are still listed)."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không thay đổi danh sách xếp hạng được nữa."))
    if not reason.strip():
        raise ValidationError({"reason": _("Hãy ghi lý do đơn vị không được xếp hạng.")})
    exclusion, _created = RankingExclusion.objects.update_or_create(
        period=period, unit=unit, defaults={"reason": reason.strip(), "created_by": actor}
    )
    AuditEvent.objects.create(
        actor=actor, action="results.exclude", period=period, summary=str(unit), data={"reason": reason.strip()}
    )
    return exclusion


@transaction.atomic
def ranking_exclusion_remove(*, actor: User, period: Period, unit: Unit) -> None:
    """Rank a unit again that was marked as assessed but not ranked (a mistake, or its reason no longer holds)."""
    _require_manager(actor, period)
    if period.state == Period.State.PUBLISHED:
        raise ValidationError(_("Kết quả đã công bố: không thay đổi danh sách xếp hạng được nữa."))
    exclusion = RankingExclusion.objects.filter(period=period, unit=unit).first()
    if exclusion is None:
        raise ValidationError(_("%(unit)s đang được xếp hạng.") % {"unit": unit.name})
    exclusion.delete()
    AuditEvent.objects.create(
        actor=actor, action="results.include", period=period, summary=str(unit), data={"reason": exclusion.reason}
    )


@transaction.atomic
def commendation_add(
    *, actor: User, period: Period, kind: str, name: str, unit: Unit | None = None, note: str = ""
) -> Commendation:
    """Record a collective or an individual commended for the year."""
    _require_manager(actor, period)
    if kind not in Commendation.Kind.values:
        raise ValidationError({"kind": _("Hãy chọn tập thể hoặc cá nhân.")})
    if not name.strip():
        raise ValidationError({"name": _("Hãy nhập tên tập thể hoặc cá nhân được khen thưởng.")})
    position = Commendation.objects.filter(period=period, kind=kind).count()
    commendation = Commendation.objects.create(
        period=period, kind=kind, name=name.strip(), unit=unit, note=note.strip(), position=position, created_by=actor
    )
    AuditEvent.objects.create(
        actor=actor, action="results.commend", period=period, summary=str(commendation), data={"kind": kind}
    )
    return commendation


@transaction.atomic
def commendation_remove(*, actor: User, commendation: Commendation) -> None:
    """Delete a commendation; the audit event keeps what was removed."""
    commendation = Commendation.objects.select_for_update().select_related("period").get(pk=commendation.pk)
    if not can_manage_results(actor, commendation.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng sửa danh sách khen thưởng."))
    AuditEvent.objects.create(
        actor=actor,
        action="results.commend_remove",
        period=commendation.period,
        summary=str(commendation),
        data={"kind": commendation.kind, "name": commendation.name, "unit_id": commendation.unit_id},
    )
    commendation.delete()
