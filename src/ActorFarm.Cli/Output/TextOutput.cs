using ActorFarm.Results.Files;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Output;

internal sealed class TextOutput(bool verbose) : IOutput
{
    public bool AllowsProgress => true;

    public void ManifestInvalid(string path, IReadOnlyList<ManifestError> errors) =>
        CliLog.Report($"{path}: {errors.Count} error{(errors.Count == 1 ? "" : "s")}; nothing was started.",
            errors.Select(e => e.ToString()).ToList());

    public void ManifestValid(string path, IReadOnlyList<(JobSpec Spec, string JobId)> jobs)
    {
        Console.WriteLine($"{path}: valid, {jobs.Count} job{(jobs.Count == 1 ? "" : "s")}");
        foreach (var (spec, id) in jobs)
            Console.WriteLine($"  {spec.Name}: {spec.TaskCount:N0} tasks (id {id})");
    }

    public void JobSubmitted(JobSubmitted submitted)
    {
        var s = submitted.Status;
        var what = submitted.Resumed
            ? s.Phase == JobPhase.Running ? $"resumed, {s.Done:N0} of {s.Total:N0} tasks already done" : $"already {s.Phase.ToString().ToLowerInvariant()}"
            : $"{s.Total:N0} tasks";
        Console.WriteLine($"job {s.Name} ({submitted.JobId}): {what}");
    }

    public void JobRerun(JobRerun rerun)
    {
        var s = rerun.Status;
        var what = rerun.Outcome switch
        {
            // Failed tasks, and after a max-fails stop also the tasks that never ran.
            RerunOutcome.Started => $"running {rerun.Reopened:N0} task{(rerun.Reopened == 1 ? "" : "s")} again (rerun {s.Reruns}; attempts continue)",
            RerunOutcome.AlreadyRunning => $"rerun {s.Reruns} is already running, {rerun.Reopened:N0} task{(rerun.Reopened == 1 ? "" : "s")} to go",
            RerunOutcome.NothingToRerun => "nothing to rerun: every task succeeded",
            _ => rerun.Reason ?? "not rerun",
        };
        Console.WriteLine($"job {s.Name} ({rerun.JobId}): {what}");
    }

    public void Summary(IReadOnlyList<JobStatusReport> jobs, TimeSpan elapsed)
    {
        var table = new TextTable("job", "id", "state", "tasks", "succeeded", "failed", "results");
        foreach (var j in jobs)
        {
            table.AddRow(j.Name, j.JobId, PhaseName(j.Phase), j.Total.ToString("N0"), j.Succeeded.ToString("N0"),
                new TextCell(j.Failed.ToString("N0"), j.Failed > 0 ? "red" : null), j.ResultsFile ?? "-");
        }
        table.Write();
        // Why a job ended early (cancelled, or stopped by its max-fails): one line each under the table.
        foreach (var j in jobs)
            if (j.EndReason is { } reason) Console.WriteLine($"{j.Name}: {PhaseName(j.Phase)}, {reason}");
        Console.WriteLine($"elapsed {elapsed:hh\\:mm\\:ss\\.f}");
    }

    public void JobStatus(JobStatusReport s)
    {
        Console.WriteLine($"job {s.Name} ({s.JobId}): {PhaseName(s.Phase)}");
        if (s.Phase == JobPhase.Unknown) return;
        Console.WriteLine($"  tasks     {s.Total:N0}: {s.Succeeded:N0} succeeded, {s.Failed:N0} failed, {s.Running:N0} running, {s.Pending:N0} pending");
        if (s.Reruns > 0) Console.WriteLine($"  reruns    {s.Reruns} (failed tasks run again; attempts continue)");
        if (s.AcceptedAt is { } accepted) Console.WriteLine($"  accepted  {accepted.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        if (s.EndedAt is { } ended) Console.WriteLine($"  ended     {ended.ToLocalTime():yyyy-MM-dd HH:mm:ss}");
        if (s.EndReason is { } reason) Console.WriteLine($"  reason    {reason}");
        if (s.ResultsFile is { } file) Console.WriteLine($"  results   {file}");
        if (s.ResultsError is { } error) Console.WriteLine($"  results   not written: {error}");
    }

    public void JobList(IReadOnlyList<JobListEntry> jobs)
    {
        if (jobs.Count == 0)
        {
            Console.WriteLine("no jobs");
            return;
        }
        var table = new TextTable("id", "name", "state", "priority", "submitted");
        foreach (var j in jobs)
            table.AddRow(j.JobId, j.Name, j.Waiting is { } waiting ? "waiting: " + waiting : PhaseName(j.Phase), j.Priority.ToString(),
                j.RegisteredAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"));
        table.Write();
    }

    public void AllocationQueueAdded(int queueId, AllocationQueueSpec spec) =>
        Console.WriteLine($"allocation queue {queueId}: up to {spec.MaxNodes} node(s) in allocations of {spec.NodesPerAllocation} for " +
            $"{Allocation.AllocationPlan.Format(spec.TimeLimit)}, released after {Allocation.AllocationPlan.Format(spec.IdleTimeout)} idle");

    public void AllocationQueues(IReadOnlyList<AllocationQueueView> queues)
    {
        if (queues.Count == 0)
        {
            Console.WriteLine("no allocation queues");
            return;
        }
        var table = new TextTable("queue", "allocation", "state", "nodes", "busy slots", "submitted");
        foreach (var queue in queues)
        {
            var spec = queue.Spec;
            table.AddRow(queue.QueueId.ToString(), "", queue.Paused ?? "active",
                $"{queue.Allocations.Length * spec.NodesPerAllocation}/{spec.MaxNodes}", "",
                $"{spec.NodesPerAllocation} per allocation, {Allocation.AllocationPlan.Format(spec.TimeLimit)}, idle {Allocation.AllocationPlan.Format(spec.IdleTimeout)}");
            foreach (var allocation in queue.Allocations)
                table.AddRow("", allocation.JobId, allocation.State, allocation.Nodes.ToString(), allocation.BusySlots.ToString(),
                    allocation.SubmittedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss"));
        }
        table.Write();
    }

    public void AllocationQueueRemoved(AllocationQueueRemoved removed) =>
        Console.WriteLine($"allocation queue {removed.QueueId} removed" +
            (removed.CancelledAllocations.Length > 0 ? $"; cancelled allocations {string.Join(", ", removed.CancelledAllocations)}" : ""));

    public void ResultsWritten(string jobId, string path) => Console.WriteLine($"results of {jobId}: {path}");

    public void NodeUp(string nodeName, string address, IReadOnlyList<string> roles, int? slots, IReadOnlyList<string> handlers) =>
        Console.WriteLine($"node {nodeName} up at {address} (roles {string.Join(",", roles)}{(slots is { } n ? $", {n} slots" : "")})");

    public void NodeLeft(string nodeName, string reason) => Console.WriteLine($"node {nodeName} left the cluster: {reason}");

    // One value a line, nothing else: what a shell script reads.
    public void Settings(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        foreach (var (_, value) in settings) Console.WriteLine(value);
    }

    public void DashboardToken(string token) => Console.WriteLine(token);

    // On standard error (a notice): standard output is the run's (its summary), and an address with a token is nobody else's.
    public void DashboardUp(Uri address, bool withToken, bool readOnly) =>
        CliLog.Notice($"dashboard{(readOnly ? " (read-only)" : "")} at {address}" +
            (withToken ? "" : " (its token: actorfarm access --dashboard-token)"));

    public void AccessFile(string path, string fingerprint, string state) =>
        Console.WriteLine($"access file {path} ({state}), farm fingerprint SHA-256 {fingerprint}");

    public void Error(string message, Exception? cause = null) => CliLog.Error(message, cause, verbose);

    private static string PhaseName(JobPhase phase) => phase.ToString().ToLowerInvariant();
}
