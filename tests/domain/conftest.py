import pytest

from motcua.domain.workcal import WorkingCalendar
from tests.domain.calendars import national


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return national()
