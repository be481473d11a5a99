using System.Text.RegularExpressions;
using ActorFarm.Hosting;

namespace ActorFarm.IntegrationTests.Slurm;

/// <summary>
/// An allocation through the launcher is secure without being asked: every farm process speaks
/// mutual TLS (its address has the scheme <c>akka.ssl.tcp</c>) with the access file the
/// Lighthouse wrote beside the journal (mode 0600). A client without that file is refused before it
/// tries, one with another farm's file or with <c>--insecure</c> reaches nobody and runs nothing,
/// and one with the file the launcher names in its log gets its job run. The launcher's own tasks
/// wait for a gate meanwhile, so the farm stays up while the test probes it.
/// </summary>
[Collection(SlurmCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public partial class SecureAllocationTests
{
    private const int OwnTasks = 2;
    private const int RefusedTasks = 3;
    private const int AcceptedTasks = 4;
    // The farm's coordinator plus one worker node per allocated node.
    private const int FarmNodes = SlurmCluster.Nodes + 1;
    // The CLI's exit codes for bad input (a missing access file) and a farm that does not answer.
    private const int BadInput = 2;
    private const int FarmError = 3;

    [SlurmFact]
    public async Task An_allocation_speaks_TLS_by_default_and_only_a_client_with_its_access_file_can_submit()
    {
        // The launcher's own tasks wait for a gate: the farm stays up while the test works with it.
        using var job = new FarmBatchJob("own").WithGatedTasks(OwnTasks);
        var gate = job.Gate;
        var port = FreePort.Next();
        var seed = $"127.0.0.1:{port}";
        job.Environment["ACTORFARM_PORT"] = port.ToString();
        // The dashboard on the head node, asked for as a user would (docs/dashboard.md).
        var dashboardPort = FreePort.Next();
        job.Environment["ACTORFARM_DASHBOARD"] = dashboardPort.ToString();
        // Submitted like a user on the login node would: from a directory of one's own, with no access file in it.
        using var client = new TempDirectory("actorfarm-client");
        var refusedRuns = Directory.CreateDirectory(client.File("refused-runs")).FullName;
        var acceptedRuns = Directory.CreateDirectory(client.File("accepted-runs")).FullName;
        var refused = await WriteManifestAsync(client.File("refused.hocon"), "refused", RefusedTasks, refusedRuns);
        var accepted = await WriteManifestAsync(client.File("accepted.hocon"), "accepted", AcceptedTasks, acceptedRuns);

        var allocation = await job.SubmitAsync($"--nodes={SlurmCluster.Nodes}", "--exclusive");
        await job.WaitForOutputAsync(allocation, "to submit into this farm:");
        foreach (var node in Enumerable.Range(1, SlurmCluster.Nodes).Select(i => $"n{i}"))
            await job.WaitForEventAsync(allocation, "node-up", up => up.Text("node") == node);
        await job.WaitForExecutionsAsync(allocation, OwnTasks);

        // TLS on every farm process, without anything asked for it.
        var output = job.Output(allocation);
        var nodeUps = job.Events(allocation, "node-up");
        Assert.True(nodeUps.Count == FarmNodes, $"expected {FarmNodes} node-up events, got {nodeUps.Count}\n{output}");
        Assert.Equal(["n1", "n1-coordinator", "n2", "n3"], nodeUps.Select(n => n.Text("node")).Order());
        Assert.All(nodeUps, n => Assert.StartsWith("akka.ssl.tcp://actorfarm@127.0.0.1:", n.Text("address")));
        Assert.Equal($"akka.ssl.tcp://actorfarm@{seed}", Assert.Single(job.Events(allocation, "lighthouse-up")).Text("address"));
        Assert.DoesNotContain("akka.tcp://", output);

        // The access file: written by the Lighthouse beside the journal, for its owner only, and named in the log.
        var accessFile = Path.Combine(job.StateDirectory, "access.pem");
        Assert.True(File.Exists(accessFile), $"no {accessFile}\n{output}");
        Assert.Equal(Path.GetDirectoryName(SqliteJournal.DatabasePath(job.StateDirectory)), Path.GetDirectoryName(accessFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(accessFile));
        var hints = SubmitHint().Matches(output);
        Assert.True(hints.Count == 1, $"expected one 'to submit into this farm' line, got {hints.Count}\n{output}");
        Assert.Equal(seed, hints[0].Groups[1].Value);
        Assert.Equal(accessFile, hints[0].Groups[2].Value);

        // The dashboard: its address and the way to it in the job's output, never its token; the
        // token derived from the access file opens it, and it lists every worker node.
        var dashboard = DashboardHint().Match(output);
        Assert.True(dashboard.Success, $"no dashboard line\n{output}");
        Assert.Equal($"http://127.0.0.1:{dashboardPort}/", dashboard.Groups[1].Value);
        Assert.Contains($"ssh -N -L {dashboardPort}:127.0.0.1:{dashboardPort}", output);
        Assert.Contains($"access --dashboard-token --access-file {accessFile}", output);
        var token = ActorFarm.Dashboard.DashboardToken.For(accessFile);
        Assert.DoesNotContain(token, output);
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            string[] listed = [];
            await Waiting.UntilAsync(() =>
            {
                var snapshot = System.Text.Json.Nodes.JsonNode.Parse(http.GetStringAsync($"{dashboard.Groups[1].Value}api/snapshot").GetAwaiter().GetResult())!;
                listed = snapshot["farm"]?["nodes"]?.AsArray().Select(n => (string)n!["name"]!).Order().ToArray() ?? [];
                return listed.Length == SlurmCluster.Nodes;
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            Assert.Equal(Enumerable.Range(1, SlurmCluster.Nodes).Select(i => $"n{i}"), listed);
        }

        // Without an access file a client does not even try.
        var (noFileExit, _, noFileErrors) = await RunClientAsync(client.Path, "submit", "--manifest", refused, "--cluster", seed);
        Assert.True(noFileExit == BadInput, $"exit {noFileExit}\n{noFileErrors}");
        var noFileLines = Lines(noFileErrors);
        Assert.True(noFileLines.Count == 1, noFileErrors);
        Assert.StartsWith($"actorfarm: no access file at {client.File(Path.Combine(".actorfarm", "access.pem"))}", noFileLines[0]);

        // Another farm's access file, and no TLS at all: the farm answers neither.
        var otherFarm = client.File("other-farm.pem");
        var (accessExit, accessOutput, accessErrors) = await RunClientAsync(client.Path, "access", "--access-file", otherFarm);
        Assert.True(accessExit == 0, $"{accessOutput}\n{accessErrors}");
        var wrongFile = RunClientAsync(client.Path, "submit", "--manifest", refused, "--cluster", seed, "--access-file", otherFarm);
        // Plain TCP to a TLS port gets no answer: the client gives up after its connect timeout
        // (30 s by default; 5 s here, as a user may set it).
        var insecure = RunClientAsync(client.Path, "submit", "--manifest", refused, "--cluster", seed, "--insecure",
            "--config", ClientTimeouts.Write(client.Path, connect: TimeSpan.FromSeconds(5)));
        var expectedLines = new[]
        {
            // The client's own handshake fails: it says which credential it used.
            ("another farm's access file", await wrongFile,
                $"actorfarm: the TLS handshake with the farm at {seed} failed: this process uses TLS with the access file {otherFarm} "),
            // Plain TCP to a TLS port: nothing comes back.
            ("--insecure", await insecure, $"actorfarm: no farm answered at {seed} within 5 s"),
        };
        foreach (var (what, attempt, line) in expectedLines)
        {
            Assert.True(attempt.ExitCode == FarmError, $"{what}: exit {attempt.ExitCode}\n{attempt.Stdout}\n{attempt.Stderr}");
            Assert.Single(Lines(attempt.Stderr), l => l.StartsWith(line, StringComparison.Ordinal));
        }

        // With the file the launcher names, the job is accepted and runs, each task once.
        var (acceptedExit, acceptedOutput, acceptedErrors) = await RunClientAsync(client.Path,
            "submit", "--manifest", accepted, "--cluster", seed, "--access-file", hints[0].Groups[2].Value, "--wait");
        Assert.True(acceptedExit == 0, $"{acceptedOutput}\n{acceptedErrors}\n{job.Output(allocation)}");
        Assert.Equal(AcceptedTasks, TestManifests.Executions(acceptedRuns).Count);
        Assert.All(TestManifests.Executions(acceptedRuns), e => Assert.True(e.Value == 1, $"task {e.Key} ran {e.Value} times"));
        var rows = ResultsFile.Read(client.File("out/accepted/results.jsonl"));
        Assert.Equal(Enumerable.Range(0, AcceptedTasks).Select(i => (long)i), rows.Select(r => r.Index()).Order());
        Assert.All(rows, r => Assert.Equal("succeeded", r.Outcome()));

        // The allocation ends cleanly once its own tasks may; the refused manifest never ran anywhere.
        await File.WriteAllTextAsync(gate, "");
        var end = await job.WaitForEndAsync(allocation);
        Assert.True(end is { ExitCode: 0, State: "COMPLETED" }, end.ToString());
        Assert.Equal(OwnTasks, job.Results().Count);
        Assert.Equal(OwnTasks, job.Executions().Values.Sum());
        Assert.Empty(Directory.EnumerateFileSystemEntries(refusedRuns));
        Assert.DoesNotContain("akka.tcp://", end.Output);
    }

    private static async Task<string> WriteManifestAsync(string path, string jobName, int tasks, string runs)
    {
        await File.WriteAllTextAsync(path, $$"""
            jobs {
              {{jobName}} {
                command = ["/bin/sh", "-c", "mktemp \"$0/$1.XXXXXX\" > /dev/null", "{{runs}}", "${index}"]
                sweep { i = { from = 1, to = {{tasks}} } }
                output { directory = "out", capture = none }
              }
            }
            """);
        return path;
    }

    /// <summary>The CLI run from <paramref name="directory"/> with no ACTORFARM_ACCESS_FILE (empty counts as unset).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunClientAsync(string directory, params string[] args)
    {
        await using var cli = ChildProcess.StartDotnet(FarmPrograms.CliPath, args, directory,
            new Dictionary<string, string> { ["ACTORFARM_ACCESS_FILE"] = "" }, label: "actorfarm " + args[0]);
        var exit = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, cli.Stdout, cli.Stderr);
    }

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    [GeneratedRegex(@"dashboard: (http://\S+) on ")]
    private static partial Regex DashboardHint();

    [GeneratedRegex(@"to submit into this farm: actorfarm submit --cluster (\S+) --access-file (\S+) --manifest \.\.\.")]
    private static partial Regex SubmitHint();
}
