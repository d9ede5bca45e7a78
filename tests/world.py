"""One small world for the URL × role matrix and the fault tests: every kind of object a URL can name,
a snapshot of every table's row count, and the evidence files on storage."""

import datetime
import hashlib
from decimal import Decimal

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from evidence.models import Document, DocumentVersion, EvidenceLink, StoredFile
from evidence.services import evidence_storage, storage_name_for
from scoring.models import (
    AdjustmentItem,
    AppraisalAssignment,
    Assessment,
    Commendation,
    ConflictDeclaration,
    CouncilMembership,
    Criterion,
    ExplanationRequest,
    Framework,
    Notice,
    Objection,
    Period,
    RemediationPlan,
    ResultsConfig,
    Score,
    SignedDocument,
    SignedUpload,
    Stage,
)
from scoring.signing.services import document_sign, receipt_record, signed_storage
from scoring.survey.models import Respondent, Survey, SurveyAnswer, SurveyLevel, SurveyQuestion, SurveyResponse
from scoring.survey.respondents import new_token
from tests.factories import (
    FULL,
    AssessmentFactory,
    BlockFactory,
    UnitFactory,
    enter_scores,
    full_minus,
    in_appraisal,
    publish_results,
    small_framework,
    user_with_role,
)
from tests.pdfs import one_page_pdf_from
from units.models import Role

# Tables whose rows change on any request and say nothing about what a view did.
NOISE_TABLES = frozenset({"django_session", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"})

ROLES = (
    "anonymous",
    "other_staff",
    "own_staff",
    "own_head",
    "council_member",
    "assigned_member",
    "conflicted_member",
    "secretary",
    "leadership",
)


def one_page_pdf(text: str = "Ke hoach CCHC") -> bytes:
    """A small valid PDF of one page showing `text`."""
    return one_page_pdf_from(b"BT /F1 14 Tf 72 770 Td (" + text.encode("ascii") + b") Tj ET")


# A real one-page PDF (evidence must open as a PDF with a page); stored as an evidence file of the world.
PDF_BYTES = one_page_pdf()


def row_counts() -> dict[str, int]:
    """Rows of every table of every installed model (sessions and login throttling left out), in one query."""
    tables = sorted(
        {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model._meta.managed}
        - NOISE_TABLES
    )
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def _stored_pdf(content: bytes) -> StoredFile:
    sha256 = hashlib.sha256(content).hexdigest()
    name = storage_name_for(sha256)
    if not evidence_storage().exists(name):
        evidence_storage().save(name, ContentFile(content))
    return StoredFile.objects.get_or_create(
        sha256=sha256, defaults={"size": len(content), "content_type": "application/pdf", "storage_name": name}
    )[0]


def _submitted(framework: Framework, unit, by) -> Assessment:
    return AssessmentFactory(framework=framework, unit=unit, submitted=True, submitted_by=by)


def build_world() -> dict:
    """Two units of one block and their people; 2022 published (public), 2023 under appraisal with a
    council, assignments, a conflict, an explanation request, a document cited for a criterion, a notice."""
    block = BlockFactory(code="khoi-phuong", name="Khối phường")
    own = UnitFactory(block=block, code="ha-dinh", name="UBND phường Hạ Đình")
    other = UnitFactory(block=block, code="kim-giang", name="UBND phường Kim Giang")
    people = {
        "anonymous": None,
        "other_staff": user_with_role(Role.UNIT_STAFF, other, username="cb-kim-giang"),
        "own_staff": user_with_role(Role.UNIT_STAFF, own, username="cb-ha-dinh"),
        "own_head": user_with_role(Role.UNIT_HEAD, own, username="ct-ha-dinh"),
        "council_member": user_with_role(Role.COUNCIL_MEMBER, username="hd-chua-phan-cong"),
        "assigned_member": user_with_role(Role.COUNCIL_MEMBER, username="hd-duoc-phan-cong"),
        "conflicted_member": user_with_role(Role.COUNCIL_MEMBER, username="hd-xung-dot", home_unit=own),
        "secretary": user_with_role(Role.COUNCIL_SECRETARY, username="thu-ky"),
        "leadership": user_with_role(Role.LEADERSHIP, username="lanh-dao"),
    }
    secretary, leadership = people["secretary"], people["leadership"]

    # 2022: appraised, finalised, preliminary results released, then published and opened to the public.
    published_framework = small_framework(Framework.objects.create(period=_period(2022), block=block, name="BCS 2022"))
    published = published_framework.period
    Period.objects.filter(pk=published.pk).update(state=Period.State.APPRAISAL)
    published.refresh_from_db()
    published_sheets = {
        "own": _submitted(published_framework, own, people["own_head"]),
        "other": _submitted(published_framework, other, people["own_head"]),
    }
    enter_scores(published_sheets["own"], full_minus(c1_2="1"))
    enter_scores(published_sheets["other"], FULL)
    publication = publish_results(published, secretary, leadership)
    ResultsConfig.objects.update_or_create(period=published, defaults={"is_public": True})
    published_criteria = {c.code: c for c in Criterion.objects.filter(framework=published_framework)}
    objection = Objection.objects.create(
        assessment=published_sheets["own"],
        criterion=published_criteria["1.2"],
        text="Đề nghị chấm lại tiêu chí 1.2",
        filed_by=people["own_head"],
        old_points=Decimal("1"),
    )
    plan = RemediationPlan.objects.create(
        period=published,
        unit=own,
        criterion_code="1.2",
        criterion_title=published_criteria["1.2"].title,
        action="Theo dõi văn bản chỉ đạo hằng tháng",
        owner="Văn phòng UBND phường",
        due_date=datetime.date(2030, 6, 30),
        created_by=people["own_head"],
    )
    commendation = Commendation.objects.create(
        period=published, kind=Commendation.Kind.COLLECTIVE, name="UBND phường Hạ Đình", created_by=leadership
    )

    # 2023: both sheets submitted and under appraisal.
    framework = small_framework(Framework.objects.create(period=_period(2023), block=block, name="BCS 2023"))
    period = in_appraisal(framework, appraisal_days=14)
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    sheets = {
        "own": _submitted(framework, own, people["own_head"]),
        "other": _submitted(framework, other, people["own_head"]),
    }
    for sheet in sheets.values():
        enter_scores(sheet, {code: points for code, points in FULL.items() if code != "2.3"}, stage=Stage.SELF)
    for role in ("council_member", "assigned_member", "conflicted_member"):
        CouncilMembership.objects.create(period=period, user=people[role])
    assignment = AppraisalAssignment.objects.create(period=period, member=people["assigned_member"], unit=own)
    conflict = ConflictDeclaration.objects.create(
        period=period,
        member=people["conflicted_member"],
        unit=own,
        reason="Nguyên cán bộ của phường",
        declared_by=secretary,
    )
    explanation = ExplanationRequest.objects.create(
        assessment=sheets["own"],
        criterion=criteria["1.2"],
        state=ExplanationRequest.State.SENT,
        message="Bổ sung văn bản chỉ đạo",
        requested_by=people["assigned_member"],
        sent_by=secretary,
        sent_at=timezone.now(),
        deadline=timezone.now() + datetime.timedelta(days=5),
    )
    adjustment_item = AdjustmentItem.objects.create(
        framework=framework, kind=AdjustmentItem.Kind.BONUS, code="T1", title="Sáng kiến CCHC", max_points=Decimal("1")
    )
    framework.bonus_cap = Decimal("1")
    framework.save(update_fields=["bonus_cap"])
    stored = _stored_pdf(PDF_BYTES)
    document = Document.objects.create(
        unit=own,
        period=period,
        title="Kế hoạch CCHC năm 2023",
        file=stored,
        original_name="ke-hoach.pdf",
        uploaded_by=people["own_staff"],
    )
    version = DocumentVersion.objects.create(
        document=document, file=stored, original_name="ke-hoach.pdf", uploaded_by=people["own_staff"]
    )
    link = EvidenceLink.objects.create(
        document=document,
        assessment=sheets["own"],
        criterion=criteria["1.1.1"],
        locator="trang 2",
        created_by=people["own_staff"],
    )
    # The in-portal survey of 2023: open, one question, a respondent still to answer and one who has (own unit).
    now = timezone.now()
    survey = Survey.objects.create(
        period=period,
        framework=framework,
        title="Khảo sát sự hài lòng 2023",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=10),
        opened_at=now - datetime.timedelta(days=1),
    )
    question = SurveyQuestion.objects.create(survey=survey, criterion=criteria["2.3"], code="1", text="Hài lòng?")
    levels = [
        SurveyLevel.objects.create(question=question, position=position, label=label, weight=Decimal(weight))
        for position, (label, weight) in enumerate([("Hài lòng", "100"), ("Không hài lòng", "0")])
    ]
    respondent = Respondent.objects.create(
        survey=survey, unit=own, name="Nguyễn Văn Dân", group="citizen", token=new_token(), imported_by=secretary
    )
    answered = Respondent.objects.create(
        survey=survey, unit=own, name="Trần Thị Đáp", group="citizen", token=new_token(), imported_by=secretary
    )
    survey_response = SurveyResponse.objects.create(
        respondent=answered, survey=survey, unit=own, group="citizen", pattern="0", seconds_taken=30
    )
    SurveyAnswer.objects.create(response=survey_response, question=question, level=levels[0])
    # Signed documents: the 2022 annex (made by results_publish) signed by the portal and, as leadership would
    # attach it, a copy signed outside; the own unit's 2023 submission receipt, signed.
    annex = document_sign(document=SignedDocument.objects.get(kind=SignedDocument.Kind.ANNEX, publication=publication))
    upload = SignedUpload.objects.create(
        document=annex,
        file_name=signed_storage().save(f"signed/world/{annex.reference}-uploaded.pdf", ContentFile(PDF_BYTES)),
        original_name="quyet-dinh-da-ky.pdf",
        file_sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        file_size=len(PDF_BYTES),
        signer_name="Lãnh đạo UBND",
        certificate_sha256="0" * 64,
        uploaded_by=leadership,
    )
    receipt = document_sign(document=receipt_record(actor=people["own_head"], assessment=sheets["own"]))
    notice = Notice.objects.create(
        recipient=people["own_staff"], message="Hội đồng yêu cầu giải trình", url=f"/assessments/{sheets['own'].pk}/"
    )
    return {
        "people": people,
        "block": block,
        "own": own,
        "other": other,
        "period": period,
        "framework": framework,
        "criteria": criteria,
        "sheets": sheets,
        "published": published,
        "published_framework": published_framework,
        "published_sheets": published_sheets,
        "publication": publication,
        "objection": objection,
        "plan": plan,
        "commendation": commendation,
        "assignment": assignment,
        "conflict": conflict,
        "explanation": explanation,
        "adjustment_item": adjustment_item,
        "document": document,
        "version": version,
        "link": link,
        "notice": notice,
        "survey": survey,
        "survey_question": question,
        "respondent": respondent,
        "survey_response": survey_response,
        "annex": annex,
        "upload": upload,
        "receipt": receipt,
        "score": Score.objects.filter(assessment=sheets["own"], stage=Stage.SELF).first(),
    }


def _period(year: int) -> Period:
    from tests.factories import AuthorityFactory

    return Period.objects.create(authority=AuthorityFactory(), year=year, state=Period.State.DRAFT)
