"""Profile one page request under the Flask test client with cProfile (the step before making a page faster).

Run: .venv/bin/python bench/profile_page.py PATH [--database fcbench_p1] [--repeat 50] [--sort tottime]
On a benchmark database made by bench/public_pages.py (or any with the demo data); prints the top functions
and the mean time per request after a first, warming request.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def main() -> None:
    """Profile PATH and print the top of the profile."""
    parser = argparse.ArgumentParser()
    parser.add_argument("path", help="a path, or \"tracking\" for a demo case's tracking page")
    parser.add_argument("--database", default="fcbench_p1")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args()
    env = harness.product_env(args.database, Path(tempfile.mkdtemp(prefix="fc-prof-")) / "instance")
    if args.path == "tracking":
        from public_pages import tracking_path

        args.path = tracking_path(env)
    app = harness.app_in_process(env)
    client = app.test_client()
    first = client.get(args.path)
    assert first.status_code == 200, first.status_code
    plain = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        client.get(args.path)
        plain.append(time.perf_counter() - began)
    plain.sort()
    print(f"{args.path}: without the profiler median {plain[len(plain) // 2] * 1000:.2f} ms, "
          f"fastest {plain[0] * 1000:.2f} ms")
    started = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.repeat):
        client.get(args.path)
    profile.disable()
    took = (time.perf_counter() - started) / args.repeat
    print(f"{args.path}: {took * 1000:.1f} ms per request under the profiler")
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
