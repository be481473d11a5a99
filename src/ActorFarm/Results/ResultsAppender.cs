using ActorFarm.Results.Files;
using ActorFarm.Manifest;
using ActorFarm.Protocol;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Results;

/// <summary>
/// Writes a job's results file while the job runs, a journal event at a time, so that the file
/// is ready moments after the last result is journaled instead of being read back from the
/// journal then (for a million tasks that read-back was ~40 % of the job's wall time). A child
/// of the job entity, started only in a life that saw every one of the job's events (it accepted
/// the job); a recovered entity exports from the journal instead. It runs on its own dispatcher
/// because it writes to a file. Rows appear in the final file only on <see cref="Complete"/>; an
/// appender stopped before that (hand-off, crash) leaves nothing behind.
/// </summary>
internal sealed class ResultsAppender : ReceiveActor
{
    /// <summary>The dispatcher for appenders (file writes stay off the actors' threads).</summary>
    public const string DispatcherId = "farm-results-dispatcher";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly JobSpec _spec;
    private readonly string _path;
    private readonly string _temporaryPath;
    private ResultsFile? _file;
    private string? _error;

    public ResultsAppender(JobSpec spec, string path, string temporaryPath)
    {
        _spec = spec;
        _path = path;
        _temporaryPath = temporaryPath;
        Receive<Append>(append => Write(append.Records));
        Receive<Complete>(_ => Finish());
    }

    public static Props Props(JobSpec spec, string path, string temporaryPath) =>
        Akka.Actor.Props.Create(() => new ResultsAppender(spec, path, temporaryPath)).WithDispatcher(DispatcherId);

    /// <summary>Results just journaled, in journal order.</summary>
    public sealed record Append(TaskRecord[] Records) : INoSerializationVerificationNeeded;

    /// <summary>Every result is appended: close the file and move it in place. Replies <see cref="Written"/> or <see cref="NotWritten"/>.</summary>
    public sealed record Complete : INoSerializationVerificationNeeded
    {
        public static readonly Complete Instance = new();
    }

    public sealed record Written(string Path) : INoSerializationVerificationNeeded;

    /// <summary>The file could not be written; the journal still holds every result.</summary>
    public sealed record NotWritten(string Reason) : INoSerializationVerificationNeeded;

    protected override void PreStart()
    {
        try
        {
            _file = ResultsFile.Create(_spec, ResultsFormat.Jsonl, _path, _temporaryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    protected override void PostStop() => _file?.Dispose();

    private void Write(TaskRecord[] records)
    {
        if (_file is null) return;
        try
        {
            _file.Append(records);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }
    }

    private void Finish()
    {
        if (_file is not null)
        {
            try
            {
                _file.Complete();
                _file = null;
                Sender.Tell(new Written(_path));
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
            }
        }
        Sender.Tell(new NotWritten(_error ?? "the results file was already completed"));
    }

    private void Fail(Exception e)
    {
        _error = $"writing {_path} failed: {e.Message}";
        _log.Warning("{0}", _error);
        _file?.Dispose();
        _file = null;
    }
}
