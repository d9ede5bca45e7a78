"""Criteria frameworks of the province demo (a city scoring its departments, wards and communes since 07/2025).

Modelled on Hà Nội's framework for departments and communes (QĐ 5666/QĐ-UBND, 17/11/2025): eight contents of
100 points — the eighth the impact on citizens and businesses, with the satisfaction survey — plus a separate
bonus and penalty part with caps. The three blocks share the tree; the words change with who is assessed.
"""

from scoring.demo.frameworks import (
    ON_TIME,
    Item,
    adjustment_items,
    area,
    bands,
    criterion,
    deduction,
    levels,
    manual,
    ratio,
    spec_of,
    survey,
    yes_no,
)

YEARS = (2025, 2026)
DEPARTMENTS, WARDS, COMMUNES = "so-nganh", "phuong", "xa"
BLOCK_CODES = (DEPARTMENTS, WARDS, COMMUNES)

# Who the framework speaks of, per block: (the unit, its one-stop shop, its superior).
WORDS = {
    DEPARTMENTS: ("sở, ban, ngành", "Bộ phận tiếp nhận tại Trung tâm Phục vụ hành chính công thành phố"),
    WARDS: ("UBND phường", "Trung tâm Phục vụ hành chính công phường"),
    COMMUNES: ("UBND xã, đặc khu", "Trung tâm Phục vụ hành chính công xã, đặc khu"),
}

NAMES = {
    DEPARTMENTS: "Bộ chỉ số CCHC các sở, ban, ngành thành phố năm {year}",
    WARDS: "Bộ chỉ số CCHC UBND các phường năm {year}",
    COMMUNES: "Bộ chỉ số CCHC UBND các xã, đặc khu năm {year}",
}


def _areas(block_code: str, year: int) -> tuple:
    unit, one_stop = WORDS[block_code]
    is_department = block_code == DEPARTMENTS
    return (
        area(
            "Công tác chỉ đạo, điều hành CCHC",
            9,
            (
                criterion(
                    "Kế hoạch CCHC năm",
                    3,
                    (
                        levels(
                            "Ban hành kế hoạch CCHC năm",
                            1,
                            ON_TIME,
                            f"Kế hoạch của {unit} ban hành trước ngày 31/12 năm trước là kịp thời.",
                        ),
                        bands(
                            "Mức độ thực hiện kế hoạch CCHC",
                            2,
                            ((100, 2), (80, 1), (0, 0)),
                            "Tỷ lệ nhiệm vụ trong kế hoạch hoàn thành đúng hạn.",
                        ),
                    ),
                ),
                deduction(
                    "Báo cáo CCHC định kỳ (quý, 6 tháng, năm)",
                    1.5,
                    0.5,
                    "Trừ 0,5 điểm cho mỗi báo cáo chậm hạn hoặc sai mẫu.",
                ),
                ratio(
                    "Tỷ lệ nhiệm vụ CCHC UBND thành phố giao được hoàn thành",
                    2,
                    "Số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ được giao trong năm.",
                ),
                yes_no(
                    "Kiểm tra công tác CCHC đối với đơn vị trực thuộc",
                    1,
                    "Có kế hoạch và báo cáo kết quả kiểm tra trong năm.",
                    na=not is_department,
                ),
                manual(
                    "Tuyên truyền về CCHC",
                    1.5,
                    0.25,
                    "Hội đồng chấm theo số lượng và chất lượng tin bài, hình thức tuyên truyền.",
                ),
            ),
        ),
        area(
            "Cải cách thể chế",
            8,
            (
                levels(
                    "Xây dựng, ban hành văn bản quy phạm pháp luật",
                    3,
                    (("Đúng trình tự, thời hạn", 3), ("Có văn bản chậm so với chương trình", 1.5), ("Không đạt", 0)),
                    "Theo chương trình xây dựng văn bản được giao trong năm.",
                ),
                yes_no("Theo dõi thi hành pháp luật", 1.5, "Có kế hoạch và báo cáo theo dõi thi hành pháp luật."),
                bands(
                    "Tự kiểm tra, rà soát văn bản quy phạm pháp luật",
                    2,
                    ((100, 2), (90, 1), (0, 0)),
                    "Tỷ lệ văn bản thuộc phạm vi đã được tự kiểm tra, rà soát.",
                ),
                ratio(
                    "Xử lý văn bản trái pháp luật được phát hiện",
                    1.5,
                    "Số văn bản đã xử lý / số văn bản trái pháp luật được phát hiện.",
                    na=True,
                ),
            ),
        ),
        area(
            "Cải cách thủ tục hành chính",
            14,
            (
                criterion(
                    "Công khai thủ tục hành chính",
                    3,
                    (
                        yes_no(
                            "Công khai đầy đủ trên Cổng Dịch vụ công quốc gia",
                            1.5,
                            "Kiểm tra ngẫu nhiên thủ tục trên Cổng.",
                        ),
                        yes_no(f"Công khai tại {one_stop}", 1.5, "Kiểm tra tại nơi tiếp nhận hồ sơ."),
                    ),
                ),
                bands(
                    "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn",
                    5,
                    ((100, 5), (98, 4), (95, 3), (90, 2), (0, 0)),
                    "Số liệu trên Hệ thống thông tin giải quyết thủ tục hành chính của thành phố.",
                ),
                deduction(
                    "Hồ sơ trễ hạn không có văn bản xin lỗi",
                    2,
                    0.5,
                    "Trừ 0,5 điểm cho mỗi hồ sơ trễ hạn không có văn bản xin lỗi người dân, tổ chức.",
                ),
                ratio(
                    "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính",
                    2,
                    "Số phản ánh, kiến nghị xử lý đúng hạn / số tiếp nhận.",
                ),
                bands(
                    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
                    2,
                    ((100, 2), (80, 1), (0, 0)),
                    "Tỷ lệ hồ sơ được số hóa khi tiếp nhận và trả kết quả.",
                ),
            ),
        ),
        area(
            "Cải cách tổ chức bộ máy hành chính",
            7,
            (
                levels(
                    "Sắp xếp tổ chức bộ máy theo quy định",
                    3,
                    (("Hoàn thành đúng thời hạn", 3), ("Hoàn thành chậm", 1.5), ("Chưa hoàn thành", 0)),
                    "Theo kế hoạch sắp xếp tổ chức bộ máy của thành phố sau ngày 01/7/2025.",
                ),
                yes_no("Thực hiện phân cấp, ủy quyền", 2, "Có văn bản và báo cáo thực hiện phân cấp, ủy quyền."),
                levels(
                    "Quản lý biên chế được giao",
                    2,
                    (("Không vượt số biên chế được giao", 2), ("Vượt số biên chế được giao", 0)),
                    "Đối chiếu quyết định giao biên chế năm.",
                ),
            ),
        ),
        area(
            "Cải cách chế độ công vụ",
            9,
            (
                levels(
                    "Xác định và thực hiện vị trí việc làm",
                    2,
                    (("Phê duyệt và thực hiện đúng", 2), ("Có nội dung chưa đúng", 1), ("Chưa thực hiện", 0)),
                    "Đề án vị trí việc làm được phê duyệt và bố trí công chức theo vị trí.",
                ),
                yes_no("Đánh giá, xếp loại cán bộ, công chức, viên chức", 2, "Đúng quy trình và thời hạn."),
                bands(
                    "Đào tạo, bồi dưỡng cán bộ, công chức",
                    2,
                    ((100, 2), (80, 1), (0, 0)),
                    "Tỷ lệ hoàn thành kế hoạch đào tạo, bồi dưỡng năm.",
                ),
                deduction(
                    "Chấp hành kỷ luật, kỷ cương hành chính",
                    3,
                    1,
                    "Trừ 1 điểm cho mỗi trường hợp vi phạm bị cấp có thẩm quyền kết luận.",
                ),
            ),
        ),
        area(
            "Cải cách tài chính công",
            7,
            (
                bands(
                    "Tỷ lệ giải ngân vốn đầu tư công",
                    3,
                    ((95, 3), (80, 2), (60, 1), (0, 0)),
                    "Tỷ lệ giải ngân so với kế hoạch vốn được giao đến 31/01 năm sau.",
                ),
                levels(
                    "Thực hiện quy chế chi tiêu nội bộ",
                    2,
                    (("Ban hành và thực hiện đúng", 2), ("Thực hiện chưa đầy đủ", 1), ("Không thực hiện", 0)),
                    "Theo kết quả kiểm tra, thanh tra tài chính trong năm.",
                ),
                yes_no("Công khai ngân sách theo quy định", 2, "Công khai dự toán và quyết toán đúng thời hạn."),
            ),
        ),
        area(
            "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
            16,
            (
                bands(
                    "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình",
                    4,
                    ((80, 4), (60, 3), (40, 2), (0, 0)),
                    "Hồ sơ nộp trực tuyến toàn trình / tổng số hồ sơ của thủ tục đủ điều kiện.",
                ),
                bands(
                    "Tỷ lệ thanh toán trực tuyến",
                    3,
                    ((50, 3), (30, 2), (10, 1), (0, 0)),
                    "Giao dịch thanh toán trực tuyến / giao dịch có nghĩa vụ tài chính.",
                ),
                bands(
                    "Văn bản điện tử có chữ ký số",
                    3,
                    ((98, 3), (90, 2), (0, 0)),
                    "Tỷ lệ văn bản đi được ký số và gửi trên môi trường điện tử.",
                ),
                criterion(
                    "Thực hiện Đề án 06",
                    4,
                    (
                        ratio(
                            "Làm sạch dữ liệu dân cư",
                            2,
                            "Số trường hợp đã làm sạch / số trường hợp phải làm sạch trên địa bàn.",
                            na=is_department,
                        ),
                        yes_no(
                            "Sử dụng tài khoản định danh điện tử VNeID khi giải quyết thủ tục hành chính",
                            2,
                            "Có tích hợp và sử dụng VNeID tại nơi tiếp nhận hồ sơ.",
                        ),
                    ),
                ),
                deduction(
                    "Bảo đảm an toàn thông tin mạng",
                    2,
                    1,
                    "Trừ 1 điểm cho mỗi sự cố mất an toàn thông tin được cơ quan chuyên môn xác nhận.",
                ),
            ),
        ),
        area(
            "Tác động của CCHC đến người dân, tổ chức và phát triển kinh tế – xã hội",
            30,
            (
                survey(
                    "Mức độ hài lòng của người dân, tổ chức (điều tra xã hội học)",
                    20,
                    "Điểm từ kết quả điều tra xã hội học do UBND thành phố tổ chức.",
                ),
                criterion(
                    "Tác động đến phát triển kinh tế – xã hội",
                    10,
                    (
                        ratio(
                            "Hoàn thành các chỉ tiêu phát triển kinh tế – xã hội được giao",
                            4,
                            "Số chỉ tiêu đạt / số chỉ tiêu được giao trong năm.",
                        ),
                        manual(
                            "Mô hình mới, cách làm hay trong phục vụ người dân, doanh nghiệp",
                            3,
                            0.5,
                            "Hội đồng chấm theo hiệu quả và khả năng nhân rộng của mô hình.",
                        ),
                        levels(
                            "Sáng kiến CCHC được công nhận",
                            3,
                            (("Sáng kiến cấp thành phố", 3), ("Sáng kiến cấp cơ sở", 1.5), ("Không có", 0)),
                            "Theo quyết định công nhận sáng kiến trong năm.",
                        ),
                    ),
                ),
            ),
        ),
    )


def _adjustments() -> tuple[Item, ...]:
    bonus = (
        ("TH1", "Có sáng kiến CCHC được UBND thành phố công nhận và nhân rộng", "1.5"),
        ("TH2", "Được Thủ tướng Chính phủ, bộ, ngành trung ương khen thưởng về CCHC", "1.5"),
    )
    penalty = (
        ("TR1", "Để xảy ra vi phạm kỷ luật trong thực thi công vụ bị cấp có thẩm quyền kết luận", "2"),
        ("TR2", "Bị UBND thành phố phê bình vì chậm thực hiện nhiệm vụ CCHC được giao", "1.5"),
        ("TR3", "Có phản ánh, kiến nghị đúng về thủ tục hành chính được cơ quan có thẩm quyền xác nhận", "1.5"),
    )
    return adjustment_items(bonus, penalty)


def province_framework_spec(block_code: str, year: int) -> dict:
    """The whole framework of one block in one year: name, caps, tree and bonus/penalty items."""
    if year not in YEARS or block_code not in BLOCK_CODES:
        raise KeyError((block_code, year))
    return spec_of(NAMES[block_code].format(year=year), _areas(block_code, year), _adjustments())
