using System.Threading.Channels;

namespace LuffyBlazor.Data;

/// <summary>
/// Group commit. SQLite takes one writer at a time, so many small write transactions queue behind each other; here
/// concurrent callers queue their items instead, and one background loop writes all that are waiting (up to
/// <c>maxGroup</c>) in one transaction, sharing its BEGIN, its COMMIT and the pages it touches. Each caller still
/// waits until its own item is committed. A group that fails is written again item by item, so one bad item fails
/// alone. When the loop is not running (the host was never started, as in the command-line commands, or it has
/// stopped) items are written directly: nobody is left waiting on a queue that no one reads.
/// </summary>
public abstract class GroupCommitWriter<TItem, TResult>(int maxGroup, ILogger logger) : BackgroundService
{
    // Unbounded, yet never larger than the number of callers: each queued item has its caller waiting on it.
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private volatile bool running;

    protected ILogger Logger { get; } = logger;

    /// <summary>Writes the items in one transaction and returns one result per item, in order.</summary>
    protected abstract Task<IReadOnlyList<TResult>> WriteGroupAsync(IReadOnlyList<TItem> items, CancellationToken ct);

    /// <summary>
    /// Completes once the item is committed (with its result); throws if it could not be. A token already cancelled
    /// is honoured; once queued, the item is written whatever happens to the caller.
    /// </summary>
    protected async Task<TResult> CommitAsync(TItem item, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var pending = new Pending(item);
        if (!running || !queue.Writer.TryWrite(pending))
        {
            return (await WriteGroupAsync([item], ct))[0];
        }

        return await pending.Task;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Set before the loop is scheduled: what is queued from now on is read as soon as it starts.
        running = true;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Not tied to stoppingToken: on shutdown the queue is completed and drained, never dropped.
            var group = new List<Pending>(maxGroup);
            while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (group.Count < maxGroup && queue.Reader.TryRead(out var pending))
                {
                    group.Add(pending);
                }

                await WriteAsync(group);
                group.Clear();
            }
        }
        finally
        {
            // Closed first, so that whoever comes next writes directly; then what is still queued is written here.
            queue.Writer.TryComplete();
            running = false;
            while (queue.Reader.TryRead(out var pending))
            {
                await WriteAsync([pending]);
            }
        }
    }

    private async Task WriteAsync(List<Pending> group)
    {
        try
        {
            var results = await WriteGroupAsync(group.Select(p => p.Item).ToList(), CancellationToken.None);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Succeed(results[i]);
            }
        }
        catch (Exception ex) when (group.Count > 1)
        {
            Logger.LogWarning(ex, "A group of {Count} could not be written together; writing each alone", group.Count);
            foreach (var pending in group)
            {
                await WriteAsync([pending]);
            }
        }
        catch (Exception ex)
        {
            group[0].Fail(ex);
        }
    }

    /// <summary>
    /// A caller waiting for its item, answered through the thread pool's global queue, first in, first out, beside the
    /// new requests Kestrel queues there. Completing a TaskCompletionSource on the writer's pool thread (even with
    /// RunContinuationsAsynchronously) queues its caller on that thread's own queue, which it runs newest first and which
    /// other threads only reach once the global queue is empty: committed callers waited behind newly arrived requests,
    /// and a group's first caller was answered last (bench/README, "Callers answered in commit order").
    /// </summary>
    private sealed class Pending(TItem item) : IThreadPoolWorkItem
    {
        // Continuations run inline in Execute, on the pool thread that takes this item: never on the writer's loop.
        private readonly TaskCompletionSource<TResult> done = new();
        private TResult? result;
        private Exception? error;

        public TItem Item { get; } = item;

        public Task<TResult> Task => done.Task;

        public void Succeed(TResult value)
        {
            result = value;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Fail(Exception ex)
        {
            error = ex;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        void IThreadPoolWorkItem.Execute()
        {
            if (error is null)
            {
                done.TrySetResult(result!);
            }
            else
            {
                done.TrySetException(error);
            }
        }
    }
}
