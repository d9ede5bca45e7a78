"""Small valid PDFs built by hand, without Django: the test world's evidence and the load test's uploads; and the
text of any PDF, read back the way a person reads it (pdftotext)."""

import subprocess
from pathlib import Path


def one_page_pdf_from(content: bytes, *, binary_comment: bool = False) -> bytes:
    """One page drawing `content` (a PDF content stream): catalog, page tree, page, content, font, and an exact
    cross-reference table; `binary_comment` adds the second header line that marks the file as binary."""
    stream = content if content.endswith(b"\n") else content + b"\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" if binary_comment else b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_text(pdf: bytes | Path, *, layout: bool = False) -> str:
    """The text of a PDF (its bytes, or the file at a path); `layout` keeps each line's columns where they stand."""
    content = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=content, capture_output=True, check=True).stdout.decode()
