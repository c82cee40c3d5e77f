using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Tells the learner pages waiting for a payment (/pay/success's and the WeChat QR page's islands) when their order
/// is no longer unpaid. One loop for the whole app reads every watched order's status in one query per
/// <see cref="Every"/> (<see cref="ChunkSize"/> orders a query), instead of a timer and a query per waiting circuit:
/// N waiting learners cost one query a tick, not N. The loop and its timer exist only while someone waits.
/// It reads the database, so a payment recorded by another app instance is seen too.
/// </summary>
public sealed class UnpaidOrderWatch(IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock, ILogger<UnpaidOrderWatch> logger)
    : IDisposable
{
    /// <summary>How often the watched orders are read: a paid learner waits this long at most, beyond the notify.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    /// <summary>Orders per query: far below SQLite's and PostgreSQL's parameter limits, and a short IN list to plan.</summary>
    public const int ChunkSize = 500;

    private readonly Lock gate = new();
    private readonly Dictionary<string, List<Waiter>> waiters = new(StringComparer.Ordinal);

    /// <summary>Stops the running loop; null while nobody waits (no loop, no timer).</summary>
    private CancellationTokenSource? running;

    /// <summary>Whether the loop runs (someone waits): for tests and diagnostics.</summary>
    internal bool IsWatching
    {
        get
        {
            lock (gate)
            {
                return running is not null;
            }
        }
    }

    /// <summary>
    /// The order's new status once it is no longer unpaid, or null when <paramref name="within"/> (on the app's clock)
    /// passed first. Otherwise as <see cref="UntilSettledAsync(string, string, CancellationToken)"/>.
    /// </summary>
    public async Task<OrderStatus?> UntilSettledAsync(string userId, string outTradeNo, TimeSpan within, CancellationToken ct)
    {
        if (within <= TimeSpan.Zero)
        {
            return null;
        }

        using var timeUp = new CancellationTokenSource(within, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeUp.Token);
        try
        {
            return await UntilSettledAsync(userId, outTradeNo, either.Token);
        }
        catch (OperationCanceledException) when (timeUp.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Completes with the order's new status once <paramref name="outTradeNo"/>, owned by <paramref name="userId"/>,
    /// is no longer unpaid (an order of someone else is never reported). Faults when the read fails, so the page can
    /// offer its own way to ask; cancelling <paramref name="ct"/> (the circuit going away) removes the registration.
    /// </summary>
    public async Task<OrderStatus> UntilSettledAsync(string userId, string outTradeNo, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var waiter = new Waiter(userId);
        Add(outTradeNo, waiter);
        try
        {
            return await waiter.Settled.Task.WaitAsync(ct);
        }
        finally
        {
            Remove(outTradeNo, waiter);
        }
    }

    private void Add(string outTradeNo, Waiter waiter)
    {
        lock (gate)
        {
            if (!waiters.TryGetValue(outTradeNo, out var list))
            {
                waiters[outTradeNo] = list = [];
            }

            list.Add(waiter);
            if (running is null)
            {
                running = new CancellationTokenSource();
                _ = RunAsync(running);
            }
        }
    }

    private void Remove(string outTradeNo, Waiter waiter)
    {
        lock (gate)
        {
            if (waiters.TryGetValue(outTradeNo, out var list) && list.Remove(waiter) && list.Count == 0)
            {
                waiters.Remove(outTradeNo);
            }

            StopIfNobodyWaits();
        }
    }

    /// <summary>Called under the lock. A later <see cref="Add"/> starts a fresh loop.</summary>
    private void StopIfNobodyWaits()
    {
        if (waiters.Count == 0 && running is not null)
        {
            running.Cancel();
            running = null;
        }
    }

    private async Task RunAsync(CancellationTokenSource stop)
    {
        try
        {
            using var timer = new PeriodicTimer(Every, clock);
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await ReadOnceAsync(stop.Token);
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Nobody waits any more, or the app is stopping (a read cut short may throw more than a cancellation).
        }
        finally
        {
            stop.Dispose();
        }
    }

    /// <summary>
    /// One tick: reads the watched orders, a chunk a query, and completes the waiters whose order left Unpaid. A failed
    /// read is logged and fails that chunk's waiters (each page then offers its button, as it did when it polled by
    /// itself); the loop lives on for whoever waits at the next tick.
    /// </summary>
    private async Task ReadOnceAsync(CancellationToken ct)
    {
        string[] watched;
        lock (gate)
        {
            watched = [.. waiters.Keys];
        }

        foreach (var chunk in watched.Chunk(ChunkSize))
        {
            try
            {
                var settled = await ReadSettledAsync(chunk, ct);
                Complete(settled);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Reading the status of {Count} watched order(s) failed; their pages stop waiting", chunk.Length);
                Fail(chunk, ex);
            }
        }
    }

    private async Task<List<(string OutTradeNo, string UserId, OrderStatus Status)>> ReadSettledAsync(string[] outTradeNos, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Orders.AsNoTracking()
            .Where(o => outTradeNos.Contains(o.OutTradeNo) && o.Status != OrderStatus.Unpaid)
            .Select(o => new { o.OutTradeNo, o.UserId, o.Status })
            .ToListAsync(ct);
        return rows.ConvertAll(r => (r.OutTradeNo, r.UserId, r.Status));
    }

    private void Complete(List<(string OutTradeNo, string UserId, OrderStatus Status)> settled)
    {
        lock (gate)
        {
            foreach (var (outTradeNo, userId, status) in settled)
            {
                if (!waiters.TryGetValue(outTradeNo, out var list))
                {
                    continue; // its pages left while the query ran
                }

                foreach (var waiter in list.Where(w => w.UserId == userId))
                {
                    waiter.Settled.TrySetResult(status);
                }

                // Someone else's waiters for this number stay (and are never told): they watch an order that is not theirs.
                list.RemoveAll(w => w.Settled.Task.IsCompleted);
                if (list.Count == 0)
                {
                    waiters.Remove(outTradeNo);
                }
            }

            StopIfNobodyWaits();
        }
    }

    private void Fail(string[] outTradeNos, Exception error)
    {
        lock (gate)
        {
            foreach (var outTradeNo in outTradeNos)
            {
                if (waiters.Remove(outTradeNo, out var list))
                {
                    list.ForEach(w => w.Settled.TrySetException(error));
                }
            }

            StopIfNobodyWaits();
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            running?.Cancel();
            running = null;
        }
    }

    /// <summary>
    /// One waiting page. Its continuation runs asynchronously so a page's own work never runs on (or holds up) the loop.
    /// </summary>
    private sealed class Waiter(string userId)
    {
        public string UserId { get; } = userId;

        public TaskCompletionSource<OrderStatus> Settled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
