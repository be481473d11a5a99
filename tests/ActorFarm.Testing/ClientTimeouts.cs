using System.Globalization;

namespace ActorFarm.Testing;

/// <summary>
/// A <c>--config</c> file that shortens how long a client waits for a farm that does not answer
/// (<c>actorfarm.client.connect-timeout</c>, <c>farm-lost-timeout</c>; 30 s each by default), as a
/// user would set them: the tests of an unreachable or refusing farm see the same failure, only
/// sooner. Where a test also checks that refused nodes never join, the client's wait is the
/// window they had to get in: keep it at several seconds there.
/// </summary>
public static class ClientTimeouts
{
    /// <summary>Writes the file into <paramref name="directory"/> and returns its path.</summary>
    public static string Write(string directory, TimeSpan? connect = null, TimeSpan? farmLost = null)
    {
        var lines = new List<string>();
        if (connect is { } c) lines.Add($"actorfarm.client.connect-timeout = {Seconds(c)}");
        if (farmLost is { } f) lines.Add($"actorfarm.client.farm-lost-timeout = {Seconds(f)}");
        var path = Path.Combine(directory, $"client-timeouts-{Guid.NewGuid():N}.hocon");
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
}
