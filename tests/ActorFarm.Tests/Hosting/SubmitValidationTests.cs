using ActorFarm.Hosting;
using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// <see cref="FarmClient.SubmitAsync"/> checks a spec with the manifest's rules and refuses an
/// invalid one, with every error, before anything is sent to the farm.
/// </summary>
public sealed class SubmitValidationTests
{
    [Fact]
    public async Task An_invalid_spec_is_refused_with_every_error_and_nothing_is_sent()
    {
        var endpoint = new CountingEndpoint();
        await using var client = new FarmClient(endpoint);
        using var output = new TempDirectory();
        // What issue 12 found accepted: a name that leaves the output directory, a relative output
        // directory, no attempt at all, an undefined placeholder.
        var spec = Specs.Process("../escape", ["echo", "${seed}"], [new IntRangeAxis { Name = "i", From = 0, To = 3 }], output.Path) with
        {
            Output = new OutputSpec { Directory = "results" },
            Retry = new RetryPolicy { MaxAttempts = 0 },
        };

        var refused = await Assert.ThrowsAsync<InvalidJobSpecException>(() => client.SubmitAsync(spec));

        Assert.Equal(0, endpoint.Asked);
        Assert.Equal(
            [
                "jobs.\"../escape\": invalid job name '../escape': use only letters, digits, '_', '.' and '-'",
                "jobs.\"../escape\".retry.max-attempts: must be at least 1, got 0",
                "jobs.\"../escape\".output.directory: 'results' is a relative path, and a job built in code has no manifest directory to resolve it against; give output.directory as an absolute path (or set JobSpec.SourceFile to the manifest the job belongs to)",
                "jobs.\"../escape\".command[1]: undefined placeholder ${seed}; defined here: i, index, job, attempt, node",
            ],
            refused.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task A_valid_spec_is_sent()
    {
        var endpoint = new CountingEndpoint();
        await using var client = new FarmClient(endpoint);
        using var output = new TempDirectory();

        await Assert.ThrowsAsync<SentException>(() => client.SubmitAsync(Specs.Handler("fine", "noop", 3, output.Path)));

        Assert.Equal(1, endpoint.Asked);
    }

    private sealed class SentException : Exception;

    /// <summary>Counts what reaches it and answers nothing: the test only needs to know whether anything was sent.</summary>
    private sealed class CountingEndpoint : IFarmEndpoint
    {
        public int Asked { get; private set; }

        public TimeSpan? FarmLostAfter => null;

        public string Description => "a farm that counts what it is sent";

        public Task<T> AskAsync<T>(object message, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Assert.IsType<SubmitJob>(message);
            Asked++;
            return Task.FromException<T>(new SentException());
        }
    }
}
