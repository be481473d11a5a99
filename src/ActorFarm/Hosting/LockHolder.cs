using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace ActorFarm.Hosting;

/// <summary>
/// Who holds a state directory, written into its lock file so that a second process can say
/// whom it is waiting for: the process id, the host, when it started and its command line.
/// </summary>
internal sealed record LockHolder(int Pid, string Host, DateTimeOffset Started, string Command)
{
    private const int MaxCommandInMessage = 120;

    /// <summary>This process.</summary>
    public static LockHolder Current()
    {
        var args = Environment.GetCommandLineArgs();
        // The CLI runs as "dotnet ActorFarm.Cli.dll run …": name it as users type it.
        var program = Assembly.GetEntryAssembly()?.GetName().Name is "ActorFarm.Cli"
            ? "actorfarm"
            : Path.GetFileName(args.FirstOrDefault() ?? Environment.ProcessPath ?? "?");
        var command = string.Join(' ', args.Skip(1).Prepend(program));
        return new LockHolder(Environment.ProcessId, Environment.MachineName, ProcessStart(), command);
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The holder from a lock file's text; null when it is empty or unreadable (being written, or damaged).</summary>
    public static LockHolder? FromJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonSerializer.Deserialize<LockHolder>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString()
    {
        var command = Command.Length <= MaxCommandInMessage ? Command : Command[..MaxCommandInMessage] + "…";
        var started = Started.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return $"pid {Pid} ({command}, started {started}) on host {Host}";
    }

    private static DateTimeOffset ProcessStart()
    {
        try
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            return self.StartTime.ToUniversalTime();
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return DateTimeOffset.UtcNow;
        }
    }
}
