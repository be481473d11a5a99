using ActorFarm.Manifest;
using ActorFarm.Node;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Akka.Actor;

namespace ActorFarm.Tests.Serialization;

/// <summary>
/// Hand-built instances of every wire message and journal event, with every field set to a
/// non-default value where it can be (and nulls where a field is optional), so a field the
/// serializer dropped would show up as a difference.
/// </summary>
internal static class Samples
{
    private static readonly DateTimeOffset Accepted = new(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2));
    private static readonly DateTimeOffset Started = new(2024, 5, 1, 12, 0, 1, 250, TimeSpan.Zero);
    private static readonly DateTimeOffset Ended = Started.AddSeconds(3.5);

    /// <summary>An allocation queue with every field set.</summary>
    public static AllocationQueueSpec QueueSpec() => new(8, 2, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 2,
        ["--partition=short", "--account=proj 1"], "/opt/actorfarm/slurm/actorfarm-workers.sbatch", "/home/me/study",
        new Dictionary<string, string> { ["ACTORFARM_ACCESS_FILE"] = "/home/me/study/.actorfarm/access.pem", ["ACTORFARM_SLOTS"] = "4" },
        "big nodes");

    /// <summary>A process job with all four sweep axis kinds and every option set.</summary>
    public static JobSpec FullSpec() => new()
    {
        Name = "render",
        Command = new CommandSpec { Argv = ["/usr/bin/render", "--frame", "${frame}", "--quality=${quality}"] },
        Sweep = new SweepSpec
        {
            Mode = SweepMode.Product,
            Axes =
            [
                new ListAxis { Name = "quality", Values = ["low", "high", "with spaces; and $(quotes)"] },
                new IntRangeAxis { Name = "frame", From = -10, To = 1_000_000, Step = 7 },
                new FloatRangeAxis { Name = "alpha", From = 0.1, To = 0.9, Step = 0.2 },
                new FileLinesAxis { Name = "scene", Path = "/data/scenes.txt", LineCount = 42 },
            ],
        },
        Environment = new() { ["RENDER_MODE"] = "batch", ["lower_case"] = "ünïcødé" },
        WorkingDirectory = "/work/render",
        Timeout = TimeSpan.FromMinutes(5),
        Retry = new RetryPolicy
        {
            MaxAttempts = 3, ExitCodes = [75, 137], OnTimeout = true,
            Backoff = TimeSpan.FromMilliseconds(250), MaxBackoff = TimeSpan.FromSeconds(30),
        },
        Priority = 7,
        Output = new OutputSpec { Directory = "/data/out", Capture = OutputCapture.Combined, MaxBytesPerTask = 65_536 },
        SourceFile = "/work/jobs.hocon",
    };

    /// <summary>An in-process handler job: the other shape of <see cref="CommandSpec"/>, optional fields unset.</summary>
    public static JobSpec HandlerSpec() => new()
    {
        Name = "sleepy",
        Command = new CommandSpec { Handler = "sleep", HandlerArgs = new() { ["ms"] = "${i}" } },
        Sweep = new SweepSpec { Mode = SweepMode.Zip, Axes = [new IntRangeAxis { Name = "i", From = 0, To = 9 }] },
        Output = new OutputSpec { Directory = "/tmp/out", Capture = OutputCapture.None },
    };

    public static JobStatusReport Status() =>
        new("job-7f3a", "render", JobPhase.Running, 1_000_000, 1234, 5, 16, Accepted, null, null);

    public static TaskResult Result(long index, TaskOutcome outcome) =>
        new(index, 2, outcome, outcome == TaskOutcome.Succeeded ? 0 : null, Started, Ended,
            outcome == TaskOutcome.Succeeded ? null : "exit code 3", OutputTruncated: index % 2 == 0,
            Message: "note", Payload: outcome == TaskOutcome.Succeeded ? """{"v":1}"""u8.ToArray() : [7, 8, 9],
            PayloadIsJson: outcome == TaskOutcome.Succeeded);

    /// <summary>A record of every outcome, then records with a message and payloads (a JSON object, a JSON string, bytes).</summary>
    public static TaskRecord[] Records() => Enum.GetValues<TaskOutcome>()
        .Select((o, i) => new TaskRecord(i, 1 + i % 3, o, o == TaskOutcome.Succeeded ? 0 : null, i % 3 == 0 ? "node-a" : "node-b",
            Started, Ended, o == TaskOutcome.Succeeded ? null : "boom", i % 2 == 1))
        .Concat(
        [
            new TaskRecord(100, 1, TaskOutcome.Succeeded, 0, "node-a", Started, Ended, null, false, "all good",
                """{"best":[1,2.5,"x"],"nested":{"ok":true,"none":null}}"""u8.ToArray(), PayloadIsJson: true),
            new TaskRecord(101, 1, TaskOutcome.Succeeded, 0, "node-b", Started, Ended, null, false, null, "\"just \\\"text\\\"\""u8.ToArray(), true),
            new TaskRecord(102, 2, TaskOutcome.Failed, 3, "node-a", Started, Ended, "exit code 3", true, "bad input", [0, 1, 2, 255]),
            new TaskRecord(103, 1, TaskOutcome.Succeeded, 0, "node-a", Started, Ended, null, false, "only a message"),
        ])
        .ToArray();

    private static readonly TaskLease[] Leases = [new(0, 1), new(41, 2), new(long.MaxValue - 1, 3)];

    /// <summary>Samples of wire messages by label; one or more per concrete type.</summary>
    public static IReadOnlyDictionary<string, Func<IActorRef, IWireMessage>> Wire { get; } =
        new Dictionary<string, Func<IActorRef, IWireMessage>>
        {
            ["RegisterNode"] = r => new RegisterNode(r, "node-a", 16),
            ["RegisterNode(busy)"] = r => new RegisterNode(r, "node-a", 16, ["noop", "sleep"], Busy: 9),
            ["RegisterNode(allocation)"] = r => new RegisterNode(r, "n1", 32, null, Busy: 31, Allocation: "4711"),
            ["GetFarmOverview"] = _ => GetFarmOverview.Instance,
            ["AddAllocationQueue"] = _ => new AddAllocationQueue(QueueSpec()),
            ["AllocationQueueAdded"] = _ => new AllocationQueueAdded(3),
            ["RemoveAllocationQueue"] = _ => new RemoveAllocationQueue(3),
            ["AllocationQueueRemoved"] = _ => new AllocationQueueRemoved(3, ["4711", "4712"]),
            ["AllocationQueueRemoved(unknown)"] = _ => new AllocationQueueRemoved(9, [], "no allocation queue 9"),
            ["ListAllocationQueues"] = _ => ListAllocationQueues.Instance,
            ["AllocationQueueList"] = _ => new AllocationQueueList([
                new AllocationQueueView(3, QueueSpec(), [new AllocationView("4711", "RUNNING", 2, 5, Started)], null),
                new AllocationQueueView(4, QueueSpec() with { Name = "" }, [], "sbatch failed (invalid partition); trying again at 12:00:10"),
            ]),
            ["FarmOverview"] = _ => new FarmOverview(
                [new FarmMember("akka.ssl.tcp://actorfarm@10.0.0.5:4053", "Up", ["coordinator", "worker"], true),
                    new FarmMember("akka.ssl.tcp://actorfarm@10.0.0.6:4053", "Leaving", [], false)],
                [new FarmNode("node-a", "akka.ssl.tcp://actorfarm@10.0.0.5:4053", 16, 9, null, Accepted),
                    new FarmNode("node-b", "akka.ssl.tcp://actorfarm@10.0.0.6:4053", 4, 0, ["sleep"], Ended, "4711")], Ended),
            ["GetJobInsight"] = _ => new GetJobInsight("job-1"),
            ["JobInsight"] = _ => new JobInsight("job-1", new DurationHistogram([.. Enumerable.Range(0, DurationHistogram.BucketCount).Select(i => (long)i)]),
                [new FailedTask(7, new Dictionary<string, string> { ["x"] = "0.5", ["seed"] = "3" }, TaskOutcome.Failed, 3, 2, "node-a",
                    Accepted, Ended, "exit code 3", "/out/job/tasks/7.out", "/out/job/tasks/7.err"),
                 new FailedTask(9, new Dictionary<string, string>(), TaskOutcome.FailedToStart, null, 1, "node-b", Accepted, Accepted,
                    "no such program", null, null)]),
            ["JobInsight(empty)"] = _ => new JobInsight("job-1", DurationHistogram.Empty(), []),
            ["ActiveJobs"] = _ => new ActiveJobs([new ActiveJob("job-1", "render", 7, "3f2a9c1b7d4e"), new ActiveJob("job-2", "sleepy", 0, "")]),
            ["ActiveJobs(empty)"] = _ => new ActiveJobs([]),
            ["JobActivated"] = _ => new JobActivated("job-1", "render", 7, "3f2a9c1b7d4e"),
            ["JobActivationRecorded"] = _ => new JobActivationRecorded("job-1", "3f2a9c1b7d4e"),
            ["JobDeactivated"] = _ => new JobDeactivated("job-1", JobPhase.Cancelled),
            ["ListJobs"] = _ => ListJobs.Instance,
            ["JobList"] = _ => new JobList([new JobListEntry("job-1", "render", 7, JobPhase.Finished, Accepted)]),
            ["RequestTasks"] = r => new RequestTasks("job-1", r, "node-a", 24, NeedSpec: true),
            ["TaskBatch"] = _ => new TaskBatch("job-1", "3f2a9c1b7d4e", FullSpec(), Leases, Exhausted: false),
            ["TaskBatch(no spec)"] = _ => new TaskBatch("job-1", "3f2a9c1b7d4e", null, Leases, Exhausted: true),
            ["ResultsAcknowledged"] = _ => new ResultsAcknowledged("job-1", 41),
            ["TaskResults"] = r => new TaskResults("job-1", r, "node-a", 42,
                Enum.GetValues<TaskOutcome>().Select((o, i) => Result(i, o)).ToArray()),
            ["ReturnLeases"] = r => new ReturnLeases("job-1", r, Leases),
            ["ReattachLeases"] = r => new ReattachLeases("job-1", "3f2a9c1b7d4e", r, "node-a", Leases),
            ["TasksAvailable"] = _ => new TasksAvailable("job-1"),
            ["StopJobTasks"] = _ => new StopJobTasks("job-1"),
            ["SubmitJob"] = _ => new SubmitJob("job-1", FullSpec()),
            ["SubmitJob(handler)"] = _ => new SubmitJob("job-2", HandlerSpec()),
            ["JobSubmitted"] = _ => new JobSubmitted("job-1", Resumed: true, Status()),
            ["GetJobStatus"] = _ => new GetJobStatus("job-1", HoldUpTo: TimeSpan.FromMilliseconds(500)),
            ["AwaitNodesDrained"] = _ => new AwaitNodesDrained("job-1"),
            ["NodesDrained"] = _ => new NodesDrained("job-1"),
            ["CancelJob"] = _ => new CancelJob("job-1", "operator asked"),
            ["JobStatusReport"] = _ => Status(),
            ["JobStatusReport(settled)"] = _ => Status() with { Phase = JobPhase.Finished, EndedAt = Ended, ResultsFile = "/data/out/render/results.jsonl" },
            ["JobStatusReport(export failed)"] = _ => Status() with { Phase = JobPhase.Cancelled, EndedAt = Ended, ResultsError = "disk full" },
            ["JobStatusReport(mean task)"] = _ => Status() with { MeanTaskDuration = TimeSpan.FromSeconds(118.5) },
            ["GetResults"] = _ => new GetResults("job-1", 17, 1_000),
            ["GetResults(after a rerun)"] = _ => new GetResults("job-1", 1, 1_000, 0, SupersededBefore: 812),
            ["RerunJob"] = _ => new RerunJob("job-1", RerunSelection.Failed),
            ["JobRerun"] = _ => new JobRerun("job-1", RerunOutcome.Started, 5, Status() with { Reruns = 2, RerunSequenceNr = 812 }),
            ["JobRerun(refused)"] = _ => new JobRerun("job-1", RerunOutcome.Refused, 0, Status(), "job job-1 is still running"),
            ["ResultsPage"] = _ => new ResultsPage("job-1", FullSpec(), Records(), 42, End: false),
            ["ResultsPage(error)"] = _ => new ResultsPage("job-404", null, [], 1, End: true, Error: "no job 'job-404' in the journal"),
            ["JobStatusReport(unknown)"] = _ => JobStatusReport.Unknown("job-404"),
            ["WorkerReady"] = _ => new WorkerReady(3),
            ["RunTasks"] = _ => new RunTasks("job-1", FullSpec(), [new TaskLease(12, 1), new TaskLease(13, 2)]),
            ["WorkerFinished"] = _ => new WorkerFinished(3, "job-1", [Result(12, TaskOutcome.TimedOut), Result(13, TaskOutcome.Succeeded)], Crashing: true),
            ["CancelRunningTask"] = _ => new CancelRunningTask("job-1"),
        };

    /// <summary>Samples of journal events and snapshots by label; one or more per concrete type.</summary>
    public static IReadOnlyDictionary<string, Func<IJournalEvent>> Journal { get; } =
        new Dictionary<string, Func<IJournalEvent>>
        {
            ["JobAccepted"] = () => new JobAccepted("job-1", FullSpec(), Accepted),
            ["JobAccepted(handler)"] = () => new JobAccepted("job-2", HandlerSpec(), Accepted),
            ["JobAccepted(resources)"] = () => new JobAccepted("job-3", FullSpec() with { Cpus = 4, MaxFails = 10 }, Accepted),
            ["TaskResultsRecorded"] = () => new TaskResultsRecorded(Records()),
            ["JobFinished"] = () => new JobFinished(999_995, 5, Ended),
            ["JobCancelled"] = () => new JobCancelled("operator asked", Ended),
            ["JobCancelled(max-fails)"] = () => new JobCancelled("stopped after 3 failed tasks (max-fails = 3)", Ended, 3),
            ["JobSnapshot"] = () => new JobSnapshot("job-1", FullSpec(), JobPhase.Running, Accepted, null, 70, 2,
                [ulong.MaxValue, 0, 0x8000_0000_0000_0001, 0x0123_4567_89AB_CDEF]),
            ["JobSnapshot(ended)"] = () => new JobSnapshot("job-2", HandlerSpec(), JobPhase.Finished, Accepted, Ended, 10, 0, []),
            ["JobSnapshot(rerun)"] = () => new JobSnapshot("job-2", HandlerSpec(), JobPhase.Running, Accepted, null, 8, 1, [0b1011], 2, 4_017),
            ["JobSnapshot(insights)"] = () => new JobSnapshot("job-2", HandlerSpec(), JobPhase.Running, Accepted, null, 8, 1, [0b1011], 0, 0,
                [.. Enumerable.Range(0, DurationHistogram.BucketCount).Select(i => (long)i * 3)], Records().Where(r => r.Outcome != TaskOutcome.Succeeded).ToArray()),
            ["JobSnapshot(rerun resumes)"] = () => new JobSnapshot("job-2", HandlerSpec(), JobPhase.Running, Accepted, null, 8, 1, [0b1011], 2, 4_017,
                RerunResumesUnrun: true),
            ["JobSnapshot(duration sum)"] = () => new JobSnapshot("job-2", HandlerSpec(), JobPhase.Running, Accepted, null, 8, 1, [0b1011], 0, 0,
                [.. Enumerable.Range(0, DurationHistogram.BucketCount).Select(i => (long)i)], [], DurationTicks: TimeSpan.FromMinutes(17).Ticks),
            ["TasksReopened"] = () => new TasksReopened(RerunSelection.Failed, Ended),
            ["JobRegistered"] = () => new JobRegistered("job-1", "render", 7, Accepted),
            ["JobRegistered(cpus)"] = () => new JobRegistered("job-1", "render", 7, Accepted, "render", 4),
            ["JobClosed"] = () => new JobClosed("job-1", JobPhase.Finished, Ended),
            ["AllocationQueueCreated"] = () => new AllocationQueueCreated(3, "0123456789", QueueSpec(), Accepted),
            ["AllocationQueueDeleted"] = () => new AllocationQueueDeleted(3, Ended),
            ["AllocationSubmitted"] = () => new AllocationSubmitted(3, "4711", Started),
            ["AllocationEnded"] = () => new AllocationEnded(3, "4711", "TIMEOUT", Ended),
        };

    /// <summary>Concrete types implementing <typeparamref name="T"/> in the ActorFarm assembly.</summary>
    public static IReadOnlyList<Type> ConcreteTypes<T>() =>
        typeof(IWireMessage).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(T).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
}
