"""Who sees which clue (issue 5 item 4): a clue about a court leader is hidden from that leader
and from everyone of their court below them — list, detail, free-text search, API list and
detail, admin changelist, attachments — and reaches the discipline team and the courts above;
a clue is never visible to its subject, even by grant; sharing with a named person works and
is audited; a leader clue is referred at once and the team is told."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from inspections.models import Clue, ClueUserObjectPermission, Referral
from inspections.services import clues as services
from integrity.access.models import Role
from integrity.audit.models import AuditEvent
from integrity.notify.models import Notification

from ..factories import StaffMemberFactory, UserFactory, assign

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test evidence\n" + b"0" * 64


def leader_clue(logins, actor=None, **extra) -> Clue:
    vice = logins.vice.staff
    return services.clue_create(
        actor=actor,
        fields={
            "court": vice.court,
            "subject": vice,
            "summary": "副院长违规接受宴请",
            "source": Clue.Source.DIRECT,
            **extra,
        },
    )


def plain_clue(province, summary="法官违规会见律师") -> Clue:
    return services.clue_create(
        actor=None,
        fields={
            "court": province.courts["heping"],
            "subject": province.staff["heping"],
            "summary": summary,
            "source": Clue.Source.DIRECT,
        },
    )


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


HIDDEN = ("vice", "officer", "chief", "staff", "outsider")
SEEN = ("discipline", "leader", "supervisor")


@pytest.mark.parametrize("who", HIDDEN + SEEN)
def test_a_leader_clue_is_hidden_from_the_leader_and_their_court(client, logins, who):
    clue = leader_clue(logins)
    user = getattr(logins, who)
    client.force_login(user)
    visible = who in SEEN

    listing = client.get("/inspections/clues/")
    search = client.get("/inspections/clues/", {"q": "副院长"})
    detail = client.get(f"/inspections/clues/{clue.pk}/")
    api_list = api(user).get("/api/v1/clues/", {"q": "宴请"})
    api_detail = api(user).get(f"/api/v1/clues/{clue.pk}/")

    assert ("违规接受宴请" in listing.content.decode()) is visible
    assert ("违规接受宴请" in search.content.decode()) is visible
    assert detail.status_code == (200 if visible else 404)
    if api_list.status_code == 200:
        ids = [row["id"] for row in api_list.json()["results"]]
        assert (clue.pk in ids) is visible
    else:
        assert not visible
    assert api_detail.status_code == (200 if visible else 404)


def test_an_ordinary_clue_is_seen_by_the_court_officer(client, logins, province):
    clue = plain_clue(province)
    client.force_login(logins.officer)
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 200
    client.force_login(logins.vice)  # a court leader sees ordinary clues of their court
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 200


def test_the_admin_changelist_hides_a_leader_clue_from_the_court_officer(client, logins, province):
    leader_clue(logins)
    plain_clue(province)
    client.force_login(logins.officer)
    page = client.get("/admin/inspections/clue/").content.decode()
    searched = client.get("/admin/inspections/clue/", {"q": "副院长"}).content.decode()
    assert "法官违规会见律师" in page
    assert "违规接受宴请" not in page
    assert "违规接受宴请" not in searched
    referrals = client.get("/admin/inspections/referral/").content.decode()
    assert "纪移" not in referrals


def test_a_leader_clue_attachment_is_out_of_reach_of_the_court(client, logins):
    clue = leader_clue(logins)
    upload = SimpleUploadedFile("证据.pdf", PDF, content_type="application/pdf")
    attachment = services.clue_attachment_add(actor=None, clue=clue, upload=upload)
    url = f"/inspections/clues/{clue.pk}/attachments/{attachment.pk}/"
    client.force_login(logins.officer)
    assert client.get(url).status_code == 404
    client.force_login(logins.discipline)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action="inspections.clue.attachment.download", object_id=str(clue.pk)
    ).exists()


def test_a_leader_clue_is_referred_at_once_and_the_team_told(logins):
    clue = leader_clue(logins, actor=logins.supervisor)
    referral = Referral.objects.get(clue=clue)
    clue.refresh_from_db()
    assert clue.about_leader
    assert clue.status == Clue.Status.REFERRED
    assert referral.stage == Referral.Stage.RECEIVED
    assert referral.number == f"辽0102纪移〔{referral.referred_on.year}〕1号"
    told = Notification.objects.filter(kind="referral_received")
    assert list(told.values_list("recipient_id", flat=True)) == [logins.discipline.staff_id]
    assert told.get().url == f"/inspections/clues/referrals/{referral.pk}/"


def test_the_court_officer_may_hand_over_a_clue_about_their_own_leader(client, logins):
    vice = logins.vice.staff
    client.force_login(logins.officer)
    response = client.post(
        "/inspections/clues/new/",
        {
            "court": vice.court_id,
            "subject": vice.pk,
            "source": Clue.Source.LETTER,
            "summary": "来信反映副院长插手案件",
            "is_confidential": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/inspections/clues/"
    clue = Clue.objects.get(summary="来信反映副院长插手案件")
    assert clue.about_leader
    assert clue.referrals.count() == 1
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 404


def test_naming_a_leader_later_routes_the_clue(logins, province):
    clue = plain_clue(province)
    services.clue_update(
        actor=logins.officer,
        clue=clue,
        version=clue.version,
        fields={"subject": logins.vice.staff},
    )
    clue.refresh_from_db()
    assert clue.about_leader
    assert clue.referrals.count() == 1


def test_a_clue_is_never_shown_to_its_subject_even_by_grant(client, logins, province):
    # The subject is a discipline-team member of the court above who would otherwise reach it.
    member = StaffMemberFactory(court=province.courts["heping"], name="被反映人")
    user = UserFactory(staff=member)
    assign(user, Role.DISCIPLINE, province.courts["shenyang"], covers=True)
    clue = services.clue_create(
        actor=None,
        fields={
            "court": member.court,
            "subject": member,
            "summary": "反映某人问题",
            "source": Clue.Source.DIRECT,
        },
    )
    from guardian.shortcuts import assign_perm

    assign_perm("view_clue", user, clue)  # even a grant slipped in by hand
    client.force_login(user)
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 404
    assert "反映某人问题" not in client.get("/inspections/clues/").content.decode()
    assert api(user).get(f"/api/v1/clues/{clue.pk}/").status_code == 404


def test_the_discipline_team_shares_with_one_named_person(client, logins, province):
    clue = plain_clue(province)
    investigator = UserFactory(username="investigator")
    assign(investigator, Role.STAFF, province.courts["shenhe"])
    client.force_login(investigator)
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 404

    client.force_login(logins.discipline)
    response = client.post(
        f"/inspections/clues/{clue.pk}/share/", {"username": "investigator", "reason": "协查"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="inspections.clue.share")
    assert event.changes["grantee"] == "investigator"
    assert event.reason == "协查"
    client.force_login(investigator)
    assert client.get(f"/inspections/clues/{clue.pk}/").status_code == 200


def test_only_the_discipline_team_shares(logins, province):
    clue = plain_clue(province)
    other = UserFactory()
    with pytest.raises(PermissionDenied):  # an officer manages clues but does not share them
        services.clue_share(actor=logins.officer, clue=clue, grantee=other)
    assert not ClueUserObjectPermission.objects.exists()


def test_the_subject_can_never_be_a_grantee(logins, province):
    clue = plain_clue(province)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.clue_share(actor=logins.discipline, clue=clue, grantee=logins.staff)
    assert not ClueUserObjectPermission.objects.exists()


def test_viewing_a_confidential_clue_is_recorded(client, logins, province):
    clue = plain_clue(province)
    client.force_login(logins.officer)
    client.get(f"/inspections/clues/{clue.pk}/")
    api(logins.officer).get(f"/api/v1/clues/{clue.pk}/")
    views = AuditEvent.objects.filter(action="inspections.clue.view", object_id=str(clue.pk))
    assert views.count() == 2


def test_the_clue_list_costs_a_fixed_number_of_queries(
    client, logins, province, django_assert_num_queries
):
    for n in range(3):
        plain_clue(province, summary=f"线索{n}")
    client.force_login(logins.officer)
    client.get("/inspections/clues/")  # warm the session and content types
    with django_assert_num_queries(7):
        few = client.get("/inspections/clues/")
    for n in range(10):
        plain_clue(province, summary=f"更多线索{n}")
    with django_assert_num_queries(7):
        many = client.get("/inspections/clues/")
    assert few.status_code == many.status_code == 200


def test_the_clue_api_list_costs_a_fixed_number_of_queries(
    logins, province, django_assert_num_queries
):
    for n in range(3):
        plain_clue(province, summary=f"线索{n}")
    client = api(logins.officer)
    client.get("/api/v1/clues/")
    with django_assert_num_queries(4):
        response = client.get("/api/v1/clues/")
    assert len(response.json()["results"]) == 3
    for n in range(10):
        plain_clue(province, summary=f"更多线索{n}")
    with django_assert_num_queries(4):
        response = client.get("/api/v1/clues/")
    assert len(response.json()["results"]) == 13


def test_received_on_defaults_to_today(province):
    clue = plain_clue(province)
    assert isinstance(clue.received_on, datetime.date)
