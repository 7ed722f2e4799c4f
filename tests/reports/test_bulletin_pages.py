"""The quarterly bulletin's page (/reports/bulletin/) and .docx (/reports/bulletin/docx/): the
defaults (last finished quarter, the widest court), the Chinese heading and prose, quarters as
users write them and a clear error otherwise, a court out of scope answering like a missing one,
the Word document (headings, tables, figures, the eastAsia fonts, A4, page numbers), the audit
events, and a fixed number of queries whatever the size of the subtree."""

from __future__ import annotations

import io
import urllib.parse

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from docx import Document
from docx.oxml.ns import qn

from integrity.audit.models import AuditEvent
from integrity.reports.bulletin.quarters import INVALID, NO_SUCH_QUARTER, Quarter
from ledgers.reminders import day_label

from . import test_bulletin_figures as builders
from .test_bulletin_figures import Q3, expected_interference

# The people and the data of the figures' tests (pytest finds fixtures by module attribute).
people = builders.people
world = builders.world

PAGE = reverse("reports:bulletin")
DOCX = reverse("reports:bulletin-docx")


def get(client, user, url=PAGE, **params):
    client.force_login(user)
    return client.get(url, params)


def page_for(client, user, court, quarter="2026Q3"):
    return get(client, user, court=court.pk, quarter=quarter)


# --- the page ----------------------------------------------------------------------------------
def test_by_default_the_last_finished_quarter_of_the_widest_court(client, province, people):
    response = get(client, people.leader)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cleaned_data["court"] == province.courts["shenyang"].pk
    assert form.cleaned_data["quarter"] == Quarter.last_finished(timezone.localdate())
    assert response.context["text"].issuer == "沈阳市中级人民法院"


def test_the_page_renders_the_bulletin_in_chinese(client, province, people, world):
    """Needs the bulletin's translations (merged from its PO fragment into locale/zh_Hans)."""
    response = page_for(client, people.leader, province.courts["shenyang"])
    html = response.content.decode()
    total = expected_interference(world.inquiries)["total"]
    assert '<html lang="zh-hans">' in html
    assert (
        "沈阳市中级人民法院关于2026年第三季度落实“三个规定”等重大事项记录报告制度情况的通报" in html
    )
    assert "现将2026年7月1日至2026年9月30日全市两级法院落实情况通报如下：" in html
    assert "<h2>一、干预、过问案件记录报告情况</h2>" in html
    assert f"本季度，全市两级法院共记录干预、过问案件事项{total}件，其中" in html
    assert "<h2>八、各法院主要数据</h2>" in html
    assert f"沈阳市中级人民法院<br>{day_label(timezone.localdate())}" in html
    assert "下载Word文档（.docx）" in html
    wrong = page_for(client, people.leader, province.courts["shenyang"], "2026年第五季度")
    assert "一年只有四个季度，请填写第一至第四季度。" in wrong.content.decode()


def test_the_figures_and_headings_reach_the_page(client, province, people, world):
    """What does not depend on new translations: the section numbers, the tables, the courts,
    the dates and the labels the project already translates."""
    response = page_for(client, people.leader, province.courts["shenyang"])
    html = response.content.decode()
    text = response.context["text"]
    assert [s.heading[:2] for s in text.sections] == [f"{n}、" for n in "一二三四五六七八"]
    for section in text.sections:
        assert escape(section.paragraph) in html
    total = expected_interference(world.inquiries)["total"]
    assert text.sections[7].courts.total[0] == str(total)
    for name in ("沈阳市中级人民法院", "沈阳市和平区人民法院", "沈阳市沈河区人民法院"):
        assert f">{name}</th>" in html
    assert "大连市中级人民法院" not in html
    assert "请托说情" in html  # a kind of improper inquiry, as the ledger names it
    assert "2026年9月30日" in html
    assert "打印" in html


@pytest.mark.parametrize("written", ["2026Q3", "2026-3", "2026年第三季度", "2026年三季度"])
def test_the_quarter_is_read_as_users_write_it(client, province, people, written):
    response = page_for(client, people.officer, province.courts["heping"], written)
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["quarter"] == Q3


@pytest.mark.parametrize(
    ("written", "message"),
    [("2026年第五季度", NO_SUCH_QUARTER), ("三季度", INVALID), ("2026Q", INVALID)],
)
def test_a_bad_quarter_is_a_clear_error_and_no_bulletin(client, province, people, written, message):
    for url in (PAGE, DOCX):
        response = get(
            client, people.officer, url, court=province.courts["heping"].pk, quarter=written
        )
        assert response.status_code == 400
        assert response.context["form"].errors["quarter"] == [str(message)]
        assert "text" not in response.context
        assert str(message) in response.content.decode()
    assert not AuditEvent.objects.filter(action="report.bulletin").exists()


def test_a_quarter_not_yet_begun_is_refused(client, province, people):
    later = Quarter.containing(timezone.localdate())
    upcoming = Quarter(later.year + 1, later.number)
    response = page_for(client, people.officer, province.courts["heping"], str(upcoming))
    assert response.status_code == 400
    assert "quarter" in response.context["form"].errors


def test_the_page_speaks_english_too(client, province, people):
    client.force_login(people.officer)
    response = client.get(
        PAGE,
        {"court": province.courts["heping"].pk, "quarter": "2026Q3"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.context["text"]
    assert text.title.endswith("in Q3 2026")
    assert text.sections[0].heading == "1. Recording of interference in and inquiries about cases"
    assert len(text.sections) == 7  # one court: no table of courts


# --- scope -------------------------------------------------------------------------------------
def test_a_court_out_of_scope_is_the_same_404_as_a_missing_one(client, province, people):
    shenyang = province.courts["shenyang"]
    for url in (PAGE, DOCX):
        assert (
            get(client, people.outsider, url, court=shenyang.pk, quarter="2026Q3").status_code
            == 404
        )
        assert (
            get(client, people.officer, url, court=shenyang.pk, quarter="2026Q3").status_code == 404
        )
        assert get(client, people.officer, url, court=987654, quarter="2026Q3").status_code == 404
        assert get(client, people.officer, url, court="和平", quarter="2026Q3").status_code == 400
    assert AuditEvent.objects.filter(action="access.denied", object_id=str(shenyang.pk)).exists()
    assert not AuditEvent.objects.filter(action="report.bulletin").exists()


def test_only_those_who_speak_for_a_court_get_a_bulletin(client, province, people):
    heping = province.courts["heping"]
    for user in (people.staff, people.chief):
        assert page_for(client, user, heping).status_code == 404
        assert get(client, user, DOCX, court=heping.pk, quarter="2026Q3").status_code == 404
    client.logout()
    assert client.get(PAGE).status_code == 302


# --- the .docx ---------------------------------------------------------------------------------
def east_asia(element) -> str | None:
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_the_docx_is_an_editable_word_document_with_chinese_fonts(client, province, people, world):
    shenyang = province.courts["shenyang"]
    response = get(client, people.discipline, DOCX, court=shenyang.pk, quarter="2026年第三季度")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    page = page_for(client, people.discipline, shenyang).context["text"]
    quoted = urllib.parse.quote(page.filename)
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quoted}"
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    paragraphs = [p for p in document.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == page.title
    assert title.style.name == "Title"
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.heading for s in page.sections]
    assert page.sections[0].paragraph in [p.text for p in paragraphs]
    # The fonts: eastAsia on the Normal style and on the runs (python-docx's font.name alone
    # sets only the Latin faces).
    assert east_asia(document.styles["Normal"].element) == "仿宋_GB2312"
    assert east_asia(document.styles["Heading 1"].element) == "黑体"
    assert east_asia(title.runs[0]._r) == "方正小标宋简体"
    assert east_asia(paragraphs[1].runs[0]._r) == "仿宋_GB2312"
    # The tables: one per section with figures, then each court's main figures.
    *sections, courts = document.tables
    assert len(sections) == 7
    assert sections[0].cell(1, 2).text == str(expected_interference(world.inquiries)["total"])
    assert [courts.cell(row, 0).text.strip() for row in (1, 2, 3)] == [
        "沈阳市中级人民法院",
        "沈阳市和平区人民法院",
        "沈阳市沈河区人民法院",
    ]
    assert [cell.text for cell in courts.rows[-1].cells[1:]] == list(page.sections[7].courts.total)
    # A4, the margins of official documents, the page number in the footer.
    section = document.sections[0]
    sizes = (section.page_width, section.page_height, section.top_margin, section.left_margin)
    assert [round(size.cm, 2) for size in sizes] == [21, 29.7, 3.7, 2.8]
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer
    assert 'w:fldCharType="begin"' in footer


# --- audit -------------------------------------------------------------------------------------
def test_the_page_and_the_download_are_audited(client, province, people):
    heping = province.courts["heping"]
    page_for(client, people.officer, heping)
    get(client, people.officer, DOCX, court=heping.pk, quarter="2026-3")
    events = AuditEvent.objects.filter(action="report.bulletin").order_by("seq")
    assert [(e.actor_id, e.object_type, e.object_id, e.court_id) for e in events] == [
        (people.officer.pk, "org.court", str(heping.pk), heping.pk),
    ] * 2
    assert [e.changes for e in events] == [
        {"court": [None, heping.pk], "quarter": [None, "2026Q3"], "format": [None, kind]}
        for kind in ("html", "docx")
    ]


# --- cost --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "courts", "queries"),
    [
        # session, user, grants, the courts in scope (the drop-down and the subtree), the
        # court, the subtree of the assignment (the scope's), one query per source (12), the
        # audit event with its savepoint (6), the unread notifications and the user's staff
        # record in the header.
        ("discipline", ("heping", "shenyang"), 26),
        # The supervision staff do not reach the discipline team's dispositions: no query.
        ("supervisor", ("heping", "shenyang", "high"), 25),
    ],
)
def test_the_page_costs_the_same_queries_for_one_court_or_a_province(
    client, province, people, world, django_assert_num_queries, who, courts, queries
):
    client.force_login(getattr(people, who))
    client.get(PAGE, {"court": province.courts["heping"].pk, "quarter": "2026Q3"})  # warm up
    for key in courts:
        with django_assert_num_queries(queries):
            response = client.get(PAGE, {"court": province.courts[key].pk, "quarter": "2026Q3"})
        assert len(response.context["text"].sections) == (7 if key == "heping" else 8)
