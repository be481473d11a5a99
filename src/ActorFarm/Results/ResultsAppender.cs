using ActorFarm.Manifest;
using ActorFarm.Protocol;
using ActorFarm.Results.Files;
using ActorFarm.Results.Journal;
using Akka.Actor;
using Akka.Event;

namespace ActorFarm.Results;

/// <summary>
/// Keeps a job's <c>results.jsonl</c> as the job runs: each batch of results is appended, and
/// handed to the operating system, once journaled. So the file holds a row for every result
/// journaled so far (a process killed at any moment leaves them; a row is never written before
/// its result is journaled), each task once, and is complete moments after the job's last result
/// instead of being read back from the journal then (for a million tasks that read-back was
/// ~40 % of the job's wall time). A child of the job entity, in every life of it:
/// <list type="bullet">
/// <item><see cref="Fresh"/>: the life accepted the job, so it sees every result event; the file
/// starts empty.</item>
/// <item><see cref="FromJournal"/>: a recovered life, or a rerun. The file is first rewritten from
/// the journal up to where the entity stands (its rows staged in a temporary file that replaces
/// the old one at once), leaving out the failures a rerun superseded; results journaled meanwhile
/// wait and follow. Whatever an earlier life (another process, killed) wrote is replaced, never
/// continued: its last row may be cut, and rows are never repeated. For an ended job a file that
/// is already complete (<see cref="KeepIf"/>) is kept.</item>
/// </list>
/// File I/O runs on its own dispatcher, never on the actors' threads. A write that fails is
/// reported once (a warning naming the path, <see cref="Faulted"/> to the parent) and writing
/// stops: the journal still holds every result, and the job's end writes the file from it.
/// </summary>
internal sealed class ResultsAppender : ReceiveActor
{
    /// <summary>The dispatcher for appenders (file writes stay off the actors' threads).</summary>
    public const string DispatcherId = "farm-results-dispatcher";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _jobId;
    private readonly JobSpec _spec;
    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly Start _start;

    // The live file once open; the journal's rows while they are read (rebuilding) and the
    // results journaled meanwhile, in order.
    private ResultsFile? _file;
    private ResultsFile? _rebuilding;
    private IAsyncEnumerator<ResultsPage>? _pages;
    private CancellationTokenSource? _reading;
    private bool _pulling;
    private readonly List<TaskRecord[]> _waiting = new();
    // An ended job's file found complete: nothing to write.
    private bool _kept;
    private IActorRef? _completeAsker;
    private string? _error;

    public ResultsAppender(string jobId, JobSpec spec, string path, string temporaryPath, Start start)
    {
        _jobId = jobId;
        _spec = spec;
        _path = path;
        _temporaryPath = temporaryPath;
        _start = start;
    }

    /// <param name="jobId">The job, for reading its journal.</param>
    /// <param name="spec">The job's spec, for its rows.</param>
    /// <param name="path">The results file (<see cref="OutputLayout.ResultsFile"/>).</param>
    /// <param name="temporaryPath">Where a rebuild stages its rows, next to <paramref name="path"/>.</param>
    /// <param name="start">How the file begins.</param>
    public static Props Props(string jobId, JobSpec spec, string path, string temporaryPath, Start start) =>
        Akka.Actor.Props.Create(() => new ResultsAppender(jobId, spec, path, temporaryPath, start)).WithDispatcher(DispatcherId);

    /// <summary>How the file begins.</summary>
    public abstract record Start : INoSerializationVerificationNeeded;

    /// <summary>The job was accepted in this life: the file starts empty.</summary>
    public sealed record Fresh : Start
    {
        public static readonly Fresh Instance = new();
    }

    /// <summary>
    /// The file is written from the journal's events up to <paramref name="UpToSequenceNr"/> (the
    /// entity's last known event), less the failures of a rerun journaled at <paramref name="SupersededBefore"/>.
    /// </summary>
    public sealed record FromJournal(long UpToSequenceNr, long SupersededBefore, string? QueryPluginId, KeepIf? Keep = null) : Start;

    /// <summary>
    /// An ended job: the file on disk is kept when it is this end's and whole, i.e. last written at
    /// or after <paramref name="EndedAt"/> (<see cref="Complete"/> touches it; the end before a
    /// rerun left an older one) and made of exactly <paramref name="Rows"/> whole lines.
    /// </summary>
    public sealed record KeepIf(DateTimeOffset EndedAt, long Rows);

    /// <summary>Results just journaled, in journal order.</summary>
    public sealed record Append(TaskRecord[] Records) : INoSerializationVerificationNeeded;

    /// <summary>Every result is appended: close the file. Replies <see cref="Written"/> or <see cref="NotWritten"/>.</summary>
    public sealed record Complete : INoSerializationVerificationNeeded
    {
        public static readonly Complete Instance = new();
    }

    public sealed record Written(string Path) : INoSerializationVerificationNeeded;

    /// <summary>The file could not be written; the journal still holds every result.</summary>
    public sealed record NotWritten(string Reason) : INoSerializationVerificationNeeded;

    /// <summary>To the parent, once: writing stopped for this reason (the file lacks rows the journal has).</summary>
    public sealed record Faulted(string Reason) : INoSerializationVerificationNeeded;

    private sealed record PageRead(ResultsPage Page) : INoSerializationVerificationNeeded;

    private sealed record ReadDone : INoSerializationVerificationNeeded
    {
        public static readonly ReadDone Instance = new();
    }

    private sealed record ReadFailed(Exception Cause) : INoSerializationVerificationNeeded;

    protected override void PreStart()
    {
        try
        {
            if (_start is FromJournal journal)
            {
                if (journal.Keep is { } keep && IsComplete(keep))
                {
                    _kept = true;
                    Become(Live);
                    return;
                }
                _rebuilding = ResultsFile.Create(_spec, ResultsFormat.Jsonl, _path, _temporaryPath);
                _reading = new CancellationTokenSource();
                _pages = JournalResults.StreamAsync(Context.System, _jobId, journal.SupersededBefore, _reading.Token,
                    journal.QueryPluginId, journal.UpToSequenceNr).GetAsyncEnumerator(_reading.Token);
                Become(Rebuilding);
                Pull();
                return;
            }
            _file = ResultsFile.OpenLive(_spec, _path, append: false);
            Become(Live);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e.Message);
        }
    }

    protected override void PostStop()
    {
        _reading?.Cancel();
        if (_pages is not null && !_pulling) _ = _pages.DisposeAsync().AsTask();
        _reading?.Dispose();
        _rebuilding?.Dispose();
        _file?.Dispose();
    }

    /// <summary>The journal's rows are read into the staged file; results journaled meanwhile wait.</summary>
    private void Rebuilding()
    {
        Receive<PageRead>(read =>
        {
            _pulling = false;
            if (read.Page.Error is { } error)
            {
                Fail("reading its rows from the journal: " + error);
                return;
            }
            if (!Try(() => _rebuilding!.Append(read.Page.Records))) return;
            Pull();
        });
        Receive<ReadDone>(_ =>
        {
            _pulling = false;
            if (!Try(() =>
                {
                    _rebuilding!.Complete();
                    _rebuilding = null;
                    _file = ResultsFile.OpenLive(_spec, _path, append: true);
                    foreach (var records in _waiting) _file.Append(records);
                    _file.Flush();
                })) return;
            _waiting.Clear();
            Become(Live);
            if (_completeAsker is { } asker) Finish(asker);
        });
        Receive<ReadFailed>(failed =>
        {
            _pulling = false;
            Fail("reading its rows from the journal: " + failed.Cause.Message);
        });
        Receive<Append>(append => _waiting.Add(append.Records));
        Receive<Complete>(_ => _completeAsker = Sender);
    }

    /// <summary>Each batch of results is appended and flushed as it comes.</summary>
    private void Live()
    {
        Receive<Append>(append =>
        {
            if (_file is null) return; // kept: an ended job gets no results
            Try(() =>
            {
                _file.Append(append.Records);
                _file.Flush();
            });
        });
        Receive<Complete>(_ => Finish(Sender));
    }

    /// <summary>Writing stopped: every complete is answered with why.</summary>
    private void Failed()
    {
        Receive<Complete>(_ => Sender.Tell(new NotWritten(_error!)));
        ReceiveAny(_ => { });
    }

    private void Pull()
    {
        var pages = _pages!;
        _pulling = true;
        pages.MoveNextAsync().AsTask().PipeTo(Self,
            success: more => more ? new PageRead(pages.Current) : ReadDone.Instance,
            failure: cause => new ReadFailed(cause));
    }

    private void Finish(IActorRef asker)
    {
        if (_kept)
        {
            asker.Tell(new Written(_path));
            return;
        }
        var done = Try(() =>
        {
            if (!_file!.StillAtPath())
                throw new IOException("the file was replaced while the job ran (an export to the same path?)");
            _file.Complete();
            _file = null;
            // Last written after the end is journaled: a later life keeps the file (see KeepIf).
            File.SetLastWriteTimeUtc(_path, DateTime.UtcNow);
        });
        asker.Tell(done ? new Written(_path) : new NotWritten(_error!));
    }

    private bool Try(Action write)
    {
        try
        {
            write();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e.Message);
            return false;
        }
    }

    private void Fail(string reason)
    {
        _error = $"writing {_path} failed: {reason}";
        _log.Warning("{0}; the journal keeps every result, and the file is written from it when job {1} ends", _error, _jobId);
        Context.Parent.Tell(new Faulted(_error));
        _reading?.Cancel();
        _rebuilding?.Dispose();
        _rebuilding = null;
        _file?.Dispose();
        _file = null;
        _waiting.Clear();
        Become(Failed);
        if (_completeAsker is { } asker) asker.Tell(new NotWritten(_error));
    }

    /// <summary>Whether the file on disk is this end's, whole: see <see cref="KeepIf"/>.</summary>
    private bool IsComplete(KeepIf keep)
    {
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists || info.LastWriteTimeUtc < keep.EndedAt.UtcDateTime) return false;
            return WholeLines(_path) == keep.Rows;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The file's lines, or -1 when its last line is cut (a write a kill interrupted).</summary>
    private static long WholeLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        long lines = 0;
        byte last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return last == (byte)'\n' ? lines : -1;
    }
}
