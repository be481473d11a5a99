using System.CommandLine;
using System.CommandLine.Parsing;

namespace ActorFarm.Cli;

/// <summary>Options shared by several commands, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    private const string CsvName = "--csv";

    /// <summary>
    /// <c>--csv</c> of the commands that follow jobs to their end (<c>run</c>, <c>resume</c>,
    /// <c>rerun</c>, <c>submit --wait</c>): results.csv besides results.jsonl. <paramref name="onlyWith"/>
    /// names the option it needs, if any (e.g. <c>--wait</c>).
    /// </summary>
    public static Option<bool> AlsoCsv(string? onlyWith = null) => new(CsvName)
    {
        Description = onlyWith is null
            ? "Also write results.csv next to results.jsonl."
            : $"With {onlyWith}: also write results.csv next to results.jsonl.",
    };

    /// <summary><c>--csv</c> of <c>results</c>: the one file it writes is CSV.</summary>
    public static Option<bool> CsvInstead() => new(CsvName) { Description = "CSV instead of JSON lines." };

    /// <summary><c>--progress</c> of the commands that follow jobs (see <see cref="Output.ProgressView"/>).</summary>
    public static Option<Output.ProgressMode> Progress() => new("--progress")
    {
        Description = "auto (a bar on a terminal, plain lines otherwise), bar, plain or none.",
        DefaultValueFactory = _ => Output.ProgressMode.Auto,
    };

    public static Option<FileInfo> Manifest() => new("--manifest", "-m")
    {
        Description = "The HOCON manifest describing the jobs (see docs/manifest.md).",
        Required = true,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Machine-readable JSON on standard output instead of text.",
    };

    public static Option<bool> Verbose() => new("--verbose", "-v")
    {
        Description = "Show the farm's own log (Akka INFO lines) and the stack trace of any error, on standard error.",
    };

    private const string LogFormatName = "--log-format";

    /// <summary>
    /// <c>--log-format text|json</c>. Not read by the commands: the format belongs to the whole
    /// process's stderr, parse errors included, so <c>Main</c> reads it once (<see cref="AsksForJsonLogs"/>).
    /// </summary>
    public static Option<string> LogFormat() => new Option<string>(LogFormatName)
    {
        Description = "How every line on standard error reads, the farm's log and this command's own errors: " +
            "text (for a person) or json (one JSON object per line, for a machine). Standard output is unchanged (see --json).",
        DefaultValueFactory = _ => Logs.LogFormat.Text,
    }.AcceptOnlyFromAmong(Logs.LogFormat.Text, Logs.LogFormat.Json); // anything else is bad input, exit 2

    /// <summary>
    /// Whether the command line asks for JSON lines on stderr: <c>--log-format json</c> given once
    /// (the only token the option accepts besides text), whatever else failed to parse.
    /// </summary>
    public static bool AsksForJsonLogs(ParseResult parsed) =>
        parsed.GetResult(LogFormatName) is OptionResult { Tokens: [{ Value: Logs.LogFormat.Json }] };

    public static Option<DirectoryInfo> StateDirectory() => new("--state-dir")
    {
        Description = "Where the embedded farm keeps its journal (SQLite). Running the same manifest with the same state directory resumes its jobs.",
        DefaultValueFactory = _ => new DirectoryInfo(".actorfarm"),
    };

    public static Option<int?> Slots()
    {
        var slots = new Option<int?>("--slots")
        {
            Description = "Worker slots (tasks run at once) on this node, at least 1; default: the number of processors.",
        };
        // A node with no slot would join and never run a task: refuse it like any bad argument (exit 2).
        slots.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n && n < 1)
                result.AddError($"--slots must be at least 1, got {n}");
        });
        return slots;
    }

    public static Option<string> Cluster(bool required = true) => new("--cluster", "-c")
    {
        Description = "The farm to talk to: one or more contact points (the Lighthouse seed, or any node), host:port or akka.tcp://actorfarm@host:port, comma-separated.",
        Required = required,
    };

    public static Option<FileInfo?> AccessFile() => new("--access-file")
    {
        Description = "The farm's access file (its certificate and key, mode 0600): every node, the Lighthouse and every client of one farm hold the same. " +
            "Default: ACTORFARM_ACCESS_FILE, else <state-dir>/access.pem for a node (written when missing) and .actorfarm/access.pem for a client.",
    };

    public static Option<string?> Dashboard(string? defaultListen = null)
    {
        var option = new Option<string?>("--dashboard")
        {
            Description = "Serve the live web dashboard and Prometheus /metrics on [host:]port (loopback unless a host is named; 0: a free port). " +
                "Every request needs the dashboard's token (docs/dashboard.md).",
        };
        if (defaultListen is not null) option.DefaultValueFactory = _ => defaultListen;
        option.Validators.Add(result =>
        {
            // A malformed address is bad input (exit 2) before anything starts.
            if (result.GetValueOrDefault<string?>() is { } text)
            {
                try
                {
                    ActorFarm.Dashboard.DashboardListen.Parse(text);
                }
                catch (ArgumentException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        return option;
    }

    public static Option<bool> ReadOnlyDashboard() => new("--read-only")
    {
        Description = "The dashboard shows everything but cannot cancel or rerun jobs (a view to share).",
    };

    public static Option<bool> Insecure() => new("--insecure")
    {
        Description = "No TLS and no authentication: anyone who can reach this process's port can run commands as you. For a closed test network only; warned about on every start.",
    };

    public static Option<FileInfo?> TlsCertificate() => new("--tls-certificate")
    {
        Description = "Mutual TLS with this PKCS#12 certificate instead of an access file (the same file on every process of the farm).",
    };

    public static Option<string?> TlsPassword() => new("--tls-password")
    {
        Description = "Password of the --tls-certificate file (or set ACTORFARM_TLS_PASSWORD).",
    };

    public static Option<string[]> Handlers() => new("--handlers")
    {
        Description = "A handler assembly (.dll) whose ITaskHandlers this node runs besides noop and sleep, loaded with its dependencies; " +
            "repeat the option or separate paths with commas (see docs/embedding.md).",
        DefaultValueFactory = _ => [],
    };

    /// <summary>The paths of <c>--handlers</c>: every occurrence, each a comma-separated list.</summary>
    public static string[] HandlerPaths(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    public static Option<FileInfo?> Config() => new("--config")
    {
        Description = "A HOCON file with Akka/ActorFarm settings that override the defaults (e.g. TLS, failure detection).",
    };
}
