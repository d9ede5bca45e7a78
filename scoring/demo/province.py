"""The province demo (`manage.py seed_demo --profile province`): a city after the 2025 reorganisation that scores
its departments and its wards and communes directly, in three blocks of 14, 45 and 68 units (the shape of Hải
Phòng's 2025 results). The city and every name in it are invented.

Its units and people are written as the two onboarding workbooks and loaded through the same import the
secretary uses; 2025 is published (scores from 73 to 96 points, “Xuất sắc” from 93), 2026 is open for
self-assessment, its frameworks copied from 2025.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from scoring.demo.dates import at
from scoring.demo.history import BlockShape, YearPlan
from scoring.demo.province_frameworks import COMMUNES, DEPARTMENTS, WARDS
from scoring.models import AdjustmentItem
from units.models import Authority, Role
from units.workbooks.books import ORGANISATION, PEOPLE, SheetRows, write_workbook

PASSWORD = "HaiMinh@2026"
PUBLISHED_YEAR, OPEN_YEAR = 2025, 2026
AUTHORITY = {"name": "UBND thành phố Hải Minh", "short_name": "Hải Minh", "level": Authority.Level.CITY}
EMAIL_DOMAIN = "haiminh.gov.example"  # a reserved domain: nothing is ever delivered there

BLOCKS = (
    (DEPARTMENTS, "Sở, ban, ngành"),
    (WARDS, "UBND phường"),
    (COMMUNES, "UBND xã, đặc khu"),
)

# (code, name, head's title)
DEPARTMENT_UNITS = (
    ("van-phong-ubnd", "Văn phòng UBND thành phố", "Chánh Văn phòng UBND thành phố"),
    ("so-noi-vu", "Sở Nội vụ", "Giám đốc Sở Nội vụ"),
    ("so-tu-phap", "Sở Tư pháp", "Giám đốc Sở Tư pháp"),
    ("so-tai-chinh", "Sở Tài chính", "Giám đốc Sở Tài chính"),
    ("so-cong-thuong", "Sở Công Thương", "Giám đốc Sở Công Thương"),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Giám đốc Sở Nông nghiệp và Môi trường"),
    ("so-xay-dung", "Sở Xây dựng", "Giám đốc Sở Xây dựng"),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "Giám đốc Sở Khoa học và Công nghệ"),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "Giám đốc Sở Giáo dục và Đào tạo"),
    ("so-y-te", "Sở Y tế", "Giám đốc Sở Y tế"),
    ("so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "Giám đốc Sở Văn hóa, Thể thao và Du lịch"),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "Giám đốc Sở Dân tộc và Tôn giáo"),
    ("thanh-tra-thanh-pho", "Thanh tra thành phố", "Chánh Thanh tra thành phố"),
    ("ban-quan-ly-khu-kinh-te", "Ban Quản lý Khu kinh tế", "Trưởng Ban Quản lý Khu kinh tế"),
)

WARD_NAMES = (
    "Hải Minh", "An Bình", "An Hòa", "An Khánh", "An Lạc", "An Phú", "Bạch Mai", "Bình Minh", "Cẩm Phúc",
    "Cát Tường", "Đông Hải", "Đông Hòa", "Đông Xuyên", "Gia Hòa", "Hải Đăng", "Hòa Bình", "Hòa Khánh",
    "Hồng Phong", "Hưng Long", "Hưng Phú", "Kim Long", "Lạc Viên", "Minh Châu", "Minh Đức", "Minh Khai",
    "Nam Hải", "Ngọc Châu", "Nghĩa Hưng", "Phú Hòa", "Phúc Lâm", "Quang Trung", "Tân An", "Tân Hưng",
    "Tân Lập", "Thái Hòa", "Thành Công", "Thịnh Long", "Thuận Thành", "Trung Hòa", "Trường Chinh", "Văn Cao",
    "Vạn Phúc", "Vĩnh An", "Xuân Hòa", "Yên Hòa",
)  # fmt: skip

COMMUNE_NAMES = (
    "An Hưng", "An Thái", "An Trường", "Bảo Hà", "Bắc Hưng", "Cao Minh", "Chiến Thắng", "Cộng Hiền",
    "Dũng Tiến", "Đại Đồng", "Đại Hợp", "Đặng Cương", "Đoàn Kết", "Đông Phương", "Đồng Tâm", "Giang Biên",
    "Hòa Lạc", "Hoàng Hoa", "Hồng Thái", "Hùng Tiến", "Hợp Thành", "Hưng Nhân", "Kiến Quốc", "Kiến Thiết",
    "Lạc Hồng", "Lê Lợi", "Liên Hòa", "Minh Phượng", "Minh Tân", "Nam Hưng", "Ngọc Liên", "Ngũ Phúc",
    "Nhân Hòa", "Phong Vân", "Phú Lộc", "Phúc Thọ", "Quang Hưng", "Quảng Thanh", "Quyết Thắng", "Song Mai",
    "Tam Cường", "Tân Dân", "Tân Phong", "Tân Tiến", "Tân Trào", "Thạch Sơn", "Thái Sơn", "Thanh Lương",
    "Thắng Lợi", "Thiên Hương", "Thọ Xuân", "Thuận Thiên", "Tiên Hưng", "Tiền Phong", "Toàn Thắng",
    "Trấn Dương", "Trung Hà", "Trung Lập", "Trường Sơn", "Vạn Thắng", "Văn Phong", "Việt Hưng",
    "Vinh Quang", "Vĩnh Tiến", "Xuân Sơn", "Yên Thắng",
)  # fmt: skip

SPECIAL_ZONE_NAMES = ("Ngọc Đảo", "Cồn Lân")

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Phan",
    "Trịnh", "Đinh", "Lương", "Mai", "Tạ", "Cao",
)  # fmt: skip
MIDDLE_NAMES = ("Văn", "Thị", "Đức", "Minh", "Thanh", "Quang", "Hữu", "Ngọc", "Thu", "Hồng", "Xuân", "Mạnh")
GIVEN_NAMES = (
    "An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khánh", "Lan",
    "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy",
    "Trang", "Tuấn", "Vân", "Yến",
)  # fmt: skip


def ascii_slug(text: str) -> str:
    """“Đông Xuyên” → “dong-xuyen” (đ is not a composed letter, so it is replaced before the accents go)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(part for part in "".join(c if c.isalnum() else " " for c in plain.lower()).split())


@dataclass(frozen=True)
class ProvinceUnit:
    block: str
    code: str
    name: str
    head_title: str
    staff_title: str


def units() -> list[ProvinceUnit]:
    found = [
        ProvinceUnit(DEPARTMENTS, code, name, head, f"Chuyên viên {name}, đầu mối CCHC")
        for code, name, head in DEPARTMENT_UNITS
    ]
    for name in WARD_NAMES:
        found.append(
            ProvinceUnit(
                WARDS,
                f"phuong-{ascii_slug(name)}",
                f"UBND phường {name}",
                f"Chủ tịch UBND phường {name}",
                f"Công chức Văn phòng HĐND và UBND phường {name}",
            )
        )
    for kind, prefix, names in (("xã", "xa", COMMUNE_NAMES), ("đặc khu", "dac-khu", SPECIAL_ZONE_NAMES)):
        for name in names:
            found.append(
                ProvinceUnit(
                    COMMUNES,
                    f"{prefix}-{ascii_slug(name)}",
                    f"UBND {kind} {name}",
                    f"Chủ tịch UBND {kind} {name}",
                    f"Công chức Văn phòng HĐND và UBND {kind} {name}",
                )
            )
    return found


@dataclass(frozen=True)
class ProvincePerson:
    username: str
    full_name: str
    job_title: str
    home_unit: str  # unit code, or ""
    roles: tuple[tuple[str, str], ...]  # (role, unit code or "")

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


# The city's own accounts: (username, job title, home unit, roles)
CITY_ACCOUNTS = (
    ("admin", "Quản trị hệ thống, Trung tâm Chuyển đổi số", "", ((Role.ADMINISTRATOR, ""),)),
    ("thuky", "Chuyên viên Phòng CCHC, Sở Nội vụ; Thư ký Hội đồng", "so-noi-vu", ((Role.COUNCIL_SECRETARY, ""),)),
    ("lanhdao", "Chủ tịch UBND thành phố", "", ((Role.LEADERSHIP, ""),)),
    ("hoidong1", "Phó Giám đốc Sở Nội vụ", "so-noi-vu", ((Role.COUNCIL_MEMBER, ""),)),
    ("hoidong2", "Phó Giám đốc Sở Tư pháp", "so-tu-phap", ((Role.COUNCIL_MEMBER, ""),)),
    ("hoidong3", "Phó Chánh Văn phòng UBND thành phố", "van-phong-ubnd", ((Role.COUNCIL_MEMBER, ""),)),
    ("hoidong4", "Phó Giám đốc Sở Tài chính", "so-tai-chinh", ((Role.COUNCIL_MEMBER, ""),)),
)
COUNCIL = ("hoidong1", "hoidong2", "hoidong3", "hoidong4")  # the first chairs


def people() -> list[ProvincePerson]:
    """A head and a focal officer for every unit, and the city's own accounts; names drawn once, seeded."""
    rng = random.Random("cchc-province-people")
    taken: set[str] = set()

    def name() -> str:
        while True:
            candidate = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    found = [
        ProvincePerson(username, name(), title, home, tuple(roles)) for username, title, home, roles in CITY_ACCOUNTS
    ]
    for unit in units():
        found.append(
            ProvincePerson(f"truong.{unit.code}", name(), unit.head_title, unit.code, ((Role.UNIT_HEAD, unit.code),))
        )
        found.append(
            ProvincePerson(f"canbo.{unit.code}", name(), unit.staff_title, unit.code, ((Role.UNIT_STAFF, unit.code),))
        )
    return found


def workbooks(*, with_administrator: bool = True) -> tuple[bytes, bytes]:
    """The organisation workbook and the people workbook, in the columns the import reads.

    Without the administrator they are the files a secretary can import (administrator rights come from an
    administrator)."""
    organisation = write_workbook(
        [
            SheetRows(
                title="Khối", headers=ORGANISATION.sheets[0].column_names(), rows=[list(block) for block in BLOCKS]
            ),
            SheetRows(
                title="Đơn vị",
                headers=ORGANISATION.sheets[1].column_names(),
                rows=[[unit.code, unit.name, unit.block, 1, None] for unit in units()],
            ),
        ]
    )
    everyone = [
        person
        for person in people()
        if with_administrator or all(role != Role.ADMINISTRATOR for role, _unit in person.roles)
    ]
    role_label = {role.value: str(role.label) for role in Role}
    accounts = write_workbook(
        [
            SheetRows(
                title="Người dùng",
                headers=PEOPLE.sheets[0].column_names(),
                rows=[
                    [person.username, person.full_name, person.job_title, person.email, person.home_unit or None]
                    for person in everyone
                ],
            ),
            SheetRows(
                title="Phân quyền",
                headers=PEOPLE.sheets[1].column_names(),
                rows=[
                    [person.username, role_label[role], unit or None]
                    for person in everyone
                    for role, unit in person.roles
                ],
            ),
        ]
    )
    return organisation, accounts


# ---------------------------------------------------------------------------------------------
# The published year


DEADLINES_2025 = (at(2025, 12, 12), at(2025, 12, 24), at(2025, 12, 29), at(2026, 1, 6))
BANDS = [
    (Decimal(93), "Xuất sắc"),
    (Decimal(85), "Tốt"),
    (Decimal(75), "Khá"),
    (Decimal(60), "Trung bình"),
    (Decimal(0), "Yếu"),
]
# Points are lost first in direction (1), public finance (6) and procedures (3), then everywhere else.
GROUPS = (("1",), ("6",), ("3",), ("2", "4", "5", "7", "8"))

PLANS = {
    PUBLISHED_YEAR: YearPlan(
        year=PUBLISHED_YEAR,
        shapes={
            DEPARTMENTS: BlockShape(top=(9380, 9480), gap=1120, neighbour=(20, 200)),
            WARDS: BlockShape(top=(9550, 9580), gap=1690, neighbour=(3, 110)),
            COMMUNES: BlockShape(top=(9420, 9480), gap=2040, neighbour=(3, 90)),
        },
        shares=(0.30, 0.20, 0.20, 0.30),
        survey_loss=(0.03, 0.10),
        leaf_loss_cap=Decimal(1),
        differences=(0, 1, 1, 2, 3),
        opened=at(2025, 11, 17, 9),
        submitted=at(2025, 12, 11, 16),
        finalised=at(2025, 12, 26, 16),
        decision_number="25/QĐ-UBND",
        decision_date=date(2026, 1, 9),
        adjustments=(
            (
                WARDS,
                1,
                AdjustmentItem.Kind.BONUS,
                "TH1",
                "1.5",
                "Sáng kiến “Trả kết quả thủ tục hành chính tại nhà cho người cao tuổi” được UBND thành phố công nhận.",
            ),
            (
                COMMUNES,
                -1,
                AdjustmentItem.Kind.PENALTY,
                "TR2",
                "1.5",
                "Bị UBND thành phố phê bình tại Thông báo số 412/TB-UBND vì chậm báo cáo sắp xếp bộ máy.",
            ),
            (
                DEPARTMENTS,
                3,
                AdjustmentItem.Kind.BONUS,
                "TH2",
                "1",
                "Được Bộ Nội vụ tặng Bằng khen về công tác CCHC năm 2025.",
            ),
        ),
        surveyor="UBND thành phố",
    ),
}
