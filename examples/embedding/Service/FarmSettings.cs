namespace ActorFarm.Examples.Service;

/// <summary>Where the farm is (configuration section <c>Farm</c>).</summary>
public sealed class FarmSettings
{
    /// <summary><c>embedded</c>: the farm runs in this service's actor system; <c>client</c>: on the cluster at <see cref="Contacts"/>.</summary>
    public string Mode { get; set; } = "embedded";

    /// <summary>Embedded: the farm's journal and access file.</summary>
    public string StateDirectory { get; set; } = ".actorfarm";

    /// <summary>Embedded: this service's remoting port on 127.0.0.1 (0 picks a free one).</summary>
    public int Port { get; set; }

    /// <summary>Embedded: worker slots (0: one per core).</summary>
    public int Slots { get; set; }

    /// <summary>Client: the farm's seeds or coordinators, <c>host:port</c>, comma-separated.</summary>
    public string Contacts { get; set; } = "";

    /// <summary>Client: the farm's access file (embedded: defaults to the one in <see cref="StateDirectory"/>).</summary>
    public string? AccessFile { get; set; }

    public bool IsEmbedded => string.Equals(Mode, "embedded", StringComparison.OrdinalIgnoreCase);
}
