using System.Threading.Channels;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Payments.Alipay;

/// <summary>
/// Group commit for the notify log. A notify storm would otherwise spend one write transaction per notify on its log
/// row; here concurrent notifies share one. Each caller still waits until its own row is committed, so no notify is
/// answered before it is on record.
/// </summary>
public sealed class NotifyLogWriter(IDbContextFactory<LuffyDbContext> dbFactory, ILogger<NotifyLogWriter> logger) : BackgroundService
{
    private const int MaxBatch = 256;

    private readonly Channel<(NotifyLog Row, TaskCompletionSource Done)> queue =
        Channel.CreateBounded<(NotifyLog, TaskCompletionSource)>(new BoundedChannelOptions(10_000) { SingleReader = true });

    /// <summary>Completes once the row is committed; throws if it could not be.</summary>
    public async Task WriteAsync(NotifyLog row)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite((row, done)))
        {
            try
            {
                await queue.Writer.WriteAsync((row, done));
            }
            catch (ChannelClosedException)
            {
                await WriteBatchAsync([(row, done)]); // shutting down: write it directly
            }
        }

        await done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not tied to stoppingToken: on shutdown the queue is completed and drained, never dropped.
        var batch = new List<(NotifyLog Row, TaskCompletionSource Done)>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    private async Task WriteBatchAsync(List<(NotifyLog Row, TaskCompletionSource Done)> batch)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.NotifyLogs.AddRange(batch.Select(b => b.Row));
            await db.SaveChangesAsync();
            batch.ForEach(b => b.Done.TrySetResult());
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not write {Count} notify log row(s)", batch.Count);
            batch.ForEach(b => b.Done.TrySetException(ex));
        }
    }
}
