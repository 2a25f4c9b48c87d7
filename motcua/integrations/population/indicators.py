"""The two Decision 766 measures on the population database, for a unit and period (registered in
``motcua.reports.index766.MEASURE_PROVIDERS``). DOMAIN.md names them without defining them; motcua's
definitions, from the look-up audit log joined to the dossiers of the period:

The population is, as for every figure, the unit's dossiers (handling path) submitted in the period;
of those, the ones that *could* use the database are those whose applicant is a citizen (applicant type
0) with an ID number: an enterprise or household business is not in the population database.

- ``population_db_used`` ("Hồ sơ sử dụng CSDL quốc gia về dân cư"): those dossiers whose applicant's
  details were filled from a successful look-up (a :class:`~.models.LookupUse`: the same officer or
  citizen looked the ID number up and found it, within two hours before receiving or submitting it) /
  those dossiers. A miss, a mismatch or a failed call used nothing and does not count.
- ``population_db_procedures`` ("TTHC kết nối CSDL quốc gia về dân cư"): procedures with at least one
  such dossier that used it / procedures with at least one such dossier. A procedure is "connected"
  when the data actually flowed for it in the period, not because a setting says so.

Both are N/A (0 of 0) for a unit without citizen dossiers in the period, and N/A everywhere while the
look-up has never been used at all (no audit row: the integration is not connected, as the national
portal's "synced" measure is N/A before its first sync), not 0.
"""

from __future__ import annotations

from typing import Any

from motcua.catalog.choices import ApplicantType
from motcua.domain import indicators as ind


def _population(unit: Any, period: Any) -> Any:
    from motcua.dossiers.models import Dossier

    return Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                  submitted_at__lt=period.end, applicant_type=ApplicantType.CITIZEN).exclude(
        applicant_id_number="")


def population_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    from .models import Lookup, LookupUse

    if not Lookup.objects.exists():
        return {}
    population = _population(unit, period)
    used = population.filter(pk__in=LookupUse.objects.values("dossier_id"))
    return {"population_db_used": ind.Measure(used.count(), population.count()),
            "population_db_procedures": ind.Measure(used.values("procedure_id").distinct().count(),
                                                    population.values("procedure_id").distinct().count())}
