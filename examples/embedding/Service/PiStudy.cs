using ActorFarm.Manifest;

namespace ActorFarm.Examples.Service;

/// <summary>
/// The job, built in C#: the same records a HOCON manifest becomes, checked by the same rules when
/// it is submitted (an invalid spec is refused with the list of what is wrong).
/// </summary>
public static class PiStudy
{
    /// <summary>One Monte Carlo estimate of pi per seed, each task a call of the <c>monte-carlo-pi</c> handler.</summary>
    public static JobSpec Job(StudySettings settings) => new()
    {
        Name = "pi-study",
        Command = new CommandSpec
        {
            Handler = "monte-carlo-pi",
            HandlerArgs = new()
            {
                ["samples"] = settings.Samples.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["seed"] = "${seed}",
            },
        },
        Sweep = new SweepSpec { Axes = [new IntRangeAxis { Name = "seed", From = 1, To = settings.Tasks }] },
        Output = new OutputSpec { Directory = Path.GetFullPath(settings.OutputDirectory), Capture = OutputCapture.None },
        // A task lost with its node runs again elsewhere; a handler that fails is tried once more.
        Retry = new RetryPolicy { MaxAttempts = 2 },
        Timeout = TimeSpan.FromMinutes(5),
    };
}
