"""The ledger pages under /ledgers/: lists with filters and keyset pages, details with the rules'
results and the history, create, edit (with the version check), workflow steps, void,
attachments, entries and the home page's 逢问必录 form.

The record builders at the top are shared with tests/ledgers/test_api.py and test_access.py.
New ledger strings may not be translated yet: the tests assert on structure, field names,
values, Django's own translations and strings the project already translates, never on the
Chinese of a new string."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.concurrency import StaleEdit
from ledgers import services
from ledgers.models import Attachment, InterferenceRecord, LedgerRecord
from ledgers.specs import BY_SLUG, SPECS
from ledgers.templatetags.ledger_tags import event_label

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

# --- Record builders (shared with test_api.py and test_access.py) ----------------------------

SLUGS = [spec.slug for spec in SPECS]
DAY = datetime.date(2025, 3, 5)
LATER = datetime.date(2025, 5, 20)
FIRM = "辽宁正义律师事务所"
PDF = b"%PDF-1.4\n% a scanned statement\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48

# Where each ledger keeps a name, a case number and a firm that the free-text search finds.
NAME_FIELD = {
    "interference": "interferer_name",
    "contacts": "counterpart_name",
    "approvals": "counterpart_name",
    "reports": "counterpart_name",
    "relatives": "relative_name",
}
FIRM_FIELD = {
    "contacts": "counterpart_firm",
    "approvals": "counterpart_firm",
    "reports": "counterpart_firm",
    "relatives": "law_firm",
    "departures": "current_employer",
}
CASE_SLUGS = ["interference", "contacts", "approvals", "reports"]
# A status other than the initial one, with what the database constraints require along.
OTHER_STATUS = {
    "interference": {"status": "screened", "nature": "within_duty"},
    "contacts": {"status": "verifying"},
    "approvals": {"status": "approved", "decided_on": DAY},
    "reports": {"status": "reviewed", "review_note": "已审阅"},
    "relatives": {"status": "resolved", "resolved_on": DAY},
    "departures": {"status": "ended"},
}
# The category filter: a second value of each ledger's category field.
OTHER_CATEGORY = {
    "interference": "leading_cadre",
    "contacts": "leaking",
    "approvals": "lawyer",
    "reports": "party",
    "relatives": "brother",
    "departures": "retired",
}


def model_of(slug: str) -> type[LedgerRecord]:
    return BY_SLUG[slug].model


def place(province, key: str = "heping") -> dict[str, Any]:
    """Court, department and staff member of ``key`` ("heping_criminal" is a department of
    the basic court 辽0102)."""
    court = province.courts["heping" if key == "heping_criminal" else key]
    return {
        "court": court,
        "department": province.departments[key],
        "staff": province.staff[key],
    }


def ledger_fields(slug: str, province, key: str = "heping", **overrides: Any) -> dict[str, Any]:
    """A valid record of ledger ``slug`` at ``key``, as the services take it."""
    where = place(province, key)
    return {**where, **record_values(slug, where["court"]), **overrides}


def record_values(slug: str, court) -> dict[str, Any]:
    """The fields of a valid record of ledger ``slug`` at ``court`` other than where it is
    (court, department, staff); the access matrix and the API fuzzing build theirs from it."""
    number = f"(2025){court.code}民初1号"
    return {
        "interference": {
            "regulation": "internal",
            "report_form": "three_rules",
            "case_number": number,
            "case_stage": "trial",
            "interferer_kind": "internal",
            "interferer_name": "王某",
            "occurred_on": DAY,
            "method": "phone",
            "content": "打听案情",
        },
        "contacts": {
            "counterpart_type": "lawyer",
            "counterpart_name": "赵律师",
            "counterpart_firm": FIRM,
            "case_number": number,
            "behaviour": "gifts",
            "occurred_on": DAY,
            "description": "接受宴请",
            "clue_source": "public_report",
        },
        "approvals": {
            "counterpart_type": "party",
            "counterpart_name": "钱某",
            "case_number": number,
            "planned_on": DAY,
            "place": "某茶馆",
            "purpose": "同学聚会",
        },
        "reports": {
            "counterpart_type": "lawyer",
            "counterpart_name": "孙律师",
            "counterpart_firm": FIRM,
            "case_number": number,
            "contact_on": DAY,
            "reported_on": DAY + datetime.timedelta(days=1),
            "place": "超市",
            "circumstances": "偶遇寒暄",
        },
        "relatives": {
            "relative_name": "李某",
            "relationship": "spouse",
            "law_firm": FIRM,
            "firm_area": court,
            "role": "partner",
            "reported_on": DAY,
        },
        "departures": {
            "left_on": DAY,
            "how": "resigned",
            "last_post": "judge",
            "last_grade": "senior_4",
            "served_courts": [court],
            "current_employer": "某科技公司",
        },
    }[slug]


def dated(slug: str, day: datetime.date) -> dict[str, Any]:
    """Overrides putting a record's main date (the one the period filter reads) on ``day``."""
    values = {model_of(slug).date_field: day}
    if slug == "reports":
        values["reported_on"] = day
    return values


def make(slug: str, province, key: str = "heping", *, actor: Any = None, **overrides: Any):
    """One record through the service, as an officer (or the system) enters it."""
    return services.ledger_create(
        actor=actor, model=model_of(slug), fields=ledger_fields(slug, province, key, **overrides)
    )


def make_many(slug: str, province, count: int, key: str = "heping", *, new_staff: bool = False):
    """Many records at once (bulk insert) for paging and query counts. With ``new_staff``
    every record concerns a different staff member, so a per-row query would show."""
    model = model_of(slug)
    rows, served = [], []
    for _ in range(count):
        fields = ledger_fields(slug, province, key)
        if new_staff:
            fields["staff"] = StaffMemberFactory(
                court=fields["court"], department=fields["department"]
            )
        served.append(fields.pop("served_courts", []))
        record = model(**fields)
        record.refresh_search_text()
        rows.append(record)
    rows = model.objects.bulk_create(rows)
    if slug == "departures":
        through = model.served_courts.through
        through.objects.bulk_create(
            through(departurerecord_id=row.pk, court_id=court.pk)
            for row, courts in zip(rows, served, strict=True)
            for court in courts
        )
    return rows


def spread(slug: str, province, count: int) -> list:
    """``count`` records over two courts and two departments, each about its own judge."""
    keys = ["heping", "shenhe", "heping_criminal"]
    made = []
    for index, key in enumerate(keys):
        share = count // len(keys) + (1 if index < count % len(keys) else 0)
        made += make_many(slug, province, share, key, new_staff=True)
    return made


def attach(record, *, name: str = "扫描件.pdf", content: bytes = PDF):
    return services.attachment_add(
        actor=None, record=record, upload=SimpleUploadedFile(name, content)
    )


def filter_case(kind: str, slug: str, province) -> tuple[dict, dict, dict]:
    """For one list filter: the record that matches, one that does not, and the query."""
    if kind == "court":
        return {"key": "heping"}, {"key": "shenhe"}, {"court": province.courts["heping"].pk}
    if kind == "department":
        criminal = province.departments["heping_criminal"]
        return (
            {"key": "heping_criminal"},
            {"key": "heping"},
            {"court": province.courts["heping"].pk, "department": criminal.pk},
        )
    if kind == "period":
        return (
            dated(slug, DAY),
            dated(slug, LATER),
            {"date_from": "2025年3月1日", "date_to": "2025年3月31日"},
        )
    if kind == "status":
        other = OTHER_STATUS[slug]
        return {"_update": other}, {}, {"status": other["status"]}
    if kind == "category":
        field = model_of(slug).category_field
        value = OTHER_CATEGORY[slug]
        return {field: value}, {}, {"category": value}
    raise AssertionError(kind)


def search_case(kind: str, slug: str, province) -> tuple[dict, str]:
    """For one kind of free-text search: the overrides of the record to find, and the query."""
    if kind == "name":
        if slug in NAME_FIELD:
            return {NAME_FIELD[slug]: "欧阳锋"}, "欧阳锋"
        where = place(province)
        staff = StaffMemberFactory(court=where["court"], department=where["department"])
        staff.name = "欧阳锋"
        staff.save()
        return {"staff": staff}, "欧阳锋"
    if kind == "case_number":
        return {"case_number": "(2025)辽0102民初77号"}, "（2025）辽0102民初77号"
    if kind == "firm":
        return {FIRM_FIELD[slug]: "辽宁明镜律师事务所"}, "明镜律师"
    raise AssertionError(kind)


FILTER_KINDS = ["court", "department", "period", "status", "category"]
SEARCHES = [
    *[(slug, "name") for slug in SLUGS],
    *[(slug, "case_number") for slug in CASE_SLUGS],
    *[(slug, "firm") for slug in FIRM_FIELD],
]


def make_pair(slug: str, province, matching: dict, other: dict):
    """Two records differing in what one filter looks at."""
    made = []
    for spec in (matching, other):
        spec = dict(spec)
        update = spec.pop("_update", None)
        record = make(slug, province, spec.pop("key", "heping"), **spec)
        if update:
            model_of(slug).objects.filter(pk=record.pk).update(**update)
        made.append(record)
    return made


# --- Page helpers --------------------------------------------------------------------------


@pytest.fixture
def officer(province):
    """A discipline officer of the intermediate court 辽01 who keeps the ledgers of the
    courts below too."""
    user = UserFactory()
    assign(user, Role.OFFICER, province.courts["shenyang"], covers=True)
    return user


@pytest.fixture
def web(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"].get("OPTIONS", {}), "location": tmp_path},
        },
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def listed(response, slug: str) -> list[int]:
    """The ids of the records a list page shows, in order."""
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(rf'href="/ledgers/{slug}/(\d+)/"', response.text)]


def pager_links(response) -> dict[str, str]:
    nav = re.search(r'<nav class="pager".*?</nav>', response.text, re.S)
    assert nav is not None
    links = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', nav.group(0))]
    return {("next" if "after=" in link else "prev"): link for link in links}


def post_value(value: Any) -> Any:
    """A field value as a browser posts it: ids for records, Chinese dates."""
    if isinstance(value, list):
        return [post_value(item) for item in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if value is True:
        return "on"
    return value


def form_post(slug: str, province, key: str = "heping", **overrides: Any) -> dict[str, Any]:
    fields = ledger_fields(slug, province, key, **overrides)
    return {name: post_value(value) for name, value in fields.items() if value is not False}


def bound_data(form, **changes: Any) -> dict[str, Any]:
    """What a browser posts back for an edit form as it was shown, with ``changes``."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.name] = post_value(value) if not isinstance(value, str) else value
    for name, value in changes.items():
        data[name] = post_value(value)
    return data


def message_list(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in response.context["messages"]]


def translated(text: Any) -> str:
    with translation.override("zh-hans"):
        return html.escape(str(text))


# --- Lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_list_renders_the_filter_form(web, province, slug):
    # Given a record
    record = make(slug, province)

    # When the officer opens the list
    response = web.get(f"/ledgers/{slug}/")

    # Then it shows the record and every filter, with labels the project translates
    assert listed(response, slug) == [record.pk]
    for name in ("q", "court", "department", "date_from", "date_to", "status", "voided"):
        assert f'name="{name}"' in response.text
    assert 'name="category"' in response.text
    assert "筛选" in response.text  # "Filter"
    assert "<th>法院</th>" in response.text  # "Court"


@pytest.mark.parametrize("kind", FILTER_KINDS)
@pytest.mark.parametrize("slug", SLUGS)
def test_list_filters(web, province, slug, kind):
    # Given a record that matches the filter and one that does not
    matching, other, params = filter_case(kind, slug, province)
    wanted, unwanted = make_pair(slug, province, matching, other)

    # When the list is filtered
    response = web.get(f"/ledgers/{slug}/", params)

    # Then only the matching record shows
    assert listed(response, slug) == [wanted.pk]
    assert unwanted.pk not in listed(response, slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_period_includes_both_ends(web, province, slug):
    # Given records on the last day before, the first and last day of March, and the day after
    days = [
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 1),
    ]
    before, first, last, after = (make(slug, province, **dated(slug, day)) for day in days)

    # When the list is filtered on March
    response = web.get(f"/ledgers/{slug}/", {"date_from": "2025年3月1日", "date_to": "2025-03-31"})

    # Then March's first and last day are in, the days around them out
    assert listed(response, slug) == [last.pk, first.pk]
    assert before.pk not in listed(response, slug)
    assert after.pk not in listed(response, slug)


@pytest.mark.parametrize(("slug", "kind"), SEARCHES)
def test_list_free_text_search(web, province, slug, kind):
    # Given a record with a name, case number or firm, and an ordinary one
    overrides, query = search_case(kind, slug, province)
    ordinary = make(slug, province)
    found = make(slug, province, **overrides)

    # When the list is searched (a case number written with full-width brackets)
    response = web.get(f"/ledgers/{slug}/", {"q": query})

    # Then only that record shows
    assert listed(response, slug) == [found.pk]
    assert ordinary.pk not in listed(response, slug)


@pytest.mark.parametrize("slug", SLUGS)
def test_voided_records_are_hidden_unless_asked_for(web, province, slug):
    # Given a valid record and a voided one
    kept = make(slug, province)
    voided = make(slug, province)
    services.ledger_void(actor=None, record=voided, version=voided.version, reason="录入错误")

    # When the list is opened with each choice of "voided"
    default = listed(web.get(f"/ledgers/{slug}/"), slug)
    included = listed(web.get(f"/ledgers/{slug}/", {"voided": "include"}), slug)
    only = listed(web.get(f"/ledgers/{slug}/", {"voided": "only"}), slug)

    # Then the voided record shows only when asked for
    assert default == [kept.pk]
    assert included == [voided.pk, kept.pk]
    assert only == [voided.pk]


@pytest.mark.parametrize("slug", SLUGS)
def test_keyset_pager_walks_every_record_once(web, province, slug):
    # Given 55 records at 辽0102 and 3 at 辽0103
    wanted = {row.pk for row in make_many(slug, province, 55)}
    make_many(slug, province, 3, "shenhe")

    # When the officer filters on 辽0102 and follows "next"
    first = web.get(f"/ledgers/{slug}/", {"court": province.courts["heping"].pk})
    first_ids = listed(first, slug)
    links = pager_links(first)
    second = web.get(f"/ledgers/{slug}/{links['next']}")
    second_ids = listed(second, slug)

    # Then the pages hold every record of the court once, newest first, and end there
    assert len(first_ids) == 50
    assert len(second_ids) == 5
    assert not set(first_ids) & set(second_ids)
    assert set(first_ids) | set(second_ids) == wanted
    assert first_ids + second_ids == sorted(wanted, reverse=True)
    assert "prev" not in links
    assert "next" not in pager_links(second)
    # and "previous" leads back to the first page, keeping the filter
    back = pager_links(second)["prev"]
    assert f"court={province.courts['heping'].pk}" in back
    assert listed(web.get(f"/ledgers/{slug}/{back}"), slug) == first_ids


def test_an_invalid_filter_does_not_drop_the_other_filters(web, province):
    # Given records at 辽0102 and 辽0103
    heping = make("interference", province)
    shenhe = make("interference", province, "shenhe")

    # When the officer filters on 辽0102 with a date that does not exist
    response = web.get(
        "/ledgers/interference/",
        {"court": province.courts["heping"].pk, "date_from": "2025年2月30日"},
    )

    # Then the form says what is wrong
    assert "date_from" in response.context["form"].errors
    # and the court filter still applies
    assert listed(response, "interference") == [heping.pk]
    assert shenhe.pk not in listed(response, "interference")


@pytest.mark.parametrize(
    "url",
    [
        "/ledgers/interference/?court=abc",
        "/ledgers/staff-options/?court=abc",
    ],
)
def test_a_non_numeric_court_is_not_a_server_error(web, province, url):
    web.raise_request_exception = False

    response = web.get(url)

    assert response.status_code == 200


def test_a_case_number_fragment_with_full_width_brackets_is_found(web, province):
    record = make("interference", province)

    response = web.get("/ledgers/interference/", {"q": "（2025）辽0102"})

    assert listed(response, "interference") == [record.pk]


def test_an_unknown_ledger_is_not_found(web):
    assert web.get("/ledgers/bribes/").status_code == 404


# --- Details -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_detail_shows_the_fields_and_the_history(web, province, officer, slug):
    # Given a record entered and then corrected by the officer
    record = make(slug, province, actor=officer)
    services.ledger_update(
        actor=officer, record=record, version=record.version, fields={"notes": "补充说明"}
    )

    # When the officer opens it
    response = web.get(f"/ledgers/{slug}/{record.pk}/")

    # Then it shows its fields and its history, newest first
    assert response.status_code == 200
    page = response.text
    assert province.staff["heping"].name in page
    assert "补充说明" in page
    assert "2025年3月5日" in page  # the main date, in Django's zh-hans DATE_FORMAT
    assert "变更记录" in page  # "History"
    label = record._meta.label_lower
    actions = [event.action for event in response.context["history"]]
    assert actions == [f"{label}.update", f"{label}.create"]
    timeline = re.search(r'<ol class="timeline">.*?</ol>', page, re.S).group(0)
    updated = timeline.find(f"<strong>{translated(event_label(f'{label}.update'))}</strong>")
    created = timeline.find(f"<strong>{translated(event_label(f'{label}.create'))}</strong>")
    assert updated != -1
    assert created != -1
    assert updated < created


def test_relatives_detail_shows_that_post_recusal_is_required(web, province):
    # Given a trial judge whose spouse is a partner of a firm in the court's area
    record = make("relatives", province, relationship="spouse", role="partner")

    # When the officer opens the record
    response = web.get(f"/ledgers/relatives/{record.pk}/")

    # Then the rules' results say recusal is required, with the deadlines
    computed = {item.name: item for item in response.context["computed"]}
    assert computed["recusal_required"].value is True
    assert computed["recusal_required"].alert is True
    assert computed["application_due"].value == datetime.date(2025, 4, 5)
    page = response.text
    assert translated(computed["recusal_required"].label) in page
    assert translated(computed["recusal_reason"].value) in page
    assert "2025年4月5日" in page  # application due a month after it became known
    assert "2025年9月5日" in page  # post change due within six months
    assert record.status == "pending"


def test_relatives_detail_for_a_sibling_requires_no_recusal(web, province):
    record = make("relatives", province, relationship="brother", role="partner")

    response = web.get(f"/ledgers/relatives/{record.pk}/")

    computed = {item.name: item for item in response.context["computed"]}
    assert computed["recusal_required"].value is False
    assert computed["must_report"].value is True
    assert record.status == "not_required"


def test_departures_detail_shows_the_restriction_end_in_chinese(web, province):
    # Given a fourth-grade senior judge who resigned on 30 June 2024 (three years)
    record = make("departures", province, left_on=datetime.date(2024, 6, 30), how="resigned")

    # When the officer opens the record
    response = web.get(f"/ledgers/departures/{record.pk}/")

    # Then the restriction end is shown as Django's zh-hans date
    computed = {item.name: item for item in response.context["computed"]}
    assert computed["restriction_ends"].value == datetime.date(2027, 6, 29)
    assert "2027年6月29日" in response.text
    assert "2026年6月29日" in response.text  # no agent or defender for two years
    assert province.courts["heping"].name in response.text  # courts served


def test_reports_detail_flags_a_late_report(web, province):
    record = make(
        "reports",
        province,
        contact_on=datetime.date(2025, 3, 1),
        reported_on=datetime.date(2025, 3, 20),
    )

    response = web.get(f"/ledgers/reports/{record.pk}/")

    computed = {item.name: item for item in response.context["computed"]}
    assert computed["reported_late"].value is True
    assert computed["report_due"].value == datetime.date(2025, 3, 4)
    assert "2025年3月4日" in response.text


def test_a_missing_record_is_not_found(web, province):
    assert web.get("/ledgers/interference/999999/").status_code == 404


# --- Create and edit -----------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_the_new_record_form_offers_the_ledger_fields(web, slug):
    response = web.get(f"/ledgers/{slug}/new/")

    assert response.status_code == 200
    for name in BY_SLUG[slug].edit_fields:
        assert f'name="{name}"' in response.text
    assert 'for="id_court">法院' in response.text  # existing translations of the place fields
    assert 'for="id_department">部门' in response.text
    assert "hx-get=" in response.text  # choosing a court reloads departments and staff


@pytest.mark.parametrize("slug", SLUGS)
def test_create_through_the_page(web, province, officer, slug):
    # Given the form filled in with Chinese dates and, where there is one, a case number
    # written with full-width brackets
    overrides = {"case_number": "（2025）辽0102民初1号"} if slug in CASE_SLUGS else {}
    data = form_post(slug, province, **overrides)

    # When the officer saves it
    response = web.post(f"/ledgers/{slug}/new/", data)

    # Then the record exists, normalised, entered by the officer, with an audit event
    record = model_of(slug).objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ledgers/{slug}/{record.pk}/"
    assert record.entered_by == officer
    assert record.staff == province.staff["heping"]
    assert getattr(record, model_of(slug).date_field) == DAY
    assert record.version == 1
    if slug in CASE_SLUGS:
        assert record.case_number == "(2025)辽0102民初1号"
    event = AuditEvent.objects.get(action=f"{record._meta.label_lower}.create")
    assert event.actor == officer
    assert event.object_id == str(record.pk)


@pytest.mark.parametrize("slug", SLUGS)
def test_create_without_a_required_field_shows_djangos_error(web, province, slug):
    data = form_post(slug, province)
    del data["staff"]

    response = web.post(f"/ledgers/{slug}/new/", data)

    assert response.status_code == 200
    assert "该字段是必填项。" in response.text
    assert not model_of(slug).objects.exists()


@pytest.mark.parametrize("slug", CASE_SLUGS)
def test_a_bad_case_number_is_refused_in_chinese(web, province, slug):
    data = form_post(slug, province, case_number="2025民初第一号")

    response = web.post(f"/ledgers/{slug}/new/", data)

    assert response.status_code == 200
    assert "不是有效的案号" in response.text
    assert "case_number" in response.context["form"].errors
    assert not model_of(slug).objects.exists()


def test_a_record_about_staff_of_another_court_is_refused(web, province):
    data = form_post("interference", province, staff=province.staff["shenhe"])

    response = web.post("/ledgers/interference/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not InterferenceRecord.objects.exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_edit_saves_and_moves_the_version_on(web, province, slug):
    # Given a record
    record = make(slug, province)
    form = web.get(f"/ledgers/{slug}/{record.pk}/edit/").context["form"]

    # When the officer changes its notes
    response = web.post(f"/ledgers/{slug}/{record.pk}/edit/", bound_data(form, notes="已核"))

    # Then the change is saved, once, as a new version
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.notes == "已核"
    assert record.version == 2
    assert AuditEvent.objects.filter(action=f"{record._meta.label_lower}.update").count() == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_edit_based_on_a_stale_version_changes_nothing(web, province, officer, slug):
    # Given an officer who opened the edit form, and someone who changed the record since
    record = make(slug, province)
    form = web.get(f"/ledgers/{slug}/{record.pk}/edit/").context["form"]
    services.ledger_update(actor=None, record=record, version=1, fields={"notes": "他人的修改"})

    # When the officer saves the form they opened
    response = web.post(f"/ledgers/{slug}/{record.pk}/edit/", bound_data(form, notes="我的修改"))

    # Then the form says so and the other person's change stands
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(StaleEdit.message)]
    assert translated(StaleEdit.message) in response.text
    record.refresh_from_db()
    assert record.notes == "他人的修改"
    assert record.version == 2


def test_a_voided_record_cannot_be_edited(web, province):
    record = make("interference", province)
    services.ledger_void(actor=None, record=record, version=1, reason="重复录入")

    assert web.get(f"/ledgers/interference/{record.pk}/edit/").status_code == 404


def test_staff_options_offer_only_courts_in_scope(web, province):
    heping = web.get("/ledgers/staff-options/", {"court": province.courts["heping"].pk})
    dalian = web.get("/ledgers/staff-options/", {"court": province.courts["dalian"].pk})

    assert province.staff["heping"].name in heping.text
    assert province.staff["heping_criminal"].name in heping.text
    assert province.staff["dalian"].name not in dalian.text


# --- Workflow steps ------------------------------------------------------------------------

# The first step of each ledger's workflow, what it asks for, and how the record must look.
STEPS = {
    "interference": (
        {},
        "screened",
        {"nature": "improper", "improper_kind": "probing", "screened_on": "2025年3月6日"},
    ),
    "contacts": ({}, "verifying", {}),
    "approvals": ({}, "approved", {"decided_on": "2025年3月1日", "decision_note": "同意"}),
    "reports": ({}, "reviewed", {"review_note": "已提醒注意"}),
    "relatives": ({}, "implemented", {"post_changed_on": "2025年4月1日", "new_post": "综合部门"}),
    "departures": (
        {"left_on": datetime.date(2015, 1, 31), "how": "retired"},
        "ended",
        {},
    ),
}


@pytest.mark.parametrize("slug", SLUGS)
def test_workflow_step_through_the_page(web, province, officer, slug):
    # Given a record in its first status
    overrides, target, data = STEPS[slug]
    record = make(slug, province, **overrides)
    source = record.status
    detail = web.get(f"/ledgers/{slug}/{record.pk}/")
    assert f'href="/ledgers/{slug}/{record.pk}/step/{target}/"' in detail.text

    # When the officer opens the step and submits it
    page = web.get(f"/ledgers/{slug}/{record.pk}/step/{target}/")
    response = web.post(
        f"/ledgers/{slug}/{record.pk}/step/{target}/", {**data, "version": record.version}
    )

    # Then the record is in the new status, one version on, with a trace
    assert page.status_code == 200
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == target
    assert record.version == 2
    event = AuditEvent.objects.get(action=f"{record._meta.label_lower}.transition")
    assert event.changes["status"] == [source, target]
    assert event.actor == officer


def test_a_step_missing_a_required_field_changes_nothing(web, province):
    record = make("interference", province)

    response = web.post(
        f"/ledgers/interference/{record.pk}/step/screened/",
        {"version": 1, "screened_on": "2025年3月6日"},
    )

    assert response.status_code == 200
    assert "该字段是必填项。" in response.text
    record.refresh_from_db()
    assert record.status == "recorded"


def test_a_step_not_allowed_from_the_status_is_not_found(web, province):
    record = make("interference", province)

    assert web.get(f"/ledgers/interference/{record.pk}/step/closed/").status_code == 404
    assert (
        web.post(f"/ledgers/interference/{record.pk}/step/closed/", {"version": 1}).status_code
        == 404
    )
    record.refresh_from_db()
    assert record.status == "recorded"


def test_restrictions_cannot_end_early(web, province):
    # Given someone who left in March 2025: their restrictions run for years
    record = make("departures", province)

    # When the officer tries to close the follow-up
    response = web.post(f"/ledgers/departures/{record.pk}/step/ended/", {"version": 1})

    # Then the step is refused with a message and nothing changes
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    record.refresh_from_db()
    assert record.status == "following"
    assert record.version == 1


# --- Void ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_void_needs_a_reason(web, province, slug):
    record = make(slug, province)

    response = web.post(
        f"/ledgers/{slug}/{record.pk}/void/", {"version": 1, "reason": "  "}, follow=True
    )

    assert response.status_code == 200
    levels = [level for level, _text in message_list(response)]
    assert levels == [message_levels.ERROR]
    record.refresh_from_db()
    assert not record.is_void
    assert record.version == 1


@pytest.mark.parametrize("slug", SLUGS)
def test_void_with_a_reason_keeps_the_record_visible(web, province, officer, slug):
    record = make(slug, province)

    response = web.post(
        f"/ledgers/{slug}/{record.pk}/void/", {"version": 1, "reason": "重复录入"}, follow=True
    )

    assert [level for level, _text in message_list(response)] == [message_levels.SUCCESS]
    record.refresh_from_db()
    assert record.is_void
    assert record.voided_by == officer
    assert record.void_reason == "重复录入"
    assert "重复录入" in response.text  # the detail page shows why
    assert f"/ledgers/{slug}/{record.pk}/edit/" not in response.text
    event = AuditEvent.objects.get(action=f"{record._meta.label_lower}.void")
    assert event.reason == "重复录入"


def test_void_based_on_a_stale_version_is_refused(web, province):
    record = make("interference", province)
    services.ledger_update(actor=None, record=record, version=1, fields={"notes": "改"})

    response = web.post(
        f"/ledgers/interference/{record.pk}/void/", {"version": 1, "reason": "错"}, follow=True
    )

    assert [level for level, _text in message_list(response)] == [message_levels.ERROR]
    record.refresh_from_db()
    assert not record.is_void


# --- Attachments and entries ---------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_attachment_upload_and_download(web, province, media, slug):
    # Given a record
    record = make(slug, province)

    # When the officer attaches a PDF scan through the page and downloads it again
    upload = SimpleUploadedFile("询问笔录.pdf", PDF, content_type="application/pdf")
    response = web.post(
        f"/ledgers/{slug}/{record.pk}/attachments/", {"file": upload, "description": "笔录"}
    )
    attachment = Attachment.objects.get()
    download = web.get(f"/ledgers/{slug}/{record.pk}/attachments/{attachment.pk}/")

    # Then the file comes back unchanged, stored under MEDIA_ROOT by its hash
    assert response.status_code == 302
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]
    assert attachment.record == record
    assert attachment.file.path.startswith(str(media))
    assert "询问笔录" not in attachment.file.name
    assert "询问笔录.pdf" in web.get(f"/ledgers/{slug}/{record.pk}/").text


@pytest.mark.parametrize("slug", SLUGS)
def test_an_executable_disguised_as_a_pdf_is_refused(web, province, media, slug):
    record = make(slug, province)
    upload = SimpleUploadedFile("扫描件.pdf", EXE, content_type="application/pdf")

    response = web.post(f"/ledgers/{slug}/{record.pk}/attachments/", {"file": upload}, follow=True)

    assert [level for level, _text in message_list(response)] == [message_levels.ERROR]
    assert not Attachment.objects.exists()
    assert not list(media.rglob("*.*"))


def test_an_attachment_of_another_record_is_not_found(web, province, media):
    first, second = make("interference", province), make("interference", province)
    attachment = attach(first)

    response = web.get(f"/ledgers/interference/{second.pk}/attachments/{attachment.pk}/")

    assert response.status_code == 404


def test_a_reminder_talk_is_added_to_a_relatives_record(web, province):
    record = make("relatives", province)

    response = web.post(
        f"/ledgers/relatives/{record.pk}/entries/",
        {"talked_on": "2025年3月10日", "talked_by": "纪检组长", "agreed": "不在本院代理案件"},
    )

    assert response.status_code == 302
    talk = record.talks.get()
    assert talk.talked_on == datetime.date(2025, 3, 10)
    assert "不在本院代理案件" in web.get(f"/ledgers/relatives/{record.pk}/").text


def test_a_follow_up_with_a_violation_needs_its_description(web, province):
    record = make("departures", province)
    data = {"followed_on": "2025年6月1日", "method": "case_check", "violation_found": "on"}

    refused = web.post(f"/ledgers/departures/{record.pk}/entries/", data, follow=True)
    accepted = web.post(
        f"/ledgers/departures/{record.pk}/entries/",
        {**data, "violation": "担任代理人", "case_number": "（2025）辽0102民初5号"},
    )

    assert [level for level, _text in message_list(refused)] == [message_levels.ERROR]
    assert accepted.status_code == 302
    follow_up = record.follow_ups.get()
    assert follow_up.case_number == "(2025)辽0102民初5号"


def test_entries_are_not_offered_by_ledgers_without_them(web, province):
    record = make("interference", province)

    response = web.post(f"/ledgers/interference/{record.pk}/entries/", {"talked_by": "x"})

    assert response.status_code == 404


# --- Home page: 逢问必录 --------------------------------------------------------------------


def test_quick_inquiry_from_the_home_page_is_about_the_staff_member(client, province):
    # Given a staff member with a login and no other role
    me = province.staff["heping_criminal"]
    user = UserFactory(staff=me)
    assign(user, Role.STAFF, province.courts["heping"])
    client.force_login(user)
    home = client.get("/")
    assert 'action="/ledgers/interference/quick/"' in home.text

    # When they record an inquiry, trying to name someone else's court and staff
    response = client.post(
        "/ledgers/interference/quick/",
        {
            "case_number": "（2025）辽0102刑初1号",
            "interferer_kind": "other",
            "interferer_name": "张三",
            "occurred_on": "2025年3月5日",
            "method": "in_person",
            "content": "请托说情",
            "court": province.courts["dalian"].pk,
            "staff": province.staff["dalian"].pk,
        },
    )

    # Then the record is about themselves, at their court and department
    record = InterferenceRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ledgers/interference/{record.pk}/"
    assert record.staff == me
    assert record.court == province.courts["heping"]
    assert record.department == province.departments["heping_criminal"]
    assert record.entered_by == user
    assert record.case_number == "(2025)辽0102刑初1号"
    assert record.case == province.cases["heping_criminal"]
    # and it is the first of "My latest records" on the home page
    home = client.get("/")
    assert [r.pk for r in home.context["my_inquiries"]] == [record.pk]
    assert f'href="/ledgers/interference/{record.pk}/"' in home.text
    assert "(2025)辽0102刑初1号" in home.text
    assert client.get(f"/ledgers/interference/{record.pk}/").status_code == 200


def test_quick_inquiry_with_a_bad_case_number_shows_the_error(client, province):
    user = UserFactory(staff=province.staff["heping"])
    assign(user, Role.STAFF, province.courts["heping"])
    client.force_login(user)

    response = client.post(
        "/ledgers/interference/quick/",
        {
            "case_number": "民初1号",
            "interferer_kind": "other",
            "interferer_name": "张三",
            "occurred_on": "2025年3月5日",
            "method": "in_person",
            "content": "请托",
        },
    )

    assert response.status_code == 200
    assert "不是有效的案号" in response.text
    assert not InterferenceRecord.objects.exists()


def test_quick_inquiry_needs_a_staff_record(web):
    response = web.post("/ledgers/interference/quick/", {"interferer_name": "张三"})

    assert response.status_code == 404


# --- Query counts --------------------------------------------------------------------------

# A list page: session, user, role assignments, the ids of the courts below (the officer covers
# them), the page of rows (court, department and staff joined) and the courts of the filter
# form (its departments are read only once a court is chosen).
LIST_PAGE_QUERIES = 6
# A detail page: session, user, role assignments, the record (every relation joined), may
# change and may manage (one EXISTS each, whatever the status), the history and the
# attachments; the entries of relatives and departures; the courts served by a departed person;
# the names the history shows (integrity/audit/display.py), one query per model named: the
# actors, the courts, departments and staff members (and the registry's case of an inquiry).
DETAIL_PAGE_QUERIES = {  # + the ids of the courts below, as for the list
    "interference": 9 + 5,
    "contacts": 9 + 4,
    "approvals": 9 + 4,
    "reports": 9 + 4,
    "relatives": 10 + 4,
    "departures": 11 + 4,
}


@pytest.mark.parametrize("slug", SLUGS)
def test_list_page_queries_do_not_grow_with_the_records(
    web, province, slug, django_assert_max_num_queries
):
    # Given 5 records, each about another judge, at two courts and two departments
    spread(slug, province, 5)
    with django_assert_max_num_queries(LIST_PAGE_QUERIES) as few:
        assert len(listed(web.get(f"/ledgers/{slug}/"), slug)) == 5

    # When there are 30
    spread(slug, province, 25)
    with django_assert_max_num_queries(LIST_PAGE_QUERIES) as many:
        assert len(listed(web.get(f"/ledgers/{slug}/"), slug)) == 30

    # Then the page costs the same
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("slug", SLUGS)
def test_detail_page_queries_do_not_grow_with_history_files_and_entries(
    web, province, officer, media, slug, django_assert_max_num_queries
):
    # Given a fresh record, and one with a long history, five files and five entries
    limit = DETAIL_PAGE_QUERIES[slug]
    fresh, busy = make(slug, province, actor=officer), make(slug, province, actor=officer)
    for index in range(5):
        services.ledger_update(
            actor=officer, record=busy, version=busy.version, fields={"notes": f"第{index}次"}
        )
        attach(busy, name=f"扫描件{index}.pdf", content=PDF + bytes([index]))
    child = {
        "relatives": {"talked_on": DAY, "talked_by": "组长", "agreed": "知悉"},
        "departures": {"followed_on": DAY, "method": "phone"},
    }.get(slug)
    for _ in range(5 if child else 0):
        services.child_add(actor=officer, record=busy, fields=child)

    # When the officer opens each
    with django_assert_max_num_queries(limit) as few:
        assert web.get(f"/ledgers/{slug}/{fresh.pk}/").status_code == 200
    with django_assert_max_num_queries(limit) as many:
        page = web.get(f"/ledgers/{slug}/{busy.pk}/")

    # Then both cost the same
    assert page.context["attachments"].count() == 5
    assert len(page.context["history"]) >= 10
    assert len(many.captured_queries) == len(few.captured_queries)
