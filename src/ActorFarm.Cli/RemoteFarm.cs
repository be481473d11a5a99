using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;
using ActorFarm.Logs;
using ActorFarm.Security;

namespace ActorFarm.Cli;

/// <summary>
/// What the commands that talk to a running farm (<c>submit</c>, <c>status</c>, <c>cancel</c>,
/// <c>results</c>) share: the <c>--cluster</c> and TLS options, the connection, and the exit
/// codes for a farm that cannot be reached, does not answer or is lost on the way (3, with the
/// reason in one line: none of them ever waits for good, see <c>actorfarm.client.farm-lost-timeout</c>).
/// </summary>
internal sealed class RemoteFarm(Option<bool> verbose, bool clusterRequired = true)
{
    private readonly Option<string> _cluster = CommonOptions.Cluster(clusterRequired);
    private readonly ExtraConfig _extra = ExtraConfig.Create();

    /// <summary>The <c>--config</c> option it adds (a command that also runs an embedded farm reads it for that).</summary>
    public Option<FileInfo?> ConfigFile => _extra.File;

    /// <summary>Whether <c>--cluster</c> was given (for a command that can also work on an embedded farm).</summary>
    public bool IsChosen(ParseResult parse) => parse.GetResult(_cluster) is { Implicit: false };

    /// <summary>The access file this client uses (null with <c>--insecure</c>): the dashboard derives its token from it.</summary>
    public string? AccessFilePath(ParseResult parse) =>
        (_extra.ReadAccess(parse, FarmAccess.DefaultPath(".actorfarm"), create: false) as FarmAccess.FromFile)?.Path;

    /// <summary>Whether <c>--insecure</c> was given: whatever this client starts must speak plain TCP too.</summary>
    public bool IsInsecure(ParseResult parse) => parse.GetValue(_extra.Insecure);

    /// <summary>
    /// What a client says when a signal stops it waiting for jobs: the farm is elsewhere, and this
    /// command does not stop it (a stopped SLURM allocation stops both: the launcher says so).
    /// </summary>
    public static string StoppedWaiting(IEnumerable<string> jobIds) =>
        $"stopped waiting for {string.Join(", ", jobIds)}; the farm itself was not stopped: the jobs go on while it runs, " +
        "and what is unfinished when it stops resumes when it starts again on the same journal (actorfarm status --cluster ...).";

    public void AddTo(Command command)
    {
        command.Options.Add(_cluster);
        foreach (var option in _extra.Options) command.Options.Add(option);
    }

    /// <summary>Connects, runs <paramref name="use"/>, disconnects; maps farm failures to exit code 3 and bad options to 2.</summary>
    public Task<int> RunAsync(ParseResult parse, IOutput output, Func<FarmClient, Task<int>> use, CancellationToken ct) =>
        RunAsync(parse, output, (client, _) => use(client), ct);

    /// <summary>
    /// As <see cref="RunAsync(ParseResult, IOutput, Func{FarmClient, Task{int}}, CancellationToken)"/>, for a command
    /// that outlives a farm restart (<c>dashboard</c>): the first connection must succeed, later
    /// calls connect anew once the farm was found gone.
    /// </summary>
    public Task<int> RunReconnectingAsync(ParseResult parse, IOutput output, Func<IFarmClient, Task<int>> use, CancellationToken ct) =>
        RunAsync(parse, output, async (client, options) =>
        {
            await using var reconnecting = new Embedding.ConnectingFarmClient(options, client);
            return await use(reconnecting);
        }, ct);

    private async Task<int> RunAsync(ParseResult parse, IOutput output, Func<FarmClient, FarmConnectionOptions, Task<int>> use,
        CancellationToken ct)
    {
        FarmConnectionOptions options;
        try
        {
            options = new FarmConnectionOptions
            {
                Contacts = ClusterAddress.ParseList(parse.GetValue(_cluster)!),
                Config = CliConfig.For(parse.GetValue(verbose), _extra.Read(parse)),
                Access = _extra.ReadAccess(parse, FarmAccess.DefaultPath(".actorfarm"), create: false),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            output.Error(e.Message);
            return ExitCodes.BadInput;
        }

        var farm = string.Join(", ", options.Contacts);
        StopSignals.Consequence = StopSignals.RemoteClient;
        FarmClient client;
        try
        {
            client = await FarmClient.ConnectAsync(options, ct);
        }
        catch (AccessFileException e)
        {
            output.Error(e.Message);
            return ExitCodes.BadInput;
        }
        catch (CredentialRefusedException e)
        {
            output.Error(e.Message, e);
            return ExitCodes.FarmError;
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TimeoutException or FarmUnavailableException)
        {
            output.Error($"no farm answered at {farm} within {options.EffectiveConnectTimeout.TotalSeconds:0} s", e);
            return ExitCodes.FarmError;
        }

        await using (client)
        {
            try
            {
                return await use(client, options);
            }
            catch (FarmUnavailableException e)
            {
                output.Error(e.Message, e);
                return ExitCodes.FarmError;
            }
            catch (UnknownJobException e)
            {
                output.Error(e.Message);
                return ExitCodes.BadInput;
            }
            catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TimeoutException)
            {
                output.Error($"the farm at {farm} did not answer in time: {ErrorText.Cause(e)}", e);
                return ExitCodes.FarmError;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException or JobNotAcceptedException)
            {
                output.Error(ErrorText.Cause(e), e);
                return ExitCodes.FarmError;
            }
            catch (JobSpecTooLargeException e)
            {
                output.Error(e.Message);
                return ExitCodes.BadInput;
            }
        }
    }
}
