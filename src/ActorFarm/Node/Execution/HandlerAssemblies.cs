using System.Reflection;

namespace ActorFarm.Node.Execution;

/// <summary>
/// Loads handler assemblies (<c>actorfarm node --handlers</c>, <see cref="Hosting.FarmOptions.HandlerAssemblies"/>):
/// each in its own <see cref="HandlerLoadContext"/>, with its dependencies; every public,
/// non-abstract <see cref="ITaskHandler"/> in it with a public parameterless constructor is
/// created once and registered. All or nothing: the first problem is a
/// <see cref="HandlerAssemblyException"/> naming it, before the farm starts.
/// </summary>
internal static class HandlerAssemblies
{
    /// <summary>
    /// Registers the handlers of <paramref name="paths"/> (a path given twice counts once) in
    /// <paramref name="registry"/>, which must not be in use yet; returns what each assembly gave.
    /// </summary>
    /// <exception cref="HandlerAssemblyException">An assembly cannot be used; nothing is left half-registered only if <paramref name="registry"/> is discarded.</exception>
    public static IReadOnlyList<HandlerAssembly> LoadInto(TaskHandlerRegistry registry, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(paths);
        var loaded = new List<HandlerAssembly>();
        foreach (var path in paths.Select(p => Path.GetFullPath(p)).Distinct(StringComparer.Ordinal))
            loaded.Add(Load(registry, path));
        return loaded;
    }

    private static HandlerAssembly Load(TaskHandlerRegistry registry, string path)
    {
        var assembly = LoadAssembly(path);
        var types = HandlerTypes(assembly, path);
        if (types.Count == 0)
            throw Error(path, $"handler assembly {path} ({assembly.GetName().Name}) holds no handler: no public, non-abstract class " +
                $"implementing {nameof(ITaskHandler)} with a public parameterless constructor");

        var names = new List<string>();
        foreach (var type in types)
        {
            var handler = Create(type, path);
            string name;
            try
            {
                name = handler.Name;
            }
            catch (Exception e)
            {
                throw Error(path, $"handler {type.FullName} in {path} failed to give its name: {e.Message}", e);
            }
            if (string.IsNullOrWhiteSpace(name))
                throw Error(path, $"handler {type.FullName} in {path} has an empty name");
            if (registry.TryGet(name, out var existing))
                throw Error(path, $"two handlers are named '{name}': {Describe(existing.GetType())} and {type.FullName} in {path}");
            registry.Register(handler);
            names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        return new HandlerAssembly(path, names);
    }

    private static Assembly LoadAssembly(string path)
    {
        if (!File.Exists(path))
            throw Error(path, $"handler assembly {path} does not exist");
        try
        {
            AssemblyName.GetAssemblyName(path);
        }
        catch (BadImageFormatException e)
        {
            throw Error(path, $"handler assembly {path} is not a .NET assembly", e);
        }

        HandlerLoadContext context;
        try
        {
            context = new HandlerLoadContext(path);
        }
        catch (InvalidOperationException e)
        {
            // The host's resolver refuses a .deps.json that is malformed or names files that are not there.
            throw Error(path, $"cannot resolve the dependencies of handler assembly {path}: {e.Message}", e);
        }

        Assembly assembly;
        try
        {
            assembly = context.LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            throw Error(path, $"handler assembly {path} cannot be loaded: {e.Message}", e);
        }

        // Every direct dependency now, so a missing one is named here rather than failing a task later.
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            try
            {
                context.LoadFromAssemblyName(reference);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                throw MissingDependency(path, reference.FullName, e);
            }
        }
        return assembly;
    }

    private static List<Type> HandlerTypes(Assembly assembly, string path)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw e.LoaderExceptions.OfType<FileNotFoundException>().FirstOrDefault() is { } missing
                ? MissingDependency(path, missing.FileName ?? missing.Message, missing)
                : Error(path, $"handler assembly {path} cannot be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message ?? e.Message}", e);
        }
        catch (FileNotFoundException e)
        {
            throw MissingDependency(path, e.FileName ?? e.Message, e);
        }
        return exported
            .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
                && typeof(ITaskHandler).IsAssignableFrom(t)
                && t.GetConstructor(Type.EmptyTypes) is { IsPublic: true })
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
    }

    private static ITaskHandler Create(Type type, string path)
    {
        try
        {
            return (ITaskHandler)Activator.CreateInstance(type)!;
        }
        catch (Exception e) when (MissingAssembly(e) is { } missing)
        {
            // The constructor needed an assembly that could not be found (a transitive dependency).
            throw MissingDependency(path, missing, e);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } thrown)
        {
            throw Error(path, $"handler {type.FullName} in {path} threw in its constructor: {thrown.GetType().Name}: {thrown.Message}", thrown);
        }
    }

    /// <summary>
    /// The display name of the assembly the runtime failed to load, when that is what
    /// <paramref name="e"/> is: its file name is then an assembly name (<c>Name, Version=…</c>), not a
    /// file the constructor itself looked for.
    /// </summary>
    private static string? MissingAssembly(Exception e)
    {
        var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
        var name = cause switch
        {
            FileNotFoundException f => f.FileName,
            FileLoadException l => l.FileName,
            _ => null,
        };
        return name is not null && name.Contains(", Version=", StringComparison.Ordinal) ? name : null;
    }

    /// <summary>Where a registered handler comes from: built in, or its type and assembly file.</summary>
    private static string Describe(Type type) =>
        type.Assembly == typeof(ITaskHandler).Assembly
            ? $"the built-in {type.FullName}"
            : $"{type.FullName} in {(string.IsNullOrEmpty(type.Assembly.Location) ? type.Assembly.GetName().Name : type.Assembly.Location)}";

    private static HandlerAssemblyException MissingDependency(string path, string dependency, Exception cause) =>
        Error(path, $"handler assembly {path} needs {dependency}, which is neither beside it (its .deps.json and folder) nor part of the host", cause);

    private static HandlerAssemblyException Error(string path, string message, Exception? cause = null) =>
        new(message, cause) { AssemblyPath = path };
}
