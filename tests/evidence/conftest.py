"""Fixtures of the evidence tests: an open sheet, its people, real files, and a private storage per test."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from PIL import Image

from scoring.models import Assessment, Criterion, Period
from tests.factories import (
    AssessmentFactory,
    FrameworkFactory,
    PeriodFactory,
    UnitFactory,
    small_framework,
    user_with_role,
)
from units.models import Role


@pytest.fixture(autouse=True)
def evidence_root(evidence_root: Path) -> Path:
    """Every evidence test writes into its own folder (tests/conftest.py's evidence_root, for all of them)."""
    return evidence_root


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
    return AssessmentFactory(framework=framework, unit=unit)


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


# --- real files -----------------------------------------------------------------------------------


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
