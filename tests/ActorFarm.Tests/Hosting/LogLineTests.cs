using ActorFarm.Logs;
using Akka.Event;

namespace ActorFarm.Tests.Hosting;

/// <summary>
/// What a log event looks like on standard error: Akka's layout (tests and tools read its time
/// stamp), one line with the cause named unless stack traces are asked for, and the framework's
/// routine warnings told apart from the ones a user must see.
/// </summary>
public class LogLineTests
{
    [Fact]
    public void An_error_is_one_line_naming_every_cause_without_frames()
    {
        var line = LogLine.Format(new Error(ThrownFailures.JournalWriteOnFullDisk(), "akka://farm/user/job", typeof(LogLineTests), "Persist failed for job j-1"), stackTraces: false);

        Assert.DoesNotContain('\n', line);
        Assert.Matches(@"^\[ERROR\]\[\d\d/\d\d/\d{4} \d\d:\d\d:\d\d\.\d{3}Z\]\[Thread \d{4}\]\[akka://farm/user/job\] Persist failed for job j-1 ", line);
        Assert.Contains("InvalidOperationException: journal write failed ← IOException: No space left on device : '/x/journal.db'", line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public void With_stack_traces_the_cause_keeps_its_frames()
    {
        var line = LogLine.Format(new Error(ThrownFailures.JournalWriteOnFullDisk(), "src", typeof(LogLineTests), "failed"), stackTraces: true);

        Assert.Contains("Cause: System.InvalidOperationException: journal write failed", line);
        Assert.Contains("   at ", line);
    }

    [Fact]
    public void A_message_with_an_exception_folded_into_its_text_loses_only_the_frames()
    {
        var message = "AssociationError [a] -> b: Error [boom] [System.Exception: boom\n   at Foo.Bar()\n--- End of stack trace ---\n   at Baz.Qux()]";

        var line = LogLine.OneLine(message);

        Assert.Equal("AssociationError [a] -> b: Error [boom] [System.Exception: boom", line);
    }

    [Theory]
    [InlineData("job: Requested shard homes [26] from coordinator at [x]. [1] total buffered messages.")]
    [InlineData("Association with remote system akka.tcp://actorfarm@127.0.0.1:1 has failed; address is now gated for 5000 ms. Reason is: [Disassociated]")]
    [InlineData("Tried to associate with unreachable remote address [akka.tcp://actorfarm@127.0.0.1:1]. Address is now gated for 5000 ms")]
    [InlineData("Tried to associate with unreachable remote address [akka.ssl.tcp://actorfarm@127.0.0.1:1]. Address is now gated for 5000 ms")]
    [InlineData("Association to [akka.tcp://actorfarm@127.0.0.1:4] having UID [42] is irrecoverably failed. UID is now quarantined and all messages to this UID will be delivered to dead letters.")]
    public void Routine_framework_warnings_are_noise(string message) =>
        Assert.True(FrameworkNoise.IsNoise(new Warning("src", typeof(LogLineTests), message)));

    [Theory]
    [InlineData("Cluster Node [a] - Marking node(s) as UNREACHABLE [b]")]
    [InlineData("Job j-1: node akka.tcp://actorfarm@127.0.0.1:3 lost with 2 tasks; re-queuing them")]
    [InlineData("Job j-1: node akka.ssl.tcp://actorfarm@127.0.0.1:3 lost with 2 tasks; re-queuing them")]
    [InlineData("AssociationError [a] -> b: Error [The remote certificate is invalid according to the validation procedure]")]
    public void Warnings_a_user_must_see_are_not_noise(string message) =>
        Assert.False(FrameworkNoise.IsNoise(new Warning("src", typeof(LogLineTests), message)));

    [Fact]
    public void The_error_text_of_a_wrapped_failure_reads_as_what_failed_then_why()
    {
        var bind = new AggregateException(new AggregateException(
            new InvalidOperationException("Failed to bind to [127.0.0.1:4053]. See InnerException for details.",
                new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressAlreadyInUse))));

        Assert.Equal("Failed to bind to [127.0.0.1:4053]: Address already in use", ErrorText.Cause(bind));
    }
}
