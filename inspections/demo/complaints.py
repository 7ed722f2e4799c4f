"""Demo public complaints for `make run`, entered through the services: two reports about staff
of 和平区法院 (辽0102), one anonymous and one with contact details (seen only by the discipline
login), each with an exchange of messages; one matched to a staff member. The receipt codes are
not printed: they exist nowhere but in the reporter's hands."""

from __future__ import annotations

import random

from integrity.access.models import User
from integrity.org.models import Court, Department, StaffMember

from .. import rules
from ..models import Complaint
from ..services import complaints as services


def seed(rng: random.Random) -> int:
    """Create the demo complaints once; returns how many rows were created (0 on a second
    run)."""
    court = Court.objects.filter(code="辽0102").first()
    officer = User.objects.filter(username="officer").first()
    if court is None or officer is None or Complaint.objects.filter(court=court).exists():
        return 0
    department = Department.objects.filter(court=court, name__contains="民").order_by("id").first()
    judges = list(
        StaffMember.objects.filter(court=court, status=StaffMember.Status.SERVING)
        .exclude(post__in=rules.LEADER_POSTS)
        .exclude(pk=officer.staff_id or 0)
        .order_by("id")[:20]
    )
    if not judges:
        return 0
    subject = rng.choice(judges)
    created = 0

    named, _code = services.complaint_submit(
        fields={
            "court": court,
            "department": department,
            "subject_name": subject.name,
            "subject_description": "承办法官",
            "case_number": "（2025）辽0102民初88号",
            "account": (
                "我是该案原告。开庭前一周，我看到被告的代理律师与承办法官在法院附近饭店一同"
                "吃饭。之后案件多次延期，至今未判。"
            ),
        },
        contact={
            "name": "刘某某",
            "phone": "13800000000",
            "relation": "原告",
        },
    )
    services.complaint_reply(
        actor=officer,
        complaint=named,
        body="您的举报已收到。请补充看到吃饭的具体日期和饭店名称，如有照片可作为附件上传。",
    )
    services.complaint_public_message(
        complaint=named, body="是上个月十二号晚上，在法院东侧的饭店。照片我手机里有。"
    )
    named = Complaint.objects.get(pk=named.pk)
    services.complaint_set_status(
        actor=officer, complaint=named, version=named.version, status=Complaint.Status.HANDLING
    )
    named = Complaint.objects.get(pk=named.pk)
    services.complaint_match_subject(
        actor=officer, complaint=named, version=named.version, subject=subject
    )
    created += 4

    anonymous, _code = services.complaint_submit(
        fields={
            "court": court,
            "subject_name": "",
            "subject_description": "执行局一名工作人员",
            "account": "执行过程中有工作人员暗示需要“表示一下”才能尽快执行到位。",
        },
    )
    services.complaint_reply(
        actor=officer,
        complaint=anonymous,
        body="感谢反映。请问是哪一个执行案件？如方便，请提供案号。",
    )
    created += 3
    return created
