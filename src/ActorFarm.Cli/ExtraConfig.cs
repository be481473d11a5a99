using System.CommandLine;
using ActorFarm.Hosting;
using Akka.Configuration;

namespace ActorFarm.Cli;

/// <summary>The configuration a user adds on the command line: a HOCON file and the TLS shorthand options.</summary>
internal sealed record ExtraConfig(Option<FileInfo?> File, Option<FileInfo?> TlsCertificate, Option<string?> TlsPassword)
{
    public static ExtraConfig Create() => new(CommonOptions.Config(), CommonOptions.TlsCertificate(), CommonOptions.TlsPassword());

    public IEnumerable<Option> Options => [File, TlsCertificate, TlsPassword];

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
