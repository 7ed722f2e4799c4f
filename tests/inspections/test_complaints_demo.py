"""The demo complaints (inspections/demo/complaints.py): entered through the services, once."""

import random

import pytest
from django.core.cache import cache

from inspections.demo import complaints as demo
from inspections.models import Complaint, ComplaintMessage

from ..factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_two_complaints_once(province, capsys):
    cache.clear()
    from integrity.access.models import Role
    from integrity.org.models import Court

    heping = province.courts["heping"]
    Court.objects.filter(pk=heping.pk).update(code="辽0102")
    officer = UserFactory(username="officer", staff=province.staff["heping_criminal"])
    assign(officer, Role.OFFICER, heping)
    assert demo.seed(random.Random(1)) > 0
    assert Complaint.objects.count() == 2
    assert ComplaintMessage.objects.filter(from_public=True).count() == 1
    anonymous = Complaint.objects.get(subject_name="")
    assert not anonymous.reporter.name
    assert not anonymous.reporter.phone
    assert demo.seed(random.Random(1)) == 0
    assert Complaint.objects.count() == 2
    assert capsys.readouterr().out == ""  # nothing secret (or otherwise) printed
