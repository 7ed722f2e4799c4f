"""Build a realistic demo province: the Liaoning court tree, departments, about 600 staff,
a case registry, and one login per role. Idempotent: a second run changes nothing."""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from inspections import demo as inspection_demo
from integrity.access import services as access_services
from integrity.access.models import Role, User
from integrity.org import demo_data as data
from integrity.org import services
from integrity.org.models import Case, CaseAgent, CaseParty, Court, Department, StaffMember
from ledgers import demo as ledger_demo
from ledgers.alerts import demo as alert_demo

DEMO_PASSWORD = "Qinglian@2026"  # noqa: S105 - demo logins only, printed by `make run`
SEED = 20261121
STAFF_PER_LEVEL = {"high": 40, "intermediate": 15, "special": 15, "basic": 6}
CASES_PER_COURT = {"high": 4, "intermediate": 6, "special": 4, "basic": 4}
CASE_TYPES = {
    "民事": "civil",
    "刑事": "criminal",
    "行政": "administrative",
    "执行": "enforcement",
    "国家赔偿": "state_compensation",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    court_code: str
    department: str | None
    covers: bool
    post: str
    what: str


LOGINS = [
    DemoLogin("admin", Role.ADMIN, "辽", None, True, "administrative", "系统管理员（全省）"),
    DemoLogin(
        "officer",
        Role.OFFICER,
        "辽0102",
        None,
        False,
        "administrative",
        "和平区法院纪检监察室工作人员（本院）",
    ),
    DemoLogin(
        "chief",
        Role.CHIEF,
        "辽0102",
        "民事审判第一庭",
        False,
        "chief",
        "和平区法院民一庭庭长（本庭）",
    ),
    DemoLogin("staff", Role.STAFF, "辽0102", None, False, "judge", "和平区法院审判员（本人）"),
    DemoLogin(
        "leader", Role.LEADER, "辽08", None, True, "president", "营口市中级人民法院院长（两级法院）"
    ),
    DemoLogin("supervisor", Role.SUPERVISOR, "辽", None, True, "chief", "省法院督察局（全省）"),
    DemoLogin(
        "discipline",
        Role.DISCIPLINE,
        "辽",
        None,
        True,
        "administrative",
        "驻省法院纪检监察组（全省）",
    ),
]
LOGIN_DEPARTMENT = {
    "officer": "纪检监察室",
    "supervisor": "督察局",
    "discipline": "纪检监察室",
    "admin": "办公室",
    "staff": "民事审判第一庭",
    "leader": None,
}


class Command(BaseCommand):
    help = "Load the demo province and its logins (idempotent; --print-logins only prints)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--print-logins", action="store_true", help="print the demo logins and change nothing"
        )

    def handle(self, *args: Any, print_logins: bool = False, **options: Any) -> None:
        if not print_logins:
            with transaction.atomic():
                created = Seeder(random.Random(SEED)).run()
            self.stdout.write(
                f"seed_demo: {created} new rows"
                if created
                else "seed_demo: demo data already present, nothing changed"
            )
            return
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<11} {login.what}")
        inspector = "沈阳中院干警，省法院督察组成员（督察期间可查看被督察的和平区法院）"
        self.stdout.write(f"  {'inspector':<11} {inspector}")


class Seeder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.created = 0
        self.courts: dict[str, Court] = {}

    def run(self) -> int:
        for index, (code, name, level, parent_code) in enumerate(data.COURTS):
            court = self.court(code, name, level, parent_code)
            departments = [self.department(court, dept) for dept in data.DEPARTMENTS[level]]
            staff = self.staff(index, court, departments)
            self.cases(court, staff)
        for login in LOGINS:
            self.login(login)
        self.created += ledger_demo.seed(self.rng)
        self.created += inspection_demo.seed(self.rng)
        # Last: the early-warning engine runs on cases and ledger records like those above.
        self.created += alert_demo.seed()
        return self.created

    # --- organisation ---------------------------------------------------------------------
    def court(self, code: str, name: str, level: str, parent_code: str | None) -> Court:
        court = Court.objects.filter(code=code).first()
        if court is None:
            court = services.court_create(
                actor=None,
                code=code,
                name=name,
                level=level,
                parent=self.courts[parent_code] if parent_code else None,
                region=name.removesuffix("人民法院").removesuffix("中级").removesuffix("高级"),
            )
            self.created += 1
        self.courts[code] = court
        return court

    def department(self, court: Court, name: str) -> Department:
        department = Department.objects.filter(court=court, name=name).first()
        if department is None:
            department = services.department_save(
                actor=None, court=court, name=name, is_trial=name in data.TRIAL_DEPARTMENTS
            )
            self.created += 1
        return department

    def person_name(self) -> tuple[str, str]:
        surnames, weights = zip(*data.SURNAMES, strict=True)
        surname = self.rng.choices(surnames, weights=weights)[0]
        gender = self.rng.choice("mf")
        pool = data.GIVEN_NAME_CHARS_MALE if gender == "m" else data.GIVEN_NAME_CHARS_FEMALE
        given = self.rng.choice(pool)
        if self.rng.random() < 0.7:
            given = self.rng.choice(data.GIVEN_NAME_CHARS_NEUTRAL + pool) + given
        return surname + given, gender

    def staff(self, index: int, court: Court, departments: list[Department]) -> list[StaffMember]:
        trial = [d for d in departments if d.is_trial]
        other = [d for d in departments if not d.is_trial]
        members = []
        for number in range(STAFF_PER_LEVEL[court.level]):
            name, gender = self.person_name()  # drawn even when the row exists: same sequence
            post, department = self.post_for(number, trial, other)
            staff_number = f"{index:03d}{number + 1:04d}"
            joined = datetime.date(1990 + self.rng.randrange(33), 1 + self.rng.randrange(12), 1)
            departed = self.rng.random() < 0.04 and post not in {"president", "vice_president"}
            left_status = self.rng.choice(["retired", "resigned", "transferred"])
            status = left_status if departed else StaffMember.Status.SERVING
            member = StaffMember.objects.filter(court=court, staff_number=staff_number).first()
            if member is None:
                member = services.staff_save(
                    actor=None,
                    court=court,
                    department=department,
                    name=name,
                    gender=gender,
                    staff_number=staff_number,
                    post=post,
                    grade=self.grade_for(court, post),
                    is_leading_cadre=post in data.CADRE_POSTS,
                    is_trial_post=(post in data.TRIAL_POSTS and department in trial)
                    or post in {"president", "vice_president"},
                    status=status,
                    joined_on=joined,
                    left_on=datetime.date(2025, 1 + index % 12, 15) if departed else None,
                )
                self.created += 1
            members.append(member)
        return members

    def post_for(
        self, number: int, trial: list[Department], other: list[Department]
    ) -> tuple[str, Department | None]:
        if number == 0:
            return "president", None
        if number == 1:
            return "vice_president", None
        cycle = [
            "chief",
            "judge",
            "assistant",
            "clerk",
            "judge",
            "deputy_chief",
            "enforcement_officer",
            "administrative",
            "judge",
            "bailiff",
        ]
        post = cycle[(number - 2) % len(cycle)]
        if post in {"administrative", "bailiff"} or not trial:
            return post, other[(number // len(cycle)) % len(other)]
        if post == "enforcement_officer":
            enforcement = [d for d in trial if d.name == "执行局"] or trial
            return post, enforcement[0]
        return post, trial[((number - 2) // len(cycle)) % len(trial)]

    @staticmethod
    def grade_for(court: Court, post: str) -> str:
        top = data.TOP_GRADES[court.level]
        return {
            "president": top[0],
            "vice_president": top[1],
            "chief": top[2],
            "deputy_chief": "judge_1",
            "judge": "judge_3",
        }.get(post, "")

    # --- case registry ----------------------------------------------------------------------
    def cases(self, court: Court, staff: list[StaffMember]) -> None:
        judges = [
            s
            for s in staff
            if s.post in {"judge", "chief", "deputy_chief"}
            and s.status == StaffMember.Status.SERVING
        ] or staff[:1]
        for sequence in range(1, CASES_PER_COURT[court.level] + 1):
            kind = self.rng.choice(list(data.CASE_TYPE_CODES))
            codes = [
                c
                for c, _stage in data.CASE_TYPE_CODES[kind]
                if court.level != "basic" or c not in data.UPPER_COURT_ONLY_CODES
            ]
            type_code = self.rng.choice(codes)
            year = 2024 + self.rng.randrange(3)
            number = f"({year}){court.code}{type_code}{sequence}号"
            filed = datetime.date(year, 1 + self.rng.randrange(12), 1 + self.rng.randrange(28))
            closed = filed + datetime.timedelta(days=30 + self.rng.randrange(200))
            closed = closed if closed < datetime.date(2026, 11, 1) else None
            presiding = self.rng.choice(judges)
            panel = self.rng.sample(judges, k=min(len(judges), self.rng.choice([1, 3])))
            parties = [self.person_name()[0] for _ in range(2)]
            firm, _city = self.rng.choice(data.LAW_FIRMS)
            agent_name = self.person_name()[0]
            licence = f"1210{self.rng.randrange(10**12, 10**13)}"
            cause = self.rng.choice(data.CASE_CAUSES[kind])
            if Case.objects.filter(number=number).exists():
                continue
            case = services.case_save(
                actor=None,
                number=number,
                court=court,
                department=presiding.department,
                case_type=CASE_TYPES[kind],
                cause=cause,
                filed_on=filed,
                closed_on=closed,
                presiding_judge=presiding,
                panel=panel,
            )
            first, second = (CaseParty.Role.PLAINTIFF, CaseParty.Role.DEFENDANT)
            if kind == "刑事":
                first, second = CaseParty.Role.VICTIM, CaseParty.Role.ACCUSED
            elif kind == "执行":
                first, second = (
                    CaseParty.Role.ENFORCEMENT_APPLICANT,
                    CaseParty.Role.PERSON_SUBJECT_TO_ENFORCEMENT,
                )
            party = services.case_party_save(actor=None, case=case, name=parties[0], role=first)
            services.case_party_save(actor=None, case=case, name=parties[1], role=second)
            services.case_agent_save(
                actor=None,
                case=case,
                party=party,
                name=agent_name,
                law_firm=firm,
                licence_number=licence,
                kind=CaseAgent.Kind.LAWYER,
                role=CaseAgent.Role.DEFENDER if kind == "刑事" else CaseAgent.Role.AGENT,
            )
            self.created += 1

    # --- logins ---------------------------------------------------------------------------
    def login(self, login: DemoLogin) -> None:
        if User.objects.filter(username=login.username).exists():
            return
        court = self.courts[login.court_code]
        department = None
        dept_name = login.department or LOGIN_DEPARTMENT.get(login.username)
        if dept_name:
            department = Department.objects.filter(court=court, name=dept_name).first()
        staff = self.free_staff(court, department, login.post)
        user = User(username=login.username, staff=staff)
        user.set_password(DEMO_PASSWORD)
        access_services.user_save(actor=None, user=user)
        access_services.role_assignment_save(
            actor=None,
            user=user,
            role=login.role,
            court=court,
            department=department if login.role == Role.CHIEF else None,
            covers_subordinates=login.covers,
        )
        if login.role != Role.STAFF:
            # Everyone is also a staff member who files their own declarations.
            access_services.role_assignment_save(
                actor=None, user=user, role=Role.STAFF, court=court
            )
        self.created += 1

    @staticmethod
    def free_staff(court: Court, department: Department | None, post: str) -> StaffMember:
        candidates = StaffMember.objects.filter(
            court=court, user__isnull=True, status=StaffMember.Status.SERVING
        )
        preferred = candidates.filter(post=post)
        if department is not None:
            preferred = preferred.filter(department=department) or candidates.filter(
                department=department
            )
        member = preferred.order_by("id").first() or candidates.order_by("id").first()
        assert member is not None, f"no free staff member at {court}"
        return member
