"""The navigation offers the supervision side's pages to the roles that use them."""

import pytest

ENTRIES = {
    "inspections": "/inspections/",
    "rectification": "/inspections/findings/mine/",
    "visits": "/inspections/visits/",
    "clues": "/inspections/clues/",
    "referrals": "/inspections/clues/referrals/",
    "complaints": "/inspections/complaints/",
}


@pytest.mark.parametrize(
    ("login", "shown"),
    [
        ("supervisor", {"inspections", "visits", "clues"}),
        ("officer", {"inspections", "visits", "clues", "complaints"}),
        ("chief", {"rectification"}),
        ("staff", {"rectification"}),
        ("leader", {"inspections", "visits", "clues", "complaints"}),
        ("discipline", {"inspections", "visits", "clues", "referrals", "complaints"}),
    ],
)
def test_navigation_entries_follow_the_roles(client, logins, login, shown):
    client.force_login(getattr(logins, login))
    body = client.get("/").content.decode()
    links = {key for key, url in ENTRIES.items() if f'href="{url}"' in body}
    assert links == shown
    for url in (ENTRIES[key] for key in shown):
        assert client.get(url).status_code == 200
