using System.Collections.Concurrent;
using MspMigration.Engine.Agent;
using MspMigration.Engine.Facade;
using MspMigration.Engine.Output;

namespace MspMigration.Tests.Unit.Agent;

/// <summary>What an agent tells its host through the output channel about tasks: per-task status when asked for, and every finish.</summary>
public sealed class ObserverReportingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("msp-unit-").FullName;

    private sealed class RecordingObserver : IEngineOutput
    {
        public ConcurrentQueue<MigrationStatus> Statuses { get; } = new();
        public ConcurrentQueue<(string Task, MigrationTaskState State)> Finished { get; } = new();
        public void Info(string message) { }
        public void Warning(string message) { }
        public void Progress(AgentProgress progress) { }
        public void TaskProgress(MigrationStatus status) => Statuses.Enqueue(status);
        public void TaskFinished(MigrationStatus status) => Finished.Enqueue((status.TaskName, status.State));
    }

    private async Task<MigrationService> OpenAsync()
    {
        var config = Path.Combine(_root, "agent.toml");
        await File.WriteAllTextAsync(config, "[agent]\nname = \"unit\"\nconcurrency = 2\npoll_seconds = 1\n\n[control_plane]\nsqlite = \"cp.db\"\n");
        return await MigrationService.OpenAsync(config, CancellationToken.None);
    }

    private string Seed(string name, int count)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(dir);
        for (var i = 0; i < count; i++) File.WriteAllText(Path.Combine(dir, $"f{i}.txt"), $"object {i}");
        return dir;
    }

    [Fact]
    public async Task Reports_task_status_when_an_interval_is_set()
    {
        using var service = await OpenAsync();
        await service.CreateTaskAsync(new TaskRequest { Name = "t", Source = Seed("src", 20), Destination = Path.Combine(_root, "dst") }, NullEngineOutput.Instance, CancellationToken.None);
        var observer = new RecordingObserver();
        await service.RunAgentAsync(new AgentRunOptions { ExitWhenIdle = true, TaskProgressInterval = TimeSpan.FromSeconds(1) }, observer, CancellationToken.None);
        Assert.Contains(observer.Statuses, s => s.TaskName == "t");
        Assert.Equal([("t", MigrationTaskState.Completed)], observer.Finished);
    }

    [Fact]
    public async Task Reports_no_task_status_without_an_interval()
    {
        using var service = await OpenAsync();
        await service.CreateTaskAsync(new TaskRequest { Name = "t", Source = Seed("src", 20), Destination = Path.Combine(_root, "dst") }, NullEngineOutput.Instance, CancellationToken.None);
        var observer = new RecordingObserver();
        await service.RunAgentAsync(new AgentRunOptions { ExitWhenIdle = true }, observer, CancellationToken.None);
        Assert.Empty(observer.Statuses);
        Assert.Single(observer.Finished);
    }

    [Fact]
    public async Task Reports_a_task_whose_listing_failed_as_finished_Failed()
    {
        using var service = await OpenAsync();
        var source = Seed("gone", 1);
        await service.CreateTaskAsync(new TaskRequest { Name = "gone", Source = source, Destination = Path.Combine(_root, "dst") }, NullEngineOutput.Instance, CancellationToken.None);
        Directory.Delete(source, recursive: true);
        var observer = new RecordingObserver();
        await service.RunAgentAsync(new AgentRunOptions { ExitWhenIdle = true }, observer, CancellationToken.None);
        Assert.Equal([("gone", MigrationTaskState.Failed)], observer.Finished);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
