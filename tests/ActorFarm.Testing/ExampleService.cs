namespace ActorFarm.Testing;

/// <summary>
/// The embedding example's service (examples/embedding/Service), as the test build deploys it: its
/// whole output folder copied to <c>example-service/</c> beside the tests (ActorFarm.IntegrationTests.csproj, CopyExamples).
/// </summary>
public static class ExampleService
{
    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "example-service", "ActorFarm.Examples.Service.dll");
}
