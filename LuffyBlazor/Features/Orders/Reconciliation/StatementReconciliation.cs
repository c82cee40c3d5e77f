using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders.Reconciliation;

/// <summary>What came of a run; <see cref="Skipped"/> when another run had the day, or (for the job) it was no longer due.</summary>
public sealed record ReconciliationRun(bool Succeeded, string Message, bool Skipped = false);

/// <summary>
/// Reconciles one Beijing day: claims the day (a compare-and-set on its row, so that two instances, or the job and an
/// admin, never run it at once), fetches Alipay's statement, reads the books, matches them
/// (<see cref="StatementMatcher"/>) and stores the result in one transaction, only while the claim is still its own.
/// A statement that cannot be fetched or read changes nothing but the day's error and its next attempt.
/// </summary>
public sealed class StatementReconciliation(
    IDbContextFactory<LuffyDbContext> dbFactory, AlipayStatements statements, IOptions<ReconciliationOptions> options, TimeProvider clock,
    ILogger<StatementReconciliation> logger)
{
    /// <summary>How long a run owns its day: far longer than fetching, reading and matching a statement takes.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromMinutes(10);

    private sealed record Claim(int DayId, DateTime Until);

    /// <summary>Reconciles the day now, whatever its last result (an admin's run).</summary>
    public Task<ReconciliationRun> RunAsync(DateOnly day, string actor, CancellationToken ct = default) => RunAsync(day, actor, dueOnly: false, ct);

    /// <summary>
    /// Reconciles the day if it is still due when claimed: not done, and a failed one past its retry time. Instances
    /// that found the same due days a moment apart then run each of them once.
    /// </summary>
    public Task<ReconciliationRun> RunIfDueAsync(DateOnly day, string actor, CancellationToken ct = default) => RunAsync(day, actor, dueOnly: true, ct);

    private async Task<ReconciliationRun> RunAsync(DateOnly day, string actor, bool dueOnly, CancellationToken ct)
    {
        if (day > clock.BeijingToday())
        {
            return new(false, $"{day.ToDayText()} 还没有到来，无法对账");
        }

        if (await ClaimAsync(day, actor, dueOnly, ct) is not { } claim)
        {
            return new(false, dueOnly
                ? $"{day.ToDayText()} 已由另一个实例对账，或正在对账"
                : $"{day.ToDayText()} 正在对账（由另一个实例或另一位管理员发起），请稍后刷新", Skipped: true);
        }

        using var scope = logger.BeginScope(new Dictionary<string, object> { ["ReconciliationDay"] = day.ToDayText() });
        AlipayStatement? statement;
        try
        {
            statement = await statements.DownloadAsync(day, ct);
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "The statement of {Day} could not be fetched", day.ToDayText());
            return await FailAsync(claim, $"无法从支付宝取得对账单：{ex.Message}", ct);
        }
        catch (AlipayStatementException ex)
        {
            logger.LogError("The statement of {Day} is malformed: {Reason}", day.ToDayText(), ex.Message);
            return await FailAsync(claim, $"对账单格式有误，未做任何更改：{ex.Message}", ct);
        }

        var rows = statement?.Rows ?? [];
        var books = await ReadBooksAsync(day, rows, ct);
        if (statement is null && (books.PaidOnDay.Count > 0 || books.RefundedOnDay.Count > 0))
        {
            return await FailAsync(claim, "支付宝尚无当日对账单（isp.bill_not_exist），而本地当日有收款或退款：账单一般在次日 9 点前生成，稍后重试", ct);
        }

        var result = StatementMatcher.Match(rows, books);
        return await SaveAsync(claim, result, noStatement: statement is null, ct);
    }

    /// <summary>Creates the day's row if needed, then takes it unless another run holds it (or, <paramref name="dueOnly"/>, it is not due).</summary>
    private async Task<Claim?> ClaimAsync(DateOnly day, string actor, bool dueOnly, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.ReconciliationDays.Where(d => d.Date == day).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct);
        if (id is null)
        {
            var created = new ReconciliationDay { Date = day, Status = ReconciliationStatus.Pending };
            db.ReconciliationDays.Add(created);
            try
            {
                await db.SaveChangesAsync(ct);
                id = created.Id;
            }
            catch (DbUpdateException ex)
            {
                // Another run created it at the same moment (the unique date): theirs it is; the claim decides below.
                db.ChangeTracker.Clear();
                id = await db.ReconciliationDays.Where(d => d.Date == day).Select(d => (int?)d.Id).FirstOrDefaultAsync(ct)
                    ?? throw new InvalidOperationException($"The reconciliation day {day.ToDayText()} could not be created.", ex);
            }
        }

        var now = clock.UtcNowToTheMillisecond();
        var until = now + ClaimLifetime;
        var claimable = db.ReconciliationDays.Where(d => d.Id == id && (d.ClaimedUntil == null || d.ClaimedUntil < now));
        if (dueOnly)
        {
            claimable = claimable.Where(d => d.Status != ReconciliationStatus.Done && (d.NextAttemptAt == null || d.NextAttemptAt <= now));
        }

        var won = await claimable
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.ClaimedUntil, until).SetProperty(d => d.Attempts, d => d.Attempts + 1)
                .SetProperty(d => d.LastRunAt, now).SetProperty(d => d.LastRunBy, Truncate(actor, 256)), ct) == 1;
        return won ? new Claim(id.Value, until) : null;
    }

    private async Task<ShopBooks> ReadBooksAsync(DateOnly day, IReadOnlyList<AlipayStatementRow> rows, CancellationToken ct)
    {
        var (from, to) = BeijingTime.UtcBoundsOf(day);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var paid = await db.Orders.AsNoTracking()
            .Where(o => o.PayType == PayType.Alipay && o.PayTime >= from && o.PayTime < to)
            .Select(o => new ShopPayment(o.OutTradeNo, o.TradeNo, o.TotalAmount, o.Status, o.PayTime)).ToListAsync(ct);
        var refunded = await db.OrderRefunds.AsNoTracking()
            .Where(r => r.Status == RefundStatus.Succeeded && r.CompletedAt >= from && r.CompletedAt < to)
            .Join(db.Orders, r => r.OrderId, o => o.Id, (r, o) => new ShopRefund(r.OutRequestNo, o.OutTradeNo, r.Amount, r.Status, r.CompletedAt))
            .ToListAsync(ct);

        var orderNumbers = rows.Select(r => r.OutTradeNo).Distinct().ToList();
        var requestNumbers = rows.Where(r => r.IsRefund).Select(r => r.RefundRequestNo ?? r.OutTradeNo).Distinct().ToList();
        var ordersNamed = new Dictionary<string, ShopPayment>(StringComparer.Ordinal);
        var refundsNamed = new Dictionary<string, ShopRefund>(StringComparer.Ordinal);
        // In chunks, so that a busy day's statement never makes one query with thousands of parameters.
        foreach (var chunk in orderNumbers.Chunk(500))
        {
            foreach (var order in await db.Orders.AsNoTracking().Where(o => chunk.Contains(o.OutTradeNo))
                         .Select(o => new ShopPayment(o.OutTradeNo, o.TradeNo, o.TotalAmount, o.Status, o.PayTime)).ToListAsync(ct))
            {
                ordersNamed[order.OutTradeNo] = order;
            }
        }

        foreach (var chunk in requestNumbers.Chunk(500))
        {
            foreach (var refund in await db.OrderRefunds.AsNoTracking().Where(r => chunk.Contains(r.OutRequestNo))
                         .Join(db.Orders, r => r.OrderId, o => o.Id, (r, o) => new ShopRefund(r.OutRequestNo, o.OutTradeNo, r.Amount, r.Status, r.CompletedAt))
                         .ToListAsync(ct))
            {
                refundsNamed[refund.OutRequestNo] = refund;
            }
        }

        return new ShopBooks(paid, ordersNamed, refunded, refundsNamed);
    }

    private async Task<ReconciliationRun> SaveAsync(Claim claim, MatchResult result, bool noStatement, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.ReconciliationDays
            .Where(d => d.Id == claim.DayId && d.ClaimedUntil == claim.Until)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, ReconciliationStatus.Done).SetProperty(d => d.ClaimedUntil, (DateTime?)null)
                .SetProperty(d => d.CompletedAt, now).SetProperty(d => d.Error, (string?)null).SetProperty(d => d.NextAttemptAt, (DateTime?)null)
                .SetProperty(d => d.NoStatement, noStatement).SetProperty(d => d.StatementRows, result.StatementRows)
                .SetProperty(d => d.MatchedCount, result.Matched).SetProperty(d => d.MismatchCount, result.Mismatches.Count)
                .SetProperty(d => d.AlipayIncome, result.AlipayIncome).SetProperty(d => d.AlipayRefunds, result.AlipayRefunds)
                .SetProperty(d => d.ShopIncome, result.ShopIncome).SetProperty(d => d.ShopRefunds, result.ShopRefunds), ct);
        if (stored == 0)
        {
            return new(false, "对账耗时超过处理期限，结果未保存，请重新对账");
        }

        // The new run is the day's truth: earlier findings (repaired ones included, which the audit log keeps) give way.
        await db.ReconciliationMismatches.Where(m => m.DayId == claim.DayId).ExecuteDeleteAsync(ct);
        db.ReconciliationMismatches.AddRange(result.Mismatches.Select(m => new ReconciliationMismatch
        {
            DayId = claim.DayId, Kind = m.Kind, OutTradeNo = Truncate(m.OutTradeNo, 64)!, TradeNo = Truncate(m.TradeNo, 64),
            OutRequestNo = Truncate(m.OutRequestNo, 64), AlipayAmount = m.AlipayAmount, ShopAmount = m.ShopAmount, OrderKnown = m.OrderKnown,
            Detail = Truncate(m.Detail, 512)!,
        }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new(true, result.Mismatches.Count == 0
            ? $"对账完成：{result.Matched} 笔全部一致"
            : $"对账完成：{result.Matched} 笔一致，{result.Mismatches.Count} 笔差异");
    }

    /// <summary>Records why the run failed and when to try again; the day's last result stays as it was.</summary>
    private async Task<ReconciliationRun> FailAsync(Claim claim, string error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.ReconciliationDays
            .Where(d => d.Id == claim.DayId && d.ClaimedUntil == claim.Until)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, d => d.Status == ReconciliationStatus.Done ? ReconciliationStatus.Done : ReconciliationStatus.Failed)
                .SetProperty(d => d.Error, Truncate(error, 1024)).SetProperty(d => d.NextAttemptAt, now + options.Value.RetryInterval)
                .SetProperty(d => d.ClaimedUntil, (DateTime?)null), ct);
        return new(false, error);
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
