"""The HTML of each signed document, always in Vietnamese (the legal language of the record), ending with the
verification section whose `#signature-slot` receives the stamp."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from scoring.models import SignedDocument
from scoring.results.exports import pdf as results_pdf
from scoring.results.exports.data import published_results
from scoring.signing.pdf import qr_data_uri

REASONS = {
    SignedDocument.Kind.ANNEX: "Phê duyệt và công bố kết quả Chỉ số CCHC",
    SignedDocument.Kind.MINUTES: "Xác nhận biên bản thẩm định",
    SignedDocument.Kind.RECEIPT: "Xác nhận đã nhận phiếu tự đánh giá",
}


def verification_url(reference: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("signing_document", args=[reference])


def _signature_context(document: SignedDocument, *, with_qr: bool) -> dict:
    url = verification_url(document.reference)
    return {
        "reference": document.reference,
        "url": url,
        "authority": document.period.authority.name,
        "qr": qr_data_uri(url) if with_qr else "",
    }


def _dates(content: dict, *names: str) -> dict[str, datetime.datetime | None]:
    return {name: parse_datetime(content[name]) if content.get(name) else None for name in names}


def document_html(document: SignedDocument, *, with_qr: bool = False) -> str:
    """`with_qr` draws the QR code into the slot itself: the copy an official signs elsewhere, which gets no stamp
    from the portal. The portal's own signed copy leaves the slot empty for its stamp (which carries the QR)."""
    signature = _signature_context(document, with_qr=with_qr)
    with translation.override("vi"):
        if document.kind == SignedDocument.Kind.ANNEX:
            results = published_results(document.publication, with_areas=True, with_statistics=True)
            return results_pdf.annex_html(results, signature=signature)
        content = document.content
        context = {"content": content, "period": document.period, "signature": signature}
        if document.kind == SignedDocument.Kind.MINUTES:
            context["dates"] = _dates(content, "finalised_at")
            context["changes_by_round"] = [
                (number, [change for change in content["changes"] if change["round"] == number]) for number in (1, 2)
            ]
            context["explanations"] = [
                {**request, "deadline_at": parse_datetime(request["deadline"]) if request["deadline"] else None}
                for request in content["explanations"]
            ]
            return render_to_string("scoring/signing/pdf/minutes.html", context)
        context["dates"] = _dates(content, "submitted_at")
        return render_to_string("scoring/signing/pdf/receipt.html", context)
