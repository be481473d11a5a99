using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorFarm.Manifest;

namespace ActorFarm.Coordinator;

/// <summary>
/// A job's id is its name plus a hash of its spec. Running the same manifest again therefore
/// reaches the same journaled job and resumes it, while an edited job is a new job.
/// </summary>
public static class JobIds
{
    public static string For(JobSpec spec)
    {
        // SourceFile is where the job came from, not what it does: moving the manifest keeps the id.
        var canonical = JsonSerializer.SerializeToUtf8Bytes(spec with { SourceFile = null });
        var hash = SHA256.HashData(canonical);
        return $"{spec.Name}-{Convert.ToHexStringLower(hash.AsSpan(0, 4))}";
    }

    public static string PersistenceId(string jobId) => "job-" + jobId;
}
