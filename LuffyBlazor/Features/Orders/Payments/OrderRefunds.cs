using System.Data;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

public enum RefundResult
{
    Succeeded,
    /// <summary>Sent, but Alipay's answer is not known (timeout, system error): retry the same request.</summary>
    Unknown,
    /// <summary>Alipay refused it; no money moved.</summary>
    Failed,
    /// <summary>Refused here before anything was sent (wrong amount, wrong status...).</summary>
    Refused,
}

public sealed record RefundOutcome(RefundResult Result, string Message)
{
    public bool Succeeded => Result == RefundResult.Succeeded;
}

/// <summary>
/// A refund as an admin asks for it: <paramref name="RefundedSeen"/> is the order's refunded total they saw when they
/// decided, so that two admins (or one admin's two tabs) refunding the same order part by part never both pay.
/// </summary>
public sealed record RefundAsk(string OutTradeNo, decimal Amount, string Reason, decimal RefundedSeen);

/// <summary>Who asks for a refund: <paramref name="Name"/> is stored on the refund, <paramref name="Actor"/> names them in the order's history.</summary>
public sealed record RefundRequester(string Name, string Actor);

/// <summary>
/// Full and partial refunds at the order's provider (<see cref="IPaymentTrades"/>: <c>alipay.trade.refund</c>, WeChat
/// Pay's <c>/v3/refund/domestic/refunds</c>). The refund row and its out_request_no are committed <em>before</em> the
/// provider is called; until its answer is known (a timeout, an unsigned answer, "result unknown" codes, a refund
/// still processing) the row stays pending and no other refund of the order may start. Asking again (a double click, a
/// second admin, 查询/重试 after a restart) first asks the provider's refund query about that out_request_no, and
/// sends the same request again only when the provider has no such refund: a refund is paid at most once. A provider's
/// refund notify (WeChat's) settles the pending row the same way. The order's refunded total and status then change through <see cref="OrderTransitions.RecordRefundAsync"/>.
/// </summary>
public sealed class OrderRefunds(
    IDbContextFactory<LuffyDbContext> dbFactory, PaymentTradesByType providers, OrderTransitions transitions, TimeProvider clock, ILogger<OrderRefunds> logger)
{
    public const int MaxReasonLength = 256;
    private const int MaxClaimAttempts = 3;

    public async Task<RefundOutcome> RefundAsync(RefundAsk ask, RefundRequester by, CancellationToken ct = default)
    {
        // On PostgreSQL two admins' claims may race: the loser (a serialization failure, or the one-pending-refund
        // index) runs again and finds the winner's pending refund.
        var (refund, isNew, refusal, trade) = await DatabaseErrors.RetryConflictsAsync(
            () => ClaimAsync(ask with { Reason = ask.Reason?.Trim() ?? "" }, by, ct), MaxClaimAttempts, DatabaseErrors.IsUniqueViolation);
        if (refund is null)
        {
            return new RefundOutcome(RefundResult.Refused, refusal!);
        }

        // The same refund asked again (a second click, a second admin) settles the pending one: never a new request.
        return isNew ? await SendAsync(trade!, refund, by) : await SettleAsync(trade!, refund, by);
    }

    /// <summary>
    /// Settles a pending refund: asks the provider whether it happened (its refund query) and, only when the provider
    /// says it has no such refund, sends the very same request again.
    /// </summary>
    public async Task<RefundOutcome> RetryAsync(string outTradeNo, string outRequestNo, RefundRequester by, CancellationToken ct = default)
    {
        var pending = await PendingAsync(outTradeNo, outRequestNo, ct);
        return pending is null
            ? new(RefundResult.Refused, "这笔退款已有结果，无需重试")
            : await SettleAsync(pending.Value.Trade, pending.Value.Refund, by);
    }

    private async Task<RefundOutcome> SettleAsync(RefundedTrade trade, OrderRefund refund, RefundRequester by)
    {
        var answer = await providers.For(trade.PayType).QueryRefundAsync(trade.OutTradeNo, refund.OutRequestNo);
        return answer.State switch
        {
            ProviderRefundState.Succeeded => await CompleteAsync(refund, refundedTotal: null, by),
            // Not found at the provider: sending the same out_request_no again refunds at most once.
            ProviderRefundState.NotFound => await SendAsync(trade, refund, by),
            ProviderRefundState.Failed => await FailAsync(trade, refund, answer),
            _ => await UnknownAsync(refund, answer.Message),
        };
    }

    /// <summary>
    /// A provider's word on one refund (WeChat's refund notify): settles the pending row it names, as the refund query
    /// would. A refund not made here, or already settled, changes nothing.
    /// </summary>
    public async Task<(NotifyVerdict, string)> OnRefundReportedAsync(string outTradeNo, RefundReport report, string actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.OrderRefunds.AsNoTracking()
            .Where(r => r.OutRequestNo == report.OutRequestNo)
            .Join(db.Orders.Where(o => o.OutTradeNo == outTradeNo), r => r.OrderId, o => o.Id, (r, o) => new { Refund = r, o.PayType, o.TotalAmount })
            .FirstOrDefaultAsync(ct);
        if (found is null)
        {
            logger.LogWarning("Refund {OutRequestNo} of order {OutTradeNo} was reported but not made here", report.OutRequestNo, outTradeNo);
            return (NotifyVerdict.Ignored, $"refund not made here: {report.OutRequestNo}; nothing changed");
        }

        if (found.Refund.Status != RefundStatus.Pending)
        {
            return (NotifyVerdict.Accepted, $"refund already settled: {report.OutRequestNo} is {found.Refund.Status}; nothing changed");
        }

        if (report.Amount is { } amount && amount != found.Refund.Amount)
        {
            return (NotifyVerdict.Rejected, $"refund amount {amount} does not match the refund requested {found.Refund.Amount}");
        }

        var trade = new RefundedTrade(outTradeNo, found.PayType, found.TotalAmount);
        var by = new RefundRequester(actor, actor);
        var outcome = report.State switch
        {
            RefundReportState.Succeeded => await CompleteAsync(found.Refund, refundedTotal: null, by),
            RefundReportState.Closed => await FailAsync(trade, found.Refund, new(ProviderRefundState.Failed, Message: "退款已关闭", Error: "CLOSED")),
            _ => await UnknownAsync(found.Refund, "退款异常（如买家银行卡已注销），需在商户平台处理"),
        };
        return (NotifyVerdict.Accepted, $"refund settled: {report.OutRequestNo} {outcome.Result}");
    }

    /// <summary>Validates the request and stores it, or finds the pending one it repeats. One writer at a time.</summary>
    private async Task<(OrderRefund? Refund, bool IsNew, string? Refusal, RefundedTrade? Trade)> ClaimAsync(RefundAsk ask, RefundRequester by, CancellationToken ct)
    {
        var (outTradeNo, amount, reason, refundedSeen) = ask;
        if (amount <= 0 || !Money.HasFenPrecision(amount))
        {
            return (null, false, "退款金额必须大于 0，最多两位小数", null);
        }

        if (reason.Length == 0 || reason.Length > MaxReasonLength)
        {
            return (null, false, $"请填写退款原因（不超过 {MaxReasonLength} 字）", null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Serializable takes SQLite's write lock up front: two clicks queue here instead of both creating a refund.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo)
            .Select(o => new { o.Id, o.Status, o.TotalAmount, o.RefundedAmount, o.PayType }).FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return (null, false, "订单不存在", null);
        }

        var trade = new RefundedTrade(outTradeNo, order.PayType, order.TotalAmount);
        var refunds = await db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).ToListAsync(ct);
        if (refunds.FirstOrDefault(r => r.Status == RefundStatus.Pending) is { } pending)
        {
            // While one refund's result is unknown no other may start: it may have been paid already.
            return pending.Amount == amount
                ? (pending, false, null, trade)
                : (null, false, $"该订单有一笔 {Money.Display(pending.Amount)} 的退款结果未知，请先在退款记录中“查询/重试”它", null);
        }

        if (!OrderStatusRules.IsRefundable(order.Status))
        {
            return (null, false, $"只有已支付的订单可以退款（当前状态：{order.Status.ToChinese()}）", null);
        }

        var refunded = Math.Max(order.RefundedAmount, refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount));
        if (refunded != refundedSeen)
        {
            // A compare-and-set on the money: the same partial refund clicked twice, or by two admins, pays once.
            return (null, false, $"该订单已退款金额已变为 {Money.Display(refunded)}（您看到的是 {Money.Display(refundedSeen)}），可能刚有另一笔退款完成，请刷新核对后再操作", null);
        }

        var refundable = order.TotalAmount - refunded;
        if (amount > refundable)
        {
            return (null, false, $"退款金额超过可退金额 {Money.Display(refundable)}", null);
        }

        var refund = new OrderRefund
        {
            OrderId = order.Id,
            OutRequestNo = OutRequestNo(outTradeNo, refunds.Count + 1),
            Amount = amount,
            Reason = reason,
            Status = RefundStatus.Pending,
            RequestedBy = by.Name,
            RequestedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.OrderRefunds.Add(refund);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (refund, true, null, trade);
    }

    /// <summary>"{out_trade_no}_R2": readable on a support call, unique per order and refund.</summary>
    internal static string OutRequestNo(string outTradeNo, int number)
    {
        var candidate = $"{outTradeNo}_R{number}";
        return candidate.Length <= 64 ? candidate : $"R{number}_{Guid.NewGuid():N}";
    }

    // Once a request is sent, it is seen through: leaving the page must not leave a refund half recorded.
    private async Task<RefundOutcome> SendAsync(RefundedTrade trade, OrderRefund refund, RefundRequester by)
    {
        await UpdatePendingAsync(refund.Id, attempted: true, error: null);
        var answer = await providers.For(trade.PayType).RefundAsync(
            new ProviderRefundRequest(trade.OutTradeNo, refund.OutRequestNo, refund.Amount, trade.OrderTotal, refund.Reason));
        return answer.State switch
        {
            ProviderRefundState.Succeeded => await CompleteAsync(refund, answer.RefundedTotal, by),
            ProviderRefundState.Failed => await FailAsync(trade, refund, answer),
            // NotFound cannot answer a refund request; like any unclear answer, it settles nothing.
            _ => await UnknownAsync(refund, answer.Message),
        };
    }

    /// <summary>The provider refused or closed it (an answer it signed): no money moved, the request is closed.</summary>
    private async Task<RefundOutcome> FailAsync(RefundedTrade trade, OrderRefund refund, ProviderRefundAnswer answer)
    {
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.OrderRefunds.Where(r => r.Id == refund.Id && r.Status == RefundStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RefundStatus.Failed)
                    .SetProperty(r => r.CompletedAt, clock.GetUtcNow().UtcDateTime)
                    .SetProperty(r => r.LastError, Truncate(answer.Error ?? answer.Message)));
        }

        logger.LogWarning("Refund {OutRequestNo} for order {OutTradeNo} failed: {Error}", refund.OutRequestNo, trade.OutTradeNo, answer.Error ?? answer.Message);
        return new(RefundResult.Failed, answer.Message);
    }

    /// <param name="refundedTotal">Alipay's refund_fee, or null to add this refund to the ones known to have succeeded.</param>
    private async Task<RefundOutcome> CompleteAsync(OrderRefund refund, decimal? refundedTotal, RefundRequester by)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var earlier = await db.OrderRefunds.Where(r => r.OrderId == refund.OrderId && r.Status == RefundStatus.Succeeded && r.Id != refund.Id)
            .Select(r => r.Amount).ToListAsync();
        var total = refundedTotal is > 0m ? refundedTotal.Value : earlier.Sum() + refund.Amount;
        await db.OrderRefunds.Where(r => r.Id == refund.Id && r.Status == RefundStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RefundStatus.Succeeded)
                .SetProperty(r => r.CompletedAt, clock.GetUtcNow().UtcDateTime)
                .SetProperty(r => r.RefundedTotal, total)
                .SetProperty(r => r.LastError, (string?)null));

        // False when a refund notify got there first: the order already shows this total.
        await transitions.RecordRefundAsync(refund.OrderId, total, by.Actor, refund.Reason);
        var orderTotal = await db.Orders.Where(o => o.Id == refund.OrderId).Select(o => o.TotalAmount).FirstAsync();
        logger.LogInformation("Refund {OutRequestNo} of {Amount} succeeded; {Total} refunded in all", refund.OutRequestNo, refund.Amount, total);
        return new(RefundResult.Succeeded, total >= orderTotal
            ? $"已全额退款 {Money.Display(total)}，课程权限已收回"
            : $"已退款 {Money.Display(refund.Amount)}，累计退款 {Money.Display(total)}");
    }

    private async Task<RefundOutcome> UnknownAsync(OrderRefund refund, string why)
    {
        await UpdatePendingAsync(refund.Id, attempted: false, error: why);
        return new(RefundResult.Unknown, $"{why}，退款结果未知。请稍后在退款记录中点“查询/重试”（先向支付平台查询，未退款才用同一退款单号重新提交，不会重复退款）");
    }

    private async Task UpdatePendingAsync(int refundId, bool attempted, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.OrderRefunds.Where(r => r.Id == refundId && r.Status == RefundStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Attempts, r => r.Attempts + (attempted ? 1 : 0))
                .SetProperty(r => r.LastError, Truncate(error)));
    }

    private async Task<(RefundedTrade Trade, OrderRefund Refund)?> PendingAsync(string outTradeNo, string outRequestNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var found = await db.OrderRefunds.AsNoTracking()
            .Where(r => r.OutRequestNo == outRequestNo && r.Status == RefundStatus.Pending)
            .Join(db.Orders.Where(o => o.OutTradeNo == outTradeNo), r => r.OrderId, o => o.Id, (r, o) => new { Refund = r, o.PayType, o.TotalAmount })
            .FirstOrDefaultAsync(ct);
        return found is null ? null : (new RefundedTrade(outTradeNo, found.PayType, found.TotalAmount), found.Refund);
    }

    /// <summary>The order a refund is for, as its provider needs it.</summary>
    private sealed record RefundedTrade(string OutTradeNo, PayType PayType, decimal OrderTotal);

    private static string? Truncate(string? value) => value is { Length: > 512 } ? value[..512] : value;
}
