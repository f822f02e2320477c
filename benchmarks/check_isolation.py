"""What running each answer in a child process costs a check, and how fast runaways end.

    .venv/bin/python benchmarks/check_isolation.py [--repeats 15] [--ballast-mb 300]

Prints, for ``check.activation`` and ``check.derivative`` with right answers:
the time of one check with the answer in a forked child (how every check runs
where ``os.fork`` exists) and in a thread of this process (how it runs without
fork), interleaved, best of ``--repeats``; their difference is what the child
adds to a check (the course's budget: under 0.2 s). ``--ballast-mb`` holds that
many MB of arrays in this process first, as a notebook's kernel does, since a
fork copies the process's page tables. Then the time each runaway answer takes
to be reported with ``time_limit=0.5`` (at most the limit plus 1 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import actnet
from actnet import check

LIMIT = 0.5


def relu(x):
    return np.maximum(x, np.zeros_like(x))


def relu_grad(x):
    return np.where(np.isnan(x), x, (x > 0).astype(x.dtype))


def one_check() -> None:
    check.activation(relu, "relu")
    check.derivative(relu_grad, "relu")


def best_of(repeats: int) -> tuple[float, float]:
    forked, threaded = [], []
    for _ in range(repeats):
        for fork, times in ((True, forked), (False, threaded)):
            check._CAN_FORK = fork
            start = time.perf_counter()
            one_check()
            times.append(time.perf_counter() - start)
    check._CAN_FORK = hasattr(os, "fork")
    # two checks a round
    return min(forked) / 2, min(threaded) / 2


def busy(x):
    while True:
        pass


def swallows_everything(x):
    while True:
        try:
            time.sleep(1)
        except BaseException:
            continue


def c_loop(x):
    return sum(range(3 * 10**8))


def exits(x):
    sys.exit(0)


def ends_process(x):
    os._exit(3)


def prints_forever(x):
    while True:
        print("spam" * 100)


def grows_memory(x):
    kept = []
    while True:
        kept.append(np.ones(10**7))


def returns_800_mb(x):
    return np.ones(10**8)


def forks_a_spinner(x):
    if os.fork() == 0:
        while True:
            pass
    while True:
        pass


RUNAWAYS = (
    busy,
    swallows_everything,
    c_loop,
    exits,
    ends_process,
    prints_forever,
    grows_memory,
    returns_800_mb,
    forks_a_spinner,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--ballast-mb", type=int, default=300)
    args = parser.parse_args()
    ballast = np.ones(args.ballast_mb * 2**20 // 8)
    assert actnet.get("relu")  # the registry is loaded before timing
    one_check()
    forked, threaded = best_of(args.repeats)
    print(f"process size: {ballast.nbytes / 2**20:.0f} MB of arrays held")
    print(f"one check, answer in a forked child:   {forked * 1e3:7.1f} ms")
    print(f"one check, answer in a thread:         {threaded * 1e3:7.1f} ms")
    print(f"the child adds:                        {(forked - threaded) * 1e3:7.1f} ms a check")
    print(f"ratio forked / thread:                 {forked / threaded:7.2f}")
    worst = 0.0
    for answer in RUNAWAYS:
        start = time.perf_counter()
        result = check.activation(answer, "relu", time_limit=LIMIT, raise_on_failure=False)
        took = time.perf_counter() - start
        worst = max(worst, took)
        print(f"{answer.__name__:22s} {took:6.3f} s  {result.message[:70]}")
    print(f"worst return time with time_limit={LIMIT}: {worst:.3f} s (bound: {LIMIT + 1:.1f} s)")


if __name__ == "__main__":
    main()
