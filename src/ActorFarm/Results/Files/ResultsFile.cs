using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results.Files;

/// <summary>
/// A results file being written, in one of two ways. <see cref="Create"/>: rows go to a temporary
/// file next to the final path, which appears (replaced atomically) only on <see cref="Complete"/>,
/// so a reader never sees half a file (exports). <see cref="OpenLive"/>: rows are appended to the
/// final path itself and handed to the operating system at each <see cref="Flush"/>, so a
/// process killed at any moment leaves the rows flushed before (the results file of a running
/// job). Not thread-safe; one writer at a time.
/// </summary>
internal sealed class ResultsFile : IDisposable
{
    private readonly JobSpec _spec;
    private readonly string _jobDirectory;
    private readonly string? _temporary;
    private readonly FileStream _stream;
    private readonly IResultsWriter _writer;
    private readonly Dictionary<string, string> _parameters = new();
    private bool _closed;
    private bool _completed;

    private ResultsFile(JobSpec spec, string path, string? temporary, FileStream stream, IResultsWriter writer)
    {
        _spec = spec;
        _jobDirectory = OutputLayout.JobDirectory(spec);
        Path = path;
        _temporary = temporary;
        _stream = stream;
        _writer = writer;
    }

    /// <summary>The final path, written by <see cref="Complete"/> (or appended to, when live).</summary>
    public string Path { get; }

    /// <summary>Rows appended since the file was opened.</summary>
    public long Rows { get; private set; }

    /// <exception cref="IOException">The directory or the temporary file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the temporary file cannot be created.</exception>
    public static ResultsFile Create(JobSpec spec, ResultsFormat format, string path, string temporaryPath) =>
        Open(spec, format, path, temporaryPath, FileMode.Create);

    /// <summary>
    /// The JSON-lines file at <paramref name="path"/> itself, emptied first (<paramref name="append"/>
    /// false) or continued; <see cref="Complete"/> only closes it, and so does <see cref="Dispose"/>:
    /// the rows already flushed stay.
    /// </summary>
    /// <exception cref="IOException">The directory or the file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the file cannot be created.</exception>
    public static ResultsFile OpenLive(JobSpec spec, string path, bool append) =>
        Open(spec, ResultsFormat.Jsonl, path, null, append ? FileMode.Append : FileMode.Create);

    private static ResultsFile Open(JobSpec spec, ResultsFormat format, string path, string? temporaryPath, FileMode mode)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(temporaryPath ?? path, mode, FileAccess.Write, FileShare.Read, 1 << 16);
        try
        {
            IResultsWriter writer = format == ResultsFormat.Csv
                ? new CsvResultsWriter(stream, spec.Sweep.Axes.Select(a => a.Name).ToArray())
                : new JsonlResultsWriter(stream);
            return new ResultsFile(spec, path, temporaryPath, stream, writer);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Append(IReadOnlyList<TaskRecord> records)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        foreach (var record in records)
        {
            _parameters.Clear();
            Sweeps.ParametersAt(_spec.Sweep, record.Index, _parameters);
            _writer.Write(ResultRow.For(_spec, _jobDirectory, record, _parameters));
        }
        Rows += records.Count;
    }

    /// <summary>Hands the rows appended so far to the operating system: they outlive this process.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        _writer.Flush();
        _stream.Flush();
    }

    /// <summary>
    /// Whether <see cref="Path"/> still names this live file, judged by its length: another
    /// writer that replaced it (an export to the same path) left a file this one no longer reaches.
    /// </summary>
    public bool StillAtPath()
    {
        Flush();
        var onDisk = new FileInfo(Path);
        return onDisk.Exists && onDisk.Length == _stream.Length;
    }

    /// <summary>Flushes the rows and moves the file to its final path (a live file is only closed).</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Close();
        if (_temporary is not null) File.Move(_temporary, Path, overwrite: true);
        _completed = true;
    }

    /// <summary>Unless completed: closes the file and deletes a temporary one, leaving the final path as it was.</summary>
    public void Dispose()
    {
        if (_completed) return;
        try
        {
            if (!_closed) Close();
            if (_temporary is not null) File.Delete(_temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Flushing or deleting a file that is abandoned anyway; the final path is untouched.
        }
    }

    private void Close()
    {
        _closed = true;
        try
        {
            _writer.Dispose();
        }
        finally
        {
            _stream.Dispose();
        }
    }
}
