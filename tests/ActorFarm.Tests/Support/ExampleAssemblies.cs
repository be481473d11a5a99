namespace ActorFarm.Tests.Support;

/// <summary>Where the builds of examples/embedding are.</summary>
public static class ExampleAssemblies
{
    /// <summary>The example service, copied beside the tests by its project reference.</summary>
    public static string ServicePath => Path.Combine(AppContext.BaseDirectory, "ActorFarm.Examples.Service.dll");

    /// <summary>The handler assembly in its own build folder, with its .deps.json, as a user hands it to <c>--handlers</c>.</summary>
    public static string HandlersPath => throw new NotImplementedException("reconcile with the handlers branch");
}
