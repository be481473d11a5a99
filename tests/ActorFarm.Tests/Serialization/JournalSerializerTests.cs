using System.Runtime.Serialization;
using System.Text;
using System.Text.Json;
using ActorFarm.Manifest;
using ActorFarm.Persistence;
using ActorFarm.Protocol;
using Xunit.Abstractions;
using Xunit;

namespace ActorFarm.Tests.Serialization;

public class JournalSerializerTests(SerializationSystem serialization, ITestOutputHelper output)
    : SerializerTestBase(serialization, output)
{
    public static TheoryData<string> JournalLabels() => new(Samples.Journal.Keys);

    [Theory]
    [MemberData(nameof(JournalLabels))]
    public void Every_journal_event_round_trips_through_the_bound_json_serializer(string label)
    {
        var journalEvent = Samples.Journal[label]();

        var result = RoundTrip(journalEvent);

        Assert.IsType<JournalEventSerializer>(result.Serializer);
        Assert.Equal(4172, result.Serializer.Identifier);
        Assert.Equal(JournalTypeNames.NameOf(journalEvent.GetType()), result.Manifest);
        DeepEqual.AssertEqual(journalEvent, result.Value);
    }

    [Fact]
    public void Every_concrete_journal_event_type_has_a_stable_name_and_a_sample()
    {
        var named = JournalTypeNames.Entries.Select(e => e.Key).ToHashSet();
        var sampled = Samples.Journal.Values.Select(f => f().GetType()).ToHashSet();
        var types = Samples.ConcreteTypes<IJournalEvent>();

        Assert.Empty(types.Where(t => !named.Contains(t)).Select(t => t.FullName));
        Assert.Empty(types.Where(t => !sampled.Contains(t)).Select(t => t.FullName));
        Assert.All(named, t => Assert.True(typeof(IJournalEvent).IsAssignableFrom(t), t.FullName));
    }

    [Fact]
    public void Journal_names_are_unique()
    {
        var names = JournalTypeNames.Entries.Select(e => e.Value).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(names.Count, JournalTypeNames.Entries.Select(e => e.Key).Distinct().Count());
    }

    [Fact]
    public void An_old_job_accepted_row_still_reads()
    {
        // Literally what a journal row written by ActorFarm holds; this pins the format.
        // Changing how JobAccepted or JobSpec serialize must keep this row readable.
        const string row = """
            {"jobId":"job-7f3a","spec":{"name":"render","command":{"argv":["/usr/bin/render","--frame","${frame}"],"handlerArgs":{}},
            "sweep":{"axes":[{"kind":"list","name":"quality","values":["low","high"]},{"kind":"int-range","name":"frame","from":1,"to":10,"step":3},
            {"kind":"float-range","name":"alpha","from":0.1,"to":0.9,"step":0.2},{"kind":"file-lines","name":"scene","path":"/data/scenes.txt","lineCount":42}],
            "mode":"zip"},"environment":{"RENDER_MODE":"batch"},"workingDirectory":"/work","timeout":"00:05:00",
            "retry":{"maxAttempts":3,"exitCodes":[75],"onTimeout":true,"backoff":"00:00:01","maxBackoff":"00:01:00"},"priority":5,
            "output":{"directory":"/data/out","capture":"combined","maxBytesPerTask":1048576},"sourceFile":"/work/jobs.hocon"},
            "at":"2024-05-01T12:00:00+02:00"}
            """;

        var accepted = Assert.IsType<JobAccepted>(Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "job-accepted.v1"));

        var expected = new JobAccepted("job-7f3a", new JobSpec
        {
            Name = "render",
            Command = new CommandSpec { Argv = ["/usr/bin/render", "--frame", "${frame}"] },
            Sweep = new SweepSpec
            {
                Mode = SweepMode.Zip,
                Axes =
                [
                    new ListAxis { Name = "quality", Values = ["low", "high"] },
                    new IntRangeAxis { Name = "frame", From = 1, To = 10, Step = 3 },
                    new FloatRangeAxis { Name = "alpha", From = 0.1, To = 0.9, Step = 0.2 },
                    new FileLinesAxis { Name = "scene", Path = "/data/scenes.txt", LineCount = 42 },
                ],
            },
            Environment = new() { ["RENDER_MODE"] = "batch" },
            WorkingDirectory = "/work",
            Timeout = TimeSpan.FromMinutes(5),
            Retry = new RetryPolicy { MaxAttempts = 3, ExitCodes = [75], OnTimeout = true, Backoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromMinutes(1) },
            Priority = 5,
            Output = new OutputSpec { Directory = "/data/out", Capture = OutputCapture.Combined, MaxBytesPerTask = 1_048_576 },
            SourceFile = "/work/jobs.hocon",
        }, new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)));
        DeepEqual.AssertEqual(expected, accepted);
    }

    [Fact]
    public void An_old_snapshot_row_still_reads_and_the_bitset_is_base64()
    {
        // Words 1, 0 and 0x8000000000000000 as little-endian bytes, base64-encoded.
        const string row = """
            {"jobId":"job-1","spec":{"name":"n","command":{"handler":"noop","handlerArgs":{}},"sweep":{"axes":[],"mode":"product"},
            "environment":{},"retry":{"maxAttempts":1,"exitCodes":[],"onTimeout":false,"backoff":"00:00:01","maxBackoff":"00:01:00"},
            "priority":0,"output":{"directory":"/o","capture":"none","maxBytesPerTask":1048576}},"phase":"running",
            "acceptedAt":"2024-05-01T10:00:00+00:00","succeeded":2,"failed":0,"completedBits":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAACA"}
            """;

        var snapshot = Assert.IsType<JobSnapshot>(Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "job-snapshot.v1"));

        Assert.Equal([1UL, 0UL, 0x8000_0000_0000_0000UL], snapshot.CompletedBits);
        Assert.Equal(JobPhase.Running, snapshot.Phase);
        Assert.Null(snapshot.EndedAt);
        Assert.Equal("noop", snapshot.Spec.Command.Handler);
        // Written before reruns existed: no rerun.
        Assert.Equal(0, snapshot.Reruns);
        Assert.Equal(0, snapshot.RerunSequenceNr);

        var written = JsonDocument.Parse(RoundTrip(snapshot).Bytes).RootElement;
        Assert.Equal("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAACA", written.GetProperty("completedBits").GetString());
    }

    [Fact]
    public void Rows_written_before_cpus_and_max_fails_read_as_one_slot_and_a_clients_cancellation()
    {
        var cancelled = Assert.IsType<JobCancelled>(Sys.Serialization.Deserialize(
            """{"reason":"operator asked","at":"2026-12-01T10:00:00+00:00"}"""u8.ToArray(), JournalEventSerializer.SerializerId, "job-cancelled.v1"));
        Assert.Null(cancelled.MaxFails);

        var registered = Assert.IsType<JobRegistered>(Sys.Serialization.Deserialize(
            """{"jobId":"a-1","name":"a","priority":0,"at":"2026-12-01T10:00:00+00:00","handler":"render"}"""u8.ToArray(),
            JournalEventSerializer.SerializerId, "directory.job-registered.v1"));
        Assert.Equal(("render", 1), (registered.Handler, registered.Cpus));

        // A job's spec of before: no cpus, no max-fails; and none written for a job that does not set them.
        var accepted = Assert.IsType<JobAccepted>(RoundTrip(Samples.Journal["JobAccepted"]()).Value);
        Assert.Equal((null, null, 1), (accepted.Spec.Cpus, accepted.Spec.MaxFails, accepted.Spec.SlotsPerTask));
        Assert.DoesNotContain("cpus", Encoding.UTF8.GetString(RoundTrip(accepted).Bytes));
        Assert.DoesNotContain("slotsPerTask", Encoding.UTF8.GetString(RoundTrip(accepted).Bytes));
    }

    [Fact]
    public void A_rerun_is_one_small_row_that_names_its_rule_not_its_tasks()
    {
        var reopened = new TasksReopened(RerunSelection.Failed, new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

        var result = RoundTrip(reopened);

        Assert.Equal("tasks-reopened.v1", result.Manifest);
        Assert.Equal("""{"selection":"failed","at":"2026-12-03T10:00:00+00:00"}""", Encoding.UTF8.GetString(result.Bytes));
        Assert.Equal(reopened, result.Value);
    }

    [Fact]
    public void The_written_format_uses_camel_case_string_enums_and_axis_kinds_and_skips_computed_and_null_values()
    {
        var json = Encoding.UTF8.GetString(RoundTrip(Samples.Journal["JobAccepted"]()).Bytes);
        Output?.WriteLine(json);
        var spec = JsonDocument.Parse(json).RootElement.GetProperty("spec");

        Assert.DoesNotContain('\n', json);
        Assert.Equal("combined", spec.GetProperty("output").GetProperty("capture").GetString());
        Assert.Equal(["list", "int-range", "float-range", "file-lines"],
            spec.GetProperty("sweep").GetProperty("axes").EnumerateArray().Select(a => a.GetProperty("kind").GetString()));
        Assert.False(spec.TryGetProperty("taskCount", out _));
        Assert.False(spec.GetProperty("sweep").TryGetProperty("count", out _));
        Assert.False(spec.GetProperty("command").TryGetProperty("handler", out _));
        Assert.True(spec.GetProperty("environment").TryGetProperty("RENDER_MODE", out _));
    }

    [Fact]
    public void Task_results_rows_have_the_shape_operators_and_tools_read()
    {
        // tests/Support/JournalPeek and perf's JournalProgress read $.results straight from the journal.
        var written = RoundTrip(Samples.Journal["TaskResultsRecorded"]());
        Output?.WriteLine(Encoding.UTF8.GetString(written.Bytes));
        var row = JsonDocument.Parse(written.Bytes).RootElement;

        Assert.Equal(["node-a", "node-b"], row.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()));
        var results = row.GetProperty("results");
        Assert.Equal(Samples.Records().Length, results.GetArrayLength());
        var first = results[0];
        Assert.Equal(0, first[0].GetInt64());
        Assert.Equal("succeeded", first[2].GetString());
        Assert.Equal(7, first.GetArrayLength()); // no error, output not truncated: the trailing fields are left out
        Assert.Equal(9, results[1].GetArrayLength());
    }

    [Fact]
    public void An_old_task_results_v1_row_still_reads()
    {
        // Literally what ActorFarm wrote before task-results.v2; old journals must still recover.
        const string row = """
            {"results":[{"index":0,"attempts":1,"outcome":"succeeded","exitCode":0,"node":"local","started":"2026-11-26T00:59:06.5961997+00:00","ended":"2026-11-26T00:59:06.5970337+00:00","outputTruncated":false},
            {"index":7,"attempts":3,"outcome":"workerCrashed","node":"n2","started":"2026-11-26T01:00:00+00:00","ended":"2026-11-26T01:00:01.5+00:00","error":"worker crashed","outputTruncated":true}]}
            """;

        var recorded = Assert.IsType<TaskResultsRecorded>(Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "task-results.v1"));

        DeepEqual.AssertEqual(new TaskResultsRecorded(
        [
            new TaskRecord(0, 1, TaskOutcome.Succeeded, 0, "local", DateTimeOffset.Parse("2026-11-26T00:59:06.5961997+00:00"),
                DateTimeOffset.Parse("2026-11-26T00:59:06.5970337+00:00"), null, false),
            new TaskRecord(7, 3, TaskOutcome.WorkerCrashed, null, "n2", DateTimeOffset.Parse("2026-11-26T01:00:00+00:00"),
                DateTimeOffset.Parse("2026-11-26T01:00:01.5+00:00"), "worker crashed", true),
        ]), recorded);
    }

    [Fact]
    public void A_task_results_v2_row_as_written_before_messages_and_payloads_still_reads()
    {
        // Literally what ActorFarm wrote before messages and payloads had fields of their own: a
        // plain success, a success whose handler returned a message (kept as the error then), a
        // failure with its error and truncated output. Old journals must still recover.
        const string row = """
            {"nodes":["local","n2"],"results":[[0,1,"succeeded",0,0,639003420000000000,8340],[1,1,"succeeded",0,0,639003420000000000,8340,"handler note",false],[7,3,"failed",3,1,639003420010000000,15000000,"exit code 3",true]]}
            """;

        var recorded = Assert.IsType<TaskResultsRecorded>(Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "task-results.v2"));

        var started = new DateTimeOffset(639003420000000000, TimeSpan.Zero);
        var later = new DateTimeOffset(639003420010000000, TimeSpan.Zero);
        DeepEqual.AssertEqual(new TaskResultsRecorded(
        [
            new TaskRecord(0, 1, TaskOutcome.Succeeded, 0, "local", started, started.AddTicks(8340), null, false),
            new TaskRecord(1, 1, TaskOutcome.Succeeded, 0, "local", started, started.AddTicks(8340), null, false, Message: "handler note"),
            new TaskRecord(7, 3, TaskOutcome.Failed, 3, "n2", later, later.AddTicks(15000000), "exit code 3", true),
        ]), recorded);
    }

    [Fact]
    public void An_old_task_results_v1_success_with_an_error_reads_it_as_its_message()
    {
        const string row = """
            {"results":[{"index":0,"attempts":1,"outcome":"succeeded","exitCode":0,"node":"local","started":"2026-11-26T00:59:06.5961997+00:00","ended":"2026-11-26T00:59:06.5970337+00:00","error":"handler note","outputTruncated":false}]}
            """;

        var recorded = Assert.IsType<TaskResultsRecorded>(Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "task-results.v1"));

        Assert.Equal((null, "handler note"), (recorded.Results[0].Error, recorded.Results[0].Message));
    }

    [Fact]
    public void Payloads_are_journaled_as_json_values_or_base64_and_read_back_byte_for_byte()
    {
        var records = Samples.Records();
        var written = RoundTrip(new TaskResultsRecorded(records));
        Output?.WriteLine(Encoding.UTF8.GetString(written.Bytes));
        var results = JsonDocument.Parse(written.Bytes).RootElement.GetProperty("results");

        var withJson = results.EnumerateArray().Single(r => r[0].GetInt64() == 100);
        Assert.Equal("all good", withJson[9].GetString());
        Assert.True(withJson[10].GetProperty("json").GetProperty("nested").GetProperty("ok").GetBoolean());
        var withString = results.EnumerateArray().Single(r => r[0].GetInt64() == 101);
        Assert.Equal("just \"text\"", withString[10].GetProperty("json").GetString());
        var withBytes = results.EnumerateArray().Single(r => r[0].GetInt64() == 102);
        Assert.Equal(Convert.ToBase64String([0, 1, 2, 255]), withBytes[10].GetProperty("base64").GetString());
        Assert.Equal(10, results.EnumerateArray().Single(r => r[0].GetInt64() == 103).GetArrayLength()); // a message, no payload

        var read = Assert.IsType<TaskResultsRecorded>(written.Value);
        foreach (var (expected, actual) in records.Zip(read.Results))
        {
            Assert.Equal((expected.Message, expected.PayloadIsJson), (actual.Message, actual.PayloadIsJson));
            Assert.Equal(expected.Payload, actual.Payload);
        }
    }

    [Fact]
    public void A_task_results_v2_row_pointing_at_a_missing_node_is_refused()
    {
        const string row = """{"nodes":["n1"],"results":[[0,1,"succeeded",0,1,638000000000000000,10]]}""";

        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(
            Encoding.UTF8.GetBytes(row), JournalEventSerializer.SerializerId, "task-results.v2"));
        Assert.Contains("task-results.v2", e.Message);
    }

    [Fact]
    public void An_unknown_manifest_is_refused_by_name()
    {
        var error = Assert.Throws<SerializationException>(() =>
            Sys.Serialization.Deserialize("{}"u8.ToArray(), JournalEventSerializer.SerializerId, "job-exploded.v9"));

        Assert.Contains("job-exploded.v9", error.Message);
    }

    [Fact]
    public void An_event_type_without_a_stable_name_is_refused_before_anything_is_written()
    {
        var serializer = JournalSerializer;

        var error = Assert.Throws<SerializationException>(() => serializer.ToBinary(new UnnamedEvent("x")));

        Assert.Contains(nameof(UnnamedEvent), error.Message);
    }

    [Fact]
    public void A_corrupt_row_fails_with_a_serialization_exception_naming_the_manifest()
    {
        var error = Assert.Throws<SerializationException>(() =>
            Sys.Serialization.Deserialize("{\"jobId\":"u8.ToArray(), JournalEventSerializer.SerializerId, "job-accepted.v1"));

        Assert.Contains("job-accepted.v1", error.Message);
    }

    public sealed record UnnamedEvent(string Value) : IJournalEvent;
}
