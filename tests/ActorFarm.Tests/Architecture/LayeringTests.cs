using ActorFarm.Hosting;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorFarm.Tests.Architecture;

/// <summary>
/// The layering rules of docs/design.md ("Layers"), checked on the compiled ActorFarm.dll rather
/// than kept by care: Coordinator/ and Node/ never reference each other (they meet only in
/// Protocol/), and Manifest/, Protocol/, Persistence/ and Serialization/ reference no actor. A
/// namespace's sub-namespaces belong to it (ActorFarm.Node.Execution is Node/).
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<TypeReference>> References =
        new(() => TypeReferences.Read(typeof(FarmHost).Assembly));

    /// <summary>
    /// References that break a rule and are accepted for now, each with the reason; every test
    /// prints the ones it skips. Empty: the code keeps every rule. Adding a line here is a design
    /// decision for the lead, not a way to make a test pass.
    /// </summary>
    private static readonly (string From, string To, string Why)[] KnownExceptions = [];

    [Fact]
    public void Coordinator_never_references_Node() =>
        AssertKept(Forbid("ActorFarm.Coordinator", "a type of ActorFarm.Node", InLayer("ActorFarm.Node")));

    [Fact]
    public void Node_never_references_Coordinator() =>
        AssertKept(Forbid("ActorFarm.Node", "a type of ActorFarm.Coordinator", InLayer("ActorFarm.Coordinator")));

    [Theory]
    [InlineData("ActorFarm.Manifest")]
    [InlineData("ActorFarm.Protocol")]
    [InlineData("ActorFarm.Persistence")]
    [InlineData("ActorFarm.Serialization")]
    [InlineData("ActorFarm.Results.Files")]
    [InlineData("ActorFarm.Results.Journal")]
    public void A_pure_layer_references_no_actor(string layer) =>
        AssertKept(Forbid(layer, "an actor (a type deriving from Akka.Actor.ActorBase)", IsActor));

    /// <summary>
    /// The checker itself: a rule the code does not keep must be reported, or the tests above
    /// could pass by seeing nothing. Hosting/ starts the coordinator's actors, so "Hosting never
    /// references Coordinator" and "Hosting references no actor" are broken, and the reference
    /// from a lambda's closure or a state machine is charged to the type that declares it.
    /// </summary>
    [Fact]
    public void The_checker_reports_a_broken_rule()
    {
        Assert.NotEmpty(Forbid("ActorFarm.Hosting", "a type of ActorFarm.Coordinator", InLayer("ActorFarm.Coordinator")).Violations);
        Assert.NotEmpty(Forbid("ActorFarm.Hosting", "an actor", IsActor).Violations);
        Assert.Contains(References.Value, reference =>
            reference.From.DeclaringType is not null && reference.From.Name.StartsWith('<')
            && TypeReferences.LayerNamespace(reference.From) == "ActorFarm.Coordinator"
            && InLayer("ActorFarm.Protocol")(reference.To));
    }

    private static Rule Forbid(string layer, string forbidden, Func<Type, bool> isForbidden) =>
        new(layer, forbidden, References.Value
            .Where(reference => InLayer(layer)(reference.From) && isForbidden(reference.To))
            .Select(reference => (From: Name(reference.From), To: Name(reference.To)))
            .Distinct()
            .OrderBy(violation => violation.From, StringComparer.Ordinal)
            .ThenBy(violation => violation.To, StringComparer.Ordinal)
            .ToList());

    private void AssertKept(Rule rule)
    {
        var accepted = rule.Violations
            .Select(violation => (violation, known: KnownExceptions.FirstOrDefault(known => known.From == violation.From && known.To == violation.To)))
            .ToList();
        foreach (var (violation, known) in accepted.Where(pair => pair.known.Why is not null))
            output.WriteLine($"known exception to \"{rule.Layer} never references {rule.Forbidden}\": {violation.From} -> {violation.To} ({known.Why})");
        var broken = accepted.Where(pair => pair.known.Why is null).Select(pair => $"  {pair.violation.From} -> {pair.violation.To}").ToList();
        Assert.True(broken.Count == 0,
            $"{rule.Layer} must not reference {rule.Forbidden} (docs/design.md, Layers), but:\n{string.Join('\n', broken)}");
    }

    private static Func<Type, bool> InLayer(string layer) => type =>
    {
        var space = TypeReferences.LayerNamespace(type);
        return space == layer || space.StartsWith(layer + ".", StringComparison.Ordinal);
    };

    private static bool IsActor(Type type)
    {
        for (var current = type; current is not null; current = current.BaseType)
            if (current == typeof(ActorBase))
                return true;
        return false;
    }

    private static string Name(Type type) => type.FullName ?? type.Name;

    private sealed record Rule(string Layer, string Forbidden, IReadOnlyList<(string From, string To)> Violations);
}
