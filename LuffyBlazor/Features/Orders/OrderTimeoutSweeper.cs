using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Unpaid orders past their deadline: ask Alipay first (a last-second payment is recorded as paid), otherwise close
/// the trade at Alipay and mark the order timed out. Each order is claimed with a conditional update before it is
/// handled, so several app instances sweeping at once never handle the same order twice.
/// </summary>
public sealed class OrderTimeoutSweep(
    IDbContextFactory<LuffyDbContext> dbFactory, PaymentReconciliation reconciliation, TimeProvider clock, ILogger<OrderTimeoutSweep> logger)
{
    public const string Actor = "sweeper";
    private const int BatchSize = 50;
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(2);

    /// <summary>Handles the orders due now; returns how many it timed out.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<(int Id, string OutTradeNo)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            due = (await db.Orders.AsNoTracking()
                    .Where(o => o.Status == OrderStatus.Unpaid && o.ExpiresAt <= now && (o.SweepClaimedUntil == null || o.SweepClaimedUntil < now))
                    .OrderBy(o => o.ExpiresAt).Take(BatchSize)
                    .Select(o => new { o.Id, o.OutTradeNo }).ToListAsync(ct))
                .Select(o => (o.Id, o.OutTradeNo)).ToList();
        }

        var timedOut = 0;
        foreach (var (id, outTradeNo) in due)
        {
            if (!await ClaimAsync(id, now, ct))
            {
                continue; // another instance has it
            }

            using var scope = logger.BeginScope(new Dictionary<string, object> { ["OutTradeNo"] = outTradeNo });
            var outcome = await reconciliation.CloseUnpaidAsync(outTradeNo, OrderStatus.TimedOut, Actor, "超过支付期限未付款", ct);
            switch (outcome.Result)
            {
                case CloseResult.Closed:
                    timedOut++;
                    break;
                case CloseResult.WasPaid:
                    logger.LogInformation("Order {OutTradeNo} was paid at its deadline; recorded by the sweeper", outTradeNo);
                    break;
                case CloseResult.Failed:
                    // The claim expires, so the next sweep (here or elsewhere) tries again.
                    logger.LogWarning("Could not time out order {OutTradeNo}: {Reason}", outTradeNo, outcome.Message);
                    break;
            }
        }

        return timedOut;
    }

    private async Task<bool> ClaimAsync(int orderId, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders
            .Where(o => o.Id == orderId && o.Status == OrderStatus.Unpaid && (o.SweepClaimedUntil == null || o.SweepClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SweepClaimedUntil, now + ClaimLifetime), ct) == 1;
    }
}

/// <summary>Runs <see cref="OrderTimeoutSweep"/> every <c>Orders:SweepInterval</c>.</summary>
public sealed class OrderTimeoutSweeper(
    IServiceScopeFactory scopes, IOptions<OrderOptions> options, TimeProvider clock, ILogger<OrderTimeoutSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SweeperEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var timedOut = await scope.ServiceProvider.GetRequiredService<OrderTimeoutSweep>().SweepOnceAsync(stoppingToken);
                if (timedOut > 0)
                {
                    logger.LogInformation("Timed out {Count} unpaid order(s)", timedOut);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Order timeout sweep failed; retrying at the next tick");
            }
        }
    }
}
