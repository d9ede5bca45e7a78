"""Criteria frameworks (Bộ chỉ số CCHC) of the demo district for 2021–2023, as plain data.

Modelled on published district frameworks: seven areas, 100 points, one scoring rule per leaf.
Codes (1, 1.2, 1.2.3) are not written here: they follow from the position of each node, so adding
or dropping a sub-criterion in one year renumbers that year's tree the way a real framework does.

Year to year:
- 2022 (both blocks) uses the online-service terms of Decree 42/2022 ("toàn trình / một phần") and
  adds digitising files on receipt (Decree 107/2021); departments add a head-of-unit item and a
  digital-skills training item and merge the delegation criterion; wards add social-media outreach
  and birth-registration interconnection and drop the "access-to-law standard" item.
- 2023 adds a digital-government criterion on Project 06 (national population database, e-ID).
"""

from collections.abc import Iterator, Sequence
from decimal import Decimal

from scoring.models import AdjustmentItem, AuditEvent, Criterion, Framework, Period, RuleOption, RuleType
from scoring.text import number_text
from units.models import Block, User

YEARS = (2021, 2022, 2023)
DEPARTMENTS = "phong-ban"
WARDS = "phuong"
BLOCK_CODES = (DEPARTMENTS, WARDS)

Node = dict
Number = int | float | str | Decimal


def _d(value: Number) -> Decimal:
    return Decimal(str(value))


def _group(title: str, points: Number, children: Sequence[Node], guidance: str = "") -> Node:
    return {"title": title, "max_points": _d(points), "guidance": guidance, "children": tuple(children)}


area = criterion = _group


def _leaf(
    title: str, points: Number, rule_type: str, guidance: str, *, na: bool = False, evidence: bool = True, **rule
) -> Node:
    return {
        "title": title,
        "max_points": _d(points),
        "guidance": guidance,
        "children": (),
        "rule_type": rule_type,
        "options": tuple(rule.pop("options", ())),
        "step": _d(rule["step"]) if "step" in rule else None,
        "deduction_per_occurrence": _d(rule["per"]) if "per" in rule else None,
        "evidence_required": evidence,
        "allows_not_applicable": na,
    }


def levels(title: str, points: Number, options: Sequence[tuple[str, Number]], guidance: str, **flags) -> Node:
    """Pick one level, e.g. issued on time 1 · late 0.5 · not issued 0."""
    return _leaf(
        title, points, RuleType.LEVELS, guidance, options=[(label, _d(p), None) for label, p in options], **flags
    )


def bands(title: str, points: Number, bounds: Sequence[tuple[Number, Number]], guidance: str, **flags) -> Node:
    """Percentage bands from (inclusive lower bound %, points), highest first; labels are derived."""
    options = []
    upper = None
    for bound, band_points in bounds:
        bound = _d(bound)
        if upper is None:
            label = "Đạt 100%" if bound == 100 else f"Từ {_pct(bound)} trở lên"
        elif bound == 0:
            label = f"Dưới {_pct(upper)}"
        else:
            label = f"Từ {_pct(bound)} đến dưới {_pct(upper)}"
        options.append((label, _d(band_points), bound))
        upper = bound
    return _leaf(title, points, RuleType.BANDS, guidance, options=options, **flags)


def _pct(value: Decimal) -> str:
    return f"{number_text(value)}%"


def ratio(title: str, points: Number, guidance: str, **flags) -> Node:
    return _leaf(title, points, RuleType.RATIO, guidance, **flags)


def manual(title: str, points: Number, step: Number, guidance: str, **flags) -> Node:
    return _leaf(title, points, RuleType.MANUAL, guidance, step=step, **flags)


def yes_no(title: str, points: Number, guidance: str, **flags) -> Node:
    return _leaf(title, points, RuleType.YES_NO, guidance, **flags)


def deduction(title: str, points: Number, per: Number, guidance: str, **flags) -> Node:
    return _leaf(title, points, RuleType.DEDUCTION, guidance, per=per, **flags)


def survey(title: str, points: Number, guidance: str) -> Node:
    return _leaf(title, points, RuleType.SURVEY, guidance, evidence=False)


ON_TIME = (("Ban hành kịp thời", 1), ("Ban hành không kịp thời", 0.5), ("Không ban hành", 0))

AREA_TITLES = (
    "Công tác chỉ đạo, điều hành CCHC",
    "Xây dựng và tổ chức thực hiện văn bản QPPL",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính",
    "Xây dựng và nâng cao chất lượng đội ngũ CBCCVC",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
)

# ---------------------------------------------------------------- shared by both blocks

PLAN = criterion(
    "Kế hoạch CCHC năm",
    5,
    [
        levels(
            "Ban hành kế hoạch CCHC năm",
            1,
            ON_TIME,
            "Kịp thời: ban hành trước ngày 31/01 theo hướng dẫn của UBND quận. Không kịp thời: ban hành sau "
            "thời hạn. Tài liệu kiểm chứng: kế hoạch CCHC năm của đơn vị (số, ngày ban hành).",
        ),
        levels(
            "Xác định đầy đủ nhiệm vụ, sản phẩm, thời hạn và trách nhiệm thực hiện",
            1,
            (("Đầy đủ, cụ thể", 1), ("Chưa đầy đủ", 0.5), ("Không xác định", 0)),
            "Kế hoạch bám sát kế hoạch CCHC của UBND quận trên tất cả các lĩnh vực; mỗi nhiệm vụ có sản phẩm "
            "đầu ra, thời hạn hoàn thành và bộ phận, cá nhân chủ trì.",
        ),
        bands(
            "Mức độ thực hiện kế hoạch CCHC năm",
            3,
            ((100, 3), (90, 2), (80, 1), (0, 0)),
            "Tỷ lệ = số nhiệm vụ hoàn thành đúng hạn / tổng số nhiệm vụ trong kế hoạch × 100%. Kiểm chứng: báo "
            "cáo CCHC năm kèm phụ lục theo dõi tiến độ từng nhiệm vụ.",
        ),
    ],
)

REPORTS = deduction(
    "Báo cáo CCHC định kỳ (quý, 6 tháng, năm) đầy đủ, đúng thời hạn",
    2,
    0.5,
    "Trừ 0,5 điểm cho mỗi báo cáo không gửi, gửi chậm hoặc không đúng đề cương hướng dẫn của UBND quận. "
    "Kiểm chứng: các báo cáo định kỳ và ngày gửi trên hệ thống quản lý văn bản.",
)

ASSIGNED_TASKS = ratio(
    "Tỷ lệ nhiệm vụ UBND quận giao được hoàn thành đúng hạn",
    2,
    "Điểm = 2 × số nhiệm vụ hoàn thành đúng hạn / tổng số nhiệm vụ được giao trong năm. Số liệu lấy từ hệ "
    "thống theo dõi nhiệm vụ do Văn phòng HĐND và UBND quận quản lý.",
    evidence=False,
)

INITIATIVE = levels(
    "Có sáng kiến, giải pháp mới trong thực hiện CCHC được áp dụng",
    1,
    (
        ("Có sáng kiến được Hội đồng sáng kiến quận công nhận", 1),
        ("Có giải pháp mới được áp dụng tại đơn vị", 0.5),
        ("Không có", 0),
    ),
    "Kiểm chứng: quyết định công nhận sáng kiến hoặc văn bản triển khai giải pháp, kèm đánh giá hiệu quả.",
)

EMULATION = yes_no(
    "Gắn kết quả thực hiện CCHC với công tác thi đua, khen thưởng",
    1,
    "Có tiêu chí CCHC trong quy chế thi đua, khen thưởng và bình xét cuối năm của đơn vị.",
)

HEAD_CHAIRS = yes_no(
    "Người đứng đầu trực tiếp chủ trì hội nghị, cuộc họp chuyên đề về CCHC",
    0.5,
    "Ít nhất một hội nghị hoặc cuộc họp chuyên đề về CCHC trong năm do người đứng đầu chủ trì. Kiểm chứng: "
    "thông báo kết luận hoặc biên bản cuộc họp.",
)

INSPECTION_PLAN = levels(
    "Ban hành kế hoạch kiểm tra công tác CCHC",
    1,
    ON_TIME,
    "Có thể là kế hoạch riêng hoặc nội dung kiểm tra CCHC trong kế hoạch kiểm tra chung của đơn vị.",
)

INSPECTION_FOLLOW_UP = bands(
    "Xử lý các vấn đề phát hiện qua kiểm tra",
    1,
    ((100, 1), (80, 0.5), (0, 0)),
    "Tỷ lệ vấn đề đã được xử lý hoặc kiến nghị cấp có thẩm quyền xử lý / tổng số vấn đề phát hiện qua "
    "kiểm tra trong năm.",
)

LEGAL_FOLLOW_UP_PLAN = yes_no(
    "Ban hành kế hoạch theo dõi tình hình thi hành pháp luật",
    1,
    "Kế hoạch theo dõi thi hành pháp luật năm trong lĩnh vực, địa bàn được giao, theo Nghị định số 32/2020/NĐ-CP.",
)

LEGAL_FOLLOW_UP_DONE = bands(
    "Mức độ hoàn thành kế hoạch theo dõi thi hành pháp luật",
    2,
    ((100, 2), (80, 1), (0, 0)),
    "Tỷ lệ nội dung hoàn thành / tổng số nội dung của kế hoạch. Kiểm chứng: báo cáo kết quả theo dõi thi "
    "hành pháp luật.",
)

DISCIPLINE = deduction(
    "Cán bộ, công chức, viên chức bị xử lý kỷ luật trong năm",
    3,
    1,
    "Trừ 1 điểm cho mỗi trường hợp bị xử lý kỷ luật từ hình thức khiển trách trở lên do vi phạm trong thực "
    "thi công vụ. Không có trường hợp nào: đạt tối đa.",
)

OFFICE_CULTURE = manual(
    "Thực hiện văn hóa công sở, quy tắc ứng xử của cán bộ, công chức",
    2,
    0.5,
    "Chấm theo kết quả kiểm tra công vụ của Phòng Nội vụ: mỗi nội dung vi phạm (giờ giấc, trang phục, thẻ "
    "công chức, thái độ giao tiếp) giảm 0,5 điểm.",
)

SPENDING_RULES = levels(
    "Ban hành, sửa đổi quy chế chi tiêu nội bộ",
    1,
    (("Ban hành kịp thời, đúng quy định", 1), ("Ban hành chậm hoặc chưa phù hợp quy định", 0.5), ("Không ban hành", 0)),
    "Quy chế chi tiêu nội bộ được ban hành hoặc rà soát, sửa đổi trong quý I, có ý kiến của tổ chức công đoàn.",
)

ASSET_RULES = yes_no(
    "Ban hành quy chế quản lý, sử dụng tài sản công",
    1,
    "Quy chế theo Luật Quản lý, sử dụng tài sản công năm 2017 và Nghị định số 151/2017/NĐ-CP.",
)

SAVINGS = manual(
    "Thực hiện tiết kiệm chi thường xuyên, tăng thu nhập cho cán bộ, công chức",
    2,
    0.5,
    "Chấm theo báo cáo quyết toán: có tiết kiệm và chi tăng thu nhập đúng quy chế 2 điểm; có tiết kiệm nhưng "
    "chưa chi tăng thu nhập 1 điểm; không tiết kiệm 0 điểm.",
)

AUTONOMY = criterion(
    "Thực hiện cơ chế tự chủ, tự chịu trách nhiệm về sử dụng biên chế và kinh phí quản lý hành chính",
    4,
    [SPENDING_RULES, ASSET_RULES, SAVINGS],
)

BUDGET_DISCLOSURE = levels(
    "Công khai dự toán, quyết toán ngân sách",
    3,
    (
        ("Công khai đầy đủ, đúng thời hạn", 3),
        ("Công khai đầy đủ nhưng chậm", 2),
        ("Công khai chưa đầy đủ", 1),
        ("Không công khai", 0),
    ),
    "Theo Thông tư số 61/2017/TT-BTC và Thông tư số 90/2018/TT-BTC: công khai tại trụ sở và trên trang "
    "thông tin điện tử trong thời hạn quy định.",
)

IT_PLAN = levels(
    "Ban hành kế hoạch ứng dụng công nghệ thông tin, chuyển đổi số năm",
    1,
    ON_TIME,
    "Kế hoạch của đơn vị triển khai kế hoạch ứng dụng CNTT, chuyển đổi số năm của UBND quận.",
)

DIGITAL_DOCUMENTS = bands(
    "Tỷ lệ văn bản đi được gửi dưới dạng điện tử, có ký số",
    2,
    ((90, 2), (70, 1), (0, 0)),
    "Tỷ lệ = văn bản đi gửi qua hệ thống quản lý văn bản và điều hành, có chữ ký số / tổng số văn bản đi "
    "(trừ văn bản mật).",
)


def _document_system(points: Number) -> Node:
    return manual(
        "Sử dụng hệ thống quản lý văn bản và điều hành trong xử lý công việc",
        points,
        0.5,
        "Chấm theo số liệu thống kê của hệ thống: xử lý văn bản đến, giao việc và theo dõi tiến độ hoàn toàn "
        "trên môi trường mạng đạt tối đa.",
    )


def _information_security(points: Number, per: Number) -> Node:
    return deduction(
        "Bảo đảm an toàn thông tin mạng",
        points,
        per,
        f"Trừ {number_text(_d(per))} điểm cho mỗi sự cố mất an toàn thông tin hoặc mỗi lỗi vi phạm quy chế bảo "
        "đảm an toàn thông tin được cơ quan chức năng phát hiện.",
    )


def _digitised_files(*, na: bool) -> Node:
    """From 2022 Decree 107/2021 requires files and results to be digitised when received."""
    return bands(
        "Tỷ lệ hồ sơ thủ tục hành chính được số hóa khi tiếp nhận",
        1,
        ((100, 1), (80, 0.5), (0, 0)),
        "Tỷ lệ hồ sơ có thành phần hồ sơ và kết quả giải quyết được số hóa, lưu trên kho dữ liệu của tổ chức, cá "
        "nhân / tổng số hồ sơ tiếp nhận trong năm.",
        na=na,
    )


ISO_MAINTAIN = levels(
    "Duy trì, cải tiến hệ thống quản lý chất lượng",
    2,
    (("Duy trì, cải tiến đầy đủ", 2), ("Duy trì nhưng chưa cải tiến", 1), ("Không duy trì", 0)),
    "Có đánh giá nội bộ, xem xét của lãnh đạo và cập nhật quy trình khi thủ tục hành chính thay đổi.",
)


def _online_services(year: int, *, points: tuple[Number, Number, Number], na: bool) -> Node:
    """Online public services; Decree 42/2022 replaced "levels 3 and 4" with "full / partial" services."""
    kind = "mức độ 3, mức độ 4" if year == 2021 else "toàn trình, một phần"
    share, files, progress = points
    return criterion(
        "Cung cấp và sử dụng dịch vụ công trực tuyến",
        sum(_d(p) for p in points),
        [
            bands(
                f"Tỷ lệ thủ tục hành chính được cung cấp dịch vụ công trực tuyến {kind}",
                share,
                ((80, share), (50, _d(share) / 2), (0, 0)),
                "Tỷ lệ thủ tục được cung cấp trên Cổng dịch vụ công của Thành phố / tổng số thủ tục thuộc thẩm "
                "quyền giải quyết.",
                na=na,
            ),
            bands(
                f"Tỷ lệ hồ sơ được tiếp nhận, giải quyết trực tuyến {kind}",
                files,
                ((50, files), (30, _d(files) / 2), (10, _d(files) / 4), (0, 0)),
                "Tỷ lệ hồ sơ nộp trực tuyến / tổng số hồ sơ tiếp nhận của các thủ tục có cung cấp dịch vụ công "
                "trực tuyến; số liệu lấy từ Cổng dịch vụ công.",
                na=na,
            ),
            yes_no(
                "Cập nhật, công khai tiến độ giải quyết hồ sơ trên Cổng dịch vụ công",
                progress,
                "100% hồ sơ được cập nhật trạng thái xử lý trên hệ thống một cửa điện tử và Cổng dịch vụ công.",
                na=na,
            ),
        ],
    )


def _project_06(*, population_data_title: str, na: bool) -> Node:
    return criterion(
        "Triển khai Đề án 06 về ứng dụng dữ liệu dân cư, định danh và xác thực điện tử",
        2,
        [
            levels(
                population_data_title,
                1,
                (
                    ("Khai thác thường xuyên, thay thế giấy tờ", 1),
                    ("Có khai thác nhưng chưa thường xuyên", 0.5),
                    ("Chưa khai thác", 0),
                ),
                "Theo Quyết định số 06/QĐ-TTg ngày 06/01/2022: sử dụng thông tin trên Cơ sở dữ liệu quốc gia về "
                "dân cư thay cho yêu cầu người dân nộp bản sao giấy tờ.",
                na=na,
            ),
            ratio(
                "Tỷ lệ cán bộ, công chức được cấp và sử dụng chữ ký số cá nhân",
                1,
                "Điểm = 1 × số cán bộ, công chức sử dụng chữ ký số / tổng số cán bộ, công chức của đơn vị.",
            ),
        ],
    )


ISO = criterion(
    "Áp dụng hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015",
    4,
    [
        ISO_MAINTAIN,
        yes_no(
            "Công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015",
            2,
            "Quyết định công bố (hoặc công bố lại khi có thay đổi) của người đứng đầu, gửi Sở Khoa học và Công "
            "nghệ theo Quyết định số 19/2014/QĐ-TTg.",
        ),
    ],
)


# ---------------------------------------------------------------- departments (phòng, ban, đơn vị)


def _department_areas(year: int) -> tuple[Node, ...]:
    dynamism = (
        [INITIATIVE, EMULATION] if year == 2021 else [INITIATIVE, {**EMULATION, "max_points": _d("0.5")}, HEAD_CHAIRS]
    )
    delegation_2021 = criterion(
        "Thực hiện phân cấp, ủy quyền quản lý",
        3,
        [
            manual(
                "Thực hiện các nhiệm vụ được UBND quận phân cấp, ủy quyền",
                2,
                0.5,
                "Chấm theo báo cáo thực hiện nhiệm vụ phân cấp: hoàn thành đầy đủ, đúng hạn đạt tối đa; mỗi nhiệm "
                "vụ chậm hoặc không thực hiện giảm 0,5 điểm.",
            ),
            yes_no(
                "Kiểm tra, đánh giá việc thực hiện nhiệm vụ được phân cấp, ủy quyền",
                1,
                "Có báo cáo tự kiểm tra, đánh giá trong năm.",
            ),
        ],
    )
    delegation_2022 = manual(
        "Thực hiện các nhiệm vụ được UBND quận phân cấp, ủy quyền và tự kiểm tra việc thực hiện",
        3,
        0.5,
        "Hoàn thành đầy đủ, đúng hạn các nhiệm vụ được phân cấp, ủy quyền và có báo cáo tự kiểm tra: 3 điểm; mỗi "
        "nhiệm vụ chậm hoặc không thực hiện giảm 0,5 điểm; không có báo cáo tự kiểm tra giảm 1 điểm.",
    )
    training = [
        bands(
            "Tỷ lệ cán bộ, công chức được đào tạo, bồi dưỡng theo kế hoạch",
            2 if year == 2021 else 1.5,
            ((100, 2), (80, 1), (0, 0)) if year == 2021 else ((100, 1.5), (80, 1), (50, 0.5), (0, 0)),
            "Tỷ lệ số lượt cán bộ, công chức được cử đi đào tạo, bồi dưỡng / số lượt theo kế hoạch của UBND quận.",
        ),
        yes_no(
            "Cử công chức tham gia bồi dưỡng kiến thức, kỹ năng về CCHC",
            1 if year == 2021 else 0.5,
            "Có công chức tham gia lớp bồi dưỡng nghiệp vụ CCHC, kiểm soát TTHC do quận hoặc Thành phố tổ chức.",
        ),
    ]
    if year >= 2022:
        training.append(
            ratio(
                "Tỷ lệ cán bộ, công chức được bồi dưỡng kiến thức, kỹ năng chuyển đổi số",
                1,
                "Điểm = 1 × số người đã được bồi dưỡng kỹ năng số / tổng số cán bộ, công chức của đơn vị.",
            )
        )
    it_use = [IT_PLAN, DIGITAL_DOCUMENTS]
    if year <= 2022:
        it_use += [
            _document_system(2),
            ratio(
                "Tỷ lệ cán bộ, công chức sử dụng thư điện tử công vụ trong trao đổi công việc",
                1,
                "Điểm = 1 × số người sử dụng thường xuyên hộp thư công vụ (@hanoi.gov.vn) / tổng số cán bộ, công chức.",
            ),
            _information_security(2, 1),
        ]
    else:
        it_use += [_document_system(1.5), _information_security(1.5, 0.5)]
    digital = [
        criterion("Ứng dụng công nghệ thông tin trong hoạt động của đơn vị", 8 if year <= 2022 else 6, it_use),
        _online_services(year, points=(2, 3, 1), na=True),
        ISO,
    ]
    if year >= 2023:
        digital.append(
            _project_06(
                population_data_title="Khai thác, sử dụng Cơ sở dữ liệu quốc gia về dân cư trong giải quyết công việc",
                na=True,
            )
        )

    return (
        area(
            AREA_TITLES[0],
            16,
            [
                PLAN,
                REPORTS,
                criterion(
                    "Kiểm tra công tác CCHC",
                    3,
                    [
                        INSPECTION_PLAN,
                        bands(
                            "Tỷ lệ bộ phận, đơn vị trực thuộc được kiểm tra CCHC trong năm",
                            1,
                            ((30, 1), (20, 0.5), (0, 0)),
                            "Không áp dụng với đơn vị không có bộ phận, đơn vị trực thuộc.",
                            na=True,
                        ),
                        INSPECTION_FOLLOW_UP,
                    ],
                ),
                manual(
                    "Công tác tuyên truyền CCHC",
                    2,
                    0.25,
                    "Mỗi hình thức tuyên truyền có sản phẩm cụ thể được 0,5 điểm (bài viết trên trang thông tin "
                    "điện tử của quận, hội nghị, cuộc thi, pa nô, tài liệu), tối đa 2 điểm; hình thức thực hiện "
                    "chưa đầy đủ được 0,25 điểm.",
                ),
                criterion("Sự năng động trong chỉ đạo, điều hành CCHC", 2, dynamism),
                ASSIGNED_TASKS,
            ],
        ),
        area(
            AREA_TITLES[1],
            12,
            [
                criterion(
                    "Tham mưu xây dựng văn bản quy phạm pháp luật",
                    4,
                    [
                        ratio(
                            "Tỷ lệ dự thảo văn bản QPPL được tham mưu đúng tiến độ theo chương trình của UBND quận",
                            2,
                            "Điểm = 2 × số dự thảo trình đúng hạn / số dự thảo đơn vị được giao chủ trì. Không áp "
                            "dụng nếu trong năm đơn vị không được giao chủ trì soạn thảo.",
                            na=True,
                        ),
                        deduction(
                            "Thực hiện đúng quy trình xây dựng văn bản QPPL (lấy ý kiến, thẩm định, đánh giá tác động)",
                            2,
                            0.5,
                            "Trừ 0,5 điểm cho mỗi dự thảo bị Phòng Tư pháp trả lại do thiếu bước trong quy trình "
                            "theo Luật Ban hành văn bản QPPL.",
                            na=True,
                        ),
                    ],
                ),
                criterion(
                    "Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
                    3,
                    [
                        levels(
                            "Ban hành kế hoạch rà soát, hệ thống hóa văn bản QPPL thuộc lĩnh vực quản lý",
                            1,
                            ON_TIME,
                            "Kế hoạch rà soát năm theo hướng dẫn của Phòng Tư pháp.",
                        ),
                        bands(
                            "Xử lý kết quả rà soát, hệ thống hóa văn bản QPPL",
                            2,
                            ((100, 2), (80, 1), (0, 0)),
                            "Tỷ lệ văn bản đã được xử lý hoặc kiến nghị sửa đổi, bổ sung, thay thế, bãi bỏ / tổng "
                            "số văn bản cần xử lý sau rà soát.",
                        ),
                    ],
                ),
                criterion(
                    "Theo dõi thi hành pháp luật, kiểm tra việc thực hiện văn bản QPPL",
                    3,
                    [LEGAL_FOLLOW_UP_PLAN, LEGAL_FOLLOW_UP_DONE],
                ),
                manual(
                    "Phổ biến, giáo dục pháp luật cho cán bộ, công chức và đối tượng quản lý",
                    2,
                    0.5,
                    "Có kế hoạch phổ biến, giáo dục pháp luật (0,5 điểm); tổ chức phổ biến các văn bản mới thuộc "
                    "lĩnh vực quản lý (tối đa 1 điểm); có hình thức phù hợp với đối tượng (0,5 điểm).",
                ),
            ],
        ),
        area(
            AREA_TITLES[2],
            18,
            [
                criterion(
                    "Kiểm soát thủ tục hành chính",
                    4,
                    [
                        levels(
                            "Ban hành kế hoạch rà soát, đánh giá thủ tục hành chính",
                            1,
                            ON_TIME,
                            "Kế hoạch rà soát, đánh giá TTHC thuộc lĩnh vực quản lý theo kế hoạch của UBND quận.",
                        ),
                        bands(
                            "Mức độ hoàn thành kế hoạch rà soát, đánh giá thủ tục hành chính",
                            1,
                            ((100, 1), (80, 0.5), (0, 0)),
                            "Tỷ lệ thủ tục đã rà soát, có phương án đơn giản hóa / số thủ tục theo kế hoạch.",
                        ),
                        levels(
                            "Tham mưu công bố, công khai thủ tục hành chính thuộc lĩnh vực quản lý",
                            2,
                            (("Đầy đủ, kịp thời", 2), ("Đầy đủ nhưng chậm", 1), ("Chưa đầy đủ", 0)),
                            "Tham mưu UBND quận niêm yết thủ tục mới, sửa đổi trong thời hạn 5 ngày làm việc kể từ "
                            "ngày Thành phố công bố. Không áp dụng với đơn vị không có TTHC.",
                            na=True,
                        ),
                    ],
                ),
                criterion(
                    "Giải quyết hồ sơ thủ tục hành chính",
                    6,
                    [
                        bands(
                            "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn",
                            3,
                            ((100, 3), (98, 2), (95, 1), (0, 0)),
                            "Số liệu trên hệ thống một cửa điện tử của quận: hồ sơ giải quyết đúng và trước hạn / "
                            "tổng số hồ sơ đã giải quyết trong năm.",
                            na=True,
                        ),
                        yes_no(
                            "Thực hiện xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn",
                            1,
                            "Có văn bản xin lỗi, hẹn lại ngày trả kết quả cho 100% hồ sơ quá hạn. Không áp dụng "
                            "nếu không có hồ sơ quá hạn.",
                            na=True,
                        ),
                        deduction(
                            "Hồ sơ bị yêu cầu bổ sung quá một lần",
                            2 if year == 2021 else 1,
                            0.5,
                            "Trừ 0,5 điểm cho mỗi hồ sơ bị yêu cầu bổ sung, hoàn thiện quá một lần (theo phiếu "
                            "yêu cầu bổ sung trên hệ thống một cửa điện tử).",
                        ),
                        *([] if year == 2021 else [_digitised_files(na=True)]),
                    ],
                ),
                ratio(
                    "Tỷ lệ phản ánh, kiến nghị về thủ tục hành chính được xử lý đúng hạn",
                    2,
                    "Điểm = 2 × số phản ánh, kiến nghị xử lý đúng hạn / tổng số phản ánh, kiến nghị tiếp nhận. "
                    "Không áp dụng nếu trong năm không có phản ánh, kiến nghị.",
                    na=True,
                ),
                survey(
                    "Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của đơn vị",
                    6,
                    "Điểm nhập từ kết quả điều tra xã hội học do Phòng Nội vụ tổ chức: tỷ lệ trả lời Rất hài lòng "
                    "(100%), Hài lòng (60%), Bình thường (20%), Không hài lòng (0%). Đơn vị không nộp tài liệu.",
                ),
            ],
        ),
        area(
            AREA_TITLES[3],
            10,
            [
                criterion(
                    "Thực hiện quy định về tổ chức bộ máy",
                    4,
                    [
                        levels(
                            "Tham mưu ban hành quy định chức năng, nhiệm vụ, quyền hạn và quy chế làm việc của đơn vị",
                            1,
                            (
                                ("Đầy đủ, kịp thời", 1),
                                ("Có nhưng chưa cập nhật theo quy định mới", 0.5),
                                ("Không có", 0),
                            ),
                            "Quyết định của UBND quận quy định chức năng, nhiệm vụ và quy chế làm việc còn hiệu lực.",
                        ),
                        yes_no(
                            "Thực hiện đúng quy định về cơ cấu, số lượng cấp phó",
                            1,
                            "Số lượng cấp phó không vượt quy định tại Nghị định số 37/2014/NĐ-CP (sửa đổi bởi Nghị "
                            "định số 108/2020/NĐ-CP).",
                        ),
                        levels(
                            "Rà soát, sắp xếp tổ chức bộ máy theo chỉ đạo của UBND quận",
                            2,
                            (("Hoàn thành đúng hạn", 2), ("Hoàn thành chậm", 1), ("Chưa thực hiện", 0)),
                            "Kiểm chứng: báo cáo rà soát, phương án sắp xếp gửi Phòng Nội vụ.",
                        ),
                    ],
                ),
                criterion(
                    "Quản lý, sử dụng biên chế",
                    3,
                    [
                        yes_no(
                            "Sử dụng biên chế không vượt số lượng được giao",
                            1.5,
                            "Đối chiếu quyết định giao biên chế năm với danh sách trả lương tháng 12.",
                        ),
                        ratio(
                            "Thực hiện tinh giản biên chế theo kế hoạch",
                            1.5,
                            "Điểm = 1,5 × số biên chế đã tinh giản / số phải tinh giản theo kế hoạch của UBND quận.",
                        ),
                    ],
                ),
                delegation_2021 if year == 2021 else delegation_2022,
            ],
        ),
        area(
            AREA_TITLES[4],
            14,
            [
                criterion(
                    "Xác định vị trí việc làm và cơ cấu công chức theo ngạch",
                    3,
                    [
                        levels(
                            "Xây dựng, điều chỉnh đề án vị trí việc làm",
                            1,
                            (
                                ("Đúng hạn, đúng hướng dẫn", 1),
                                ("Chậm hoặc phải chỉnh sửa nhiều lần", 0.5),
                                ("Không thực hiện", 0),
                            ),
                            "Theo Nghị định số 62/2020/NĐ-CP và hướng dẫn của Phòng Nội vụ.",
                        ),
                        bands(
                            "Tỷ lệ công chức được bố trí theo đúng vị trí việc làm được phê duyệt",
                            2,
                            ((100, 2), (90, 1), (0, 0)),
                            "Tỷ lệ công chức bố trí đúng vị trí việc làm / tổng số công chức của đơn vị.",
                        ),
                    ],
                ),
                deduction(
                    "Thực hiện đánh giá, xếp loại cán bộ, công chức đúng quy định",
                    3,
                    1,
                    "Trừ 1 điểm cho mỗi trường hợp đánh giá, xếp loại không đúng trình tự hoặc tiêu chí theo Nghị "
                    "định số 90/2020/NĐ-CP.",
                ),
                criterion("Đào tạo, bồi dưỡng cán bộ, công chức", 3, training),
                criterion("Chấp hành kỷ luật, kỷ cương hành chính", 5, [OFFICE_CULTURE, DISCIPLINE]),
            ],
        ),
        area(
            AREA_TITLES[5],
            12,
            [
                AUTONOMY,
                criterion(
                    "Quản lý, sử dụng ngân sách được giao",
                    5,
                    [
                        bands(
                            "Tỷ lệ giải ngân dự toán ngân sách được giao",
                            3,
                            ((95, 3), (90, 2), (80, 1), (0, 0)),
                            "Tỷ lệ số đã giải ngân / dự toán được giao (kể cả bổ sung trong năm), theo số liệu của "
                            "Kho bạc Nhà nước.",
                        ),
                        deduction(
                            "Sai phạm về tài chính, ngân sách được phát hiện qua thanh tra, kiểm toán",
                            2,
                            0.5,
                            "Trừ 0,5 điểm cho mỗi sai phạm có kết luận của cơ quan thanh tra, kiểm toán.",
                        ),
                    ],
                ),
                BUDGET_DISCLOSURE,
            ],
        ),
        area(AREA_TITLES[6], 18, digital),
    )


# ---------------------------------------------------------------- wards (UBND phường)


def _ward_areas(year: int) -> tuple[Node, ...]:
    outreach = [
        manual(
            "Tuyên truyền CCHC trên hệ thống loa truyền thanh, bảng tin tổ dân phố",
            1 if year == 2021 else 0.5,
            0.25,
            "Có lịch phát thanh chuyên mục CCHC hằng tháng và bảng tin tại các tổ dân phố: tối đa; thực hiện "
            "chưa thường xuyên giảm từng bước 0,25 điểm.",
        ),
        yes_no(
            "Chủ tịch UBND phường tổ chức đối thoại với người dân về CCHC",
            1,
            "Ít nhất một buổi đối thoại trong năm. Kiểm chứng: thông báo, biên bản đối thoại.",
        ),
    ]
    if year >= 2022:
        outreach.append(
            yes_no(
                "Tuyên truyền CCHC trên trang thông tin điện tử, mạng xã hội của phường",
                0.5,
                "Có chuyên mục CCHC trên trang thông tin điện tử hoặc nhóm Zalo, trang Facebook chính thức của "
                "phường, cập nhật ít nhất hằng tháng.",
            )
        )
    mediation = bands(
        "Tỷ lệ vụ việc hòa giải thành ở cơ sở",
        1 if year == 2021 else 1.5,
        ((80, 1), (60, 0.5), (0, 0)) if year == 2021 else ((80, 1.5), (60, 1), (40, 0.5), (0, 0)),
        "Tỷ lệ vụ việc hòa giải thành / tổng số vụ việc các tổ hòa giải tiếp nhận. Không áp dụng nếu trong năm "
        "không phát sinh vụ việc.",
        na=True,
    )
    legal_education = manual(
        "Phổ biến, giáo dục pháp luật cho nhân dân trên địa bàn",
        1 if year == 2021 else 1.5,
        0.25,
        "Có kế hoạch và tổ chức phổ biến các văn bản pháp luật mới đến tổ dân phố, hộ gia đình; mỗi hình thức có "
        "sản phẩm được 0,25 điểm.",
    )
    legal_education_items = [legal_education, mediation]
    if year == 2021:
        legal_education_items.append(
            yes_no(
                "Phường được công nhận đạt chuẩn tiếp cận pháp luật",
                1,
                "Theo Quyết định số 619/QĐ-TTg và quyết định công nhận của Chủ tịch UBND quận.",
            )
        )
    civil_status = [
        deduction(
            "Giải quyết đăng ký khai sinh, kết hôn, khai tử đúng thời hạn",
            2,
            0.5,
            "Trừ 0,5 điểm cho mỗi hồ sơ hộ tịch giải quyết quá hạn theo Luật Hộ tịch.",
        ),
        ratio(
            "Cập nhật dữ liệu hộ tịch vào Cơ sở dữ liệu hộ tịch điện tử",
            2 if year == 2021 else 1.5,
            "Điểm = tối đa × số sự kiện hộ tịch đã cập nhật / tổng số sự kiện đăng ký trong năm.",
        ),
        manual(
            "Thực hiện chứng thực bản sao từ bản chính, chứng thực chữ ký đúng quy định",
            2 if year == 2021 else 1.5,
            0.5,
            "Chấm theo kết quả kiểm tra của Phòng Tư pháp: sổ chứng thực ghi đầy đủ, lưu trữ đúng quy định; mỗi "
            "sai sót giảm 0,5 điểm.",
        ),
    ]
    if year >= 2022:
        civil_status.append(
            yes_no(
                "Thực hiện liên thông thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ "
                "em dưới 6 tuổi",
                1,
                "Tiếp nhận và trả kết quả liên thông qua Bộ phận Một cửa; kiểm chứng: số liệu trên hệ thống một "
                "cửa điện tử.",
            )
        )
    online = (
        _online_services(year, points=(2, 4, 2), na=False)
        if year <= 2022
        else _online_services(year, points=(1.5, 3, 1.5), na=False)
    )
    digital = [
        criterion(
            "Ứng dụng công nghệ thông tin trong hoạt động của UBND phường",
            7,
            [IT_PLAN, DIGITAL_DOCUMENTS, _document_system(2), _information_security(2, 1)],
        ),
        online,
        criterion(
            "Áp dụng hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2015",
            3,
            [
                ISO_MAINTAIN,
                yes_no(
                    "Công bố hệ thống quản lý chất lượng phù hợp TCVN ISO 9001:2015",
                    1,
                    "Quyết định công bố (hoặc công bố lại khi có thay đổi) của Chủ tịch UBND phường.",
                ),
            ],
        ),
        levels(
            "Duy trì trang thông tin điện tử của phường",
            2,
            (("Cập nhật thường xuyên, đầy đủ chuyên mục", 2), ("Cập nhật chưa thường xuyên", 1), ("Không duy trì", 0)),
            "Trang thông tin điện tử có chuyên mục TTHC, lịch tiếp công dân và văn bản chỉ đạo, cập nhật ít nhất "
            "hằng tuần.",
        ),
    ]
    if year >= 2023:
        digital.append(
            _project_06(
                population_data_title="Khai thác Cơ sở dữ liệu quốc gia về dân cư khi giải quyết thủ tục hành chính",
                na=False,
            )
        )

    return (
        area(
            AREA_TITLES[0],
            14,
            [
                PLAN,
                REPORTS,
                criterion("Kiểm tra công tác CCHC", 2, [INSPECTION_PLAN, INSPECTION_FOLLOW_UP]),
                criterion("Công tác tuyên truyền CCHC", 2, outreach),
                {**INITIATIVE, "title": "Sự năng động: có sáng kiến, giải pháp mới trong CCHC được áp dụng"},
                ASSIGNED_TASKS,
            ],
        ),
        area(
            AREA_TITLES[1],
            8,
            [
                levels(
                    "Rà soát, hệ thống hóa văn bản QPPL do HĐND, UBND phường ban hành",
                    2,
                    (("Hoàn thành đúng hạn", 2), ("Hoàn thành chậm", 1), ("Không thực hiện", 0)),
                    "Theo kế hoạch rà soát của UBND quận; kiểm chứng: báo cáo kết quả rà soát gửi Phòng Tư pháp.",
                ),
                criterion(
                    "Theo dõi thi hành pháp luật, kiểm tra việc thực hiện văn bản QPPL trên địa bàn",
                    3,
                    [LEGAL_FOLLOW_UP_PLAN, LEGAL_FOLLOW_UP_DONE],
                ),
                criterion("Phổ biến, giáo dục pháp luật; hòa giải ở cơ sở", 3, legal_education_items),
            ],
        ),
        area(
            AREA_TITLES[2],
            26,
            [
                criterion(
                    "Công khai thủ tục hành chính",
                    3,
                    [
                        levels(
                            "Niêm yết, công khai thủ tục hành chính tại Bộ phận Một cửa",
                            2,
                            (("Đầy đủ, đúng quy định", 2), ("Chưa đầy đủ", 1), ("Không niêm yết", 0)),
                            "Niêm yết đầy đủ thủ tục thuộc thẩm quyền của UBND phường, cập nhật theo quyết định "
                            "công bố mới nhất; có mã QR tra cứu thủ tục.",
                        ),
                        yes_no(
                            "Công khai số điện thoại đường dây nóng, địa chỉ tiếp nhận phản ánh, kiến nghị",
                            1,
                            "Kiểm chứng: ảnh chụp bảng niêm yết tại trụ sở.",
                        ),
                    ],
                ),
                criterion(
                    "Thực hiện cơ chế một cửa, một cửa liên thông",
                    6,
                    [
                        levels(
                            "Bố trí Bộ phận Tiếp nhận và Trả kết quả đúng quy định",
                            2,
                            (
                                ("Đúng quy định về diện tích, trang thiết bị, nhân sự", 2),
                                ("Chưa đầy đủ", 1),
                                ("Không đúng quy định", 0),
                            ),
                            "Theo Nghị định số 61/2018/NĐ-CP: khu vực chờ, máy tra cứu, máy lấy số, thiết bị đánh giá "
                            "mức độ hài lòng.",
                        ),
                        bands(
                            "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn",
                            3 if year == 2021 else 2,
                            ((100, 3), (98, 2), (95, 1), (0, 0))
                            if year == 2021
                            else ((100, 2), (98, 1.5), (95, 1), (0, 0)),
                            "Số liệu trên hệ thống một cửa điện tử: hồ sơ giải quyết đúng và trước hạn / tổng số "
                            "hồ sơ đã giải quyết trong năm.",
                        ),
                        yes_no(
                            "Thực hiện xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn",
                            1,
                            "Có văn bản xin lỗi, hẹn lại ngày trả kết quả cho 100% hồ sơ quá hạn. Không áp dụng "
                            "nếu không có hồ sơ quá hạn.",
                            na=True,
                        ),
                        *([] if year == 2021 else [_digitised_files(na=False)]),
                    ],
                ),
                criterion("Đăng ký, quản lý hộ tịch và chứng thực", 6, civil_status),
                ratio(
                    "Tỷ lệ phản ánh, kiến nghị về thủ tục hành chính được xử lý đúng hạn",
                    3,
                    "Điểm = 3 × số phản ánh, kiến nghị xử lý đúng hạn / tổng số tiếp nhận. Không áp dụng nếu "
                    "trong năm không có phản ánh, kiến nghị.",
                    na=True,
                ),
                survey(
                    "Mức độ hài lòng của người dân, tổ chức đối với việc giải quyết thủ tục hành chính",
                    8,
                    "Điểm nhập từ kết quả điều tra xã hội học tại Bộ phận Một cửa và qua thiết bị đánh giá: tỷ lệ "
                    "trả lời Rất hài lòng (100%), Hài lòng (60%), Bình thường (20%), Không hài lòng (0%). Đơn vị "
                    "không nộp tài liệu.",
                ),
            ],
        ),
        area(
            AREA_TITLES[3],
            8,
            [
                criterion(
                    "Thực hiện quy định về tổ chức bộ máy",
                    4,
                    [
                        levels(
                            "Ban hành quy chế làm việc của UBND phường",
                            1,
                            (
                                ("Ban hành kịp thời, đúng quy định", 1),
                                ("Chưa cập nhật theo quy định mới", 0.5),
                                ("Không ban hành", 0),
                            ),
                            "Quy chế làm việc nhiệm kỳ 2021–2026, cập nhật khi có thay đổi về nhân sự lãnh đạo.",
                        ),
                        yes_no(
                            "Phân công nhiệm vụ rõ ràng cho lãnh đạo, công chức",
                            1,
                            "Có quyết định phân công nhiệm vụ của Chủ tịch UBND phường.",
                        ),
                        manual(
                            "Thực hiện các nhiệm vụ được UBND quận phân cấp, ủy quyền",
                            2,
                            0.5,
                            "Mỗi nhiệm vụ chậm hoặc không thực hiện giảm 0,5 điểm.",
                        ),
                    ],
                ),
                criterion(
                    "Quản lý cán bộ, công chức và người hoạt động không chuyên trách",
                    4,
                    [
                        yes_no(
                            "Bố trí số lượng cán bộ, công chức đúng quy định",
                            2,
                            "Không vượt số lượng theo Nghị định số 34/2019/NĐ-CP và quyết định giao của UBND quận.",
                        ),
                        levels(
                            "Tổ chức, hoạt động của tổ dân phố đúng quy định",
                            2,
                            (("Đúng quy định", 2), ("Còn tồn tại, chưa khắc phục", 1), ("Không đúng quy định", 0)),
                            "Theo Thông tư số 04/2012/TT-BNV và quy định của Thành phố về tổ dân phố.",
                        ),
                    ],
                ),
            ],
        ),
        area(
            AREA_TITLES[4],
            12,
            [
                bands(
                    "Tỷ lệ công chức được bố trí đúng chức danh",
                    2,
                    ((100, 2), (90, 1), (0, 0)),
                    "Tỷ lệ công chức phường được bố trí đúng chức danh theo quyết định tuyển dụng / tổng số.",
                ),
                deduction(
                    "Thực hiện đánh giá, xếp loại cán bộ, công chức đúng quy định",
                    2,
                    1,
                    "Trừ 1 điểm cho mỗi trường hợp đánh giá, xếp loại không đúng trình tự hoặc tiêu chí.",
                ),
                criterion(
                    "Đào tạo, bồi dưỡng cán bộ, công chức",
                    3,
                    [
                        bands(
                            "Tỷ lệ cán bộ, công chức phường đạt chuẩn về trình độ chuyên môn",
                            2,
                            ((100, 2), (90, 1), (0, 0)),
                            "Theo tiêu chuẩn tại Thông tư số 13/2019/TT-BNV.",
                        ),
                        ratio(
                            "Tỷ lệ cán bộ, công chức được bồi dưỡng theo kế hoạch",
                            1,
                            "Điểm = 1 × số lượt được bồi dưỡng / số lượt theo kế hoạch.",
                        ),
                    ],
                ),
                criterion(
                    "Chấp hành kỷ luật, kỷ cương hành chính",
                    5,
                    [
                        {**OFFICE_CULTURE, "title": "Thực hiện văn hóa công sở, quy tắc ứng xử tại Bộ phận Một cửa"},
                        DISCIPLINE,
                    ],
                ),
            ],
        ),
        area(
            AREA_TITLES[5],
            12,
            [
                AUTONOMY,
                criterion(
                    "Quản lý, sử dụng ngân sách phường",
                    5,
                    [
                        bands(
                            "Tỷ lệ thu ngân sách trên địa bàn so với dự toán được giao",
                            2,
                            ((100, 2), (95, 1.5), (90, 1), (0, 0)),
                            "Theo số liệu quyết toán thu ngân sách của Chi cục Thuế khu vực.",
                        ),
                        bands(
                            "Tỷ lệ giải ngân vốn đầu tư công được giao",
                            2,
                            ((95, 2), (80, 1), (0, 0)),
                            "Không áp dụng nếu trong năm phường không được giao vốn đầu tư công.",
                            na=True,
                        ),
                        deduction(
                            "Sai phạm về tài chính, ngân sách được phát hiện qua thanh tra, kiểm toán",
                            1,
                            0.5,
                            "Trừ 0,5 điểm cho mỗi sai phạm có kết luận của cơ quan thanh tra, kiểm toán.",
                        ),
                    ],
                ),
                {**BUDGET_DISCLOSURE, "title": "Công khai dự toán, quyết toán ngân sách phường"},
            ],
        ),
        area(AREA_TITLES[6], 20, digital),
    )


# ---------------------------------------------------------------- bonus and penalty items


ItemRow = tuple[str, str, Number]  # (code, title, maximum points)
Item = tuple[str, str, str, Decimal]  # (kind, code, title, maximum points)


def adjustment_items(bonus: Sequence[ItemRow], penalty: Sequence[ItemRow]) -> tuple[Item, ...]:
    """A framework's bonus items then its penalty items, each given as (code, title, maximum points)."""
    return tuple((AdjustmentItem.Kind.BONUS, code, title, _d(points)) for code, title, points in bonus) + tuple(
        (AdjustmentItem.Kind.PENALTY, code, title, _d(points)) for code, title, points in penalty
    )


def spec_of(name: str, areas: Sequence[Node], adjustments: tuple[Item, ...]) -> dict:
    """What seed_framework builds: a framework's name, its caps (3 points of bonus, 5 of penalty, in every demo
    framework), its tree of areas and its bonus and penalty items."""
    return {
        "name": name,
        "bonus_cap": Decimal("3"),
        "penalty_cap": Decimal("5"),
        "areas": areas,
        "adjustments": adjustments,
    }


def _adjustments(block_code: str, year: int) -> tuple[Item, ...]:
    bonus = [
        ("TH1", "Có sáng kiến CCHC được Hội đồng sáng kiến quận công nhận", "1.5"),
        ("TH2", "Được cấp có thẩm quyền khen thưởng về công tác CCHC", "1.5"),
    ]
    if year >= 2023:
        bonus.append(("TH3", "Có mô hình, cách làm hay về chuyển đổi số được Thành phố ghi nhận, nhân rộng", "1"))
    penalty = [
        ("TR1", "Để xảy ra vi phạm kỷ luật trong thực thi công vụ bị cấp có thẩm quyền kết luận", "2"),
        ("TR2", "Có phản ánh, kiến nghị đúng về thủ tục hành chính được cơ quan có thẩm quyền xác nhận", "1"),
        ("TR3", "Bị UBND quận phê bình vì chậm thực hiện nhiệm vụ CCHC được giao", "1"),
    ]
    if block_code == WARDS:
        penalty.append(("TR4", "Để xảy ra đơn thư khiếu nại, tố cáo vượt cấp về giải quyết thủ tục hành chính", "1"))
    return adjustment_items(bonus, penalty)


BLOCK_FRAMEWORK_NAMES = {
    DEPARTMENTS: "Bộ chỉ số CCHC các phòng, ban, đơn vị thuộc UBND quận năm {year}",
    WARDS: "Bộ chỉ số CCHC UBND các phường năm {year}",
}


def framework_spec(block_code: str, year: int) -> dict:
    """The whole framework of one block in one year: name, caps, tree and bonus/penalty items."""
    if year not in YEARS or block_code not in BLOCK_CODES:
        raise KeyError((block_code, year))
    areas = _department_areas(year) if block_code == DEPARTMENTS else _ward_areas(year)
    return spec_of(BLOCK_FRAMEWORK_NAMES[block_code].format(year=year), areas, _adjustments(block_code, year))


def numbered(nodes: Sequence[Node], prefix: str = "") -> Iterator[tuple[str, str, Node]]:
    """(code, parent code, node) for every node, parents before children."""
    for index, node in enumerate(nodes, start=1):
        code = f"{prefix}.{index}" if prefix else str(index)
        yield code, prefix, node
        yield from numbered(node["children"], code)


def spec_leaves(spec: dict) -> list[tuple[str, Node]]:
    return [(code, node) for code, _, node in numbered(spec["areas"]) if not node["children"]]


def seed_framework(period: Period, block: Block, spec: dict, *, actor: User, cloned_from: Framework | None = None):
    """The block's framework of the period from a spec, its criteria built (and audited) only while it is empty and
    the period not frozen: seeding again changes nothing."""
    framework, created = Framework.objects.get_or_create(
        period=period,
        block=block,
        defaults={
            "name": spec["name"],
            "bonus_cap": spec["bonus_cap"],
            "penalty_cap": spec["penalty_cap"],
            "cloned_from": cloned_from,
        },
    )
    if not period.frameworks_are_frozen and not framework.criteria.exists():
        count = build_framework(framework=framework, spec=spec)
        AuditEvent.objects.create(
            actor=actor,
            action="framework.seed",
            period=period,
            summary=f"{framework} ({count} tiêu chí)",
            data={"framework_id": framework.id, "criteria": count, "created": created},
        )
    return framework


def build_framework(*, framework: Framework, spec: dict) -> int:
    """Create the spec's criteria, rule options and bonus/penalty items for an empty framework.

    One bulk insert per tree depth, plus one for options and one for adjustments; returns the
    number of criteria created.
    """
    created: dict[str, Criterion] = {}
    by_depth: dict[int, list[tuple[str, str, Node]]] = {}
    for code, parent_code, node in numbered(spec["areas"]):
        by_depth.setdefault(code.count("."), []).append((code, parent_code, node))
    options: list[RuleOption] = []
    for depth in sorted(by_depth):
        rows = []
        for code, parent_code, node in by_depth[depth]:
            rows.append(
                Criterion(
                    framework=framework,
                    parent=created.get(parent_code),
                    code=code,
                    title=node["title"],
                    guidance=node["guidance"],
                    max_points=node["max_points"],
                    position=int(code.rpartition(".")[2]),
                    rule_type=node.get("rule_type", ""),
                    step=node.get("step"),
                    deduction_per_occurrence=node.get("deduction_per_occurrence"),
                    evidence_required=node.get("evidence_required", True),
                    allows_not_applicable=node.get("allows_not_applicable", False),
                )
            )
        for criterion_row in Criterion.objects.bulk_create(rows):
            created[criterion_row.code] = criterion_row
        for code, _, node in by_depth[depth]:
            options.extend(
                RuleOption(criterion=created[code], position=position, label=label, points=points, min_percent=bound)
                for position, (label, points, bound) in enumerate(node.get("options", ()))
            )
    RuleOption.objects.bulk_create(options)
    AdjustmentItem.objects.bulk_create(
        AdjustmentItem(framework=framework, kind=kind, code=code, title=title, max_points=points, position=position)
        for position, (kind, code, title, points) in enumerate(spec["adjustments"])
    )
    return len(created)
