using ActorFarm.Hosting;
using ActorFarm.Logs;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFarm.Tests.Logs;

/// <summary>
/// <c>actorfarm.logging.format</c> as a farm process's configuration carries it: text unless asked,
/// a bad value refused before anything starts, and with json the startup logger (which Akka
/// creates from its class alone) the JSON one, so no line of the process is left in text.
/// </summary>
public class LogFormatTests
{
    private const string StartupLoggerKey = "akka.stdout-logger-class";

    private static Config Client(Config? config) =>
        FarmConfig.BuildClient(new FarmConnectionOptions { Contacts = ["127.0.0.1:1"], Config = config });

    [Fact]
    public void By_default_a_process_logs_text_through_the_text_startup_logger()
    {
        var config = Client(null);

        Assert.False(LogFormat.IsJson(config));
        Assert.Equal(typeof(StandardErrorStartupLogger), Type.GetType(config.GetString(StartupLoggerKey)));
    }

    [Fact]
    public void With_json_a_node_and_a_client_take_the_json_startup_logger()
    {
        var node = FarmConfig.Build(new FarmOptions { StateDirectory = "/nonexistent", Config = LogFormat.For(json: true) });
        var client = Client(LogFormat.For(json: true));

        foreach (var config in new[] { node, client })
        {
            Assert.True(LogFormat.IsJson(config));
            Assert.Equal(typeof(JsonStartupLogger), Type.GetType(config.GetString(StartupLoggerKey)));
        }
    }

    [Fact]
    public async Task An_actor_system_on_that_configuration_starts_with_the_json_startup_logger()
    {
        var config = LogFormat.Apply(LogFormat.For(json: true).WithFallback(FarmConfig.Embedded("logging.hocon")));

        var system = ActorSystem.Create("log-format", config);
        try
        {
            Assert.IsType<JsonStartupLogger>(system.Settings.StdoutLogger);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void A_startup_logger_of_the_callers_own_is_left_alone()
    {
        var own = ConfigurationFactory.ParseString($"""
            actorfarm.logging.format = json
            {StartupLoggerKey} = "Akka.Event.StandardOutLogger, Akka"
            """);

        Assert.Equal("Akka.Event.StandardOutLogger, Akka", Client(own).GetString(StartupLoggerKey));
    }

    [Fact]
    public void A_format_other_than_text_or_json_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => Client(ConfigurationFactory.ParseString("actorfarm.logging.format = xml")));

        Assert.Equal("actorfarm.logging.format must be text or json, got 'xml'", error.Message);
    }
}
