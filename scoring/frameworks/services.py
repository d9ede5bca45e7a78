"""Writes on criteria frameworks: validation, cloning to a new year, freezing with the period."""

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.frameworks.selectors import FrameworkTree, build_tree, framework_tree
from scoring.models import (
    AdjustmentItem,
    AuditEvent,
    ClassificationBand,
    Criterion,
    Framework,
    Period,
    ResultsConfig,
    RuleOption,
    RuleType,
)
from scoring.permissions.periods import can_manage_frameworks
from scoring.sheets.services import assessments_ensure
from scoring.text import number_text
from units.models import User

CODE_PATTERN = re.compile(r"^[1-9]\d{0,2}(\.[1-9]\d{0,2}){0,2}$")
RULES_WITH_OPTIONS = {RuleType.LEVELS, RuleType.BANDS}


def tree_problems(tree: FrameworkTree) -> list[str]:
    """Every reason the framework cannot be used as it is, in the order a reader fixes them."""
    problems: list[str] = []
    codes: dict[str, Criterion] = {}
    by_id = {node.criterion.id: node.criterion for node in tree.nodes}
    for node in tree.nodes:
        criterion = node.criterion
        code = criterion.code
        if not CODE_PATTERN.match(code):
            problems.append(_("Mã “%(code)s” không đúng dạng (ví dụ: 1, 1.2, 1.2.3).") % {"code": code})
            continue
        codes[code] = criterion
    for node in tree.nodes:
        criterion = node.criterion
        code = criterion.code
        if code not in codes:
            continue
        expected_parent = code.rpartition(".")[0]
        parent = by_id.get(criterion.parent_id)
        if expected_parent and (parent is None or parent.code != expected_parent):
            problems.append(
                _("Tiêu chí %(code)s phải thuộc tiêu chí %(parent)s.") % {"code": code, "parent": expected_parent}
            )
        if not expected_parent and parent is not None:
            problems.append(_("Lĩnh vực %(code)s không được thuộc tiêu chí khác.") % {"code": code})
        if node.children:
            if criterion.rule_type:
                problems.append(_("Tiêu chí %(code)s có tiêu chí con nên không có cách chấm riêng.") % {"code": code})
            children_total = sum((child.criterion.max_points for child in node.children), Decimal(0))
            if children_total != criterion.max_points:
                problems.append(
                    _("Tổng điểm tối đa các tiêu chí con của %(code)s là %(sum)s, khác điểm tối đa %(max)s.")
                    % {"code": code, "sum": number_text(children_total), "max": number_text(criterion.max_points)}
                )
        else:
            problems.extend(_rule_problems(criterion))
    return problems


def _rule_problems(criterion: Criterion) -> list[str]:
    code, maximum = criterion.code, criterion.max_points
    options = list(criterion.options.all())
    problems: list[str] = []
    if not criterion.rule_type:
        return [_("Tiêu chí %(code)s chưa có cách chấm.") % {"code": code}]
    if criterion.rule_type in RULES_WITH_OPTIONS:
        if len(options) < 2:
            problems.append(_("Tiêu chí %(code)s cần ít nhất hai mức điểm.") % {"code": code})
        for option in options:
            if option.points > maximum:
                problems.append(
                    _("Mức “%(label)s” của tiêu chí %(code)s có %(points)s điểm, vượt điểm tối đa %(max)s.")
                    % {
                        "label": option.label,
                        "code": code,
                        "points": number_text(option.points),
                        "max": number_text(maximum),
                    }
                )
        if criterion.rule_type == RuleType.BANDS:
            bounds = [option.min_percent for option in options]
            if any(bound is None for bound in bounds):
                problems.append(_("Mỗi khoảng của tiêu chí %(code)s cần tỷ lệ bắt đầu (%%).") % {"code": code})
            elif len(set(bounds)) != len(bounds):
                problems.append(_("Các khoảng của tiêu chí %(code)s bị trùng tỷ lệ bắt đầu.") % {"code": code})
    elif options:
        problems.append(_("Tiêu chí %(code)s không dùng danh sách mức điểm với cách chấm này.") % {"code": code})
    if criterion.rule_type == RuleType.MANUAL:
        if not criterion.step:
            problems.append(_("Tiêu chí %(code)s cần bước điểm.") % {"code": code})
        elif maximum % criterion.step != 0:
            problems.append(
                _("Điểm tối đa của tiêu chí %(code)s (%(max)s) không chia hết cho bước %(step)s.")
                % {"code": code, "max": number_text(maximum), "step": number_text(criterion.step)}
            )
    if criterion.rule_type == RuleType.DEDUCTION:
        per = criterion.deduction_per_occurrence
        if not per:
            problems.append(_("Tiêu chí %(code)s cần số điểm trừ mỗi lần.") % {"code": code})
        elif per > maximum:
            problems.append(_("Điểm trừ mỗi lần của tiêu chí %(code)s vượt điểm tối đa.") % {"code": code})
    return problems


def adjustment_problems(framework: Framework, items: list[AdjustmentItem]) -> list[str]:
    problems = []
    caps = {AdjustmentItem.Kind.BONUS: framework.bonus_cap, AdjustmentItem.Kind.PENALTY: framework.penalty_cap}
    for item in items:
        if item.max_points > caps[item.kind]:
            problems.append(
                _("Mục %(code)s (%(points)s điểm) vượt mức trần %(cap)s của %(kind)s.")
                % {
                    "code": item.code,
                    "points": number_text(item.max_points),
                    "cap": number_text(caps[item.kind]),
                    "kind": item.get_kind_display().lower(),
                }
            )
    return problems


def framework_problems(framework: Framework, tree: FrameworkTree | None = None) -> list[str]:
    tree = tree or framework_tree(framework)
    problems = tree_problems(tree)
    if not tree.nodes:
        problems.insert(0, _("Bộ chỉ số chưa có tiêu chí nào."))
    problems.extend(adjustment_problems(framework, list(framework.adjustment_items.all())))
    return problems


def ensure_editable(framework: Framework) -> None:
    if framework.period.frameworks_are_frozen:
        raise ValidationError(
            _("Bộ chỉ số năm %(year)s đã khóa vì kỳ đánh giá đã mở; hãy sao chép sang năm mới để sửa.")
            % {"year": framework.period.year},
            code="frozen",
        )


@transaction.atomic
def framework_clone(*, actor: User | None, source: Framework, period: Period) -> Framework:
    """Start a new year's framework as an exact copy of an earlier one (tree, rules, bonus/penalty)."""
    if actor is not None and not can_manage_frameworks(actor):
        raise PermissionDenied
    if period.frameworks_are_frozen:
        raise ValidationError(_("Kỳ đánh giá năm %(year)s đã mở, không thể thêm bộ chỉ số.") % {"year": period.year})
    if Framework.objects.filter(period=period, block=source.block).exists():
        raise ValidationError(
            _("Khối “%(block)s” đã có bộ chỉ số năm %(year)s.") % {"block": source.block, "year": period.year}
        )
    tree = framework_tree(source)
    clone = Framework.objects.create(
        period=period,
        block=source.block,
        name=source.name.replace(str(source.period.year), str(period.year)),
        bonus_cap=source.bonus_cap,
        penalty_cap=source.penalty_cap,
        cloned_from=source,
    )
    copied: dict[int, Criterion] = {}
    for node in tree.nodes:  # parents come before their children
        old = node.criterion
        new = Criterion.objects.create(
            framework=clone,
            parent=copied.get(old.parent_id),
            code=old.code,
            title=old.title,
            guidance=old.guidance,
            max_points=old.max_points,
            position=old.position,
            rule_type=old.rule_type,
            step=old.step,
            deduction_per_occurrence=old.deduction_per_occurrence,
            evidence_required=old.evidence_required,
            allows_not_applicable=old.allows_not_applicable,
        )
        copied[old.id] = new
        RuleOption.objects.bulk_create(
            RuleOption(criterion=new, position=o.position, label=o.label, points=o.points, min_percent=o.min_percent)
            for o in old.options.all()
        )
    AdjustmentItem.objects.bulk_create(
        AdjustmentItem(
            framework=clone, kind=i.kind, code=i.code, title=i.title, max_points=i.max_points, position=i.position
        )
        for i in source.adjustment_items.all()
    )
    AuditEvent.objects.create(
        actor=actor,
        action="framework.clone",
        period=period,
        summary=f"{source} → {clone}",
        data={"source_id": source.id, "framework_id": clone.id},
    )
    return clone


@transaction.atomic
def period_create(*, actor: User | None, authority, year: int, copy_from: Period | None = None) -> Period:
    """Open a draft period for a new year, optionally copying every block's framework from another year."""
    if actor is not None and not can_manage_frameworks(actor):
        raise PermissionDenied
    if Period.objects.filter(authority=authority, year=year).exists():
        raise ValidationError(_("Đã có kỳ đánh giá năm %(year)s.") % {"year": year})
    period = Period.objects.create(authority=authority, year=year)
    AuditEvent.objects.create(actor=actor, action="period.create", period=period, summary=f"{authority} {year}")
    if copy_from is not None:
        for source in copy_from.frameworks.select_related("block", "period"):
            framework_clone(actor=actor, source=source, period=period)
        # The classification bands and ranking rule usually carry over too; the secretary may edit them.
        ClassificationBand.objects.bulk_create(
            ClassificationBand(period=period, min_index=band.min_index, label=band.label, position=band.position)
            for band in copy_from.classification_bands.all()
        )
        config = ResultsConfig.objects.filter(period=copy_from).first()
        if config is not None:
            ResultsConfig.objects.create(period=period, ranking_method=config.ranking_method)
    return period


@transaction.atomic
def period_open_self_assessment(*, actor: User | None, period: Period, deadline=None) -> Period:
    """Open self-assessment: every block needs a valid framework, and frameworks freeze from now on."""
    if actor is not None and not can_manage_frameworks(actor):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != Period.State.DRAFT:
        raise ValidationError(_("Kỳ đánh giá năm %(year)s đã được mở.") % {"year": period.year})
    blocks = list(period.authority.blocks.all())
    frameworks = {f.block_id: f for f in period.frameworks.select_related("block", "period")}
    problems: list[str] = []
    for block in blocks:
        framework = frameworks.get(block.id)
        if framework is None:
            problems.append(_("Khối “%(block)s” chưa có bộ chỉ số.") % {"block": block})
            continue
        problems.extend(f"{block}: {problem}" for problem in framework_problems(framework))
    if problems:
        raise ValidationError(problems)
    deadline = deadline or period.self_assessment_deadline
    if deadline is None:
        raise ValidationError(_("Hãy đặt hạn tự đánh giá trước khi mở kỳ."))
    period.state = Period.State.SELF_ASSESSMENT
    period.self_assessment_deadline = deadline
    period.opened_at = timezone.now()
    period.save(update_fields=["state", "self_assessment_deadline", "opened_at"])
    created = assessments_ensure(period=period)
    AuditEvent.objects.create(
        actor=actor, action="period.open", period=period, summary=str(period.year), data={"assessments": created}
    )
    return period


__all__ = [
    "adjustment_problems",
    "build_tree",
    "ensure_editable",
    "framework_clone",
    "framework_problems",
    "period_create",
    "period_open_self_assessment",
    "tree_problems",
]
