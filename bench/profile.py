"""One page in process, on the page benchmark's database: its queries and where its time goes.

python -m bench.profile "/search?q=10001&radius=25"          # query count, time per request, cProfile top 25
python -m bench.profile /practitioners/SLUG --sql             # and every statement
"""

import argparse
import cProfile
import pstats
import sys
import time

from sqlalchemy import event

from bench.pages import prepare
from directory.extensions import db


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--sql", action="store_true", help="print each statement of one request")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    app, _ = prepare(args.practitioners, 1)
    app.config["RATING_MEAN_CACHE_SECONDS"] = 300  # as in production
    # The jar would replace a Cookie header given here with its own (empty) cookies.
    client = app.test_client(use_cookies=not args.cookie)
    headers = {"Cookie": args.cookie} if args.cookie else {}
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    for _ in range(3):
        response = client.get(args.url, headers=headers)
    statements.clear()
    response = client.get(args.url, headers=headers)
    print(f"{response.status_code} {len(response.data):,} bytes, {len(statements)} queries")
    if args.sql:
        for sql in statements:
            print("  ", " ".join(sql.split())[:300])
    started = time.perf_counter()
    for _ in range(args.runs):
        client.get(args.url, headers=headers)
    print(f"{(time.perf_counter() - started) / args.runs * 1000:.2f} ms per request (in process, one at a time)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.runs):
        client.get(args.url, headers=headers)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
