
namespace ActorFarm.Testing;

/// <summary>
/// What a kill may and may not cost, judged by side effects: a task journaled before the kill
/// never runs again; only tasks in flight may run twice.
/// </summary>
public static class RerunCheck
{
    /// <summary>The results file holds every task once, and every task left its side effect.</summary>
    public static void AssertEveryTaskOnce(string resultsFile, string executions, int tasks)
    {
        var rows = ResultsFile.Read(resultsFile);
        Assert.Equal(tasks, rows.Count);
        Assert.Equal(tasks, rows.Select(r => ResultsFile.Index(r)).Distinct().Count());
        Assert.Equal(tasks, TestManifests.Executions(executions).Count);
    }

    public static void AssertNoJournaledTaskRanAgain(HashSet<long> journaledBeforeKill, Dictionary<long, int> runsAtKill,
        Dictionary<long, int> finalRuns, string context)
    {
        Assert.NotEmpty(journaledBeforeKill);
        foreach (var index in journaledBeforeKill)
            Assert.True(finalRuns[index] == runsAtKill[index],
                $"task {index} was journaled before the kill but ran again ({runsAtKill[index]} → {finalRuns[index]} runs)\n{context}");
    }
}
