"""Time to make the weekly briefing (PPTX + PDF) for the whole province once the chart renderer
is warm, against its queries alone in the same run.

    .venv/bin/python bench/briefing.py [--warehouse-url URL] [--week 2022-W25] [--repeat 3]

The warehouse defaults to $VAX_WAREHOUSE_URL, else data/warehouse.db; it is only read. First the
renderer is started and one gathering warms the database's page cache; then, medians of
`--repeat`:
- baseline: gathering the briefing's content from `queries/` (every query the files show);
- the deck alone (the coverage map's picture drawn), the PDF alone (its two chart images drawn,
  the map's picture taken from the deck, as when both files are made), and the whole briefing
  (gather + deck + PDF, as the button and the command line make it).
Ratio = whole briefing / baseline. Target: the whole briefing under 10 s. Exit status 1 when it
is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from bench.timing import timed  # noqa: E402
from dashboard.briefing import content, deck, document, files  # noqa: E402
from dashboard.exports import images  # noqa: E402
from queries.scope import Scope  # noqa: E402
from warehouse import engine as wh_engine  # noqa: E402

TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", default=None)
    parser.add_argument("--week", default="2022-W25")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        content.week_period(args.week)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    url = settings.warehouse_url(args.warehouse_url)
    engine = wh_engine.make_engine(url, create_dir=False, must_exist=True)
    scope = Scope.province()

    def gather():
        with engine.connect() as conn:
            return content.gather(conn, scope, args.week, "vi")

    def whole():
        with engine.connect() as conn:
            return files.make(conn, scope, args.week, "vi")

    start = time.perf_counter()
    images.warm_up()
    warm_up = time.perf_counter() - start
    briefing = gather()  # the page cache and imports are not the baseline
    baseline, briefing = timed(gather, args.repeat)

    def fresh_deck():
        briefing.pictures.clear()  # the map is drawn anew, as for a new briefing
        return deck.deck(briefing)

    took_deck, pptx = timed(fresh_deck, args.repeat)
    took_pdf, pdf = timed(lambda: document.document(briefing), args.repeat)
    took, made = timed(whole, args.repeat)
    engine.dispose()
    print(f"warehouse {url}, week {args.week}, whole province, medians of {args.repeat}")
    print(f"renderer start (not timed below)        {warm_up * 1000:8.0f} ms")
    print(f"baseline: the briefing's queries        {baseline * 1000:8.0f} ms")
    print(f"deck (PPTX, {len(pptx) / 1024:5.0f} KiB, map drawn)     {took_deck * 1000:8.0f} ms")
    print(f"PDF ({len(pdf) / 1024:5.0f} KiB, 2 charts + the map) {took_pdf * 1000:8.0f} ms")
    print(
        f"whole briefing (queries + deck + PDF)   {took * 1000:8.0f} ms  "
        f"ratio to baseline {took / baseline:5.2f}"
    )
    verdict = "met" if took < TARGET_SECONDS else "MISSED"
    print(f"whole briefing {took:.1f} s: target {TARGET_SECONDS:.0f} s {verdict}")
    return 0 if took < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
