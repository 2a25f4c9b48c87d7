"""Rules in force by date: rules_for lookups per second (pure domain, no database), and the cost per
dossier of naming its rules from an aware receipt instant (as the API's dossier list does for every row).

Dates are drawn uniformly over 2010-2030 (the demo and imported history span 2018 on), so every rule set
is hit. Target: far under a microsecond-scale share of a dossier's serialization (the API lists 500
dossiers a page).

    .venv/bin/python bench/rules.py --n 200000
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import common

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from motcua.core.clock import local_date  # noqa: E402
from motcua.domain.rules import rules_for  # noqa: E402


def _timed(fn, items: list) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    for x in items:
        fn(x)
    return time.perf_counter() - t0


def main() -> None:
    args = common.parser(__doc__.splitlines()[0], 200_000, default_db="sqlite").parse_args()
    rng = random.Random(1)
    first, span = date(2010, 1, 1).toordinal(), date(2030, 12, 31).toordinal() - date(2010, 1, 1).toordinal()
    days = [date.fromordinal(first + rng.randrange(span)) for _ in range(args.n)]
    base = datetime(2010, 1, 1, tzinfo=UTC)
    instants = [base + timedelta(seconds=rng.randrange(span * 86400)) for _ in range(args.n)]
    baseline = [_timed(lambda d: d, days) for _ in range(args.repeat)]  # the loop and one call: the machine's pace
    by_day = [_timed(rules_for, days) for _ in range(args.repeat)]
    by_instant = [_timed(lambda at: rules_for(local_date(at)), instants) for _ in range(args.repeat)]
    result = {
        "bench": "rules", "n": args.n, "repeat": args.repeat,
        "baseline_calls_per_s": round(args.n / common.median(baseline)),
        "rules_for_per_s": round(args.n / common.median(by_day)),
        "from_instant_per_s": round(args.n / common.median(by_instant)),
        "from_instant_us": round(common.median(by_instant) / args.n * 1e6, 3),
        "keys_hit": sorted({rules_for(d).key for d in days}),
    }
    common.emit(result, args.json)


if __name__ == "__main__":
    main()
