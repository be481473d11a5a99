using ActorFarm.Manifest;
using Xunit;

namespace ActorFarm.Tests.Manifest;

public class TaskRendererTests
{
    private static JobSpec Job(CommandSpec command, SweepSpec sweep, string? workdir = "/w/${seed}", bool env = true) => new()
    {
        Name = "work",
        Command = command,
        Sweep = sweep,
        Environment = env ? new() { ["SEED"] = "${seed}", ["WHO"] = "${node}/${attempt}" } : new(),
        WorkingDirectory = workdir,
        Output = new OutputSpec { Directory = "/out/${job}" },
        SourceFile = "/manifests/jobs.hocon",
    };

    private static readonly SweepSpec Sweep = new()
    {
        Axes =
        [
            new ListAxis { Name = "arg", Values = ["plain", "; rm -rf /", "a b \"c\" $(whoami) `id` ${x}"] },
            new IntRangeAxis { Name = "seed", From = 1, To = 2 },
        ],
    };

    [Fact]
    public void Render_expands_every_template_with_sweep_values_and_built_ins()
    {
        var job = Job(new CommandSpec { Argv = ["python3", "work.py", "--arg=${arg}", "${index}", "${job}"] }, Sweep);
        var t = TaskRenderer.Render(job, 1, attempt: 2, nodeName: "node-a");

        Assert.Equal(1, t.Index);
        Assert.Equal(new Dictionary<string, string> { ["arg"] = "plain", ["seed"] = "2" }, t.Parameters);
        Assert.Equal(["python3", "work.py", "--arg=plain", "1", "work"], t.Argv!);
        Assert.Null(t.ShellCommand);
        Assert.Equal("2", t.Environment["SEED"]);
        Assert.Equal("node-a/2", t.Environment["WHO"]);
        Assert.Equal("/w/2", t.WorkingDirectory);
        Assert.Equal("/out/work", OutputLayout.BaseDirectory(job));
        Assert.Empty(t.HandlerArgs);
    }

    [Fact]
    public void A_hostile_value_stays_one_inert_argv_element()
    {
        var job = Job(new CommandSpec { Argv = ["echo", "${arg}"] }, Sweep);
        var t = TaskRenderer.Render(job, 2, 1, "n"); // arg = "; rm -rf /", seed = 1
        Assert.Equal(["echo", "; rm -rf /"], t.Argv!);

        // A value that itself looks like a placeholder is not expanded again.
        t = TaskRenderer.Render(job, 4, 1, "n");
        Assert.Equal(2, t.Argv!.Length);
        Assert.Equal("a b \"c\" $(whoami) `id` ${x}", t.Argv[1]);
    }

    [Fact]
    public void Render_handles_shell_commands_and_handlers()
    {
        var shell = TaskRenderer.Render(Job(new CommandSpec { ShellCommand = "echo ${seed} $${HOME}" }, Sweep), 0, 1, "n");
        Assert.Equal("echo 1 ${HOME}", shell.ShellCommand);
        Assert.Null(shell.Argv);

        var handler = TaskRenderer.Render(
            Job(new CommandSpec { Handler = "sleep", HandlerArgs = new() { ["seconds"] = "${seed}", ["tag"] = "${job}-${index}" } }, Sweep), 3, 1, "n");
        Assert.Equal("2", handler.HandlerArgs["seconds"]);
        Assert.Equal("work-3", handler.HandlerArgs["tag"]);
        Assert.Null(handler.Argv);
        Assert.Null(handler.ShellCommand);
    }

    [Fact]
    public void A_working_directory_that_starts_with_a_placeholder_resolves_against_the_manifest()
    {
        var sweep = new SweepSpec { Axes = [new ListAxis { Name = "dir", Values = ["rel/sub", "/abs/dir"] }] };
        var job = Job(new CommandSpec { Argv = ["true"] }, sweep, workdir: "${dir}", env: false);
        Assert.Equal("/manifests/rel/sub", TaskRenderer.Render(job, 0, 1, "n").WorkingDirectory);
        Assert.Equal("/abs/dir", TaskRenderer.Render(job, 1, 1, "n").WorkingDirectory);
    }

    [Fact]
    public void Render_rejects_an_index_outside_the_sweep() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TaskRenderer.Render(Job(new CommandSpec { Argv = ["true"] }, Sweep), 6, 1, "n"));
}
