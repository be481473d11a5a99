"""Dask distributed: a LocalCluster of worker processes (one thread each), tasks submitted with
client.map and gathered as they complete.

    /usr/bin/python3 perf/peers/dask_farm.py --workload noop --tasks 5000 --workers 2
"""
import functools
import time

from dask.distributed import Client, LocalCluster, as_completed

from peer_common import parse_args, report, run_task, task_arguments


def main():
    args = parse_args(__doc__)
    arguments = task_arguments(args)
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
        client.wait_for_workers(args.workers)
        ready_at = time.time()
        submitted_at = time.time()
        # pure=False: equal arguments (repeated durations) are still separate tasks.
        futures = client.map(functools.partial(run_task, args.workload), arguments, pure=False)
        starts = [future.result() for future in as_completed(futures)]
        done_at = time.time()
    report("dask-distributed", args, len(arguments), ready_at, submitted_at, starts, done_at)


if __name__ == "__main__":
    main()
