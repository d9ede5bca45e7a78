"""The demo organisation (Thanh Xuân district, its blocks and units) and one login per role.

Every name here is demo data loaded by `manage.py seed_demo`; the portal itself never refers to
a particular authority. People's names are invented.
"""

from dataclasses import dataclass

from units.models import Authority, Role

DEMO_PASSWORD = "ThanhXuan@2023"

AUTHORITY = {"name": "UBND quận Thanh Xuân", "short_name": "Thanh Xuân", "level": Authority.Level.DISTRICT}

# (code, name, position)
BLOCKS = (
    ("phong-ban", "Phòng, ban, đơn vị", 1),
    ("phuong", "UBND phường", 2),
)


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    head_name: str
    head_title: str
    staff_name: str = ""  # wards also get a focal officer (cán bộ đầu mối CCHC)


DEPARTMENTS = (
    DemoUnit(
        "van-phong-hdnd-ubnd", "Văn phòng HĐND và UBND", "Đặng Thị Thanh Huyền", "Chánh Văn phòng HĐND và UBND quận"
    ),
    DemoUnit("phong-noi-vu", "Phòng Nội vụ", "Ngô Đức Thắng", "Trưởng phòng Nội vụ"),
    DemoUnit("phong-tu-phap", "Phòng Tư pháp", "Nguyễn Văn Tuấn", "Trưởng phòng Tư pháp"),
    DemoUnit(
        "phong-tai-chinh-ke-hoach",
        "Phòng Tài chính – Kế hoạch",
        "Lê Thị Hồng Nhung",
        "Trưởng phòng Tài chính – Kế hoạch",
    ),
    DemoUnit("phong-kinh-te", "Phòng Kinh tế", "Trịnh Văn Long", "Trưởng phòng Kinh tế"),
    DemoUnit("phong-quan-ly-do-thi", "Phòng Quản lý đô thị", "Phan Minh Đức", "Trưởng phòng Quản lý đô thị"),
    DemoUnit(
        "phong-tai-nguyen-moi-truong",
        "Phòng Tài nguyên và Môi trường",
        "Vương Thị Hà",
        "Trưởng phòng Tài nguyên và Môi trường",
    ),
    DemoUnit(
        "phong-lao-dong-thuong-binh-xa-hoi",
        "Phòng Lao động – Thương binh và Xã hội",
        "Đinh Thị Phương Thảo",
        "Trưởng phòng Lao động – Thương binh và Xã hội",
    ),
    DemoUnit(
        "phong-van-hoa-thong-tin", "Phòng Văn hóa và Thông tin", "Tạ Quang Huy", "Trưởng phòng Văn hóa và Thông tin"
    ),
    DemoUnit(
        "phong-giao-duc-dao-tao", "Phòng Giáo dục và Đào tạo", "Lương Thị Bích Ngọc", "Trưởng phòng Giáo dục và Đào tạo"
    ),
    DemoUnit("phong-y-te", "Phòng Y tế", "Cao Văn Sơn", "Trưởng phòng Y tế"),
    DemoUnit("thanh-tra-quan", "Thanh tra quận", "Mai Xuân Trường", "Chánh Thanh tra quận"),
)

_WARDS = (
    # (code, ward name, chairman, focal officer)
    ("phuong-ha-dinh", "Hạ Đình", "Hoàng Văn Nam", "Vũ Thị Lan"),
    ("phuong-khuong-dinh", "Khương Đình", "Nguyễn Mạnh Cường", "Trần Thị Thu Trang"),
    ("phuong-khuong-mai", "Khương Mai", "Lê Quang Hải", "Phạm Thị Hương"),
    ("phuong-khuong-trung", "Khương Trung", "Đỗ Thị Minh Nguyệt", "Nguyễn Đức Anh"),
    ("phuong-kim-giang", "Kim Giang", "Bùi Văn Thành", "Lê Thị Kim Oanh"),
    ("phuong-nhan-chinh", "Nhân Chính", "Dương Thị Hải Yến", "Hoàng Minh Tú"),
    ("phuong-phuong-liet", "Phương Liệt", "Trần Quốc Khánh", "Đào Thị Thùy Linh"),
    ("phuong-thanh-xuan-bac", "Thanh Xuân Bắc", "Phùng Văn Dũng", "Nguyễn Thị Hạnh"),
    ("phuong-thanh-xuan-nam", "Thanh Xuân Nam", "Kiều Thị Mai", "Vũ Văn Hiếu"),
    ("phuong-thanh-xuan-trung", "Thanh Xuân Trung", "Lại Văn Toàn", "Chu Thị Ngọc Diệp"),
    ("phuong-thuong-dinh", "Thượng Đình", "Tô Minh Hoàng", "Hà Thị Quỳnh"),
)

WARDS = tuple(
    DemoUnit(code, f"UBND phường {name}", head, f"Chủ tịch UBND phường {name}", staff)
    for code, name, head, staff in _WARDS
)

# block code → its units, in ranking-table order
UNITS_BY_BLOCK = {"phong-ban": DEPARTMENTS, "phuong": WARDS}


def login_slug(unit_code: str) -> str:
    """`phuong-ha-dinh` → `hadinh`, `phong-noi-vu` → `noivu`: the part of a demo username after the dot."""
    for prefix in ("phuong-", "phong-"):
        if unit_code.startswith(prefix):
            unit_code = unit_code.removeprefix(prefix)
            break
    return unit_code.replace("-", "")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    job_title: str
    role: str
    description: str
    home_unit: str | None  # unit code
    unit: str | None = None  # unit code, for unit roles only
    is_superuser: bool = False


def _unit_accounts() -> list[DemoAccount]:
    accounts = []
    for unit in DEPARTMENTS + WARDS:
        slug = login_slug(unit.code)
        accounts.append(
            DemoAccount(
                f"truong.{slug}",
                unit.head_name,
                unit.head_title,
                Role.UNIT_HEAD,
                f"Người đứng đầu – {unit.name}",
                unit.code,
                unit.code,
            )
        )
        if unit.staff_name:
            accounts.append(
                DemoAccount(
                    f"canbo.{slug}",
                    unit.staff_name,
                    "Công chức Văn phòng – Thống kê, đầu mối CCHC",
                    Role.UNIT_STAFF,
                    f"Cán bộ đầu mối CCHC – {unit.name}",
                    unit.code,
                    unit.code,
                )
            )
    return accounts


# Council, leadership and administration, plus the Home Affairs focal officer.
_NAMED_ACCOUNTS = (
    DemoAccount(
        "admin",
        "Đỗ Minh Quân",
        "Chuyên viên công nghệ thông tin, quản trị hệ thống",
        Role.ADMINISTRATOR,
        "Quản trị hệ thống",
        "van-phong-hdnd-ubnd",
        is_superuser=True,
    ),
    DemoAccount(
        "thuky",
        "Nguyễn Thị Thu Hằng",
        "Phó Trưởng phòng Nội vụ, Thư ký Hội đồng thẩm định",
        Role.COUNCIL_SECRETARY,
        "Thư ký Hội đồng (Phòng Nội vụ)",
        "phong-noi-vu",
    ),
    DemoAccount(
        "hoidong1",
        "Trần Văn Hùng",
        "Phó Trưởng phòng Tư pháp, thành viên Hội đồng thẩm định",
        Role.COUNCIL_MEMBER,
        "Thành viên Hội đồng thẩm định",
        "phong-tu-phap",
    ),
    DemoAccount(
        "hoidong2",
        "Lê Thị Mai Anh",
        "Phó Chánh Văn phòng HĐND và UBND quận, thành viên Hội đồng thẩm định",
        Role.COUNCIL_MEMBER,
        "Thành viên Hội đồng thẩm định",
        "van-phong-hdnd-ubnd",
    ),
    # The chairman belongs to no assessed unit, so no home unit (and no conflict of interest).
    DemoAccount("lanhdao", "Phạm Quang Vinh", "Chủ tịch UBND quận", Role.LEADERSHIP, "Lãnh đạo UBND quận", None),
    DemoAccount(
        "canbo.noivu",
        "Bùi Thị Ngọc Ánh",
        "Chuyên viên Phòng Nội vụ, đầu mối CCHC",
        Role.UNIT_STAFF,
        "Cán bộ đầu mối CCHC – Phòng Nội vụ",
        "phong-noi-vu",
        "phong-noi-vu",
    ),
)

# The logins a tester needs first (in this order), then every other unit head and ward focal officer.
FIRST_LOGINS = (
    "admin",
    "thuky",
    "hoidong1",
    "hoidong2",
    "lanhdao",
    "canbo.hadinh",
    "truong.hadinh",
    "canbo.noivu",
    "truong.noivu",
)

DEMO_ACCOUNTS: tuple[DemoAccount, ...] = tuple(
    sorted(
        _NAMED_ACCOUNTS + tuple(_unit_accounts()),
        key=lambda a: FIRST_LOGINS.index(a.username) if a.username in FIRST_LOGINS else len(FIRST_LOGINS),
    )
)

# (username, role description) for the README, the login page hint and the tests.
DEMO_LOGINS: tuple[tuple[str, str], ...] = tuple((a.username, a.description) for a in DEMO_ACCOUNTS)
