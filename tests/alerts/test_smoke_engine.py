from ledgers.alerts import detect
from ledgers.alerts.models import Alert

from .conftest import agent, relative


def test_spouse_on_panel(province, heping_case):
    record = relative(province)
    agent(heping_case)
    outcome = detect.check_cases([heping_case.pk])
    rules = sorted(Alert.objects.values_list("rule", flat=True))
    print(outcome, rules)
    assert rules == ["panel_withdrawal", "post_recusal"]
    record.refresh_from_db()
    assert record.status == "pending"
    again = detect.check_cases([heping_case.pk])
    assert again.created == 0 and again.confirmed == 2
