using System.Text.Json;
using System.Text.Json.Serialization;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Cli.Output;

/// <summary>
/// One JSON document per line on standard output, and nothing else there (logs go to standard
/// error); errors too, so a script reads one stream, and as a line on standard error for the
/// person watching.
/// </summary>
internal sealed class JsonOutput(bool verbose) : IOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Paths and messages stay readable ('quotes' rather than \u0027); still valid JSON.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public bool AllowsProgress => false;

    public void ManifestInvalid(string path, IReadOnlyList<ManifestError> errors) =>
        Write(new { valid = false, manifest = path, errors });

    public void ManifestValid(string path, IReadOnlyList<(JobSpec Spec, string JobId)> jobs) =>
        Write(new { valid = true, manifest = path, jobs = jobs.Select(j => new { name = j.Spec.Name, id = j.JobId, tasks = j.Spec.TaskCount }) });

    public void JobSubmitted(JobSubmitted submitted) =>
        Write(new { @event = "submitted", jobId = submitted.JobId, resumed = submitted.Resumed, status = submitted.Status });

    public void JobRerun(JobRerun rerun) =>
        Write(new { @event = "rerun", jobId = rerun.JobId, outcome = rerun.Outcome, reopened = rerun.Reopened, status = rerun.Status });

    public void Summary(IReadOnlyList<JobStatusReport> jobs, TimeSpan elapsed) =>
        Write(new { @event = "summary", elapsedSeconds = elapsed.TotalSeconds, jobs });

    public void JobStatus(JobStatusReport status) => Write(new { @event = "status", status });

    public void JobList(IReadOnlyList<JobListEntry> jobs) => Write(new { @event = "jobs", jobs });

    public void AllocationQueueAdded(int queueId, AllocationQueueSpec spec) =>
        Write(new { @event = "allocation-queue-added", queueId, spec = SpecJson(spec) });

    public void AllocationQueues(IReadOnlyList<AllocationQueueView> queues) =>
        Write(new
        {
            @event = "allocation-queues",
            queues = queues.Select(q => new { queueId = q.QueueId, spec = SpecJson(q.Spec), allocations = q.Allocations, paused = q.Paused }),
        });

    public void AllocationQueueRemoved(AllocationQueueRemoved removed) =>
        Write(new { @event = "allocation-queue-removed", queueId = removed.QueueId, cancelled = removed.CancelledAllocations });

    // The environment stays out: it names files and programs, nothing a script needs back.
    private static object SpecJson(AllocationQueueSpec spec) => new
    {
        maxNodes = spec.MaxNodes,
        nodesPerAllocation = spec.NodesPerAllocation,
        timeLimitSeconds = spec.TimeLimit.TotalSeconds,
        idleTimeoutSeconds = spec.IdleTimeout.TotalSeconds,
        backlog = spec.Backlog,
        sbatchArguments = spec.SbatchArguments,
        workerScript = spec.WorkerScript,
    };

    public void ResultsWritten(string jobId, string path) => Write(new { @event = "results", jobId, path });

    public void NodeUp(string nodeName, string address, IReadOnlyList<string> roles, int? slots, IReadOnlyList<string> handlers) =>
        Write(new { @event = "node-up", node = nodeName, address, roles, slots, handlers });

    public void NodeLeft(string nodeName, string reason) => Write(new { @event = "node-left", node = nodeName, reason });

    public void Settings(IReadOnlyList<KeyValuePair<string, string>> settings) =>
        Write(new { @event = "settings", settings = settings.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal) });

    public void DashboardToken(string token) => Write(new { @event = "dashboard-token", token });

    public void DashboardUp(Uri address, bool withToken, bool readOnly) =>
        Write(new { @event = "dashboard-up", url = address.ToString(), withToken, readOnly });

    public void AccessFile(string path, string fingerprint, string state) =>
        Write(new { @event = "access-file", path, fingerprint, state });

    public void Error(string message, Exception? cause = null)
    {
        Write(new { @event = "error", message });
        CliLog.Error(message, cause, verbose);
    }

    private static void Write(object value) => Console.WriteLine(JsonSerializer.Serialize(value, Options));
}
