namespace ActorFarm.IntegrationTests.Packaging;

/// <summary>
/// Runs one SDK command (<c>dotnet pack</c>, <c>dotnet tool install</c>, <c>dotnet build</c> of a
/// scratch project) or an installed tool the way a user's shell would. The MSBuild variables that
/// <c>dotnet test</c> hands down to this process are removed, so the command sees a user's
/// environment, not the test run's build.
/// </summary>
internal static class UserShell
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="args"/> in <paramref name="workingDirectory"/>
    /// (see <see cref="ChildProcess.RunAsync"/>); <paramref name="environment"/> adds or replaces variables.
    /// </summary>
    public static Task<RunResult> RunAsync(string program, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var msbuild = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => n.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase));
        var quiet = new Dictionary<string, string> { ["DOTNET_NOLOGO"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) quiet[name] = value;
        // Waiting also takes the end of both streams: a build server left running with them open
        // would hold it until the timeout, hence --disable-build-servers in the callers.
        return ChildProcess.RunAsync(program, args, timeout, workingDirectory, quiet, unset: msbuild);
    }
}
