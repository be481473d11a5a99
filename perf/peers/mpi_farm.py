"""mpi4py, dynamic master/worker as in the seed paper's "MPI Dynamic": rank 0 hands out one task
at a time to whichever worker asks; ranks 1..N run them. Launched by the harness as

    mpirun --oversubscribe -n WORKERS+1 /usr/bin/python3 perf/peers/mpi_farm.py --workload noop --tasks 5000 --workers 2

(as root: OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1).
"""
import time

from mpi4py import MPI

from peer_common import parse_args, report, run_task, task_arguments

TASK, STOP = 1, 2


def master(comm, args):
    arguments = task_arguments(args)
    workers = comm.Get_size() - 1
    comm.Barrier()  # every worker is up
    ready_at = time.time()
    submitted_at = time.time()
    starts = []
    status = MPI.Status()
    next_task = 0
    active = 0
    # Prime each worker with one task, then give the next to whoever returns a result.
    for worker in range(1, workers + 1):
        if next_task < len(arguments):
            comm.send(arguments[next_task], dest=worker, tag=TASK)
            next_task += 1
            active += 1
        else:
            comm.send(None, dest=worker, tag=STOP)
    while active:
        started = comm.recv(source=MPI.ANY_SOURCE, tag=TASK, status=status)
        starts.append(started)
        worker = status.Get_source()
        if next_task < len(arguments):
            comm.send(arguments[next_task], dest=worker, tag=TASK)
            next_task += 1
        else:
            comm.send(None, dest=worker, tag=STOP)
            active -= 1
    done_at = time.time()
    report("mpi4py-dynamic", args, len(arguments), ready_at, submitted_at, starts, done_at)


def worker(comm, args):
    comm.Barrier()
    status = MPI.Status()
    while True:
        argument = comm.recv(source=0, tag=MPI.ANY_TAG, status=status)
        if status.Get_tag() == STOP:
            return
        comm.send(run_task(args.workload, argument), dest=0, tag=TASK)


def main():
    args = parse_args(__doc__)
    comm = MPI.COMM_WORLD
    if comm.Get_rank() == 0:
        master(comm, args)
    else:
        worker(comm, args)


if __name__ == "__main__":
    main()
