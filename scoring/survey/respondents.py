"""The named sample: the Excel template and its all-or-nothing import (through the one safe intake), a random
draw of a given size per unit, one-time links, QR cards as a PDF, and invitations by e-mail."""

import io
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from evidence.workbooks import Limits, read_rows
from scoring.models import AuditEvent
from scoring.permissions.survey import can_manage_surveys
from scoring.spreadsheets import Column, cell_text, header_positions, is_blank, row_cells, set_text, write_header
from scoring.survey.models import Respondent, RespondentGroup, Survey
from scoring.text import normalised_word
from units.models import Unit, User

SHEET_TITLE = "Nguoi duoc khao sat"
# A province of 200 units with a pool of 60 people each is 12,000 rows.
LIMITS = Limits(max_rows=20_000, max_columns=12)
TOKEN_BYTES = 24  # 192 random bits from the operating system's generator; never derived from anything
MAX_SAMPLE_SIZE = 500


COLUMNS = (
    Column("unit", "Mã đơn vị", 24, is_required=True),
    Column("unit_name", "Tên đơn vị", 34),
    Column("name", "Họ và tên", 28, is_required=True),
    Column("group", "Nhóm", 20, is_required=True),
    Column("phone", "Điện thoại", 16),
    Column("email", "Thư điện tử", 30),
)
INFO_FONT = Font(italic=True, color="595959")
GROUP_ALIASES = {
    "người dân": RespondentGroup.CITIZEN,
    "công dân": RespondentGroup.CITIZEN,
    "citizen": RespondentGroup.CITIZEN,
    "doanh nghiệp": RespondentGroup.BUSINESS,
    "tổ chức, doanh nghiệp": RespondentGroup.BUSINESS,
    "business": RespondentGroup.BUSINESS,
    "cán bộ, công chức": RespondentGroup.CIVIL_SERVANT,
    "cán bộ công chức": RespondentGroup.CIVIL_SERVANT,
    "công chức": RespondentGroup.CIVIL_SERVANT,
    "civil servant": RespondentGroup.CIVIL_SERVANT,
}


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def answer_url(respondent: Respondent) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('survey_answer', args=[respondent.token])}"


def template_filename(survey: Survey) -> str:
    return f"nguoi-duoc-khao-sat-{survey.period.year}-{survey.framework.block.code}.xlsx"


def respondents_template(*, survey: Survey) -> bytes:
    """Headers, then one line per unit of the block with its code and name filled in, as a start."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    write_header(sheet, COLUMNS)
    sheet.freeze_panes = "A2"
    units = Unit.objects.filter(block_id=survey.framework.block_id, is_active=True).order_by("position", "name")
    for line, unit in enumerate(units, start=2):
        set_text(sheet.cell(line, 1), unit.code)
        set_text(sheet.cell(line, 2), unit.name).font = INFO_FONT
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@dataclass(frozen=True)
class ImportResult:
    imported: int
    by_unit: dict[str, int]


def respondents_import(*, actor: User, survey: Survey, file: BinaryIO | bytes, is_pool: bool = False) -> ImportResult:
    """Add every row as a respondent with a fresh one-time link, or nothing at all.

    With `is_pool` the rows are a list to draw the sample from (sample_draw) rather than the sample itself.
    Raises ValidationError listing every problem as “Dòng N: …”.
    """
    if not can_manage_surveys(actor, survey.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng nhập danh sách người được khảo sát."))
    if survey.closed_at is not None or (survey.closes_at and survey.opened_at and timezone.now() >= survey.closes_at):
        raise ValidationError(_("Cuộc khảo sát đã kết thúc, không thêm được người được khảo sát."))
    if is_pool and survey.is_frozen:
        raise ValidationError(_("Cuộc khảo sát đã mở: mẫu đã cố định, không nhập thêm danh sách để chọn mẫu."))
    rows = iter(read_rows(file, limits=LIMITS, what=_("danh sách người được khảo sát")))
    columns = header_positions(next(rows, None), COLUMNS)
    units = {unit.code: unit for unit in Unit.objects.filter(block_id=survey.framework.block_id, is_active=True)}
    known = set(Unit.objects.values_list("code", flat=True))
    problems: list[str] = []
    parsed: list[Respondent] = []
    seen: dict[tuple, int] = {}
    for line, values in rows:
        cells = row_cells(values, columns)
        if all(is_blank(cells.get(key)) for key in ("name", "group", "phone", "email")):
            continue  # the template's unit lines left empty

        def problem(message: str, line: int = line) -> None:
            problems.append(_("Dòng %(line)s: %(message)s") % {"line": line, "message": message})

        code = cell_text(cells.get("unit"))
        name = cell_text(cells.get("name"))
        group_text = cell_text(cells.get("group"))
        phone = cell_text(cells.get("phone"))
        email = cell_text(cells.get("email"))
        unit = units.get(code)
        if not code:
            problem(_("Thiếu mã đơn vị."))
            continue
        if unit is None:
            problem(
                _("Đơn vị “%(unit)s” không thuộc khối “%(block)s” của phiếu khảo sát.")
                % {"unit": code, "block": survey.framework.block}
                if code in known
                else _("Không có đơn vị mã “%(unit)s”.") % {"unit": code}
            )
            continue
        if not name:
            problem(_("Thiếu họ và tên."))
            continue
        if len(name) > 150:
            problem(_("Họ và tên dài quá 150 ký tự."))
            continue
        group = GROUP_ALIASES.get(normalised_word(group_text))
        if group is None:
            problem(
                _("Nhóm “%(group)s” không hợp lệ; hãy ghi một trong: Người dân, Doanh nghiệp, Cán bộ, công chức.")
                % {"group": group_text}
                if group_text
                else _("Thiếu nhóm (Người dân, Doanh nghiệp hoặc Cán bộ, công chức).")
            )
            continue
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(_("Địa chỉ thư điện tử “%(email)s” không hợp lệ.") % {"email": email})
                continue
        if len(phone) > 30:
            problem(_("Số điện thoại dài quá 30 ký tự."))
            continue
        key = (unit.pk, normalised_word(name), phone, email.lower())
        if key in seen:
            problem(_("%(name)s (%(unit)s) đã có ở dòng %(first)s.") % {"name": name, "unit": code, "first": seen[key]})
            continue
        seen[key] = line
        parsed.append(
            Respondent(
                survey=survey,
                unit=unit,
                name=name,
                phone=phone,
                email=email,
                group=group,
                token=new_token(),
                is_in_sample=not is_pool,
                imported_by=actor,
            )
        )
    if not parsed and not problems:
        problems.append(_("Tệp không có người nào (từ dòng 2 trở đi)."))
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    return _import_write(actor=actor, survey=survey, parsed=parsed, is_pool=is_pool)


@transaction.atomic
def _import_write(*, actor: User, survey: Survey, parsed: list[Respondent], is_pool: bool) -> ImportResult:
    survey = Survey.objects.select_for_update(of=("self",)).select_related("period").get(pk=survey.pk)
    if not can_manage_surveys(actor, survey.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng nhập danh sách người được khảo sát."))
    Respondent.objects.bulk_create(parsed, batch_size=1000)
    by_unit: dict[str, int] = defaultdict(int)
    for respondent in parsed:
        by_unit[respondent.unit.code] += 1
    AuditEvent.objects.create(
        actor=actor,
        action="survey.respondents_import",
        period=survey.period,
        summary=_("Nhập %(count)s người được khảo sát vào %(survey)s") % {"count": len(parsed), "survey": survey},
        data={"survey_id": survey.pk, "is_pool": is_pool, "by_unit": dict(by_unit)},
    )
    return ImportResult(imported=len(parsed), by_unit=dict(by_unit))


@transaction.atomic
def sample_draw(*, actor: User, survey: Survey, size: int) -> dict[str, int]:
    """Draw, for every unit, `size` people at random from everyone imported for it (all of them if fewer).

    The draw uses the operating system's random source; the sample is fixed once the survey opens.
    """
    survey = (
        Survey.objects.select_for_update(of=("self",)).select_related("period", "framework__block").get(pk=survey.pk)
    )
    if not can_manage_surveys(actor, survey.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng chọn mẫu khảo sát."))
    if survey.is_frozen:
        raise ValidationError(_("Cuộc khảo sát đã mở: mẫu đã cố định."))
    if not 1 <= size <= MAX_SAMPLE_SIZE:
        raise ValidationError({"size": _("Cỡ mẫu phải từ 1 đến %(max)s người mỗi đơn vị.") % {"max": MAX_SAMPLE_SIZE}})
    people: dict[int, list[Respondent]] = defaultdict(list)
    for respondent in Respondent.objects.select_for_update(of=("self",)).filter(survey=survey).select_related("unit"):
        people[respondent.unit_id].append(respondent)
    if not people:
        raise ValidationError(_("Chưa có danh sách người được khảo sát để chọn mẫu."))
    chooser = secrets.SystemRandom()
    chosen_ids: list[int] = []
    drawn: dict[str, int] = {}
    for candidates in people.values():
        chosen = candidates if len(candidates) <= size else chooser.sample(candidates, size)
        chosen_ids += [respondent.pk for respondent in chosen]
        drawn[candidates[0].unit.code] = len(chosen)
    Respondent.objects.filter(survey=survey).exclude(pk__in=chosen_ids).update(is_in_sample=False)
    Respondent.objects.filter(pk__in=chosen_ids).update(is_in_sample=True)
    AuditEvent.objects.create(
        actor=actor,
        action="survey.sample_draw",
        period=survey.period,
        summary=_("Chọn mẫu %(size)s người mỗi đơn vị cho %(survey)s") % {"size": size, "survey": survey},
        data={"survey_id": survey.pk, "size": size, "drawn": drawn},
    )
    return drawn


@transaction.atomic
def respondents_invite(*, actor: User, survey: Survey) -> int:
    """E-mail each person of the sample who has an address, has not answered and was not invited yet."""
    survey = Survey.objects.select_for_update(of=("self",)).select_related("period").get(pk=survey.pk)
    if not can_manage_surveys(actor, survey.period):
        raise PermissionDenied(_("Chỉ Thư ký Hội đồng gửi thư mời khảo sát."))
    if not survey.is_frozen or survey.closed_at is not None or timezone.now() >= survey.closes_at:
        raise ValidationError(_("Chỉ gửi thư mời khi cuộc khảo sát đang mở."))
    respondents = list(
        Respondent.objects.select_for_update(of=("self",))
        .filter(survey=survey, is_in_sample=True, invited_at__isnull=True, response__isnull=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    if not respondents:
        raise ValidationError(_("Không còn ai có địa chỉ thư điện tử mà chưa được mời."))
    Respondent.objects.filter(pk__in=respondents).update(invited_at=timezone.now())
    AuditEvent.objects.create(
        actor=actor,
        action="survey.invite",
        period=survey.period,
        summary=_("Gửi %(count)s thư mời khảo sát %(survey)s") % {"count": len(respondents), "survey": survey},
        data={"survey_id": survey.pk, "count": len(respondents)},
    )
    # The links leave from the worker (or at once in development), after the commit; the task reads the
    # tokens from the database so they never sit in the task queue.
    transaction.on_commit(lambda: survey_invitations_send.enqueue(respondent_ids=respondents))
    return len(respondents)


@task()
def survey_invitations_send(*, respondent_ids: list[int]) -> int:
    """One message per person: nobody sees anyone else's address or link."""
    sent = 0
    for respondent in Respondent.objects.filter(pk__in=respondent_ids).select_related("survey", "unit"):
        body = render_to_string(
            "scoring/survey/invitation.txt",
            {"respondent": respondent, "survey": respondent.survey, "url": answer_url(respondent)},
        )
        send_mail(
            subject=_("Mời tham gia khảo sát: %(survey)s") % {"survey": respondent.survey.title},
            message=body,
            from_email=None,
            recipient_list=[respondent.email],
        )
        sent += 1
    return sent


# --- QR cards ---------------------------------------------------------------------------------------------------


def qr_svg(url: str) -> str:
    """The QR code of a link as inline SVG (segno), medium error correction so a worn card still scans."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def cards_html(survey: Survey, respondents: list[Respondent]) -> str:
    cards = [
        {"respondent": respondent, "url": answer_url(respondent), "qr": qr_svg(answer_url(respondent))}
        for respondent in respondents
    ]
    return render_to_string(
        "scoring/survey/pdf/cards.html",
        {
            "survey": survey,
            "period": survey.period,
            "authority": survey.period.authority,
            "rows": [cards[start : start + 2] for start in range(0, len(cards), 2)],
        },
    )


def cards_pdf(survey: Survey, respondents: list[Respondent]) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time every process pays otherwise

    return HTML(string=cards_html(survey, respondents)).write_pdf()
