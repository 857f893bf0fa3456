"""Run every benchmark: each ``bench/bench_*.py`` in turn, in its own process, and print its figures.

``make bench`` runs this with ``DATABASE_URL`` pointing at the PostgreSQL server; each benchmark creates
(and drops) its own database there, so the ``test`` database's data is never touched.
"""

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        if code:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
