"""What each audit action means, in words the secretariat reads (the stored code stays for filters and exports)."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "adjustment.record": _("Hội đồng ghi điểm thưởng/điểm trừ"),
    "appraisal.finalise": _("Chủ tịch Hội đồng chốt kết quả thẩm định khối"),
    "assessment.reopen": _("Mở lại phiếu tự đánh giá"),
    "assessment.submit": _("Người đứng đầu nộp phiếu tự đánh giá"),
    "council.assignment_add": _("Phân công thẩm định"),
    "council.assignment_remove": _("Bỏ phân công thẩm định"),
    "council.chair_set": _("Chỉ định Chủ tịch Hội đồng"),
    "council.conflict_declare": _("Ghi nhận xung đột lợi ích"),
    "council.conflict_remove": _("Bỏ ghi nhận xung đột lợi ích"),
    "council.member_add": _("Thêm thành viên Hội đồng"),
    "council.member_remove": _("Bỏ thành viên Hội đồng"),
    "demo.history": _("Nạp dữ liệu các năm trước (dữ liệu mẫu)"),
    "document.sign": _("Cổng ký số văn bản (phụ lục, biên bản, giấy biên nhận)"),
    "evidence.link": _("Trích dẫn tài liệu kiểm chứng cho tiêu chí"),
    "evidence.replace": _("Thay tệp tài liệu kiểm chứng"),
    "evidence.unlink": _("Bỏ trích dẫn tài liệu kiểm chứng"),
    "evidence.upload": _("Tải lên tài liệu kiểm chứng"),
    "explanation.answer": _("Đơn vị trả lời yêu cầu giải trình"),
    "explanation.flag": _("Thành viên Hội đồng đề xuất yêu cầu giải trình"),
    "explanation.send": _("Gửi yêu cầu giải trình cho đơn vị"),
    "explanation.withdraw": _("Rút đề xuất giải trình"),
    "framework.clone": _("Sao chép bộ chỉ số từ năm trước"),
    "framework.create": _("Tạo bộ chỉ số"),
    "framework.import": _("Nhập bộ chỉ số từ Excel"),
    "framework.seed": _("Tạo bộ chỉ số mẫu"),
    "period.create": _("Tạo kỳ đánh giá"),
    "plan.progress": _("Người đứng đầu cập nhật tiến độ kế hoạch khắc phục"),
    "plan.record": _("Người đứng đầu lập kế hoạch khắc phục tiêu chí bị mất điểm"),
    "preparers.assign": _("Người đứng đầu phân công cán bộ chuẩn bị tiêu chí"),
    "period.open": _("Mở kỳ tự đánh giá"),
    "period.start_appraisal": _("Bắt đầu thẩm định"),
    "results.bands": _("Sửa thang xếp loại"),
    "results.commend": _("Ghi nhận khen thưởng"),
    "results.commend_remove": _("Bỏ khen thưởng"),
    "results.config": _("Sửa cách tính kết quả"),
    "results.exclude": _("Đánh dấu đơn vị không xếp hạng"),
    "results.include": _("Xếp hạng lại đơn vị"),
    "results.decision_attach": _("Lãnh đạo đính kèm quyết định đã ký số ngoài Cổng"),
    "results.objection_file": _("Đơn vị gửi kiến nghị về kết quả sơ bộ"),
    "results.objection_resolve": _("Hội đồng giải quyết kiến nghị"),
    "results.publish": _("Công bố kết quả"),
    "results.release_preliminary": _("Gửi kết quả sơ bộ cho các đơn vị"),
    "survey.import": _("Nhập điểm điều tra xã hội học"),
}


def action_label(code: str) -> str:
    """The action in words; a code without a label (added later and not yet named) is shown as it is."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code
