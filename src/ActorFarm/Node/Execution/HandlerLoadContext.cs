using System.Reflection;
using System.Runtime.Loader;

namespace ActorFarm.Node.Execution;

/// <summary>
/// The load context of one handler assembly (the plugin pattern of .NET's "Create a .NET
/// application with plugins"): its own dependencies resolve from its <c>.deps.json</c> and folder,
/// while every assembly the host has (ActorFarm, Akka, the BCL, …) resolves to the default context.
/// Shared, <see cref="ITaskHandler"/> and <see cref="HandlerContext"/> are the host's types, not
/// copies that would never match them. Not collectible: handlers live as long as the node.
/// </summary>
internal sealed class HandlerLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;

    public HandlerLoadContext(string assemblyPath)
        : base("handlers:" + System.IO.Path.GetFileName(assemblyPath), isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(assemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Null hands the name to the default context: the host's copy wins, whatever the handler
        // assembly carries beside it.
        if (IsHostAssembly(assemblyName.Name))
            return null;
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;

    /// <summary>
    /// Whether the default context has the assembly or can load it by name: already loaded there,
    /// or one of the host's trusted platform assemblies (its own .deps.json and the shared framework).
    /// </summary>
    private static bool IsHostAssembly(string? name) =>
        name is not null
        && (TrustedPlatformAssemblies.Value.Contains(name)
            || Default.Assemblies.Any(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase)));

    private static readonly Lazy<HashSet<string>> TrustedPlatformAssemblies = new(() =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(System.IO.Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase));
}
