"""Writes on the organisation and the people: the authority, the two onboarding workbooks, activation e-mails."""

from collections.abc import Iterable
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from scoring.models import AuditEvent
from scoring.permissions.admin import can_manage_organisation, can_manage_people
from units.models import Authority, RoleAssignment, Unit, User
from units.roles import is_administrator
from units.workbooks.books import ORGANISATION, PEOPLE, Book, BookData, BookResult, import_book, read_book

ACTIVATION_DAYS = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)


# ---------------------------------------------------------------------------------------------
# The authority: one per installation


def authority_setup(*, actor: User | None, name: str, level: str, short_name: str = "") -> Authority:
    """Name the installation's one authority (or rename it); a second authority is never created."""
    if actor is not None and not is_administrator(actor):
        raise PermissionDenied
    name, short_name = name.strip(), short_name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Hãy nhập tên cơ quan đánh giá.")
    if level not in Authority.Level.values:
        errors["level"] = _("Cấp “%(level)s” không có; hãy chọn một trong: %(levels)s.") % {
            "level": level,
            "levels": ", ".join(Authority.Level.values),
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        authority = Authority.objects.select_for_update().order_by("pk").first()
        created = authority is None
        if created:
            authority = Authority(name=name, short_name=short_name, level=level)
            try:
                with transaction.atomic():
                    authority.save()
            except IntegrityError as error:  # another process created it a moment ago
                raise ValidationError(second_authority_message(Authority.objects.order_by("pk").first())) from error
        else:
            authority.name, authority.short_name, authority.level = name, short_name, level
            authority.save(update_fields=["name", "short_name", "level"])
        AuditEvent.objects.create(
            actor=actor,
            action="authority.create" if created else "authority.update",
            summary=_("Cơ quan đánh giá: %(name)s (%(level)s)")
            % {"name": name, "level": authority.get_level_display()},
            data={"authority_id": authority.pk, "name": name, "short_name": short_name, "level": level},
        )
    return authority


def second_authority_message(existing: Authority | None) -> str:
    return _(
        "Mỗi cài đặt của cổng chỉ phục vụ một cơ quan đánh giá, và đã có “%(name)s”. Hãy sửa tên hoặc cấp của "
        "cơ quan đó; một cơ quan khác cần một cài đặt (và một cơ sở dữ liệu) riêng."
    ) % {"name": existing.name if existing else "?"}


# ---------------------------------------------------------------------------------------------
# The two workbooks


def organisation_import(*, actor: User | None, file: BinaryIO | bytes | BookData, dry_run: bool = False) -> BookResult:
    """Blocks and units from the organisation workbook, all or nothing; a unit is never deleted, only
    marked inactive (“Đang hoạt động” 0), so that its history stays."""
    if actor is not None and not can_manage_organisation(actor):
        raise PermissionDenied
    return _import(actor=actor, book=ORGANISATION, file=file, dry_run=dry_run, action="units.import")


def people_import(
    *, actor: User | None, file: BinaryIO | bytes | BookData, dry_run: bool = False, send_activation: bool = True
) -> BookResult:
    """People and their roles from the people workbook, all or nothing. New people get no password: once
    the import is committed, each receives an e-mail with a one-time link to set it."""
    if actor is not None and not can_manage_people(actor):
        raise PermissionDenied
    return _import(
        actor=actor, book=PEOPLE, file=file, dry_run=dry_run, action="people.import", send_activation=send_activation
    )


def _import(
    *, actor: User | None, book: Book, file, dry_run: bool, action: str, send_activation: bool = False
) -> BookResult:
    data = file if isinstance(file, BookData) else read_book(file, book)
    with transaction.atomic():
        result = import_book(actor=actor, book=book, data=data, dry_run=dry_run)
        if result.is_saved and result.changed:
            AuditEvent.objects.create(
                actor=actor,
                action=action,
                summary=_("Nhập %(what)s từ Excel: %(summary)s.") % {"what": book.what, "summary": result.summary()},
                data={
                    sheet.title: {"created": sheet.created, "updated": sheet.updated, "unchanged": sheet.unchanged}
                    for sheet in result.sheets
                },
            )
            user_ids = [user.pk for user in result.created_people]
            if send_activation and user_ids:
                transaction.on_commit(lambda: activation_mail_send.enqueue(user_ids))
    return result


# ---------------------------------------------------------------------------------------------
# Activation: a new account's first password, set by its owner from a one-time link


def activation_path(user: User) -> str:
    """The one-time link (Django's password-reset token: it dies once a password is set, or after the timeout)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("activation_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def awaiting_activation(users: Iterable[User]) -> list[User]:
    """Those who can still be sent a link: active, with an address, and no password yet."""
    return [user for user in users if user.is_active and user.email and not user.has_usable_password()]


def activation_send(*, actor: User, users: Iterable[User]) -> int:
    """Send (again) the activation e-mail to people who have not set a password; returns how many."""
    if not can_manage_people(actor):
        raise PermissionDenied
    waiting = awaiting_activation(users)
    if not waiting:
        return 0
    user_ids = [user.pk for user in waiting]
    with transaction.atomic():
        AuditEvent.objects.create(
            actor=actor,
            action="people.activation_send",
            summary=_("Gửi thư kích hoạt tài khoản cho %(count)s người.") % {"count": len(user_ids)},
            data={"user_ids": user_ids},
        )
        transaction.on_commit(lambda: activation_mail_send.enqueue(user_ids))
    return len(user_ids)


@task()
def activation_mail_send(user_ids: list[int]) -> int:
    """One e-mail per person still waiting (one SMTP connection for all of them); returns how many were sent."""
    users = User.objects.filter(pk__in=user_ids).prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("unit").order_by("role"))
    )
    authority = Authority.objects.order_by("pk").first()
    site = settings.SITE_URL.rstrip("/")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in awaiting_activation(users):
            context = {
                "user": user,
                "authority": authority,
                "link": f"{site}{activation_path(user)}",
                "login_url": f"{site}{reverse('login')}",
                "days": ACTIVATION_DAYS,
                "roles": list(user.role_assignments.all()),
            }
            messages.append(
                EmailMessage(
                    subject=_("[CCHC] Kích hoạt tài khoản trên Cổng chỉ số CCHC"),
                    body=render_to_string("registration/activation_email.txt", context),
                    to=[user.email],
                )
            )
    if messages:
        mailers.default.send_messages(messages)
    return len(messages)


# ---------------------------------------------------------------------------------------------
# Units


def units_deactivate(*, actor: User, units: Iterable[Unit]) -> int:
    """Mark units inactive (no sheet in the next period); their history, roles and results stay."""
    if not can_manage_organisation(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = list(Unit.objects.select_for_update().filter(pk__in=[unit.pk for unit in units], is_active=True))
        if not locked:
            return 0
        Unit.objects.filter(pk__in=[unit.pk for unit in locked]).update(is_active=False)
        AuditEvent.objects.create(
            actor=actor,
            action="units.deactivate",
            summary=_("Ngừng hoạt động %(count)s đơn vị: %(names)s.")
            % {"count": len(locked), "names": ", ".join(unit.name for unit in locked)},
            data={"unit_ids": [unit.pk for unit in locked]},
        )
    return len(locked)
