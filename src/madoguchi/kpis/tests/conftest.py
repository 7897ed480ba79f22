import datetime

import pytest
from django.utils import timezone

from madoguchi.kpis.models import MonthlyFigure
from madoguchi.reception.tests.conftest import (  # noqa: F401  (fixtures)
    disaster_form,
    received,
)

CHIYODA = "131016"
YOKOHAMA = "141003"


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


@pytest.fixture
def chiyoda_figures(catalog, demo):
    """Aggregates of 千代田区 with numbers no other municipality has."""
    return MonthlyFigure.objects.create(
        municipality_code=CHIYODA,
        procedure_code="disaster-certificate",
        month=this_month(),
        received=4321,
        completed=4000,
        rejected=11,
        returned=97,
        durations=[0, 0, 100, 3000, 900, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    )
