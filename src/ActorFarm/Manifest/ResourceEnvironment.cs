using System.Globalization;

namespace ActorFarm.Manifest;

/// <summary>
/// What a task's processes are told of the slots they were given (<c>cpus</c>): a program that
/// starts threads by the machine's core count would otherwise run k threads per core on a node
/// packed with the farm's tasks. Only process tasks: an in-process handler reads
/// <see cref="JobSpec.SlotsPerTask"/> from its spec.
/// </summary>
internal static class ResourceEnvironment
{
    /// <summary>The slots the task holds, always set for a process task (1 unless the job says <c>cpus</c>).</summary>
    public const string CpusVariable = "ACTORFARM_CPUS";

    /// <summary>
    /// OpenMP's thread count (also read by OpenBLAS, MKL and numpy's BLAS): set to the job's
    /// <c>cpus</c> when the job declares it and its own <c>env</c> does not set it. Not set for a job
    /// without <c>cpus</c>, whose tasks behaved the same before the key existed.
    /// </summary>
    public const string OpenMpThreadsVariable = "OMP_NUM_THREADS";

    /// <summary>Adds the variables to a task's rendered environment (which the job's <c>env</c> filled first).</summary>
    public static void Apply(JobSpec job, Dictionary<string, string> environment)
    {
        if (!job.Command.IsProcess) return;
        var cpus = job.SlotsPerTask.ToString(CultureInfo.InvariantCulture);
        // The farm's own variable states a fact of the farm: a job's env does not change it.
        environment[CpusVariable] = cpus;
        if (job.Cpus is not null) environment.TryAdd(OpenMpThreadsVariable, cpus);
    }
}
