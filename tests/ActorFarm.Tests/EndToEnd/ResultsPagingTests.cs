using ActorFarm.Results.Journal;
using ActorFarm.Node.Execution;
using ActorFarm.Protocol;
using ActorFarm.Results;

namespace ActorFarm.Tests.EndToEnd;

/// <summary>
/// Results pages (what a remote client reads through the farm) stay within one message even when
/// a single journal event holds far more: the page ends inside the event and the next one starts
/// where it ended, so every record is read exactly once.
/// </summary>
public sealed class ResultsPagingTests
{
    [Fact]
    public async Task Pages_of_large_results_fit_the_budget_and_cover_every_record_once()
    {
        await using var farm = await TestFarm.StartAsync(configure: o => o with
        {
            Handlers = TaskHandlerRegistry.CreateDefault().Register(new LargeMessageHandler()),
        });
        using var output = new TempDirectory();
        var spec = Specs.Handler("pages", LargeMessageHandler.HandlerName, 300, output.Path, new() { ["bytes"] = "20000" });
        var status = await farm.RunAsync(spec);
        Assert.Equal(300, status.Succeeded);
        const long budget = 256 * 1024; // about 12 records of 20 KB per page

        var pages = new List<ResultsPage>();
        long from = 1;
        var fromRecord = 0;
        while (pages.Count < 1_000)
        {
            var page = await JournalResults.ReadPageAsync(farm.Host.System, JobIds.For(spec), from, 1_000, fromRecord, budget);
            Assert.Null(page.Error);
            pages.Add(page);
            if (page.End) break;
            (from, fromRecord) = (page.NextSequenceNr, page.NextRecord);
        }

        var records = pages.SelectMany(p => p.Records).ToList();
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), records.Select(r => r.Index).Order());
        Assert.All(pages, p => Assert.True(p.Records.Sum(WireLimits.EstimateBytes) <= budget, $"{p.Records.Length} records"));
        Assert.True(pages.Count(p => p.NextRecord > 0) > 0, "no page ended inside an event");
        Assert.NotNull(pages[0].Spec);
    }
}
