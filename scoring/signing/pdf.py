"""PDF mechanics of signed documents: render with a reserved stamp slot, embed the document's data, sign (PAdES)
with a visible stamp carrying the QR code of the verification page, and read the embedded data back.

Rendering is WeasyPrint's; signing is pyHanko's. The stamp is itself a small WeasyPrint page (Vietnamese text in
Noto Sans, the QR code drawn by segno) imported as the signature field's appearance, placed where the document's
`#signature-slot` element was laid out.
"""

import asyncio
import binascii
import concurrent.futures
import dataclasses
import datetime
import io
import json
import uuid

import segno
from django.template.loader import render_to_string
from pyhanko.pdf_utils import content, embed, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from scoring.signing.certificates import signer_name

DATA_FILE_NAME = "cchc-document.json"
SLOT_ID = "signature-slot"
SIGNATURE_FIELD = "ChuKySoCongCCHC"
# CSS pixels (what WeasyPrint's anchors are measured in) to PDF points.
POINTS_PER_PIXEL = 0.75


@dataclasses.dataclass(frozen=True)
class Slot:
    """Where the stamp goes: the page and its box in PDF points (x1, y1, x2, y2 from the bottom left)."""

    page: int
    box: tuple[float, float, float, float]


def outside_event_loop(function, /, *args, **kwargs):
    """Call one of pyHanko's synchronous functions, which run their own event loop (asyncio.run): in a thread of its
    own when this thread already runs a loop (an ASGI server, a Playwright test), directly otherwise."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def canonical_json(data: dict) -> bytes:
    """The one byte form of a document's data: what is embedded, hashed and compared."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#000")


def render(html: str) -> tuple[bytes, Slot | None]:
    """The PDF of the page and where its `#signature-slot` was laid out, if it has one."""
    from weasyprint import HTML  # imported here: loading Pango costs time every process pays otherwise

    document = HTML(string=html).render()
    slot = None
    for number, page in enumerate(document.pages):
        if SLOT_ID in page.anchors:
            x1, y1, x2, y2 = page.anchors[SLOT_ID]
            height = page.height
            slot = Slot(
                page=number,
                box=(
                    x1 * POINTS_PER_PIXEL,
                    (height - y2) * POINTS_PER_PIXEL,
                    x2 * POINTS_PER_PIXEL,
                    (height - y1) * POINTS_PER_PIXEL,
                ),
            )
            break
    return document.write_pdf(), slot


def _with_data(pdf: bytes, data: dict) -> IncrementalPdfFileWriter:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    embedded = embed.EmbeddedFileObject.from_file_data(writer, canonical_json(data), mime_type="application/json")
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=DATA_FILE_NAME,
            embedded_data=embedded,
            description="Dữ liệu của văn bản (Cổng chỉ số CCHC)",
        ),
    )
    return writer


def with_data(pdf: bytes, data: dict) -> bytes:
    """The PDF with the document's data attached, unsigned (the copy an official signs with their own token)."""
    output = io.BytesIO()
    _with_data(pdf, data).write(output)
    return output.getvalue()


class _PdfPageContent(content.PdfContent):
    """The first page of a PDF held in memory, as a form XObject (pyHanko's ImportedPdfPage wants a file)."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        reader = PdfFileReader(io.BytesIO(self.pdf))
        xobject = self._ensure_writer.import_page_as_xobject(reader, page_ix=0)
        name = "/Stamp" + binascii.hexlify(uuid.uuid4().bytes).decode()
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode() + b" Do"


def stamp_pdf(*, slot: Slot, signer: str, signed_at: datetime.datetime, url: str, reference: str) -> bytes:
    """The visible stamp, exactly the slot's size."""
    from weasyprint import HTML

    x1, y1, x2, y2 = slot.box
    html = render_to_string(
        "scoring/signing/pdf/stamp.html",
        {
            "width": round(x2 - x1, 2),
            "height": round(y2 - y1, 2),
            "signer": signer,
            "signed_at": signed_at,
            "url": url,
            "reference": reference,
            "qr": qr_data_uri(url),
        },
    )
    return HTML(string=html).write_pdf()


def sign(
    pdf: bytes,
    *,
    data: dict,
    slot: Slot,
    signer: signers.Signer,
    url: str,
    reference: str,
    signed_at: datetime.datetime,
    reason: str,
    location: str,
) -> bytes:
    """Embed the data and sign the whole file (PAdES baseline), with the stamp in the slot."""
    writer = _with_data(pdf, data)
    stamp = stamp_pdf(
        slot=slot, signer=signer_name(signer.signing_cert), signed_at=signed_at, url=url, reference=reference
    )
    style = StaticStampStyle(
        background=_PdfPageContent(stamp),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=slot.page, box=slot.box),
    )
    output = outside_event_loop(pdf_signer.sign_pdf, writer)
    return output.getvalue()


def embedded_data(reader: PdfFileReader) -> dict | None:
    """The document data attached to the PDF (the newest revision's), or None when there is none or it is garbled."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    except (KeyError, TypeError):
        return None
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) != DATA_FILE_NAME:
            continue
        try:
            stream = names[index + 1].get_object()["/EF"]["/F"].get_object()
            data = json.loads(stream.data.decode())
        except (KeyError, TypeError, ValueError, generic.PdfError):
            return None
        return data if isinstance(data, dict) else None
    return None
