using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ActorFarm.Node.Execution;

/// <summary>
/// The in-process handlers a node can run, by name (case-sensitive). Lookups are lock-free
/// and safe from any thread; registering while tasks run is allowed but normally happens
/// once, before the farm starts.
/// </summary>
public sealed class TaskHandlerRegistry
{
    private readonly ConcurrentDictionary<string, ITaskHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>An empty registry; see <see cref="CreateDefault"/> for one holding the built-ins.</summary>
    public TaskHandlerRegistry()
    {
    }

    /// <summary>A registry holding the built-in handlers <c>noop</c> and <c>sleep</c>.</summary>
    public static TaskHandlerRegistry CreateDefault() =>
        new TaskHandlerRegistry()
            .Register(NoopHandler.Instance)
            .Register(SleepHandler.Instance);

    /// <summary>Adds a handler under its <see cref="ITaskHandler.Name"/>. Returns this registry for chaining.</summary>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public TaskHandlerRegistry Register(ITaskHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var name = handler.Name;
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("A task handler needs a non-empty name.", nameof(handler));
        if (!_handlers.TryAdd(name, handler))
            throw new ArgumentException($"A task handler named '{name}' is already registered.", nameof(handler));
        return this;
    }

    /// <summary>A new registry holding the same handlers (a host's registry stays as the host made it).</summary>
    internal TaskHandlerRegistry Copy()
    {
        var copy = new TaskHandlerRegistry();
        foreach (var (name, handler) in _handlers)
            copy._handlers[name] = handler;
        return copy;
    }

    /// <summary>The handler registered under <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out ITaskHandler handler)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _handlers.TryGetValue(name, out handler);
    }

    /// <summary>The registered names, sorted ordinally.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = _handlers.Keys.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            return names;
        }
    }

    /// <summary>The message recorded for a job that names a handler this node does not have.</summary>
    internal string UnknownHandlerMessage(string name) =>
        $"unknown handler '{name}'; known: {string.Join(", ", Names)}";
}
