"""A year of one block, appraised in two rounds, finalised and published, with one unit's evidence cited: the
three signed documents (annex, minutes, receipt) made through the portal's services."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from evidence.models import Document, EvidenceLink, StoredFile
from evidence.services import evidence_storage, storage_name_for
from scoring.models import (
    Assessment,
    BlockFinalisation,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    SignedDocument,
    Stage,
)
from scoring.signing.services import minutes_record, receipt_record
from tests.factories import (
    FULL,
    UnitFactory,
    full_minus,
    publish_results,
    standard_bands,
    user_with_role,
    ward_framework,
)
from tests.factories import enter_scores as score
from units.models import Role

AUTHORITY = "UBND quận Thanh Xuân"
EVIDENCE = b"%PDF-1.4\n% Ke hoach CCHC nam 2023 cua phuong Ha Dinh\n1 0 obj<</Type/Catalog>>endobj\n%%EOF\n"
ROUND_1_REASON = "Chỉ 7/8 văn bản chỉ đạo được thực hiện đúng hạn."
ROUND_2_REASON = "Đã bổ sung văn bản số 12/UBND; chấp nhận đủ điểm."
ANSWER = "Phường bổ sung văn bản số 12/UBND ngày 5/10/2023."


@pytest.fixture
def year(db):
    framework = ward_framework(2023, name="Bộ chỉ số phường 2023", authority=AUTHORITY)
    period, block = framework.period, framework.block
    standard_bands(period)
    ha_dinh = UnitFactory(block=block, code="ha-dinh", name="UBND phường Hạ Đình", position=1)
    kim_giang = UnitFactory(block=block, code="kim-giang", name="UBND phường Kim Giang", position=2)
    head = user_with_role(Role.UNIT_HEAD, unit=ha_dinh, full_name="Phạm Thị Bình")
    staff = user_with_role(Role.UNIT_STAFF, unit=ha_dinh, full_name="Trần Văn Cán")
    chair = user_with_role(Role.COUNCIL_MEMBER, full_name="Nguyễn Văn Chủ", job_title="Trưởng phòng Nội vụ")
    member = user_with_role(Role.COUNCIL_MEMBER, full_name="Lê Thị Thành", job_title="Chuyên viên")
    secretary = user_with_role(Role.COUNCIL_SECRETARY, full_name="Đỗ Thư Ký")
    leader = user_with_role(Role.LEADERSHIP, full_name="Hoàng Lãnh Đạo")
    CouncilMembership.objects.create(period=period, user=chair, is_chair=True)
    CouncilMembership.objects.create(period=period, user=member)
    submitted_at = timezone.make_aware(datetime.datetime(2024, 1, 10, 16, 30))
    sheets = {}
    for unit in (ha_dinh, kim_giang):
        sheets[unit.code] = Assessment.objects.create(
            period=period,
            unit=unit,
            framework=framework,
            state=Assessment.State.SUBMITTED,
            submitted_at=submitted_at,
            submitted_by=head,
        )
        score(sheets[unit.code], {code: points for code, points in FULL.items() if code != "2.3"}, stage=Stage.SELF)
    criteria = {criterion.code: criterion for criterion in Criterion.objects.filter(framework=framework)}
    # Hạ Đình: round 1 takes a point off 1.2, the ward explains, round 2 gives it back.
    score(sheets["ha-dinh"], {"1.2": "1"}, stage=Stage.ROUND_1, explanation=ROUND_1_REASON)
    score(sheets["ha-dinh"], {code: p for code, p in FULL.items() if code != "1.2"}, stage=Stage.ROUND_1)
    score(sheets["ha-dinh"], {"1.2": "2"}, stage=Stage.ROUND_2, explanation=ROUND_2_REASON)
    ExplanationRequest.objects.create(
        assessment=sheets["ha-dinh"],
        criterion=criteria["1.2"],
        state=ExplanationRequest.State.ANSWERED,
        message="Bổ sung văn bản chỉ đạo còn thiếu",
        requested_by=member,
        sent_by=secretary,
        sent_at=timezone.now(),
        deadline=timezone.now() + datetime.timedelta(days=5),
        answer=ANSWER,
        answered_by=head,
        answered_at=timezone.now(),
    )
    score(sheets["kim-giang"], full_minus(c2_1="0.5"), explanation="Hồ sơ quý IV trễ hạn.")
    # one evidence file cited for two criteria of Hạ Đình
    sha256 = hashlib.sha256(EVIDENCE).hexdigest()
    name = storage_name_for(sha256)
    if not evidence_storage().exists(name):
        evidence_storage().save(name, ContentFile(EVIDENCE))
    stored = StoredFile.objects.create(
        sha256=sha256, size=len(EVIDENCE), content_type="application/pdf", storage_name=name
    )
    document = Document.objects.create(
        unit=ha_dinh,
        period=period,
        title="Kế hoạch CCHC năm 2023",
        number="45/KH-UBND",
        file=stored,
        original_name="ke-hoach-2023.pdf",
        uploaded_by=staff,
    )
    for code, locator in (("1.1.1", "trang 1"), ("1.2", "mục II")):
        EvidenceLink.objects.create(
            document=document, assessment=sheets["ha-dinh"], criterion=criteria[code], locator=locator, created_by=staff
        )
    receipt = receipt_record(actor=head, assessment=sheets["ha-dinh"])
    finalisation = BlockFinalisation.objects.create(period=period, block=block, finalised_by=chair)
    minutes = minutes_record(actor=chair, finalisation=finalisation)
    publication = publish_results(period, secretary, leader, date=datetime.date(2024, 1, 16))
    annex = SignedDocument.objects.get(kind=SignedDocument.Kind.ANNEX, publication=publication)
    return {
        "period": period,
        "block": block,
        "sheets": sheets,
        "people": {
            "head": head,
            "staff": staff,
            "chair": chair,
            "member": member,
            "secretary": secretary,
            "leader": leader,
        },
        "publication": publication,
        "documents": {"annex": annex, "minutes": minutes, "receipt": receipt},
        "evidence_sha256": sha256,
        "points": Decimal("10"),
    }
