"""The demo's on-call rota (issue #13 §1): continuous week-long turns for the providers that
promise help at any hour, one open night at Microsoft so the gap warning shows; seeded once."""

from collections import Counter
from datetime import timedelta

import pytest

from contracts.models import OnCallShift, Provider
from contracts.selectors_oncall import oncall_gaps
from tests.factories import UserFactory
from tests.tickets.helpers import ams
from tickets.demo.oncall import oncall_demo

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-10 14:00")  # a Wednesday


def test_the_demo_rota_covers_every_hour_but_one_night_at_microsoft():
    staff = {name: UserFactory(username=name) for name in ("secondline", "ssm")}
    counts: Counter[str] = Counter()

    oncall_demo(staff=staff, now=NOW, counts=counts)
    oncall_demo(staff=staff, now=NOW, counts=counts)  # seeding again adds nothing

    end = NOW + timedelta(weeks=4)
    microsoft, cbg = (Provider.objects.get(code=code) for code in ("microsoft", "cbg"))
    assert oncall_gaps(microsoft, NOW, end) == [(ams("2026-07-04 00:00"), ams("2026-07-04 08:00"))]
    assert oncall_gaps(cbg, NOW, end) == []
    assert counts["on-call shifts"] == OnCallShift.objects.count() == 3 * 6 * 2 + 2
