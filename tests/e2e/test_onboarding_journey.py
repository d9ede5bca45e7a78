"""The secretary onboards the province in the admin from its two workbooks, fixes a refused row, and the heads
receive their activation e-mails; one of them sets a password from the link and signs in."""

import io
import re

import openpyxl
import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from scoring.demo import province
from tests.e2e.helpers import login
from tests.factories import AuthorityFactory, user_with_role
from units.models import Authority, Block, Role, RoleAssignment, Unit, User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/journey-onboarding-{step}.png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def with_typo(content: bytes, username: str, wrong_unit: str) -> tuple[bytes, int]:
    """The people workbook with one role row naming a unit that does not exist; returns the file and that line."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Phân quyền"]
    line = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == username)
    sheet.cell(line, 3, wrong_unit)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue(), line


def upload(page: Page, name: str, content: bytes) -> None:
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(files=[{"name": name, "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="Kiểm tra và xem trước").click()


def test_the_secretary_onboards_the_province_from_two_workbooks(live_server, page: Page, browser: Browser):
    # given: the installation's authority, and the secretary's own account
    AuthorityFactory(name="UBND thành phố Hải Minh", level=Authority.Level.CITY)
    secretary = user_with_role(Role.COUNCIL_SECRETARY, username="thuky.hm", full_name="Trần Thư Ký")
    organisation, accounts = province.workbooks(with_administrator=False)
    heads = [person for person in province.people() if person.username.startswith("truong.")]

    # the organisation workbook: preview, then confirm
    login(page, live_server, secretary)
    page.get_by_role("link", name="Quản trị").click()
    page.get_by_role("link", name="Đơn vị", exact=True).click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("heading", name="Nhập danh mục khối và đơn vị từ Excel")).to_be_visible()
    upload(page, "danh-muc-don-vi.xlsx", organisation)
    expect(page.get_by_role("heading", name="Xem trước (chưa lưu)")).to_be_visible()
    expect(page.get_by_text("Trang “Khối”: 3 mới, 0 cập nhật, 0 không đổi")).to_be_visible()
    expect(page.get_by_text("Trang “Đơn vị”: 127 mới, 0 cập nhật, 0 không đổi")).to_be_visible()
    expect(page.get_by_role("cell", name="UBND đặc khu Ngọc Đảo")).to_be_visible()
    page.screenshot(path=SCREENSHOT.format(step="preview"))
    assert not Unit.objects.exists()
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Đã nhập danh mục khối và đơn vị: Khối: 3 mới")).to_be_visible()
    assert Block.objects.count() == 3
    assert Unit.objects.count() == 127

    # the people workbook with one unit code mistyped: every problem shown, nothing saved
    page.get_by_role("link", name="Người dùng", exact=True).click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    wrong, line = with_typo(accounts, "truong.phuong-an-binh", "phuong-an-bnh")
    upload(page, "nguoi-dung.xlsx", wrong)
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("Chưa nhập gì: tệp có 1 lỗi. Hãy sửa tệp rồi tải lên lại.")
    expect(problems).to_contain_text(
        f"Trang “Phân quyền”, dòng {line}: Đơn vị mã “phuong-an-bnh” không có trong danh mục đơn vị."
    )
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_have_count(0)
    page.screenshot(path=SCREENSHOT.format(step="refused"), full_page=False)
    assert User.objects.count() == 1
    assert mail.outbox == []

    # the corrected file: preview, confirm, and every new person is sent an activation e-mail
    upload(page, "nguoi-dung.xlsx", accounts)
    notice = "Sau khi xác nhận, 260 người mới sẽ nhận thư kích hoạt để tự đặt mật khẩu."
    expect(page.get_by_text(notice)).to_be_visible()
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_text("Đã gửi thư kích hoạt tài khoản cho 260 người mới.")).to_be_visible()
    assert RoleAssignment.objects.filter(role=Role.UNIT_HEAD).count() == 127
    recipients = {message.to[0] for message in mail.outbox}
    assert len(mail.outbox) == 260
    assert {head.email for head in heads} <= recipients

    # a ward's head sets a password from the e-mail's link and signs in
    head = next(person for person in heads if person.username == "truong.phuong-an-binh")
    message = next(message for message in mail.outbox if message.to == [head.email])
    assert "Vai trò: Người đứng đầu đơn vị — UBND phường An Bình" in message.body
    link = re.search(r"https?://\S+/activate/\S+/", message.body).group(0)
    context = browser.new_context(locale="vi-VN")
    visitor = context.new_page()
    visitor.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(visitor.get_by_role("heading", name="Kích hoạt tài khoản")).to_be_visible()
    expect(visitor.get_by_text(f"Chào {head.full_name}.")).to_be_visible()
    visitor.get_by_label("Mật khẩu mới", exact=True).fill("Mot-Cua-Hien-Dai-2026")
    visitor.get_by_label("Xác nhận mật khẩu mới").fill("Mot-Cua-Hien-Dai-2026")
    visitor.get_by_role("button", name="Đặt mật khẩu và kích hoạt").click()
    expect(visitor.get_by_role("heading", name="Tài khoản đã kích hoạt")).to_be_visible()
    visitor.get_by_role("link", name="Đăng nhập", exact=True).last.click()
    visitor.get_by_label("Tên đăng nhập").fill(head.username)
    visitor.get_by_label("Mật khẩu").fill("Mot-Cua-Hien-Dai-2026")
    visitor.get_by_role("button", name="Đăng nhập").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(f"Xin chào, {head.full_name}")
    visitor.screenshot(path=SCREENSHOT.format(step="signed-in"))
    context.close()
