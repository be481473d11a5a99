using System.CommandLine;
using ActorFarm.Cli.Output;
using ActorFarm.Hosting;

namespace ActorFarm.Cli;

/// <summary>
/// What the commands that talk to a running farm (<c>submit</c>, <c>status</c>, <c>cancel</c>,
/// <c>results</c>) share: the <c>--cluster</c> and TLS options, the connection, and the exit
/// codes for a farm that cannot be reached or does not answer.
/// </summary>
internal sealed class RemoteFarm
{
    private readonly Option<string> _cluster = CommonOptions.Cluster();
    private readonly ExtraConfig _extra = ExtraConfig.Create();

    public void AddTo(Command command)
    {
        command.Options.Add(_cluster);
        foreach (var option in _extra.Options) command.Options.Add(option);
    }

    /// <summary>Connects, runs <paramref name="use"/>, disconnects; maps farm failures to exit code 3 and bad options to 2.</summary>
    public async Task<int> RunAsync(ParseResult parse, IOutput output, Func<FarmClient, Task<int>> use, CancellationToken ct)
    {
        FarmConnectionOptions options;
        try
        {
            options = new FarmConnectionOptions { Contacts = ClusterAddress.ParseList(parse.GetValue(_cluster)!), Config = _extra.Read(parse) };
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            output.Error(e.Message);
            return ExitCodes.BadInput;
        }

        FarmClient client;
        try
        {
            client = await FarmClient.ConnectAsync(options, ct);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TimeoutException)
        {
            output.Error($"no farm answered at {string.Join(", ", options.Contacts)} within {options.ConnectTimeout.TotalSeconds:0}s");
            return ExitCodes.FarmError;
        }

        await using (client)
        {
            try
            {
                return await use(client);
            }
            catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TimeoutException)
            {
                output.Error($"the farm did not answer in time: {e.Message}");
                return ExitCodes.FarmError;
            }
            catch (InvalidOperationException e)
            {
                output.Error(e.Message);
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
