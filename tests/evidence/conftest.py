"""Fixtures of the evidence tests: an open sheet, its people, real files, and a private storage per test."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from weasyprint import HTML

from scoring.models import Assessment, Criterion, Period
from tests.factories import FrameworkFactory, PeriodFactory, UnitFactory, small_framework, user_with_role
from units.models import Role


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path) -> Path:
    """Every test writes evidence into its own folder, so 'no file left behind' can be asserted exactly."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


def files_under(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def period(db) -> Period:
    return PeriodFactory(
        state=Period.State.SELF_ASSESSMENT, self_assessment_deadline=timezone.now() + timedelta(days=14)
    )


@pytest.fixture
def framework(period):
    return small_framework(FrameworkFactory(period=period))


@pytest.fixture
def unit(framework):
    return UnitFactory(block=framework.block, name="UBND phường Hạ Đình")


@pytest.fixture
def other_unit(framework):
    return UnitFactory(block=framework.block, name="UBND phường Kim Giang")


@pytest.fixture
def assessment(period, unit, framework) -> Assessment:
    return Assessment.objects.create(period=period, unit=unit, framework=framework)


@pytest.fixture
def criteria(framework) -> dict[str, Criterion]:
    return {criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)}


@pytest.fixture
def leaf(criteria) -> Criterion:
    return criteria["1.1.1"]


@pytest.fixture
def staff(unit):
    return user_with_role(Role.UNIT_STAFF, unit=unit, full_name="Trần Thị Đầu Mối")


@pytest.fixture
def people(unit, other_unit, staff) -> dict:
    return {
        "other_staff": user_with_role(Role.UNIT_STAFF, unit=other_unit),
        "own_staff": staff,
        "own_head": user_with_role(Role.UNIT_HEAD, unit=unit),
        "council": user_with_role(Role.COUNCIL_MEMBER),
        "conflicted_council": user_with_role(Role.COUNCIL_MEMBER, home_unit=unit),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY),
        "leadership": user_with_role(Role.LEADERSHIP),
    }


def submit(assessment: Assessment, by) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        state=Assessment.State.SUBMITTED, submitted_at=timezone.now(), submitted_by=by
    )
    assessment.refresh_from_db()


# --- real files -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    html = (
        '<html><body style=\'font-family: "Noto Sans", "DejaVu Sans", sans-serif\'>'
        "<h1>Kế hoạch cải cách hành chính năm 2024</h1><p>UBND phường Hạ Đình</p></body></html>"
    )
    return HTML(string=html).write_pdf()


@pytest.fixture(scope="session")
def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (164, 22, 26)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Tiêu chí", "Điểm"])
    for row in range(1, 40):
        sheet.append([f"1.{row}", row / 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Báo cáo CCHC</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def rewrite_zip(source: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of an Office package with some members replaced or added."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        for member in original.infolist():
            copy.writestr(member.filename, replace.get(member.filename, original.read(member.filename)))
        for name, data in (add or {}).items():
            copy.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
