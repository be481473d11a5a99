using Akka.Event;

namespace ActorFarm.Logs;

/// <summary>
/// Warnings Akka logs in the normal life of a farm, which say nothing a user can act on and
/// bury the lines that do. They are treated as DEBUG: shown only with <c>akka.loglevel = DEBUG</c>.
/// Each entry says why it is noise; anything not listed keeps its level, so a new or real
/// problem is never hidden by this list.
/// </summary>
internal static class FrameworkNoise
{
    /// <summary>Message fragments that mark an event as noise (ordinal, case-sensitive).</summary>
    private static readonly string[] Fragments =
    [
        // A shard region buffers the first messages of a job while the shard coordinator
        // singleton starts: every job's first message on a fresh node.
        "Requested shard homes",
        "Trying to register to coordinator at",
        // Remoting's connection chatter about a peer that stopped, left or was killed; repeated
        // every few seconds until the cluster removes it. The cluster's own lines say it once
        // and clearly ("Marking node(s) as UNREACHABLE", the split brain resolver's downing), and
        // a client reports the farm it lost in its own one-line error.
        "AssociationError",
        "Association with remote system",
        "Tried to associate with unreachable remote address",
        "Disassociated",
        "ShutDownAssociation",
        // Remoting quarantines a node the cluster removed; the cluster said so already (the
        // split brain resolver's downing, or "Marking node as TERMINATED" for a real quarantine).
        "is irrecoverably failed. UID is now quarantined",
        // A client that lost every contact point stops its ClusterClient; FarmClient turns that
        // into the one error line the user sees.
        "Receptionist reconnect not successful",
    ];

    /// <summary>
    /// Words that keep a remoting warning visible whatever the list says: a TLS failure shows
    /// up as an association error, and it is the only place its cause is named.
    /// </summary>
    private static readonly string[] AlwaysShown = ["certificate", "Certificate", "SSL", "TLS", "Tls", "handshake", "Handshake"];

    public static bool IsNoise(LogEvent logEvent)
    {
        if (logEvent.LogLevel() is not (LogLevel.WarningLevel or LogLevel.ErrorLevel or LogLevel.InfoLevel))
            return false;
        string text;
        try
        {
            text = logEvent.Message?.ToString() ?? "";
        }
        catch (FormatException)
        {
            return false;
        }
        if (!Fragments.Any(f => text.Contains(f, StringComparison.Ordinal)))
            return false;
        var cause = logEvent.Cause?.ToString() ?? "";
        return !AlwaysShown.Any(w => text.Contains(w, StringComparison.Ordinal) || cause.Contains(w, StringComparison.Ordinal));
    }
}
