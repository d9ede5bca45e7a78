"""The named sample: Excel import through the safe intake, a random draw, invitations by e-mail, QR cards as a PDF."""

import io

import pytest
import segno
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import AuditEvent
from scoring.survey.models import Respondent, SurveyResponse
from scoring.survey.respondents import (
    answer_url,
    cards_html,
    respondents_import,
    respondents_invite,
    respondents_template,
    sample_draw,
)
from tests.pdfs import pdf_text
from tests.scoring.survey.conftest import open_now, xlsx

pytestmark = pytest.mark.django_db

ROWS = [
    ("ha-dinh", "UBND phường Hạ Đình", "Nguyễn Văn An", "Người dân", "0912 345 678", "an@example.vn"),
    ("ha-dinh", "", "Công ty CP Sông Hồng", "Doanh nghiệp", "", "lienhe@songhong.vn"),
    ("kim-giang", "", "Lê Thị Cúc", "cán bộ, công chức", "", ""),
]


def words(content: bytes) -> str:
    """A PDF's text with its line breaks and runs of spaces folded to one space."""
    return " ".join(pdf_text(content).split())


def test_template_lists_the_units_of_the_block(survey_world):
    rows = list(load_workbook(io.BytesIO(respondents_template(survey=survey_world["survey"]))).active.values)

    assert rows == [
        ("Mã đơn vị", "Tên đơn vị", "Họ và tên", "Nhóm", "Điện thoại", "Thư điện tử"),
        ("ha-dinh", "UBND phường Hạ Đình", None, None, None, None),
        ("kim-giang", "UBND phường Kim Giang", None, None, None, None),
        ("thuong-dinh", "UBND phường Thượng Đình", None, None, None, None),
    ]


def test_import_gives_each_person_a_fresh_link(survey_world):
    w = survey_world

    result = respondents_import(actor=w["secretary"], survey=w["survey"], file=xlsx(ROWS))

    assert (result.imported, result.by_unit) == (3, {"ha-dinh": 2, "kim-giang": 1})
    people = list(Respondent.objects.order_by("id").values_list("unit__code", "name", "group", "phone", "email"))
    assert people == [
        ("ha-dinh", "Nguyễn Văn An", "citizen", "0912 345 678", "an@example.vn"),
        ("ha-dinh", "Công ty CP Sông Hồng", "business", "", "lienhe@songhong.vn"),
        ("kim-giang", "Lê Thị Cúc", "civil_servant", "", ""),
    ]
    tokens = set(Respondent.objects.values_list("token", flat=True))
    assert len(tokens) == 3 and all(len(token) == 32 for token in tokens)
    assert Respondent.objects.filter(is_in_sample=True).count() == 3
    event = AuditEvent.objects.get(action="survey.respondents_import")
    assert event.data == {"survey_id": w["survey"].pk, "is_pool": False, "by_unit": {"ha-dinh": 2, "kim-giang": 1}}


def test_a_file_with_any_bad_row_imports_nobody_and_names_each_line(survey_world):
    w = survey_world
    from tests.factories import UnitFactory

    UnitFactory(code="phong-noi-vu", name="Phòng Nội vụ")  # another block
    rows = [
        *ROWS,
        ("", "", "Không mã", "Người dân", "", ""),
        ("phong-noi-vu", "", "Khác khối", "Người dân", "", ""),
        ("khong-co", "", "Sai mã", "Người dân", "", ""),
        ("ha-dinh", "", "", "Người dân", "", ""),
        ("ha-dinh", "", "Nhóm lạ", "Hộ kinh doanh", "", ""),
        ("ha-dinh", "", "Thư sai", "Người dân", "", "khong-phai-thu"),
        ("ha-dinh", "UBND phường Hạ Đình", "Nguyễn Văn An", "Người dân", "0912 345 678", "an@example.vn"),
    ]

    with pytest.raises(ValidationError) as error:
        respondents_import(actor=w["secretary"], survey=w["survey"], file=xlsx(rows))

    assert error.value.messages == [
        "Dòng 5: Thiếu mã đơn vị.",
        "Dòng 6: Đơn vị “phong-noi-vu” không thuộc khối “Khối phường” của phiếu khảo sát.",
        "Dòng 7: Không có đơn vị mã “khong-co”.",
        "Dòng 8: Thiếu họ và tên.",
        "Dòng 9: Nhóm “Hộ kinh doanh” không hợp lệ; hãy ghi một trong: Người dân, Doanh nghiệp, Cán bộ, công chức.",
        "Dòng 10: Địa chỉ thư điện tử “khong-phai-thu” không hợp lệ.",
        "Dòng 11: Nguyễn Văn An (ha-dinh) đã có ở dòng 2.",
    ]
    assert Respondent.objects.count() == 0
    assert not AuditEvent.objects.filter(action="survey.respondents_import").exists()


def test_import_goes_through_the_safe_intake(survey_world):
    w = survey_world
    with pytest.raises(ValidationError) as error:
        respondents_import(actor=w["secretary"], survey=w["survey"], file=b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    assert error.value.messages[0].startswith("Tệp .xls (Excel 97–2003) hoặc tệp Excel có đặt mật khẩu")
    assert Respondent.objects.count() == 0


def test_only_the_secretary_imports(survey_world):
    w = survey_world
    for person in (w["member"], w["staff"], w["leadership"]):
        with pytest.raises(PermissionDenied):
            respondents_import(actor=person, survey=w["survey"], file=xlsx(ROWS))
    assert Respondent.objects.count() == 0


def test_a_sample_is_drawn_at_random_from_an_imported_list(survey_world):
    w = survey_world
    pool = [("ha-dinh", "", f"Người dân số {n}", "Người dân", "", "") for n in range(1, 13)]
    pool += [("kim-giang", "", f"Doanh nghiệp số {n}", "Doanh nghiệp", "", "") for n in range(1, 4)]
    respondents_import(actor=w["secretary"], survey=w["survey"], file=xlsx(pool), is_pool=True)
    assert Respondent.objects.filter(is_in_sample=True).count() == 0

    drawn = sample_draw(actor=w["secretary"], survey=w["survey"], size=5)

    assert drawn == {"ha-dinh": 5, "kim-giang": 3}
    assert Respondent.objects.filter(is_in_sample=True, unit__code="ha-dinh").count() == 5
    assert Respondent.objects.filter(is_in_sample=True, unit__code="kim-giang").count() == 3
    assert AuditEvent.objects.get(action="survey.sample_draw").data["drawn"] == {"ha-dinh": 5, "kim-giang": 3}

    # once the survey is open the sample is fixed
    open_now(w["survey"])
    before = set(Respondent.objects.filter(is_in_sample=True).values_list("pk", flat=True))
    with pytest.raises(ValidationError) as error:
        sample_draw(actor=w["secretary"], survey=w["survey"], size=2)
    assert error.value.messages == ["Cuộc khảo sát đã mở: mẫu đã cố định."]
    assert set(Respondent.objects.filter(is_in_sample=True).values_list("pk", flat=True)) == before


def test_invitations_go_once_to_each_address_after_the_commit(open_survey, django_capture_on_commit_callbacks):
    w = open_survey
    with django_capture_on_commit_callbacks(execute=True):
        count = respondents_invite(actor=w["secretary"], survey=w["survey"])

    assert count == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["an@example.vn", "cuc@example.vn"]
    by_address = {message.to[0]: message for message in mail.outbox}
    an = w["respondents"][0]
    assert by_address["an@example.vn"].subject == "Mời tham gia khảo sát: Khảo sát sự hài lòng khối phường 2023"
    assert "Kính gửi Nguyễn Văn An," in by_address["an@example.vn"].body
    assert answer_url(an) in by_address["an@example.vn"].body
    assert w["respondents"][3].token not in by_address["an@example.vn"].body
    assert Respondent.objects.filter(invited_at__isnull=False).count() == 2

    # nobody is left to invite: refused, nothing sent again
    with pytest.raises(ValidationError):
        respondents_invite(actor=w["secretary"], survey=w["survey"])
    assert len(mail.outbox) == 2


def test_cards_pdf_carries_each_link_and_its_qr_code(open_survey):
    w = open_survey
    people = w["respondents"][:2]

    html = cards_html(w["survey"], people)
    from scoring.survey.respondents import cards_pdf

    text = words(cards_pdf(w["survey"], people))

    for person in people:
        assert segno.make(answer_url(person), error="m").svg_inline(scale=4, border=2, omitsize=True) in html
        assert person.name in text
        assert answer_url(person) in text.replace(" ", "")
    assert "Khảo sát sự hài lòng khối phường 2023" in text
    assert "Đơn vị đã giao dịch: UBND phường Hạ Đình" in text
    assert "UBND QUẬN THANH XUÂN" in text


def test_cards_page_prints_only_those_who_have_not_answered(client, open_survey):
    w = open_survey
    first = w["respondents"][0]
    SurveyResponse.objects.create(respondent=first, survey=w["survey"], unit=first.unit, group=first.group, pattern="0")
    client.force_login(w["secretary"])

    response = client.get(reverse("survey_cards", args=[w["survey"].pk]) + f"?unit={first.unit_id}")

    text = words(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "Trần Thị Bình" in text and "Công ty TNHH Minh Châu" in text
    assert "Nguyễn Văn An" not in text and "Lê Thị Cúc" not in text


def test_respondents_page_shows_names_to_the_secretary_only(client, open_survey, django_assert_num_queries):
    w = open_survey
    client.force_login(w["secretary"])
    url = reverse("survey_respondents", args=[w["survey"].pk]) + f"?unit={w['units']['ha-dinh'].pk}"
    client.get(url)

    with django_assert_num_queries(9):
        page = client.get(url)

    content = page.content.decode()
    assert "Nguyễn Văn An" in content and "0912345678" in content
    assert "Lê Thị Cúc" not in content  # another unit's list is not opened
    client.force_login(w["member"])
    assert client.get(url).status_code == 404
