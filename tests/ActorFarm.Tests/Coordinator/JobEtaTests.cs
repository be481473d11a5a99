using ActorFarm.Coordinator;
using ActorFarm.Protocol;

namespace ActorFarm.Tests.Coordinator;

/// <summary>
/// The time-left rule (<see cref="JobEta"/>) as a pure function of the numbers a status report
/// and an observed rate give, and the mean duration the job entity keeps for it (<see cref="JobInsights"/>).
/// </summary>
public class JobEtaTests
{
    private static readonly TimeSpan CliWindow = TimeSpan.FromSeconds(10);

    [Fact]
    public void Long_tasks_take_the_time_left_from_their_durations_not_from_a_lucky_window()
    {
        // 2 slots, 2-minute tasks, 2 finished, 2 running, 2 waiting. Both finished ones ended in
        // the last 10 s: a rate of 0.2/s, which promised the 4 left in 20 s. Two waves of 2 minutes
        // remain, the running one half done on average: 3 minutes.
        var eta = JobEta.Estimate(pending: 2, running: 2, TimeSpan.FromMinutes(2), tasksPerSecond: 0.2, CliWindow);
        Assert.Equal(TimeSpan.FromMinutes(3), eta);
    }

    [Fact]
    public void The_last_running_long_task_is_taken_as_half_done()
    {
        var eta = JobEta.Estimate(pending: 0, running: 1, TimeSpan.FromMinutes(2), tasksPerSecond: null, CliWindow);
        Assert.Equal(TimeSpan.FromMinutes(1), eta);
    }

    [Fact]
    public void Short_tasks_take_the_time_left_from_the_rate_whatever_their_prefetched_leases_say()
    {
        // 1 ms tasks on 2 slots, leased 40 deep: "running" is the leases, not the parallelism.
        var eta = JobEta.Estimate(pending: 99_960, running: 40, TimeSpan.FromMilliseconds(1), tasksPerSecond: 2_000, CliWindow);
        Assert.Equal(TimeSpan.FromSeconds(50), eta);
    }

    [Fact]
    public void Short_tasks_have_no_estimate_before_a_rate_is_observed()
    {
        Assert.Null(JobEta.Estimate(pending: 1_000, running: 8, TimeSpan.FromMilliseconds(5), tasksPerSecond: null, CliWindow));
        Assert.Null(JobEta.Estimate(pending: 1_000, running: 8, TimeSpan.FromMilliseconds(5), tasksPerSecond: 0, CliWindow));
    }

    [Fact]
    public void Nothing_finished_yet_gives_no_estimate()
    {
        Assert.Null(JobEta.Estimate(pending: 10, running: 2, meanTask: null, tasksPerSecond: null, CliWindow));
    }

    [Fact]
    public void Long_tasks_with_none_running_give_no_estimate()
    {
        // Waiting for a node: when it comes is not something the durations tell.
        Assert.Null(JobEta.Estimate(pending: 10, running: 0, TimeSpan.FromMinutes(5), tasksPerSecond: 0.5, CliWindow));
    }

    [Fact]
    public void A_job_with_nothing_left_has_no_time_left()
    {
        Assert.Equal(TimeSpan.Zero, JobEta.Estimate(pending: 0, running: 0, TimeSpan.FromMinutes(5), tasksPerSecond: null, CliWindow));
    }

    [Fact]
    public void Which_estimate_decides_depends_on_the_window()
    {
        // 5 s tasks: long for the CLI's 10 s window, short for the dashboard's 30 s one.
        var mean = TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(22.5), JobEta.Estimate(8, 2, mean, tasksPerSecond: 1, CliWindow));
        Assert.Equal(TimeSpan.FromSeconds(10), JobEta.Estimate(8, 2, mean, tasksPerSecond: 1, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void An_absurd_estimate_is_capped()
    {
        var eta = JobEta.Estimate(pending: long.MaxValue / 2, running: 1, TimeSpan.FromDays(1), tasksPerSecond: null, CliWindow);
        Assert.Equal(TimeSpan.FromDays(3650), eta);
    }

    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(3 * 60 + 7, "00:03:07")]
    [InlineData(30 * 3600 + 61, "30:01:01")]
    public void Formats_hours_past_a_day(int seconds, string expected) =>
        Assert.Equal(expected, JobEta.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Insights_keep_the_exact_mean_duration_of_final_results()
    {
        var insights = new JobInsights();
        Assert.Null(insights.MeanDuration);
        insights.Record(Record(0, TimeSpan.FromSeconds(100), TaskOutcome.Succeeded));
        insights.Record(Record(1, TimeSpan.FromSeconds(140), TaskOutcome.Failed));
        // The histogram alone could not tell: its buckets double (65.5 s … 131 s … 262 s).
        Assert.Equal(TimeSpan.FromSeconds(120), insights.MeanDuration);
    }

    [Fact]
    public void A_snapshot_restores_the_mean_and_one_without_the_sum_starts_it_afresh()
    {
        var insights = new JobInsights();
        insights.Record(Record(0, TimeSpan.FromSeconds(30), TaskOutcome.Succeeded));
        insights.Record(Record(1, TimeSpan.FromSeconds(50), TaskOutcome.Succeeded));

        var restored = new JobInsights();
        restored.Restore(insights.DurationCounts(), insights.Failures(), insights.DurationTicks);
        Assert.Equal(TimeSpan.FromSeconds(40), restored.MeanDuration);

        // A snapshot of an earlier version has the histogram but no sum: the mean is of what comes after.
        var older = new JobInsights();
        older.Restore(insights.DurationCounts(), insights.Failures(), durationTicks: null);
        Assert.Null(older.MeanDuration);
        older.Record(Record(2, TimeSpan.FromSeconds(10), TaskOutcome.Succeeded));
        Assert.Equal(TimeSpan.FromSeconds(10), older.MeanDuration);
        Assert.Equal(3, older.DurationCounts().Sum());
    }

    private static TaskRecord Record(long index, TimeSpan duration, TaskOutcome outcome)
    {
        var started = DateTimeOffset.UnixEpoch;
        return new TaskRecord(index, 1, outcome, outcome == TaskOutcome.Succeeded ? 0 : 1, "n1", started, started + duration, null, false);
    }
}
