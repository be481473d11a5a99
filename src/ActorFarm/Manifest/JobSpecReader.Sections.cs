namespace ActorFarm.Manifest;

/// <summary>The sections of a job: env and handler-args maps, retry and output.</summary>
internal static partial class JobSpecReader
{
    /// <summary>An object of string templates (env, handler-args).</summary>
    private static Dictionary<string, string> ReadTemplateMap(ManifestReader r, HoconNode? node, KeyPath path, bool isEnvironment)
    {
        if (node is null || node.Kind == HoconKind.Null) return new Dictionary<string, string>(StringComparer.Ordinal);
        if (!r.ExpectObject(node, path, isEnvironment ? "an object such as env { NAME = \"value\" }" : "an object such as handler-args { seconds = \"1\" }"))
            return new Dictionary<string, string>(StringComparer.Ordinal);
        return JobRules.TemplateMap(r, path,
            node.Fields!.Select(f => (f.Key, f.Value.Kind == HoconKind.String ? f.Value.Text : null, ManifestReader.Describe(f.Value))),
            isEnvironment);
    }

    private static RetryPolicy ReadRetry(ManifestReader r, HoconNode? node, KeyPath path)
    {
        if (node is null || node.Kind == HoconKind.Null) return RetryPolicy.None;
        if (!r.ExpectObject(node, path, "an object such as retry { max-attempts = 3 }")) return RetryPolicy.None;
        r.CheckKeys(node, path, RetryKeys);
        var policy = RetryPolicy.None;

        if (r.ReadInt(node.Get("max-attempts"), path.Child("max-attempts")) is { } attempts
            && JobRules.MaxAttempts(r, path.Child("max-attempts"), attempts))
            policy = policy with { MaxAttempts = attempts };

        var codesPath = path.Child("exit-codes");
        if (node.Get("exit-codes") is { Kind: not HoconKind.Null } codesNode)
        {
            if (codesNode.Kind != HoconKind.Array)
                r.Error(codesPath, $"expected a list of exit codes such as [1, 75], got {ManifestReader.Describe(codesNode)}");
            else
            {
                var codes = new List<int>();
                for (int i = 0; i < codesNode.Items!.Count; i++)
                {
                    if (r.ReadInt(codesNode.Items[i], codesPath.At(i)) is { } code && JobRules.RetryExitCode(r, codesPath.At(i), code))
                        codes.Add(code);
                }
                policy = policy with { ExitCodes = codes.ToArray() };
            }
        }

        if (r.ReadBool(node.Get("on-timeout"), path.Child("on-timeout")) is { } onTimeout)
            policy = policy with { OnTimeout = onTimeout };
        if (JobRules.NonNegative(r, path.Child("backoff"), r.ReadDuration(node.Get("backoff"), path.Child("backoff"))) is { } backoff)
            policy = policy with { Backoff = backoff };
        if (JobRules.NonNegative(r, path.Child("max-backoff"), r.ReadDuration(node.Get("max-backoff"), path.Child("max-backoff"))) is { } maxBackoff)
        {
            JobRules.BackoffOrder(r, path.Child("max-backoff"), maxBackoff, policy.Backoff);
            policy = policy with { MaxBackoff = maxBackoff };
        }
        return policy;
    }

    /// <summary>The output spec and the directory template as written (null when invalid or overridden).</summary>
    private static (OutputSpec Output, string? Template) ReadOutput(ManifestReader r, HoconNode? node, KeyPath path)
    {
        string? template = DefaultOutputDirectory;
        var capture = OutputCapture.Files;
        long maxBytes = 1024 * 1024;
        if (node is not null && node.Kind != HoconKind.Null && r.ExpectObject(node, path, "an object such as output { directory = \"out\" }"))
        {
            r.CheckKeys(node, path, OutputKeys);
            var dirPath = path.Child("directory");
            if (r.ReadString(node.Get("directory"), dirPath) is { } dir)
            {
                template = JobRules.OutputDirectory(r, dirPath, dir) ? dir : null;
            }
            capture = r.ReadChoice(node.Get("capture"), path.Child("capture"), Captures, "capture mode") ?? capture;
            maxBytes = r.ReadByteSize(node.Get("max-bytes-per-task"), path.Child("max-bytes-per-task")) ?? maxBytes;
        }

        string directory;
        if (r.Options.OutputDirectoryOverride is { Length: > 0 } overridden)
        {
            directory = r.ResolveDirectoryTemplate(overridden, Directory.GetCurrentDirectory());
            template = null;
        }
        else
        {
            directory = template is null ? r.BaseDirectory : r.ResolveDirectoryTemplate(template);
        }
        return (new OutputSpec { Directory = directory, Capture = capture, MaxBytesPerTask = maxBytes }, template);
    }
}
