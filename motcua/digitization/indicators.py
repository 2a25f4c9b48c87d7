"""The Decision 766 digitization measures this app computes (motcua/reports/index766.py
``MEASURE_PROVIDERS``), from the same figures as every report (read model or event log):

- ``e_results`` (6 points, threshold 100%): processed dossiers (resolved with a result: a refusal,
  a withdrawal or a stop produce none) whose result is a signed electronic result / processed
  dossiers of the period (figures ``e_result`` / ``processed``);
- ``digitized`` (4 points, threshold 80%), "dossiers digitized, components and result": the
  digitization acts the method counts, components at receipt and the result at its end, i.e.
  (received dossiers with every component digitized + processed dossiers with a digitized result) /
  (received + processed) of the period (figures ``digitized_all``, ``result_digitized``).

``e_results`` is N/A (absent) where the province stores no result files at all, ``digitized`` where
it stores no component scans at all (its figures say ``no_data``: motcua has no input there; a
province storing no result files counts the components alone), and both for empty denominators.
"""

from __future__ import annotations

from typing import Any

from motcua.domain import indicators as ind


def measures(unit: Any, period: Any, figs: Any = None) -> dict[str, ind.Measure]:
    """The provider: from ``figs`` when the index passes the period's figures (no second
    computation), else computed here."""
    if figs is None:
        from motcua.reports.services import compute_figures

        figs = compute_figures(unit, period.start, period.end)
    return measures_of(figs)


measures.wants_figures = True  # type: ignore[attr-defined]  # index_of passes its figures


def measures_of(figs: Any) -> dict[str, ind.Measure]:
    c, rates = figs.counts, figs.rates
    out: dict[str, ind.Measure] = {}
    if rates["e_result_rate"].note != "no_data":
        out["e_results"] = ind.Measure(c["e_result"], c["processed"])
    if rates["digitized_all_rate"].note != "no_data":
        results = rates["result_digitized_rate"].note != "no_data"
        out["digitized"] = ind.Measure(c["digitized_all"] + (c["result_digitized"] if results else 0),
                                       c["received"] + (c["processed"] if results else 0))
    return out
