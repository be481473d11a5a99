namespace ActorFarm.Security;

/// <summary>
/// Who may talk to a farm process. Secure by default: every farm process and client speaks mutual
/// TLS and accepts only peers that present the farm's own certificate, so nothing reaches a farm
/// without its credential, not even from loopback (on a shared login node loopback belongs to
/// everyone). See docs/security.md.
/// </summary>
public abstract record FarmAccess
{
    /// <summary>The access file's name in a state directory: <c>&lt;state-dir&gt;/access.pem</c>.</summary>
    public const string DefaultFileName = "access.pem";

    /// <summary>The environment variable the CLI and the Lighthouse read for the access file's path.</summary>
    public const string PathVariable = "ACTORFARM_ACCESS_FILE";

    private FarmAccess()
    {
    }

    /// <summary>The default access file of a state directory.</summary>
    public static string DefaultPath(string stateDirectory) => System.IO.Path.Combine(stateDirectory, DefaultFileName);

    /// <summary>
    /// The farm's credential in an access file (a self-signed certificate and its key, PEM, mode
    /// 0600). Every process of one farm — Lighthouse, nodes, clients — reads the same file; a farm
    /// process creates it when <paramref name="CreateIfMissing"/> and it does not exist yet.
    /// </summary>
    public sealed record FromFile(string Path, bool CreateIfMissing = false) : FarmAccess;

    /// <summary>
    /// A credential generated in memory that never leaves the process: for a farm no other
    /// process needs to reach (the embedded <c>actorfarm run</c>). Nobody can connect to it.
    /// </summary>
    public sealed record InProcess : FarmAccess;

    /// <summary>Plain, unauthenticated TCP: anyone who reaches the port runs commands as this user. Warned about on every start.</summary>
    public sealed record Insecure : FarmAccess;
}
