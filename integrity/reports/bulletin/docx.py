"""The bulletin as a Word document a secretary can edit and send on: real headings and tables,
A4 with the margins of official documents (党政机关公文格式 GB/T 9704-2012: top 37 mm, bottom
35 mm, left 28 mm, right 26 mm), the Chinese faces official documents use — 方正小标宋简体 for
the title, 黑体 for the section headings, 仿宋_GB2312 for the text — and the page number in the
footer (— 1 —). Word picks a Chinese face from the run's ``w:rFonts w:eastAsia`` attribute,
which python-docx's ``font.name`` does not set, so it is written here on the styles and the
runs. Built in memory."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from .content import CourtTable, Group, Text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LATIN_FONT = "Times New Roman"
BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
TABLE_SIZE = Pt(10.5)  # 五号
COURT_TABLE_SIZE = Pt(9)  # 小五
LINE = Pt(28)  # fixed line pitch: 22 lines on a page of this size
INDENT = Pt(32)  # two characters of the body size
BLACK = RGBColor(0, 0, 0)
# A4 and the margins of GB/T 9704-2012, in centimetres: top, bottom, left, right.
PAGE = (21, 29.7)
MARGINS = (3.7, 3.5, 2.8, 2.6)
TEXT_WIDTH = PAGE[0] - MARGINS[2] - MARGINS[3]


def set_fonts(owner: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a style's or a run's properties: ``w:eastAsia`` for Chinese text,
    ``w:ascii``/``w:hAnsi``/``w:cs`` for the rest; theme fonts, which would override them,
    are dropped."""
    fonts = owner.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for name, face in (("ascii", latin), ("hAnsi", latin), ("cs", latin), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{name}"), face)


def _styles(document: DocumentType) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    properties = normal.element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)  # w:lang comes last but for layout and math properties
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE
    for name, face, size in (
        ("Title", TITLE_FONT, TITLE_SIZE),
        ("Heading 1", HEADING_FONT, BODY_SIZE),
    ):
        style = document.styles[name]
        set_fonts(style.element, face)
        style.font.size = size
        style.font.bold = False
        style.font.color.rgb = BLACK
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(36) if name == "Title" else LINE
        # The template's title has a rule under it; an official title has none.
        borders = style.element.pPr.find(qn("w:pBdr"))
        if borders is not None:
            style.element.pPr.remove(borders)
    document.styles["Heading 1"].paragraph_format.first_line_indent = INDENT
    document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _page(document: DocumentType) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = (Cm(size) for size in PAGE)
    top, bottom, left, right = (Cm(margin) for margin in MARGINS)
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", PAGE_NUMBER_FONT, Pt(14))
    _page_field(footer)
    _run(footer, " —", PAGE_NUMBER_FONT, Pt(14))


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word fills in each page's number."""
    run = _run(paragraph, "", PAGE_NUMBER_FONT, Pt(14))
    begin, code, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)


def _run(paragraph: Paragraph, text: str, face: str = BODY_FONT, size: Pt | None = None) -> object:
    run = paragraph.add_run(text)
    set_fonts(run._r, face)
    if size is not None:
        run.font.size = size
    return run


def _body(document: DocumentType, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = INDENT
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(paragraph, text)


def _table_styles(document: DocumentType) -> dict[str, object]:
    """The paragraph styles of the tables' cells. Faces and size are set once on a style, not
    on each cell: a province's table of courts has thousands of cells, and direct formatting
    on each costs seconds."""
    styles = {}
    for name, size, alignment in (
        ("Bulletin Table", TABLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
        ("Bulletin Table Label", TABLE_SIZE, WD_ALIGN_PARAGRAPH.LEFT),
        ("Bulletin Court Table", COURT_TABLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER),
        ("Bulletin Court Table Label", COURT_TABLE_SIZE, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        set_fonts(style.element, BODY_FONT)
        style.font.size = size
        fmt = style.paragraph_format
        fmt.alignment = alignment
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        styles[name] = style
    return styles


def _styled(paragraph: Paragraph, style: object) -> Paragraph:
    """``paragraph`` in ``style``, by the style's id straight into the XML: python-docx's
    ``paragraph.style = …`` looks for the document's default style among all the styles on
    every call, which adds up over the cells of a large table."""
    paragraph._p.style = style.style_id  # type: ignore[attr-defined]
    return paragraph


def _fill(cell: object, text: str, style: object, *, bold: bool = False) -> None:
    run = _styled(cell.paragraphs[0], style).add_run(text)  # type: ignore[attr-defined]
    if bold:
        run.bold = True


def _table(document: DocumentType, rows: int, widths: list[Cm]) -> DocxTable:
    """A bordered table of fixed column widths whose header row repeats on every page."""
    table = document.add_table(rows=rows, cols=len(widths))
    table._tbl.tblPr.style = document.styles["Table Grid"].style_id
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths, strict=True):
        column.width = cell.width = width
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    return table


def _groups_table(
    document: DocumentType, styles: dict, header: tuple[str, ...], groups: tuple[Group, ...]
) -> None:
    """A section's figures: category (merged over its rows), item, count."""
    cell, label = styles["Bulletin Table"], styles["Bulletin Table Label"]
    size = sum(len(group.items) for group in groups)
    table = _table(document, size + 1, [Cm(3.6), Cm(TEXT_WIDTH - 6.6), Cm(3)])
    rows = table.rows
    for target, text in zip(rows[0].cells, header, strict=True):
        _fill(target, text, cell, bold=True)
    index = 1
    for group in groups:
        first = rows[index].cells[0]
        for item, value in group.items:
            cells = rows[index].cells
            _fill(cells[1], item, label)
            _fill(cells[2], value, cell)
            index += 1
        _fill(first.merge(rows[index - 1].cells[0]), group.label, cell)


def _courts_table(document: DocumentType, styles: dict, courts: CourtTable) -> None:
    """Each court's main figures, the courts below indented, and the total."""
    cell, label = styles["Bulletin Court Table"], styles["Bulletin Court Table Label"]
    columns = len(courts.header) - 1
    widths = [Cm(3.2), *[Cm((TEXT_WIDTH - 3.2) / columns)] * columns]
    table = _table(document, len(courts.rows) + 2, widths)
    rows = table.rows
    for target, text in zip(rows[0].cells, courts.header, strict=True):
        _fill(target, text, cell, bold=True)
    for row, court in zip(rows[1:], courts.rows, strict=False):
        cells = row.cells
        _fill(cells[0], "\u3000" * court.depth + court.name, label)
        for target, value in zip(cells[1:], court.values, strict=True):
            _fill(target, value, cell)
    last = rows[len(courts.rows) + 1].cells
    _fill(last[0], courts.total_label, label, bold=True)
    for target, value in zip(last[1:], courts.total, strict=True):
        _fill(target, value, cell, bold=True)


def bulletin_docx(text: Text) -> bytes:
    """The .docx file of the bulletin, in memory."""
    document = Document()
    _styles(document)
    styles = _table_styles(document)
    _page(document)
    document.core_properties.title = text.title
    document.core_properties.author = text.issuer
    _run(_styled(document.add_paragraph(), document.styles["Title"]), text.title, TITLE_FONT)
    document.add_paragraph()
    _body(document, text.intro)
    heading = document.styles["Heading 1"]
    for section in text.sections:
        _run(_styled(document.add_paragraph(), heading), section.heading, HEADING_FONT)
        _body(document, section.paragraph)
        if section.groups:
            _groups_table(document, styles, text.table_header, section.groups)
        if section.courts is not None:
            _courts_table(document, styles, section.courts)
    document.add_paragraph()
    _body(document, text.note)
    document.add_paragraph()
    for line in (text.issuer, text.issued_on):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = INDENT
        _run(paragraph, line)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
