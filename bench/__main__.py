"""Run the benchmarks: `python -m bench` runs them all; `python -m bench NAME [options]` runs one.

NAME is a module's name without "bench_" (e.g. `python -m bench generate_members --members 10000`);
the options after it go to that benchmark.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def available() -> list[str]:
    return sorted(path.stem.removeprefix("bench_") for path in Path(__file__).parent.glob("bench_*.py"))


def run(name: str, argv: list[str]) -> int:
    module = importlib.import_module(f"bench.bench_{name}")
    print(f"=== bench {name} {' '.join(argv)}".rstrip(), flush=True)
    started = time.perf_counter()
    code = int(module.main(argv) or 0)
    print(f"=== bench {name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.perf_counter() - started:.0f} s")
    return code


def main(argv: list[str]) -> int:
    names = available()
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("Benchmarks:", ", ".join(names))
        return 0
    if argv:
        name = argv[0].removeprefix("bench_").removesuffix(".py")
        if name not in names:
            print(f"Unknown benchmark {argv[0]!r}. Known: {', '.join(names)}", file=sys.stderr)
            return 2
        return run(name, argv[1:])
    failures = [name for name in names if run(name, []) != 0]
    if failures:
        print(f"Failed: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
