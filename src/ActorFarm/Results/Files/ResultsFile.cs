using ActorFarm.Manifest;
using ActorFarm.Protocol;

namespace ActorFarm.Results.Files;

/// <summary>
/// A results file being written: rows go to a temporary file next to the final path, which
/// appears (replaced atomically) only on <see cref="Complete"/>, so a reader never sees half a
/// file. Not thread-safe; one writer at a time.
/// </summary>
internal sealed class ResultsFile : IDisposable
{
    private readonly JobSpec _spec;
    private readonly string _jobDirectory;
    private readonly string _temporary;
    private readonly FileStream _stream;
    private readonly IResultsWriter _writer;
    private readonly Dictionary<string, string> _parameters = new();
    private bool _closed;
    private bool _completed;

    private ResultsFile(JobSpec spec, string path, string temporary, FileStream stream, IResultsWriter writer)
    {
        _spec = spec;
        _jobDirectory = OutputLayout.JobDirectory(spec);
        Path = path;
        _temporary = temporary;
        _stream = stream;
        _writer = writer;
    }

    /// <summary>The final path, written by <see cref="Complete"/>.</summary>
    public string Path { get; }

    /// <exception cref="IOException">The directory or the temporary file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory or the temporary file cannot be created.</exception>
    public static ResultsFile Create(JobSpec spec, ResultsFormat format, string path, string temporaryPath)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var stream = new FileStream(temporaryPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
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
    }

    /// <summary>Flushes the rows and moves the file to its final path.</summary>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Close();
        File.Move(_temporary, Path, overwrite: true);
        _completed = true;
    }

    /// <summary>Unless completed: closes the file and deletes it, leaving the final path as it was.</summary>
    public void Dispose()
    {
        if (_completed) return;
        try
        {
            if (!_closed) Close();
            File.Delete(_temporary);
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
