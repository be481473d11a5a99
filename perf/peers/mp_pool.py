"""Python multiprocessing: a Pool of worker processes, one task per message (chunksize=1), so
every task goes through the pool's queues like a farm task does.

    /usr/bin/python3 perf/peers/mp_pool.py --workload noop --tasks 5000 --workers 2
"""
import functools
import multiprocessing
import time

from peer_common import parse_args, report, run_task, task_arguments


def main():
    args = parse_args(__doc__)
    arguments = task_arguments(args)
    # fork: the start method of Debian's Python 3.11 and the cheapest; stated so it stays so.
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        ready_at = time.time()
        submitted_at = time.time()
        starts = pool.map(functools.partial(run_task, args.workload), arguments, chunksize=1)
        done_at = time.time()
    report("python-multiprocessing", args, len(arguments), ready_at, submitted_at, starts, done_at)


if __name__ == "__main__":
    main()
