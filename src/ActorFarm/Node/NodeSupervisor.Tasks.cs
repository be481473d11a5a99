using System.Diagnostics.CodeAnalysis;
using ActorFarm.Metrics;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Node;

// Jobs known to the node, leases in, tasks handed to workers and taken back from them.
internal sealed partial class NodeSupervisor
{
    /// <summary>The node's record of a job, made on first sight (see <see cref="NodeJob"/> for when it goes).</summary>
    private NodeJob JobFor(string jobId)
    {
        if (!_nodeJobs.TryGetValue(jobId, out var job))
            _nodeJobs[jobId] = job = new NodeJob(jobId, _settings.MaxPrefetchPerSlot);
        return job;
    }

    /// <summary>
    /// The directory's list of active jobs. A job no longer listed ended (or was cancelled): if
    /// the node knew its spec it forgets the job at once; a job it holds no spec of goes once
    /// nothing of it waits here (a result of a forgotten job still waits for its acknowledgement).
    /// </summary>
    private void UpdateActiveJobs(ActiveJobs active)
    {
        _activeJobs = active.Jobs;
        foreach (var listed in active.Jobs)
        {
            var job = JobFor(listed.JobId);
            job.Listed = true;
            job.ListedCpus = listed.Cpus;
            ObserveIncarnation(job, listed.Incarnation);
        }
        var ids = active.Jobs.Select(j => j.JobId).ToHashSet();
        foreach (var gone in _nodeJobs.Values.Where(job => !ids.Contains(job.Id)).ToList())
        {
            gone.Listed = false;
            if (gone.Spec is not null) ForgetJob(gone);
            else if (gone.HoldsNothing) _nodeJobs.Remove(gone.Id);
        }
    }

    /// <summary>The job ended: its tasks are stopped, its results sent one last time, and nothing more of it is kept.</summary>
    private void ForgetJob(NodeJob job)
    {
        StopJob(job.Id);
        DropHeld(job.Id);
        FlushAll();
        _nodeJobs.Remove(job.Id);
    }

    /// <summary>The job was cancelled: drop its queued leases and kill its running tasks.</summary>
    private void StopJob(string jobId)
    {
        var keep = _queue.Where(q => q.JobId != jobId).ToList();
        ClearQueue();
        foreach (var q in keep) Enqueue(q);
        foreach (var slot in _slots)
            if (slot.JobId == jobId) slot.Worker?.Tell(new CancelRunningTask(jobId));
    }

    private void MarkAvailable(TasksAvailable available)
    {
        if (_nodeJobs.TryGetValue(available.JobId, out var job)) job.Exhausted = false;
    }

    /// <summary>What a batch tells in any phase: the request is answered, the job's life, its spec, whether it has more.</summary>
    private NodeJob NoteBatch(TaskBatch batch)
    {
        var job = JobFor(batch.JobId);
        // The time the node waited for leases; an empty answer (nothing to lease now) is not a dispatch.
        if (job.Outstanding is { } asked && batch.Leases.Length > 0)
            FarmMetrics.DispatchLatency.Record((DateTime.UtcNow - asked.SentAt).TotalSeconds, _nodeTag);
        job.Outstanding = null;
        ObserveIncarnation(job, batch.Incarnation);
        if (batch.Spec is not null) job.Spec = batch.Spec;
        if (batch.Exhausted) job.Exhausted = true;
        return job;
    }

    /// <summary>Serving: the leases are queued for the workers.</summary>
    private void QueueBatch(TaskBatch batch)
    {
        var job = NoteBatch(batch);
        if (batch.Leases.Length == 0) return;
        if (job.Spec is not { } spec || !_settings.CanRun(spec.Command.Handler) || job.Cpus > _settings.Slots)
        {
            // The job ended (we forgot its spec), needs a handler this node lacks or more slots than
            // it has (the directory did not say so, e.g. it had just moved): give them back unrun,
            // no attempt used; the job is not asked again (RequestMore).
            _jobs.Tell(new ReturnLeases(batch.JobId, Self, batch.Leases));
            return;
        }
        foreach (var lease in batch.Leases) Enqueue(new QueuedTask(batch.JobId, lease, job.Cpus));
        Dispatch();
    }

    private void Enqueue(QueuedTask task)
    {
        _queue.Enqueue(task);
        _queuedSlots += task.Cpus;
    }

    private QueuedTask Dequeue()
    {
        var task = _queue.Dequeue();
        _queuedSlots -= task.Cpus;
        return task;
    }

    /// <summary>The queue is given back whole (a drain).</summary>
    private void ClearQueue()
    {
        _queue.Clear();
        _queuedSlots = 0;
    }

    /// <summary>The node is leaving: leases that still arrive go back unrun, no attempt used.</summary>
    private void GiveBackBatch(TaskBatch batch)
    {
        NoteBatch(batch);
        if (batch.Leases.Length > 0) _jobs.Tell(new ReturnLeases(batch.JobId, Self, batch.Leases));
    }

    /// <summary>
    /// A worker (new, or restarted after a crash) is ready. If its predecessor crashed without
    /// reporting (a worker reports a faulted task itself) while it held tasks, they go back to
    /// their job through <paramref name="report"/>, counting the attempt so that a task that
    /// always crashes ends. Which task of a batch crashed is unknown: the job's tasks go one at
    /// a time from now on, so the culprit alone uses up its attempts.
    /// </summary>
    private void TakeReadyWorker(WorkerReady ready, Action<string, TaskResult> report)
    {
        var slot = _slots[ready.Slot];
        if (slot.Returned)
        {
            // Crashed after its lease went back to the job: nothing to report.
            Release(slot);
        }
        else if (slot.JobId is { } crashedJob)
        {
            _log.Warning("Worker in slot {0} crashed running task {1} of job {2}; re-queuing {3} task(s)",
                ready.Slot, slot.Leases[0].Index, crashedJob, slot.Leases.Length);
            var now = DateTimeOffset.UtcNow;
            foreach (var lease in slot.Leases)
                report(crashedJob, new TaskResult(lease.Index, lease.Attempt, TaskOutcome.WorkerCrashed,
                    null, now, now, "worker crashed"));
            JobFor(crashedJob).Unbatched = true;
            Release(slot);
        }
        slot.Worker = Sender;
        MarkIdle(ready.Slot);
    }

    /// <summary>
    /// The slot's worker is done with its tasks. False when their leases went back to the job
    /// already (the drain deadline): the job ignores their results, so they are not reported.
    /// </summary>
    private bool FreeSlot(WorkerFinished finished)
    {
        var slot = _slots[finished.Slot];
        var returned = slot.Returned;
        Release(slot);
        if (finished.Crashing) slot.Worker = null; // its successor announces itself
        else MarkIdle(finished.Slot);
        return !returned;
    }

    /// <summary>
    /// Hands queued leases to idle workers, each once the slots its task takes are free. O(1) per
    /// task: the idle slots are kept in a stack, so a node of thousands of slots does not scan them
    /// all for every finished task.
    /// </summary>
    private void Dispatch()
    {
        while (_queue.Count > 0 && _idle.TryPop(out var index))
        {
            var slot = _slots[index];
            slot.Idle = false;
            if (slot.Worker is null || slot.JobId is not null || slot.Resting) continue; // stale: crashed or resting meanwhile
            var free = _idle.Count + 1;
            // The head of the queue waits until its slots are free, first in, first out: a task
            // of k slots is never overtaken for ever by one-slot tasks behind it. (Credits are
            // counted in slots, so a wide task is only asked for when the node has room for it.)
            if (!NextRunnable(out var job) || job.Cpus > FreeSlots)
            {
                MarkIdle(index);
                return;
            }
            var next = Dequeue();

            // Very short tasks go several at a time, the queue shared fairly among the free slots.
            var size = Math.Min(job.BatchSize, Math.Max(1, (_queue.Count + 1) / free));
            var leases = new TaskLease[size];
            leases[0] = next.Lease;
            var count = 1;
            while (count < size && _queue.TryPeek(out var following) && following.JobId == next.JobId)
            {
                Dequeue();
                if (FitsBeforeLeaving(following, job)) leases[count++] = following.Lease;
            }
            slot.JobId = next.JobId;
            slot.Leases = count == size ? leases : leases[..count];
            slot.Cpus = next.Cpus;
            _usedSlots += slot.Cpus;
            _busyLeaseSlots += slot.Leases.Length * slot.Cpus;
            _slotGauges?.AddBusy(slot.Cpus);
            FarmMetrics.TasksStarted.Add(slot.Leases.Length, _nodeTag);
            slot.Worker.Tell(new RunTasks(next.JobId, job.Spec!, slot.Leases));
        }
    }

    /// <summary>
    /// Drops the queue's head while it may not start (its job forgotten meanwhile, or it would not
    /// finish before the node leaves: given back), and gives the job of the head that may.
    /// </summary>
    private bool NextRunnable([NotNullWhen(true)] out NodeJob? job)
    {
        while (_queue.TryPeek(out var head))
        {
            if (Runnable(head, out job)) return true;
            Dequeue();
        }
        job = null;
        return false;
    }

    /// <summary>A queued task may start: its job is known with its spec (not forgotten meanwhile) and it fits before the node leaves.</summary>
    private bool Runnable(QueuedTask task, [NotNullWhen(true)] out NodeJob? job) =>
        _nodeJobs.TryGetValue(task.JobId, out job) && job.Spec is not null && FitsBeforeLeaving(task, job);

    private void MarkIdle(int index)
    {
        var slot = _slots[index];
        if (slot.Idle || slot.Resting || slot.Worker is null || slot.JobId is not null) return;
        slot.Idle = true;
        _idle.Push(index);
    }

    /// <summary>The slot's worker no longer holds its leases (finished, crashed, given up).</summary>
    private void Release(Slot slot)
    {
        if (slot.JobId is not null)
        {
            _slotGauges?.AddBusy(-slot.Cpus);
            _usedSlots -= slot.Cpus;
        }
        _busyLeaseSlots -= slot.Leases.Length * slot.Cpus;
        slot.JobId = null;
        slot.Leases = [];
        slot.Cpus = 0;
        slot.Returned = false;
    }

    /// <summary>
    /// A node that must leave at a known time does not start a task that could outlast it: one
    /// expected to end after <see cref="NodeSettings.WorkEndsAt"/>, or, for a job that declares no
    /// <c>expected-duration</c>, any task once less than the drain grace is left. The lease goes back
    /// (no attempt used) and the node stops asking that job for tasks.
    /// </summary>
    private bool FitsBeforeLeaving(QueuedTask task, NodeJob job)
    {
        if (_settings.WorkEndsAt is not { } workEnds) return true;
        var now = DateTimeOffset.UtcNow;
        var expected = job.Spec!.ExpectedDuration;
        if (expected is { } e ? now + e <= workEnds : now <= _settings.LastOpenEndedStartAt) return true;
        if (!job.Unfit)
        {
            job.Unfit = true;
            if (expected is not null)
                _log.Info("Job {0}: tasks take up to {1}, more than this node has left; leaving them for other nodes", task.JobId, expected);
            else
                _log.Info("Job {0}: tasks declare no expected-duration and less than the drain grace is left; leaving them for other nodes", task.JobId);
        }
        _jobs.Tell(new ReturnLeases(task.JobId, Self, [task.Lease]));
        return false;
    }
}
