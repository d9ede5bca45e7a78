"""Who runs the assessment, who is assessed, and who may do what."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Authority(models.Model):
    """The body that runs the assessment (a district, or since 07/2025 often a city).

    One per installation, as provinces deploy the portal: every page looks a year up without asking whose
    year it is, so the database refuses a second authority (`is_the_one` is always true and unique).
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("Quận / huyện")
        CITY = "city", _("Thành phố")
        PROVINCE = "province", _("Tỉnh")

    name = models.CharField(_("tên"), max_length=200, unique=True)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices, default=Level.DISTRICT)
    is_the_one = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("cơ quan đánh giá")
        verbose_name_plural = _("cơ quan đánh giá")
        constraints = [
            models.CheckConstraint(condition=Q(is_the_one=True), name="authority_is_the_one"),
            models.UniqueConstraint(
                fields=["is_the_one"],
                name="one_authority_per_installation",
                violation_error_message=_("Mỗi cài đặt của cổng chỉ phục vụ một cơ quan đánh giá."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Block(models.Model):
    """A ranking group: units are ranked only against others in the same block."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="blocks", verbose_name=_("cơ quan"))
    code = models.SlugField(_("mã khối"), max_length=30)
    name = models.CharField(_("tên khối"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("khối")
        verbose_name_plural = _("khối")
        ordering = ["authority_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "code"], name="block_code_unique_per_authority"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A department or ward committee whose administrative reform is assessed."""

    block = models.ForeignKey(Block, on_delete=models.PROTECT, related_name="units", verbose_name=_("khối"))
    code = models.SlugField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("tiếp nối đơn vị"),
        help_text=_(
            "Đơn vị cũ mà đơn vị này tiếp nối (sáp nhập, chia tách, đổi tên): kết quả năm sau được so với "
            "đơn vị đó thay vì ghi “mới”."
        ),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["block__position", "position", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(predecessor=models.F("pk")), name="unit_not_own_predecessor"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the portal; `home_unit` is where they work (used for conflicts of interest)."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    job_title = models.CharField(_("chức vụ"), max_length=150, blank=True)
    home_unit = models.ForeignKey(
        Unit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("đơn vị công tác"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username


class Role(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Cán bộ đầu mối CCHC")
    UNIT_HEAD = "unit_head", _("Người đứng đầu đơn vị")
    COUNCIL_MEMBER = "council_member", _("Thành viên Hội đồng thẩm định")
    COUNCIL_SECRETARY = "council_secretary", _("Thư ký Hội đồng (Phòng Nội vụ)")
    LEADERSHIP = "leadership", _("Lãnh đạo UBND")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


UNIT_ROLES = frozenset({Role.UNIT_STAFF, Role.UNIT_HEAD})


class RoleAssignment(models.Model):
    """One role held by one person; unit roles name their unit, other roles name none."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("người dùng")
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("đơn vị"),
    )
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=sorted(UNIT_ROLES)) & Q(unit__isnull=False))
                | (~Q(role__in=sorted(UNIT_ROLES)) & Q(unit__isnull=True)),
                name="role_assignment_unit_matches_role",
                violation_error_message=_("Vai trò của đơn vị phải gắn với một đơn vị; các vai trò khác thì không."),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="role_assignment_unique_unit_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="role_assignment_unique_global_role",
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(role="unit_head"),
                name="one_head_per_unit",
                violation_error_message=_("Mỗi đơn vị chỉ có một người đứng đầu."),
            ),
        ]

    def __str__(self) -> str:
        if self.unit_id:
            return f"{self.user} — {self.get_role_display()} ({self.unit})"
        return f"{self.user} — {self.get_role_display()}"
