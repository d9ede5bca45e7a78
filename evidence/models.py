"""Evidence documents (tài liệu kiểm chứng): stored once, versioned, linked to criteria."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """File content, stored once per SHA-256 under a generated name (never the client's)."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="stored_file_not_empty")]

    def __str__(self) -> str:
        return self.sha256[:12]


class Document(models.Model):
    """An item of a unit's evidence library for one period; may support several criteria."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="documents", verbose_name=_("đơn vị"))
    period = models.ForeignKey(
        "scoring.Period", on_delete=models.PROTECT, related_name="documents", verbose_name=_("kỳ")
    )
    title = models.CharField(_("tên tài liệu"), max_length=300)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="documents")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """Every file a document has had, oldest first; the newest is the document's current file."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.document} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class EvidenceLink(models.Model):
    """A document cited for one criterion of one assessment, with the page or section that proves it."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    assessment = models.ForeignKey("scoring.Assessment", on_delete=models.CASCADE, related_name="evidence_links")
    criterion = models.ForeignKey("scoring.Criterion", on_delete=models.PROTECT, related_name="evidence_links")
    locator = models.CharField(_("trang / mục"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "assessment", "criterion"], name="evidence_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.criterion_id}"
