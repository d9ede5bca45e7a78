"""The 2023 self-assessment in motion: units part-way through, some submitted, with real PDF evidence.

Scores and files go through the same services a browser uses, so the demo holds only what the
portal itself would accept (rules, evidence checks, history rows, audit events).
"""

import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from evidence.services import document_upload
from scoring.frameworks.selectors import framework_tree
from scoring.models import Assessment, Period, RuleType, Score
from scoring.rules import Entry
from scoring.sheets.services import ScoreInput, assessment_submit, self_score_record
from units.models import Role, RoleAssignment, User

# unit code → share of the sheet filled in; 1.0 units are also submitted by their head.
PROGRESS = {
    "phuong-ha-dinh": 0.6,
    "phong-noi-vu": 0.4,
    "phuong-khuong-dinh": 1.0,
    "phuong-kim-giang": 1.0,
    "phuong-nhan-chinh": 1.0,
    "phong-tu-phap": 1.0,
    "phong-kinh-te": 1.0,
}
# Criteria a unit marks "không áp dụng", with its reason (the council confirms them in round 1).
NOT_APPLICABLE = {
    "phuong-khuong-dinh": (
        "3.2.3",
        "Năm 2023 phường không có hồ sơ thủ tục hành chính giải quyết quá hạn nên không phát sinh việc xin lỗi.",
    ),
    "phong-kinh-te": (
        "2.1.1",
        "Năm 2023 Phòng Kinh tế không được UBND quận giao chủ trì soạn thảo văn bản quy phạm pháp luật.",
    ),
}
EVIDENCE_DOCUMENTS = (
    ("Kế hoạch cải cách hành chính năm 2023", "15/KH-UBND", "1.1", "Mục II, trang 2–4"),
    ("Báo cáo kết quả công tác cải cách hành chính năm 2023", "212/BC-UBND", "1.2", "Phụ lục 1"),
    ("Quyết định kiện toàn Bộ phận tiếp nhận và trả kết quả", "08/QĐ-UBND", "3", "Điều 1"),
)
PDF_PAGE = """<html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 2cm }} body {{ font-family: 'Noto Serif', 'DejaVu Serif', serif; font-size: 13pt }}
.head {{ display: flex; justify-content: space-between; text-align: center; font-weight: bold }}
h1 {{ text-align: center; font-size: 15pt; margin-top: 1.5cm }}</style></head><body>
<div class="head"><div>{unit}</div><div>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập – Tự do – Hạnh phúc</div></div>
<p>Số: {number}</p><h1>{title}</h1>
<p>Căn cứ Kế hoạch cải cách hành chính của UBND quận Thanh Xuân năm 2023; {unit} ban hành văn bản này
để triển khai các nhiệm vụ cải cách hành chính, phân công rõ trách nhiệm, thời hạn và sản phẩm của từng
nhiệm vụ.</p><p>(Tài liệu mẫu của bản demo Cổng chỉ số CCHC.)</p></body></html>"""


def entry_for(criterion, rng: random.Random) -> Entry:
    """A plausible, mostly high-scoring input for the criterion's rule."""
    options = sorted(criterion.options.all(), key=lambda option: option.points, reverse=True)
    match criterion.rule_type:
        case RuleType.LEVELS:
            return Entry(option_id=options[0 if rng.random() < 0.8 else 1].id)
        case RuleType.BANDS:
            return Entry(percent=Decimal(rng.randint(8200, 10000)) / 100)
        case RuleType.RATIO:
            required = rng.randint(8, 40)
            return Entry(achieved=Decimal(required - rng.choice((0, 0, 0, 1))), required=Decimal(required))
        case RuleType.MANUAL:
            return Entry(value=criterion.max_points - criterion.step * rng.choice((0, 0, 1)))
        case RuleType.YES_NO:
            return Entry(is_yes=rng.random() < 0.9)
        case RuleType.DEDUCTION:
            return Entry(occurrences=rng.choice((0, 0, 0, 1)))
    raise ValueError(criterion.rule_type)


def demo_pdf(*, unit: str, title: str, number: str) -> bytes:
    return HTML(string=PDF_PAGE.format(unit=unit, title=title, number=number)).write_pdf()


def seed_self_assessment(period: Period) -> int:
    """Fill the demo units' 2023 sheets once; returns how many sheets were filled now."""
    filled = 0
    assessments = Assessment.objects.filter(period=period, unit__code__in=PROGRESS).select_related("unit", "framework")
    people = {
        (assignment.unit_id, assignment.role): assignment.user
        for assignment in RoleAssignment.objects.filter(unit__code__in=PROGRESS).select_related("user")
    }
    for assessment in assessments:
        if Score.objects.filter(assessment=assessment).exists():
            continue
        unit = assessment.unit
        staff: User = people.get((unit.id, Role.UNIT_STAFF)) or people[(unit.id, Role.UNIT_HEAD)]
        head: User = people[(unit.id, Role.UNIT_HEAD)]
        share = PROGRESS[unit.code]
        rng = random.Random(unit.code)
        leaves = [n.criterion for n in framework_tree(assessment.framework).leaves if n.criterion.rule_type != "survey"]
        cited = _upload_evidence(staff, assessment, leaves)
        not_applicable = NOT_APPLICABLE.get(unit.code, ("", ""))
        for criterion in leaves[: round(len(leaves) * share)]:
            if criterion.code == not_applicable[0]:
                data = ScoreInput(entry=Entry(), is_not_applicable=True, explanation=not_applicable[1])
            else:
                data = ScoreInput(
                    entry=entry_for(criterion, rng),
                    explanation="Đã thực hiện theo kế hoạch; chi tiết tại tài liệu kiểm chứng.",
                    no_evidence_reason=""
                    if criterion.id in cited
                    else "Hồ sơ giấy lưu tại đơn vị, xuất trình khi Hội đồng yêu cầu.",
                )
            self_score_record(actor=staff, assessment=assessment, criterion=criterion, data=data, expected_version=0)
        if share >= 1:
            assessment_submit(actor=head, assessment=assessment)
        filled += 1
    return filled


def _upload_evidence(staff: User, assessment: Assessment, leaves) -> set[int]:
    """Three real PDFs in the unit's library, each cited for the first sub-criterion under its prefix."""
    cited = set()
    for title, number, prefix, locator in EVIDENCE_DOCUMENTS:
        criterion = next((c for c in leaves if c.code == prefix or c.code.startswith(f"{prefix}.")), None)
        pdf = demo_pdf(unit=assessment.unit.name.upper(), title=title, number=number)
        document_upload(
            actor=staff,
            assessment=assessment,
            upload=SimpleUploadedFile(f"{number.replace('/', '-')}.pdf", pdf, content_type="application/pdf"),
            title=title,
            number=number,
            criterion=criterion,
            locator=locator,
        )
        if criterion is not None:
            cited.add(criterion.id)
    return cited
