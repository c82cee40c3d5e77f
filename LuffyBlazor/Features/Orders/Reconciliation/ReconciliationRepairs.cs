using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Reconciliation;

/// <summary>
/// Repairs "paid at Alipay but unpaid here" the only safe way: by asking Alipay (<c>alipay.trade.query</c>) through
/// <see cref="PaymentReconciliation.SyncAsync"/>, which applies a confirmed payment exactly once, as a notify would.
/// Nothing here ever writes "paid" itself.
/// </summary>
public sealed class ReconciliationRepairs(IDbContextFactory<LuffyDbContext> dbFactory, PaymentReconciliation payments, TimeProvider clock)
{
    public async Task<ReconciliationRun> RepairAsync(long mismatchId, string actor, CancellationToken ct = default)
    {
        ReconciliationMismatch? mismatch;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            mismatch = await db.ReconciliationMismatches.AsNoTracking().FirstOrDefaultAsync(m => m.Id == mismatchId, ct);
        }

        if (mismatch is null)
        {
            return new(false, "这条差异已不存在（该日已重新对账），请刷新");
        }

        if (mismatch.RepairedAt is not null)
        {
            return new(false, $"这条差异已于 {mismatch.RepairedAt.Value.ToBeijingText()} 由 {mismatch.RepairedBy} 修复");
        }

        if (!mismatch.IsRepairable)
        {
            return new(false, "只有“支付宝已收款、本地未支付”且本地有该订单的差异可以一键修复；其他差异请核实后在订单页处理");
        }

        var sync = await payments.SyncAsync(mismatch.OutTradeNo, actor, ct);
        if (sync.Result != SyncResult.Paid)
        {
            return new(false, $"支付宝交易查询没有确认付款，订单未改动：{sync.Message}");
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await db.ReconciliationMismatches.Where(m => m.Id == mismatchId && m.RepairedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.RepairedAt, now).SetProperty(m => m.RepairedBy, actor), ct);
        }

        return new(true, $"支付宝确认已付款，订单 {mismatch.OutTradeNo} 已按支付通知的同一流程标记为已支付");
    }
}
