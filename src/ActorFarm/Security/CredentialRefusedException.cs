namespace ActorFarm.Security;

/// <summary>
/// The farm refused this process's credential: the TLS handshake failed because the process holds
/// another farm's access file, or one side runs with <c>--insecure</c>. The message says which
/// credential was used and where; retrying cannot help.
/// </summary>
public sealed class CredentialRefusedException(string message) : Exception(message);
