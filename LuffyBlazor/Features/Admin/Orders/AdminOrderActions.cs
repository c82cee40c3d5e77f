using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// An admin's "sync with the provider" (Alipay or WeChat Pay, by the order's pay type) and "close" on one order: the same <see cref="PaymentReconciliation"/> paths the
/// return page, the sweeper and learners use, with the admin named in the order's history and the audit log.
/// </summary>
public sealed class AdminOrderActions(PaymentReconciliation reconciliation, AdminAuditLog audit)
{
    /// <summary>Asks <c>alipay.trade.query</c> and applies a confirmed payment exactly as a notify would.</summary>
    public async Task<AdminActionOutcome> SyncAsync(string outTradeNo, string reason, AdminActor admin, CancellationToken ct = default)
    {
        var sync = await reconciliation.SyncAsync(outTradeNo, admin.Actor, ct);
        var outcome = new AdminActionOutcome(sync.Result != SyncResult.Failed, sync.Message);
        await audit.WriteAsync(admin, AdminActions.OrderSync, AuditTargets.Order(outTradeNo), reason, outcome.Succeeded, outcome.Message, ct);
        return outcome;
    }

    /// <summary>Closes an unpaid order at its provider first, then here; a payment that slipped in is recorded instead.</summary>
    public async Task<AdminActionOutcome> CloseAsync(string outTradeNo, string reason, AdminActor admin, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return new(false, "请填写关闭原因");
        }

        var why = reason.Trim();
        var close = await reconciliation.CloseUnpaidAsync(
            outTradeNo, OrderStatus.Cancelled, admin.Actor, $"管理员关闭：{why[..Math.Min(why.Length, 200)]}", ct);
        var outcome = new AdminActionOutcome(close.Result == CloseResult.Closed, close.Message);
        await audit.WriteAsync(admin, AdminActions.OrderClose, AuditTargets.Order(outTradeNo), reason, outcome.Succeeded, outcome.Message, ct);
        return outcome;
    }
}
