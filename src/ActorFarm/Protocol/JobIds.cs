using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorFarm.Manifest;

namespace ActorFarm.Protocol;

/// <summary>
/// A job's id is its name plus a hash of its spec. Running the same manifest again therefore
/// reaches the same journaled job and resumes it, while an edited job is a new job.
/// </summary>
internal static class JobIds
{
    // Unset optional keys are left out, so a key added to JobSpec in a later release (null by
    // default) does not change the id of a job journaled by an earlier one.
    private static readonly JsonSerializerOptions Canonical = new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string For(JobSpec spec)
    {
        // SourceFile is where the job came from, not what it does: moving the manifest keeps the id.
        // cpus = 1 is the default written out: the same job as one without the key, so the same id.
        var canonical = JsonSerializer.SerializeToUtf8Bytes(
            spec with { SourceFile = null, Cpus = spec.Cpus == 1 ? null : spec.Cpus }, Canonical);
        var hash = SHA256.HashData(canonical);
        return $"{spec.Name}-{Convert.ToHexStringLower(hash.AsSpan(0, 4))}";
    }

    public static string PersistenceId(string jobId) => "job-" + jobId;
}
