using System.CommandLine;
using ActorFarm.Hosting;
using ActorFarm.Security;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>
/// What a user adds on the command line of a process that talks to other farm processes: a HOCON
/// file, who may connect (<c>--access-file</c>, <c>--insecure</c>) and the shorthand for a TLS
/// certificate of one's own.
/// </summary>
internal sealed record ExtraConfig(Option<FileInfo?> File, Option<FileInfo?> AccessFile, Option<bool> Insecure,
    Option<FileInfo?> TlsCertificate, Option<string?> TlsPassword)
{
    public static ExtraConfig Create() => new(CommonOptions.Config(), CommonOptions.AccessFile(), CommonOptions.Insecure(),
        CommonOptions.TlsCertificate(), CommonOptions.TlsPassword());

    public IEnumerable<Option> Options => [File, AccessFile, Insecure, TlsCertificate, TlsPassword];

    /// <summary>
    /// The access rule: <c>--insecure</c>, or the access file named by <c>--access-file</c>, by
    /// <c>ACTORFARM_ACCESS_FILE</c>, or else <paramref name="defaultPath"/>. A farm process
    /// (<paramref name="create"/>) writes it when it is missing; a client never does.
    /// </summary>
    public FarmAccess ReadAccess(ParseResult parse, string defaultPath, bool create)
    {
        var file = parse.GetValue(AccessFile);
        if (parse.GetValue(Insecure))
        {
            if (file is not null || parse.GetValue(TlsCertificate) is not null)
                throw new ArgumentException("--insecure turns authentication off: it cannot go with --access-file or --tls-certificate");
            return new FarmAccess.Insecure();
        }
        return new FarmAccess.FromFile(AccessPath(file, defaultPath), create);
    }

    /// <summary>The access file's path: the option, else <c>ACTORFARM_ACCESS_FILE</c>, else <paramref name="defaultPath"/>.</summary>
    public static string AccessPath(FileInfo? given, string defaultPath) =>
        Path.GetFullPath(given?.FullName
            ?? (Environment.GetEnvironmentVariable(FarmAccess.PathVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : defaultPath));

    /// <summary>The combined overrides, or null when none were given. Throws <see cref="ArgumentException"/> on a bad file.</summary>
    public Config? Read(ParseResult parse)
    {
        Config? config = null;
        if (parse.GetValue(TlsCertificate) is { } certificate)
        {
            if (!certificate.Exists)
                throw new ArgumentException($"--tls-certificate: {certificate.FullName} does not exist");
            var password = parse.GetValue(TlsPassword) ?? Environment.GetEnvironmentVariable("ACTORFARM_TLS_PASSWORD");
            config = FarmTls.Enable(certificate.FullName, password);
        }
        if (ReadFile(parse.GetValue(File)) is { } fromFile)
            config = config is null ? fromFile : config.WithFallback(fromFile);
        return config;
    }

    /// <summary>A <c>--config</c> HOCON file, or null when none was given. Throws <see cref="ArgumentException"/> on a bad file.</summary>
    public static Config? ReadFile(FileInfo? file)
    {
        if (file is null) return null;
        if (!file.Exists)
            throw new ArgumentException($"--config: {file.FullName} does not exist");
        try
        {
            return ConfigurationFactory.ParseString(System.IO.File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new ArgumentException($"--config: {file.FullName} is not valid HOCON: {e.Message}");
        }
    }
}
