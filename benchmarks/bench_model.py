"""Time training the default model from scratch, loading it from the cache, and importing stance.

Each measurement runs in a fresh Python process pinned to one core (``taskset -c 0`` when available),
with a private, empty model cache, so nothing is shared between them. Prints seconds. Training is
also timed as a user meets it: a fresh process on all cores with no thread settings in the
environment and an empty cache, three times (the median is printed), which is what the first
run of the README's main command spends on it.

Run from the repository root::

    python benchmarks/bench_model.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile

TRAIN = """
import time
t0 = time.perf_counter()
import stance
model = stance.load_model()          # empty cache: trains from the bundled corpus
print(f"{time.perf_counter() - t0:.2f}")
"""

LOAD = """
import time
t0 = time.perf_counter()
import stance
model = stance.load_model()          # cached: verifies the hash, then unpickles
print(f"{time.perf_counter() - t0:.2f}")
"""

LOAD_AFTER_IMPORTS = """
import time
import numpy, pandas, sklearn.pipeline, sklearn.calibration, sklearn.linear_model  # noqa: F401
import sklearn.feature_extraction.text  # noqa: F401
import stance
t0 = time.perf_counter()
model = stance.load_model()          # cached: verifies the hash, then unpickles
print(f"{time.perf_counter() - t0:.2f}")
"""

DEPS = """
import time
t0 = time.perf_counter()
import numpy, pandas, sklearn.pipeline, sklearn.calibration, sklearn.linear_model  # noqa: F401
import sklearn.feature_extraction.text  # noqa: F401
print(f"{time.perf_counter() - t0:.2f}")
"""

IMPORT = """
import time
t0 = time.perf_counter()
import stance
print(f"{time.perf_counter() - t0:.3f}")
"""


def run(code: str, env: dict[str, str], pin: bool = True) -> float:
    """Seconds printed by ``code`` run in a fresh interpreter (on one core when ``pin``)."""
    cmd = [sys.executable, "-c", code]
    if pin and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    cache = tempfile.mkdtemp(prefix="stance-bench-")
    env = dict(os.environ, STANCE_CACHE_DIR=cache, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    try:
        train = run(TRAIN, env)
        loads = [run(LOAD, env) for _ in range(3)]
        loads_only = [run(LOAD_AFTER_IMPORTS, env) for _ in range(3)]
        deps = [run(DEPS, env) for _ in range(3)]
        imports = [run(IMPORT, env) for _ in range(5)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    as_users = []
    plain = {k: v for k, v in os.environ.items()
             if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    for _ in range(3):
        fresh = tempfile.mkdtemp(prefix="stance-bench-")
        try:
            as_users.append(run(TRAIN, dict(plain, STANCE_CACHE_DIR=fresh), pin=False))
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
    print(f"train the default model from scratch (one core): {train:6.2f} s   (target < 60 s)")
    print(f"train it as a first run does ({os.cpu_count()} cores, no thread settings), median of 3: "
          f"{statistics.median(as_users):6.2f} s   (runs: {', '.join(f'{t:.1f}' for t in as_users)})")
    print(f"import + load_model() from the cache, best of 3: {min(loads):6.2f} s")
    print(f"  of which importing numpy/pandas/scikit-learn:  {min(deps):6.2f} s")
    print(f"  load_model() once they are imported, best of 3: {min(loads_only):5.2f} s   (target < 1 s)")
    print(f"import stance, best of 5:                        {min(imports):6.3f} s   (target < 0.5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
