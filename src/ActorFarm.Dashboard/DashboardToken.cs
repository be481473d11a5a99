using System.Security.Cryptography;
using System.Text;

namespace ActorFarm.Dashboard;

/// <summary>
/// The dashboard's token. The farm runs commands as its owner and the page shows task
/// parameters and output and can cancel jobs, so no request is served without it, from loopback
/// neither (another user of the machine reaches loopback too).
/// </summary>
public static class DashboardToken
{
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("actorfarm dashboard token v1");

    /// <summary>
    /// A token derived from the farm's access file (its private key): the same on every process of
    /// the farm and across restarts, so a bookmark keeps working, and known only to who can read
    /// the file. A random one when there is no such file (<c>--insecure</c>, an embedded farm).
    /// </summary>
    public static string For(string? accessFile)
    {
        if (accessFile is not null && File.Exists(accessFile))
            return Encode(HMACSHA256.HashData(SHA256.HashData(File.ReadAllBytes(accessFile)), Purpose));
        return Random();
    }

    /// <summary>A fresh random token (256 bits).</summary>
    public static string Random() => Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Whether <paramref name="presented"/> is <paramref name="expected"/>, in time that does not tell how much matched.</summary>
    public static bool Matches(string expected, string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));

    // URL-safe: the token travels in a query string and a cookie.
    private static string Encode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
