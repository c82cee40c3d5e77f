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
    /// <param name="ask">The refund, with the refunded total the admin saw on the order page.</param>
    public async Task<RefundOutcome> RefundAsync(RefundAsk ask, AdminActor admin, CancellationToken ct = default)
    {
        var outcome = await refunds.RefundAsync(ask, Requester(admin), ct);
        await audit.WriteAsync(admin, AdminActions.OrderRefund, AuditTargets.Order(ask.OutTradeNo), ask.Reason, outcome.Succeeded,
            $"{Money.Display(ask.Amount)}：{outcome.Message}");
        return outcome;
    }

    /// <summary>Settles a pending refund: the provider is asked whether it happened before the same request is sent again.</summary>
    public async Task<RefundOutcome> RetryAsync(string outTradeNo, string outRequestNo, AdminActor admin, CancellationToken ct = default)
    {
        var outcome = await refunds.RetryAsync(outTradeNo, outRequestNo, Requester(admin), ct);
        await audit.WriteAsync(admin, AdminActions.OrderRefundRetry, AuditTargets.Order(outTradeNo), $"重试 {outRequestNo}",
            outcome.Succeeded, outcome.Message);
        return outcome;
    }

    private static RefundRequester Requester(AdminActor admin) => new(admin.UserName, admin.Actor);
}
