"""Signed documents: the decision annex, a block's appraisal minutes, a head's submission receipt."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models.fields import person_field
from scoring.models.frameworks import Period
from scoring.models.sheets import Assessment


class SignedDocument(models.Model):
    """A decisive document the portal signs with the authority's certificate.

    `content` is the snapshot taken when the event happened (publication, finalisation, submission): the PDF is
    rendered from it, embeds it, and anyone who holds the PDF can have it checked against this row through
    `reference`, the code in its QR link. The signed file is built once and kept (fields `file_*`, `signed_*`).
    """

    class Kind(models.TextChoices):
        ANNEX = "annex", _("Phụ lục quyết định công bố kết quả")
        MINUTES = "minutes", _("Biên bản thẩm định")
        RECEIPT = "receipt", _("Giấy biên nhận nộp phiếu tự đánh giá")

    kind = models.CharField(_("loại văn bản"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("mã tra cứu"), max_length=40, unique=True)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="signed_documents")
    publication = models.ForeignKey(
        "ResultPublication", on_delete=models.PROTECT, null=True, blank=True, related_name="signed_documents"
    )
    block = models.ForeignKey("units.Block", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="signed_documents"
    )
    content = models.JSONField(_("nội dung"))
    content_sha256 = models.CharField(_("SHA-256 của nội dung"), max_length=64)
    created_by = person_field()
    created_at = models.DateTimeField(_("thời điểm lập"), auto_now_add=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(_("SHA-256 của tệp đã ký"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=300, blank=True)
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư số"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)

    class Meta:
        verbose_name = _("văn bản ký số")
        verbose_name_plural = _("văn bản ký số")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="annex") & Q(publication__isnull=False))
                | (Q(kind="minutes") & Q(block__isnull=False))
                | (Q(kind="receipt") & Q(assessment__isnull=False)),
                name="signed_document_names_its_subject",
            ),
            models.UniqueConstraint(
                fields=["publication"], condition=Q(kind="annex"), name="signed_annex_once_per_publication"
            ),
            models.UniqueConstraint(
                fields=["period", "block"], condition=Q(kind="minutes"), name="signed_minutes_once_per_block"
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(file_name="") & ~Q(file_sha256="")),
                name="signed_document_signed_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class SignedUpload(models.Model):
    """The decision signed outside the portal (a USB token on the official's computer) and uploaded by leadership,
    accepted only when its signature is intact and the annex data it embeds match the frozen publication."""

    document = models.OneToOneField(SignedDocument, on_delete=models.PROTECT, related_name="upload")
    file_name = models.CharField(max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)
    file_size = models.PositiveIntegerField()
    signer_name = models.CharField(_("người ký"), max_length=300)
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư số"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    uploaded_by = person_field()
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định ký ngoài Cổng")
        verbose_name_plural = _("quyết định ký ngoài Cổng")

    def __str__(self) -> str:
        return f"{self.document} ({self.signer_name})"
