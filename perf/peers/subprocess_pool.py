"""The reference for process tasks: a Python thread pool, each thread running subprocess.run.
Python spawns with vfork (posix_spawn where it can), the cheapest spawn path on Linux.

    /usr/bin/python3 perf/peers/subprocess_pool.py --workload true --tasks 2000 --workers 2
"""
import time
from concurrent.futures import ThreadPoolExecutor

from peer_common import parse_args, report, run_task, task_arguments


def main():
    args = parse_args(__doc__)
    arguments = task_arguments(args)
    with ThreadPoolExecutor(args.workers) as pool:
        ready_at = time.time()
        submitted_at = time.time()
        starts = list(pool.map(lambda a: run_task(args.workload, a), arguments))
        done_at = time.time()
    report("python-subprocess-pool", args, len(arguments), ready_at, submitted_at, starts, done_at)


if __name__ == "__main__":
    main()
