using ActorFarm.Tests.Support;

namespace ActorFarm.Tests.Cluster;

/// <summary>
/// What a kill may and may not cost, judged by side effects: a task journaled before the kill
/// never runs again; only tasks in flight may run twice.
/// </summary>
internal static class RerunCheck
{
    public static void AssertNoJournaledTaskRanAgain(HashSet<long> journaledBeforeKill, Dictionary<long, int> runsAtKill,
        Dictionary<long, int> finalRuns, string context)
    {
        Assert.NotEmpty(journaledBeforeKill);
        foreach (var index in journaledBeforeKill)
            Assert.True(finalRuns[index] == runsAtKill[index],
                $"task {index} was journaled before the kill but ran again ({runsAtKill[index]} → {finalRuns[index]} runs)\n{context}");
    }
}
