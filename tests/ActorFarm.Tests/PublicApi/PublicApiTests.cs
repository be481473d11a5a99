using ActorFarm.Hosting;
using PublicApiGenerator;

namespace ActorFarm.Tests.PublicApi;

/// <summary>
/// The library's public surface is a contract: <c>ActorFarm.approved.txt</c> beside this file
/// holds it, and any change to it (a type made public, a parameter added, a member removed) fails
/// here until someone looks at the difference and approves it (docs/embedding.md, "Public API").
/// </summary>
public sealed class PublicApiTests
{
    private const string ApprovedName = "ActorFarm.approved.txt";
    private const string ReceivedName = "ActorFarm.received.txt";

    [Fact]
    public void The_public_api_is_the_approved_one()
    {
        var received = Normalise(typeof(FarmHost).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            // InternalsVisibleTo, the target framework and the version say nothing about the API
            // and change for reasons of their own.
            IncludeAssemblyAttributes = false,
            // Name compiler-generated state machines (FarmClient.<WatchAsync>d__17), whose
            // numbers move whenever a member is added: noise, not API.
            ExcludeAttributes =
            [
                "System.Runtime.CompilerServices.AsyncIteratorStateMachineAttribute",
                "System.Runtime.CompilerServices.AsyncStateMachineAttribute",
                "System.Runtime.CompilerServices.IteratorStateMachineAttribute",
            ],
        }));
        var directory = RepositoryRoot.Combine("tests", "ActorFarm.Tests", "PublicApi");
        var approvedPath = Path.Combine(directory, ApprovedName);
        var receivedPath = Path.Combine(directory, ReceivedName);
        var approved = File.Exists(approvedPath) ? Normalise(File.ReadAllText(approvedPath)) : "";

        if (received == approved)
        {
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            $"The public API of ActorFarm differs from {approvedPath}; what it is now is in {receivedPath}. " +
            $"If the change is meant, approve it: cp {receivedPath} {approvedPath} (and say why in the commit). " +
            "If not, make the new type or member internal. Difference:" + Environment.NewLine + FirstDifference(approved, received));
    }

    /// <summary>Line endings as the repository stores them, and exactly one final newline.</summary>
    private static string Normalise(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    /// <summary>The first lines that differ, enough to see what changed without opening the files.</summary>
    private static string FirstDifference(string approved, string received)
    {
        var a = approved.Split('\n');
        var r = received.Split('\n');
        var at = 0;
        while (at < a.Length && at < r.Length && a[at] == r[at])
            at++;
        string Around(string[] lines) => string.Join(Environment.NewLine, lines.Skip(Math.Max(0, at - 2)).Take(6).Select(l => "    " + l));
        return $"  line {at + 1}, approved:{Environment.NewLine}{Around(a)}{Environment.NewLine}  received:{Environment.NewLine}{Around(r)}";
    }
}
