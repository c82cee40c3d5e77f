using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Orders.Reconciliation;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Reconciliation;

/// <summary>A reconciled (or tried) day as the list and the day's page show it.</summary>
public sealed record ReconciliationDayRow(
    DateOnly Date, ReconciliationStatus Status, bool Running, bool NoStatement, int StatementRows, int Matched, int Mismatches,
    decimal AlipayIncome, decimal ShopIncome, decimal AlipayRefunds, decimal ShopRefunds, DateTime? LastRunAt, string? LastRunBy,
    DateTime? CompletedAt, string? Error);

public sealed record MismatchRow(
    long Id, MismatchKind Kind, string OutTradeNo, bool OrderKnown, string? TradeNo, string? OutRequestNo, decimal? AlipayAmount,
    decimal? ShopAmount, string Detail, DateTime? RepairedAt, string? RepairedBy, bool Repairable);

public sealed record ReconciliationDayDetail(ReconciliationDayRow Day, IReadOnlyList<MismatchRow> Mismatches, IReadOnlyList<AuditView> Audit);

/// <summary>
/// The back office's reconciliation: the days and their differences (read), running a day by hand and repairing
/// "paid at Alipay, unpaid here" (through <see cref="ReconciliationRepairs"/>), each action audited.
/// </summary>
public sealed class AdminReconciliation(
    IDbContextFactory<LuffyDbContext> dbFactory, StatementReconciliation reconciliation, ReconciliationRepairs repairs, AdminAuditLog audit,
    TimeProvider clock)
{
    public async Task<(IReadOnlyList<ReconciliationDayRow> Rows, int Total)> PageAsync(int page, int size, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var total = await db.ReconciliationDays.CountAsync(ct);
        var rows = await db.ReconciliationDays.AsNoTracking().OrderByDescending(d => d.Date).Skip(page * size).Take(size).ToListAsync(ct);
        return (rows.Select(d => Row(d, now)).ToList(), total);
    }

    public async Task<ReconciliationDayDetail?> DayAsync(DateOnly date, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var day = await db.ReconciliationDays.AsNoTracking().FirstOrDefaultAsync(d => d.Date == date, ct);
        if (day is null)
        {
            return null;
        }

        var mismatches = await db.ReconciliationMismatches.AsNoTracking().Where(m => m.DayId == day.Id)
            .OrderBy(m => m.Kind).ThenBy(m => m.OutTradeNo).ThenBy(m => m.Id).ToListAsync(ct);
        return new ReconciliationDayDetail(
            Row(day, clock.GetUtcNow().UtcDateTime),
            mismatches.Select(m => new MismatchRow(m.Id, m.Kind, m.OutTradeNo, m.OrderKnown, m.TradeNo, m.OutRequestNo, m.AlipayAmount, m.ShopAmount,
                m.Detail, m.RepairedAt, m.RepairedBy, m.IsRepairable)).ToList(),
            await audit.ForTargetAsync(AuditTargets.ReconciliationDay(date), ct: ct));
    }

    /// <summary>Reconciles <paramref name="day"/> now, whatever the job did with it.</summary>
    public async Task<AdminActionOutcome> RunAsync(DateOnly day, string reason, AdminActor admin, CancellationToken ct = default)
    {
        var run = await reconciliation.RunAsync(day, admin.Actor, ct);
        await audit.WriteAsync(admin, AdminActions.ReconciliationRun, AuditTargets.ReconciliationDay(day), reason, run.Succeeded, run.Message, ct);
        return new(run.Succeeded, run.Message);
    }

    /// <summary>Repairs a "paid at Alipay, unpaid here" difference through trade.query; audited on the order and the day.</summary>
    public async Task<AdminActionOutcome> RepairAsync(DateOnly day, MismatchRow mismatch, string reason, AdminActor admin, CancellationToken ct = default)
    {
        var run = await repairs.RepairAsync(mismatch.Id, admin.Actor, ct);
        await audit.WriteAsync(admin, AdminActions.ReconciliationRepair, AuditTargets.Order(mismatch.OutTradeNo), reason, run.Succeeded, run.Message, ct);
        await audit.WriteAsync(admin, AdminActions.ReconciliationRepair, AuditTargets.ReconciliationDay(day), reason, run.Succeeded,
            $"{mismatch.OutTradeNo}：{run.Message}", ct);
        return new(run.Succeeded, run.Message);
    }

    private static ReconciliationDayRow Row(ReconciliationDay d, DateTime now) => new(
        d.Date, d.Status, d.ClaimedUntil > now, d.NoStatement, d.StatementRows, d.MatchedCount, d.MismatchCount, d.AlipayIncome, d.ShopIncome,
        d.AlipayRefunds, d.ShopRefunds, d.LastRunAt, d.LastRunBy, d.CompletedAt, d.Error);
}

public static class ReconciliationText
{
    public static string ToChinese(this MismatchKind kind) => kind switch
    {
        MismatchKind.PaidAtAlipayOnly => "支付宝已收款，本地未支付",
        MismatchKind.PaidHereOnly => "本地已支付，支付宝无此交易",
        MismatchKind.AmountDiffers => "金额不一致",
        MismatchKind.RefundDiffers => "退款不一致",
        _ => kind.ToString(),
    };

    /// <summary>How a day reads at a glance.</summary>
    public static string StatusText(this ReconciliationDayRow day) => day switch
    {
        { Running: true } => "对账中",
        { Status: ReconciliationStatus.Done, Mismatches: 0 } => "已对平",
        { Status: ReconciliationStatus.Done } => "有差异",
        { Status: ReconciliationStatus.Failed } => "失败",
        _ => "未完成",
    };
}
