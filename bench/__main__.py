"""Run the benchmarks on the configured database and print the figures.

python -m bench                              # 100,000 practitioners: search and matches
python -m bench --practitioners 1000000 --only search --naive-runs 0
DATABASE_URL=postgresql://... python -m bench
"""

import argparse
import sys

from bench import matches, search
from bench.common import write_results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks that print figures and write them under bench/results/.")
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--naive-runs", type=int, default=3)
    parser.add_argument("--only", choices=("search", "matches"))
    args = parser.parse_args(argv)
    app = search.prepare_app(args.practitioners)
    if args.only in (None, "search"):
        result = search.measure(app, args.runs, args.naive_runs)
        result["cases"] = search.measure_cases(app, args.runs)
        path = write_results(f"search_{result['engine']}_{args.practitioners}", result)
        print(search.report(result), "->", path, flush=True)
        print(search.report_cases(result["cases"]), flush=True)
    if args.only in (None, "matches"):
        result = matches.measure(app, args.runs)
        path = write_results(f"matches_{result['engine']}_{args.practitioners}", result)
        print(matches.report(result), "->", path, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
