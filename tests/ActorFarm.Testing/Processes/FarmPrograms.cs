using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorFarm.Testing;

/// <summary>
/// The farm's own programs as the tests run them: the CLI and the Lighthouse built next to the
/// tests, started with <c>dotnet</c> through <see cref="ChildProcess"/>.
/// </summary>
public static partial class FarmPrograms
{
    public static string CliPath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Cli.dll");

    public static string LighthousePath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Lighthouse.dll");

    /// <summary>Runs the CLI with <paramref name="args"/> to its end: exit code, standard output, standard error.</summary>
    public static Task<RunResult> RunCliAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [CliPath, .. args], timeout, workingDirectory);

    /// <summary>The UTC time an Akka log line matching <paramref name="pattern"/> carries, or null.</summary>
    public static DateTime? LoggedAt(this ChildProcess process, Regex pattern)
    {
        foreach (var line in process.Output.Split('\n'))
        {
            if (!pattern.IsMatch(line)) continue;
            var stamp = AkkaTimestamp().Match(line);
            if (stamp.Success)
                return DateTime.ParseExact(stamp.Groups[1].Value, "MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        }
        return null;
    }

    [GeneratedRegex(@"\]\[(\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d{3})Z\]")]
    private static partial Regex AkkaTimestamp();
}
