namespace ActorFarm.Hosting;

/// <summary>Farm node addresses as users type them: <c>host:port</c> or a full Akka address.</summary>
public static class ClusterAddress
{
    /// <summary><c>127.0.0.1:4053</c> → <c>akka.tcp://actorfarm@127.0.0.1:4053</c>; a full address is kept as it is.</summary>
    public static string Normalize(string address, string systemName = "actorfarm")
    {
        var trimmed = address.Trim().TrimEnd('/');
        if (trimmed.Contains("://", StringComparison.Ordinal))
            return trimmed;
        if (!trimmed.Contains(':'))
            throw new FormatException($"'{address}' is not a node address: expected host:port or akka.tcp://{systemName}@host:port");
        return $"akka.tcp://{systemName}@{trimmed}";
    }
}
