namespace ActorFarm.Perf.Peers;

/// <summary>
/// The peers measured beside the farm, each as Debian packages it (ENVIRONMENT.md lists what
/// installs and runs here). Root needs the Open MPI and Celery overrides below.
/// </summary>
public static class PeerCatalog
{
    private static readonly Dictionary<string, string> None = new();

    public static readonly PeerDefinition Multiprocessing = new(
        "Python multiprocessing", "mp_pool.py", [], [], "python3", None, MaxScalingWorkers: 16);

    public static readonly PeerDefinition Mpi4py = new(
        "mpi4py (Open MPI), dynamic", "mpi_farm.py", ["mpi4py"], ["mpirun"], "python3-mpi4py openmpi-bin",
        new Dictionary<string, string> { ["OMPI_ALLOW_RUN_AS_ROOT"] = "1", ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1" },
        MaxScalingWorkers: 16, UnderMpirun: true);

    public static readonly PeerDefinition Dask = new(
        "Dask distributed", "dask_farm.py", ["dask", "distributed"], [], "python3-dask python3-distributed", None,
        MaxScalingWorkers: 16);

    public static readonly PeerDefinition Celery = new(
        "Celery + Redis", "celery_farm.py", ["celery", "redis"], ["redis-server"], "python3-celery python3-redis redis-server",
        new Dictionary<string, string> { ["C_FORCE_ROOT"] = "1" }, MaxScalingWorkers: 16);

    public static readonly PeerDefinition IpyParallel = new(
        "ipyparallel", "ipp_farm.py", ["ipyparallel"], [], "python3-ipyparallel", None, MaxScalingWorkers: 16);

    /// <summary>
    /// The reference for process tasks: a thread pool, each thread running <c>subprocess.run</c>.
    /// Not a farm, so not in <see cref="All"/>; the process parts run it beside the farm's processes.
    /// </summary>
    public static readonly PeerDefinition SubprocessPool = new(
        "Python ThreadPoolExecutor + subprocess.run", "subprocess_pool.py", [], [], "python3", None, MaxScalingWorkers: 256);

    public static IReadOnlyList<PeerDefinition> All { get; } = [Multiprocessing, Mpi4py, Dask, Celery, IpyParallel];
}
