using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Orders.Payments;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>
/// An admin's refunds from the order page: the order's own refund operation (<see cref="OrderRefunds"/>), with the
/// admin named on the refund and in the order's history, and every attempt written to the audit log.
/// </summary>
public sealed class AdminRefunds(OrderRefunds refunds, AdminAuditLog audit)
{
    public async Task<RefundOutcome> RefundAsync(string outTradeNo, decimal amount, string reason, AdminActor admin, CancellationToken ct = default)
    {
        var outcome = await refunds.RefundAsync(outTradeNo, amount, reason, Requester(admin), ct);
        await audit.WriteAsync(admin, AdminActions.OrderRefund, AuditTargets.Order(outTradeNo), reason, outcome.Succeeded,
            $"{Money.Display(amount)}：{outcome.Message}");
        return outcome;
    }

    /// <summary>Settles a pending refund: Alipay is asked whether it happened before the same request is sent again.</summary>
    public async Task<RefundOutcome> RetryAsync(string outTradeNo, string outRequestNo, AdminActor admin, CancellationToken ct = default)
    {
        var outcome = await refunds.RetryAsync(outTradeNo, outRequestNo, Requester(admin), ct);
        await audit.WriteAsync(admin, AdminActions.OrderRefundRetry, AuditTargets.Order(outTradeNo), $"重试 {outRequestNo}",
            outcome.Succeeded, outcome.Message);
        return outcome;
    }

    private static RefundRequester Requester(AdminActor admin) => new(admin.UserName, admin.Actor);
}
