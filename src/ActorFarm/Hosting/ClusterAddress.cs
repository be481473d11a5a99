namespace ActorFarm.Hosting;

/// <summary>Farm node addresses as users type them: <c>host:port</c> or a full Akka address.</summary>
internal static class ClusterAddress
{
    private const string Plain = "akka.tcp://";
    private const string Tls = "akka.ssl.tcp://";

    /// <summary>
    /// <c>127.0.0.1:4053</c> → <c>akka.tcp://actorfarm@127.0.0.1:4053</c> (<c>akka.ssl.tcp://</c>
    /// when <paramref name="tls"/>: remoting over TLS has its own scheme, and a seed address with
    /// the wrong one is never reached). A full address is kept, its scheme matched to TLS.
    /// </summary>
    public static string Normalize(string address, string systemName = "actorfarm", bool tls = false)
    {
        var trimmed = address.Trim().TrimEnd('/');
        var scheme = tls ? Tls : Plain;
        if (trimmed.StartsWith(Plain, StringComparison.Ordinal))
            return scheme + trimmed[Plain.Length..];
        if (trimmed.StartsWith(Tls, StringComparison.Ordinal))
            return scheme + trimmed[Tls.Length..];
        if (trimmed.Contains("://", StringComparison.Ordinal))
            throw new FormatException($"'{address}' is not a node address: expected host:port or {Plain}{systemName}@host:port");
        if (!trimmed.Contains(':'))
            throw new FormatException($"'{address}' is not a node address: expected host:port or {Plain}{systemName}@host:port");
        return $"{scheme}{systemName}@{trimmed}";
    }

    /// <summary>
    /// A comma-separated list of addresses as typed on a command line, each checked
    /// (<see cref="FormatException"/> names the bad one) but kept as typed: the scheme is settled
    /// later, once it is known whether remoting runs over TLS.
    /// </summary>
    public static string[] ParseList(string text)
    {
        var addresses = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
            throw new FormatException("expected at least one node address (host:port)");
        foreach (var address in addresses) Normalize(address);
        return addresses;
    }

    /// <summary>Whether <paramref name="config"/> switches remoting to TLS.</summary>
    public static bool UsesTls(Akka.Configuration.Config config) =>
        config.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl", false);
}
