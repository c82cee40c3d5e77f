using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// Unpaid orders past their deadline: ask the order's provider first (a last-second payment is recorded as paid),
/// otherwise close the trade there (Alipay's trade.close, WeChat Pay's close) and mark the order timed out. Each order is claimed with a conditional update when it is
/// taken, for longer than its Alipay calls can last, and the claim is checked again before each step, so several
/// app instances sweeping at once never query or close the same order twice.
/// </summary>
public sealed class OrderTimeoutSweep(
    IDbContextFactory<LuffyDbContext> dbFactory, PaymentReconciliation reconciliation, PaymentTradesByType providers,
    TimeProvider clock, ILogger<OrderTimeoutSweep> logger)
{
    public const string Actor = "sweeper";
    private const int BatchSize = 50;

    /// <summary>
    /// Room beyond the Alipay calls: the database work between them, and instances whose clocks disagree (a claim is
    /// written with the claiming instance's clock and read with another's).
    /// </summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromMinutes(1);

    /// <summary>How long one order stays claimed: its worst case at Alipay (every call timing out after its retries), plus a margin.</summary>
    public TimeSpan ClaimLifetime { get; } =
        PaymentReconciliation.MaxProviderCallsToClose * providers.All.Max(p => p.CallTimeout) + ClaimMargin;

    /// <summary>Handles the orders due now; returns how many it timed out.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = Now();
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
            // Claimed now, not when the batch was read: the orders before it may have taken minutes at Alipay.
            if (await ClaimAsync(id, ct) is not { } claimedUntil)
            {
                continue; // another instance has it
            }

            using var scope = logger.BeginScope(new Dictionary<string, object> { ["OutTradeNo"] = outTradeNo });
            var outcome = await reconciliation.CloseUnpaidAsync(
                outTradeNo, OrderStatus.TimedOut, Actor, "超过支付期限未付款", ct, mayAct: c => StillClaimedAsync(id, claimedUntil, c));
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
                case CloseResult.Abandoned:
                    logger.LogWarning("Gave up order {OutTradeNo} mid-way: its claim lapsed (Alipay or the database slower than {Lifetime})",
                        outTradeNo, ClaimLifetime);
                    break;
            }
        }

        return timedOut;
    }

    /// <summary>The end of the claim when this sweep won it, otherwise null.</summary>
    private async Task<DateTime?> ClaimAsync(int orderId, CancellationToken ct)
    {
        var now = Now();
        var until = now + ClaimLifetime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var won = await db.Orders
            .Where(o => o.Id == orderId && o.Status == OrderStatus.Unpaid && (o.SweepClaimedUntil == null || o.SweepClaimedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SweepClaimedUntil, until), ct) == 1;
        return won ? until : null;
    }

    /// <summary>
    /// Still ours: not lapsed by this instance's clock, and nobody has claimed it since (a later claim writes a later
    /// end, so the end this sweep wrote identifies its claim).
    /// </summary>
    private async Task<bool> StillClaimedAsync(int orderId, DateTime claimedUntil, CancellationToken ct)
    {
        if (Now() >= claimedUntil)
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.AnyAsync(o => o.Id == orderId && o.SweepClaimedUntil == claimedUntil, ct);
    }

    private DateTime Now() => clock.UtcNowToTheMillisecond();
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
