"""Text out of a file: TXT (UTF-8, GB18030/GBK/Big5 detected), HTML (the page's main text), DOCX
and PDF (the text layer). Each reader is a kept library; they are imported only when a file
of their kind is read, so ``pip install 'actionplans[import]'`` is needed only to import.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ActionplansError
from ..problems import (
    IMPORT_BINARY,
    IMPORT_EMPTY,
    IMPORT_FAILED,
    IMPORT_NO_CHINESE,
    IMPORT_NO_MAIN_TEXT,
    IMPORT_NO_TEXT_LAYER,
    IMPORT_NOT_DOCX,
    IMPORT_NOT_PDF,
    IMPORT_TOO_LARGE,
    IMPORT_UNKNOWN_ENCODING,
    IMPORT_UNKNOWN_KIND,
    IMPORT_UNREADABLE,
)

#: Largest file read, in bytes.
MAX_BYTES = 20 * 1024 * 1024
_CJK = re.compile(r"[\u3400-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFailed(ActionplansError):
    """A file could not be imported; the message is ``path: what is wrong; what is expected``,
    and ``code`` which reason it is (``import-empty`` …)."""

    code = IMPORT_FAILED


@dataclass
class Extracted:
    """A file's text as the quotes of its drafts will be checked against, and what the file
    itself says of its origin (None where it is silent)."""

    path: Path
    text: str
    file_sha256: str
    kind: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None


def extract(path: Path) -> Extracted:
    """The text of ``path``, by its extension; ``ImportFailed`` with the reason otherwise."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailed(
            f"{path}: cannot read it ({error.strerror}); expected a readable file", code=IMPORT_UNREADABLE
        ) from None
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            f"{path}: {len(data):,} bytes, over the limit of {MAX_BYTES:,}; expected a smaller file", code=IMPORT_TOO_LARGE
        )
    if not data.strip():
        raise ImportFailed(f"{path}: the file is empty; expected the text of a plan or of a report about one", code=IMPORT_EMPTY)
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".txt", ".text", ".md"):
        # a text file is the text already: kept as it is (a stored copy of a page is published as
        # found), its line ends made LF as the content requires
        text = decode(path, data).replace("\r\n", "\n").replace("\r", "\n")
        if not _CJK.search(text):
            raise ImportFailed(
                f"{path}: no Chinese text found; expected the Chinese text of a plan or of a report about one",
                code=IMPORT_NO_CHINESE,
            )
        return Extracted(path, text, digest, "txt")
    if suffix in (".html", ".htm", ".xhtml"):
        extracted = _html(path, data, digest)
    elif suffix == ".docx":
        extracted = _docx(path, data, digest)
    elif suffix == ".pdf":
        extracted = _pdf(path, data, digest)
    else:
        raise ImportFailed(
            f"{path}: unknown kind of file {suffix or '(no extension)'!r}; expected .txt, .html, .htm, .docx or .pdf",
            code=IMPORT_UNKNOWN_KIND,
        )
    extracted.text = normalise(extracted.text)
    if not _CJK.search(extracted.text):
        raise ImportFailed(
            f"{path}: no Chinese text found; expected the Chinese text of a plan or of a report about one", code=IMPORT_NO_CHINESE
        )
    return extracted


def decode(path: Path, data: bytes) -> str:
    """Bytes as text: UTF-8 (with or without BOM), else the encoding charset-normalizer finds
    with confidence (GB18030 for GBK and GB2312, Big5 …); refused when it cannot tell."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed(f"{path}: a binary file, not text; expected a text file (UTF-8 or GB18030)", code=IMPORT_BINARY)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2 or not _CJK.search(str(best)):
        raise ImportFailed(
            f"{path}: cannot tell the text's encoding (not UTF-8, and no encoding reads it as Chinese text with confidence); "
            "expected UTF-8 or GB18030 text (convert it with iconv -f GB18030 -t UTF-8)",
            code=IMPORT_UNKNOWN_ENCODING,
        )
    encoding = best.encoding
    if encoding in ("gb2312", "gbk", "hz"):
        encoding = "gb18030"  # the superset: reads every GBK and GB2312 text, and more
    return data.decode(encoding)


def normalise(text: str) -> str:
    """Line ends as LF, no control characters, no trailing spaces; otherwise the text as it is
    (no NFKC: it would change lengths and characters such as ⑴ and ㈠ that mark lists)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text).replace("\ufeff", "")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    return unicodedata.normalize("NFC", text) + "\n"


def _html(path: Path, data: bytes, digest: str) -> Extracted:
    import trafilatura

    html = decode(path, data)
    document = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, include_links=False, favor_precision=True, with_metadata=True
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not _CJK.search(text):
        raise ImportFailed(
            f"{path}: no main text found in the page; expected a saved page whose body is the plan or a report about it",
            code=IMPORT_NO_MAIN_TEXT,
        )
    authors = [a for a in re.split(r"[;；,，、\s]+", getattr(document, "author", None) or "") if a]
    return Extracted(
        path,
        text,
        digest,
        "html",
        title=getattr(document, "title", None) or None,
        publisher=getattr(document, "sitename", None) or None,
        date=getattr(document, "date", None) or None,
        authors=authors,
        url=getattr(document, "url", None) or None,
    )


def _docx(path: Path, data: bytes, digest: str) -> Extracted:
    import io
    import zipfile

    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ImportFailed(f"{path}: not a Word document ({error}); expected a .docx file", code=IMPORT_NOT_DOCX) from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    properties = document.core_properties
    return Extracted(
        path,
        "\n".join(paragraphs),
        digest,
        "docx",
        title=properties.title or None,
        authors=[properties.author] if properties.author else [],
    )


def _pdf(path: Path, data: bytes, digest: str) -> Extracted:
    import io

    from pdfminer.high_level import extract_text
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        text = extract_text(io.BytesIO(data))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as error:
        raise ImportFailed(f"{path}: not a readable PDF ({error}); expected a PDF file", code=IMPORT_NOT_PDF) from None
    if not text.strip():
        raise ImportFailed(
            f"{path}: the PDF has no text layer (a scan?); expected a PDF with text: run OCR on it first",
            code=IMPORT_NO_TEXT_LAYER,
        )
    return Extracted(path, text.replace("\x0c", "\n"), digest, "pdf")
