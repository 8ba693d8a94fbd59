"""Hostile files, made when a test needs them (never committed): zip bombs, sheets too long or too wide.

`workbook` writes a minimal XLSX whose worksheet XML comes from an iterator of byte chunks, deflated as it goes,
so a file that inflates to hundreds of megabytes is made in about a second without holding them in memory.
"""

from __future__ import annotations

import io
import zipfile

HEADER = ("program", "city", "state", "specialty")
ROW = ("Mercy Hospital IM", "Chicago", "IL", "Internal Medicine")

_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                  b'2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                  b'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                  b'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  b'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                  b'"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
         b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
         b'name="Programs" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
              b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
              b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><sheetData>')
_SHEET_END = b"</sheetData></worksheet>"


def _escape(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")


def row_xml(number: int, cells) -> bytes:
    """One <row> of inline-string cells."""
    out = [b'<row r="%d">' % number]
    for column, text in enumerate(cells):
        out.append(b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (letters(column).encode(), number,
                                                                            _escape(str(text))))
    out.append(b"</row>")
    return b"".join(out)


def letters(position: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def workbook(sheet_chunks, shared_strings: bytes | None = None) -> bytes:
    """An XLSX file whose one worksheet's XML is the concatenation of `sheet_chunks` (bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk)
    return buffer.getvalue()


def padded_sheet(inflated_bytes: int) -> bytes:
    """A zip bomb: a header, one program, then `inflated_bytes` of blanks inside the sheet XML (which deflate
    squeezes about a thousand times)."""
    def chunks():
        yield _SHEET_START + row_xml(1, HEADER) + row_xml(2, ROW)
        block = b" " * (1 << 20)
        for _ in range(inflated_bytes >> 20):
            yield block
        yield _SHEET_END
    return workbook(chunks())


def repeated_rows(count: int) -> bytes:
    """A header and `count` copies of one program row (rows and cells without their optional numbers, so that
    every copy is the same bytes): small on disk, long to read."""
    copy = b"<row>" + b"".join(b'<c t="inlineStr"><is><t>%s</t></is></c>' % _escape(text) for text in ROW) + b"</row>"
    def chunks():
        yield _SHEET_START + row_xml(1, HEADER)
        for start in range(0, count, 10_000):
            yield copy * min(10_000, count - start)
        yield _SHEET_END
    return workbook(chunks())


def wide_sheet(columns: int) -> bytes:
    """A header of `columns` columns (the four a sheet needs, then extras) and one program."""
    extra = [f"extra {i}" for i in range(columns - len(HEADER))]
    return workbook([_SHEET_START + row_xml(1, [*HEADER, *extra]) + row_xml(2, ROW) + _SHEET_END])


def long_csv(rows: int) -> bytes:
    """A CSV of a header and `rows` different programs (short cells: 700,000 rows fit in 10 MB)."""
    return (",".join(HEADER) + "\n").encode() + b"".join(b"%d,C,IL,IM\n" % i for i in range(rows))


def wide_csv(columns: int) -> bytes:
    """A CSV whose header has `columns` columns."""
    extra = [f"x{i}" for i in range(columns - len(HEADER))]
    return ",".join([*HEADER, *extra]).encode() + b"\n" + ",".join(ROW).encode() + b"\n"


def lying_directory(declared: int = 1_000, inflated: int = 3 << 20) -> bytes:
    """A workbook whose directory says its sheet unpacks to `declared` bytes while it inflates to `inflated`: the
    directory check passes it, and unpacking must stop at the stated size."""
    import struct

    sheet = _SHEET_START + row_xml(1, HEADER) + row_xml(2, ROW) + b" " * inflated + _SHEET_END
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _BOOK), ("xl/_rels/workbook.xml.rels", _BOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    name = data.find(b"xl/worksheets/sheet1.xml")  # in the local header; the central directory's copy is last
    local, central = data.rfind(b"PK\x03\x04", 0, name), data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/"))
    data[local + 22:local + 26] = struct.pack("<I", declared)  # uncompressed size, local header
    data[central + 24:central + 28] = struct.pack("<I", declared)  # and central directory
    return bytes(data)
