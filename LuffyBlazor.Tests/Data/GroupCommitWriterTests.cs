using LuffyBlazor.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace LuffyBlazor.Tests.Data;

/// <summary>The group-commit primitive behind the order writer and the notify log, with a writer that records its groups.</summary>
public sealed class GroupCommitWriterTests
{
    [Fact]
    public async Task Items_queued_while_a_group_is_being_written_are_written_together_as_the_next_group()
    {
        var (writer, first) = await StartedWithFirstGroupHeldAsync();

        var rest = new[] { writer.WriteAsync(2), writer.WriteAsync(3), writer.WriteAsync(4) };
        writer.ReleaseFirstGroup();

        var results = await Task.WhenAll([first, .. rest]);

        Assert.Equal([1, 2, 3, 4], results);
        Assert.Equal([[1], [2, 3, 4]], writer.Groups);
        await writer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_running_loop_an_item_is_written_directly(bool startedAndStopped)
    {
        var writer = new RecordingWriter();
        if (startedAndStopped)
        {
            await writer.StartAsync(CancellationToken.None);
            await writer.StopAsync(CancellationToken.None);
        }

        var result = await writer.WriteAsync(7).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(7, result);
        Assert.Equal([[7]], writer.Groups);
    }

    [Fact]
    public async Task A_cancelled_caller_is_refused_before_anything_is_queued()
    {
        var writer = new RecordingWriter();
        await writer.StartAsync(CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteAsync(9, new CancellationToken(canceled: true)));
        await writer.StopAsync(CancellationToken.None);

        Assert.Empty(writer.Groups);
    }

    [Fact]
    public async Task A_group_with_one_bad_item_is_written_again_item_by_item_and_only_the_bad_one_fails()
    {
        var (writer, first) = await StartedWithFirstGroupHeldAsync();

        var good = writer.WriteAsync(2);
        var bad = writer.WriteAsync(-3);
        var alsoGood = writer.WriteAsync(4);
        writer.ReleaseFirstGroup();

        var results = await Task.WhenAll(first, good, alsoGood);

        Assert.Equal([1, 2, 4], results);
        Assert.Equal("item -3 is bad", (await Assert.ThrowsAsync<InvalidOperationException>(() => bad)).Message);
        Assert.Equal([[1], [2], [4]], writer.Groups);
        await writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_caller_resumes_off_the_writers_loop_so_the_loop_goes_on_to_the_next_group()
    {
        var writer = new RecordingWriter();
        await writer.StartAsync(CancellationToken.None);

        // The caller blocks the thread it resumed on until its second item is committed: had it resumed inline on the
        // writer's loop, the loop could never take that item and the wait would time out.
        var secondCommittedWhileBlocked = await Task.Run(async () =>
        {
            await writer.WriteAsync(1);
            var second = writer.WriteAsync(2);
            var committed = SpinWait.SpinUntil(() => writer.GroupCount == 2, TimeSpan.FromSeconds(30));
            await second;
            return committed;
        }).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(secondCommittedWhileBlocked);
        Assert.Equal([[1], [2]], writer.Groups);
        await writer.StopAsync(CancellationToken.None);
    }

    /// <summary>A running writer whose loop has taken item 1 alone and holds it until released.</summary>
    private static async Task<(RecordingWriter Writer, Task<int> First)> StartedWithFirstGroupHeldAsync()
    {
        var writer = new RecordingWriter { HoldFirstGroup = true };
        await writer.StartAsync(CancellationToken.None);
        var first = writer.WriteAsync(1);
        await writer.FirstGroupEntered.Task;
        return (writer, first);
    }

    /// <summary>"Writes" ints: a negative one fails its whole group. Can hold its first group until released.</summary>
    private sealed class RecordingWriter() : GroupCommitWriter<int, int>(maxGroup: 16, NullLogger.Instance)
    {
        private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool HoldFirstGroup { get; init; }

        public TaskCompletionSource FirstGroupEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The groups that were committed, in order.</summary>
        public List<int[]> Groups { get; } = [];

        public int GroupCount
        {
            get
            {
                lock (Groups)
                {
                    return Groups.Count;
                }
            }
        }

        public Task<int> WriteAsync(int item, CancellationToken ct = default) => CommitAsync(item, ct);

        public void ReleaseFirstGroup() => release.SetResult();

        protected override async Task<IReadOnlyList<int>> WriteGroupAsync(IReadOnlyList<int> items, CancellationToken ct)
        {
            if (FirstGroupEntered.TrySetResult() && HoldFirstGroup)
            {
                await release.Task;
            }

            if (items.FirstOrDefault(i => i < 0) is var bad and < 0)
            {
                throw new InvalidOperationException($"item {bad} is bad");
            }

            lock (Groups)
            {
                Groups.Add([.. items]);
            }

            return items;
        }
    }
}
