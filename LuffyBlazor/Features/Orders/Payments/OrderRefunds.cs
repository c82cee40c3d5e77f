using System.Data;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments.Alipay;
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
/// Full and partial refunds through <c>alipay.trade.refund</c>. The refund row and its out_request_no are committed
/// <em>before</em> Alipay is called; until Alipay's answer is known (a timeout, an unsigned answer, Alipay's "result
/// unknown" codes) the row stays pending and no other refund of the order may start. Asking again (a double click, a
/// second admin, 查询/重试 after a restart) first asks <c>alipay.trade.fastpay.refund.query</c> about that
/// out_request_no, and sends the same request again only when Alipay has no such refund: a refund is paid at most
/// once. The order's refunded total and status then change through <see cref="OrderTransitions.RecordRefundAsync"/>.
/// </summary>
public sealed class OrderRefunds(
    IDbContextFactory<LuffyDbContext> dbFactory, IAlipayClient alipay, OrderTransitions transitions, TimeProvider clock, ILogger<OrderRefunds> logger)
{
    public const int MaxReasonLength = 256;
    private const int MaxClaimAttempts = 3;

    public async Task<RefundOutcome> RefundAsync(RefundAsk ask, RefundRequester by, CancellationToken ct = default)
    {
        // On PostgreSQL two admins' claims may race: the loser (a serialization failure, or the one-pending-refund
        // index) runs again and finds the winner's pending refund.
        var (refund, isNew, refusal) = await DatabaseErrors.RetryConflictsAsync(
            () => ClaimAsync(ask with { Reason = ask.Reason?.Trim() ?? "" }, by, ct), MaxClaimAttempts, DatabaseErrors.IsUniqueViolation);
        if (refund is null)
        {
            return new RefundOutcome(RefundResult.Refused, refusal!);
        }

        // The same refund asked again (a second click, a second admin) settles the pending one: never a new request.
        return isNew ? await SendAsync(ask.OutTradeNo, refund, by) : await SettleAsync(ask.OutTradeNo, refund, by);
    }

    /// <summary>
    /// Settles a pending refund: asks Alipay whether it happened (<c>alipay.trade.fastpay.refund.query</c>) and, only
    /// when Alipay says it did not, sends the very same request again.
    /// </summary>
    public async Task<RefundOutcome> RetryAsync(string outTradeNo, string outRequestNo, RefundRequester by, CancellationToken ct = default)
    {
        var refund = await PendingAsync(outTradeNo, outRequestNo, ct);
        return refund is null
            ? new(RefundResult.Refused, "这笔退款已有结果，无需重试")
            : await SettleAsync(outTradeNo, refund, by);
    }

    private async Task<RefundOutcome> SettleAsync(string outTradeNo, OrderRefund refund, RefundRequester by) =>
        await AlipayConfirmsAsync(outTradeNo, refund) switch
        {
            true => await CompleteAsync(refund, refundedTotal: null, by),
            // Not found at Alipay: sending the same out_request_no again refunds at most once.
            false => await SendAsync(outTradeNo, refund, by),
            null => await UnknownAsync(refund, "支付宝退款查询暂无结果"),
        };

    /// <summary>Validates the request and stores it, or finds the pending one it repeats. One writer at a time.</summary>
    private async Task<(OrderRefund? Refund, bool IsNew, string? Refusal)> ClaimAsync(RefundAsk ask, RefundRequester by, CancellationToken ct)
    {
        var (outTradeNo, amount, reason, refundedSeen) = ask;
        if (amount <= 0 || !Money.HasFenPrecision(amount))
        {
            return (null, false, "退款金额必须大于 0，最多两位小数");
        }

        if (reason.Length == 0 || reason.Length > MaxReasonLength)
        {
            return (null, false, $"请填写退款原因（不超过 {MaxReasonLength} 字）");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Serializable takes SQLite's write lock up front: two clicks queue here instead of both creating a refund.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo)
            .Select(o => new { o.Id, o.Status, o.TotalAmount, o.RefundedAmount }).FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return (null, false, "订单不存在");
        }

        var refunds = await db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).ToListAsync(ct);
        if (refunds.FirstOrDefault(r => r.Status == RefundStatus.Pending) is { } pending)
        {
            // While one refund's result is unknown no other may start: it may have been paid already.
            return pending.Amount == amount
                ? (pending, false, null)
                : (null, false, $"该订单有一笔 {Money.Display(pending.Amount)} 的退款结果未知，请先在退款记录中“查询/重试”它");
        }

        if (!OrderStatusRules.IsRefundable(order.Status))
        {
            return (null, false, $"只有已支付的订单可以退款（当前状态：{order.Status.ToChinese()}）");
        }

        var refunded = Math.Max(order.RefundedAmount, refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount));
        if (refunded != refundedSeen)
        {
            // A compare-and-set on the money: the same partial refund clicked twice, or by two admins, pays once.
            return (null, false, $"该订单已退款金额已变为 {Money.Display(refunded)}（您看到的是 {Money.Display(refundedSeen)}），可能刚有另一笔退款完成，请刷新核对后再操作");
        }

        var refundable = order.TotalAmount - refunded;
        if (amount > refundable)
        {
            return (null, false, $"退款金额超过可退金额 {Money.Display(refundable)}");
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
        return (refund, true, null);
    }

    /// <summary>"{out_trade_no}_R2": readable on a support call, unique per order and refund.</summary>
    internal static string OutRequestNo(string outTradeNo, int number)
    {
        var candidate = $"{outTradeNo}_R{number}";
        return candidate.Length <= 64 ? candidate : $"R{number}_{Guid.NewGuid():N}";
    }

    // Once a request is sent, it is seen through: leaving the page must not leave a refund half recorded.
    private async Task<RefundOutcome> SendAsync(string outTradeNo, OrderRefund refund, RefundRequester by)
    {
        await UpdatePendingAsync(refund.Id, attempted: true, error: null);
        AlipayResponse<AlipayTradeRefund> response;
        try
        {
            response = await alipay.RefundAsync(
                new AlipayRefundRequest(outTradeNo, refund.Amount, refund.OutRequestNo, refund.Reason));
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.refund {OutRequestNo} for order {OutTradeNo} has no answer", refund.OutRequestNo, outTradeNo);
            return await UnknownAsync(refund, "支付宝没有应答");
        }

        if (response.IsSuccess)
        {
            // fund_change N: no money moved by this call (e.g. the request was already refunded); Alipay's advice
            // is to confirm with the refund query before believing it.
            if (!response.Data!.FundChange && await AlipayConfirmsAsync(outTradeNo, refund) is not true)
            {
                return await UnknownAsync(refund, "支付宝未确认退款到账");
            }

            return await CompleteAsync(refund, response.Data.RefundFee, by);
        }

        var error = response.Error!;
        if (!response.IsSigned || error.IsResultUnknown)
        {
            // An unsigned answer, or Alipay's "system busy", proves nothing: the refund may have happened.
            return await UnknownAsync(refund, $"支付宝返回 {error}");
        }

        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            await db.OrderRefunds.Where(r => r.Id == refund.Id && r.Status == RefundStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, RefundStatus.Failed)
                    .SetProperty(r => r.CompletedAt, clock.GetUtcNow().UtcDateTime)
                    .SetProperty(r => r.LastError, Truncate(error.ToString())));
        }

        logger.LogWarning("Alipay refused refund {OutRequestNo} for order {OutTradeNo}: {Error}", refund.OutRequestNo, outTradeNo, error);
        return new(RefundResult.Failed, $"支付宝拒绝退款：{error.SubMsg ?? error.Msg}");
    }

    /// <summary>True when Alipay says this refund happened, false when it says not, null when it cannot tell.</summary>
    private async Task<bool?> AlipayConfirmsAsync(string outTradeNo, OrderRefund refund)
    {
        try
        {
            var response = await alipay.QueryRefundAsync(outTradeNo, refund.OutRequestNo);
            return response.IsSuccess ? response.Data!.IsRefunded : null;
        }
        catch (AlipayException ex)
        {
            logger.LogWarning(ex, "alipay.trade.fastpay.refund.query {OutRequestNo} failed", refund.OutRequestNo);
            return null;
        }
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
        return new(RefundResult.Unknown, $"{why}，退款结果未知。请稍后在退款记录中点“查询/重试”（先向支付宝查询，未退款才用同一退款单号重新提交，不会重复退款）");
    }

    private async Task UpdatePendingAsync(int refundId, bool attempted, string? error)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.OrderRefunds.Where(r => r.Id == refundId && r.Status == RefundStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Attempts, r => r.Attempts + (attempted ? 1 : 0))
                .SetProperty(r => r.LastError, Truncate(error)));
    }

    private async Task<OrderRefund?> PendingAsync(string outTradeNo, string outRequestNo, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OrderRefunds.AsNoTracking()
            .Where(r => r.OutRequestNo == outRequestNo && r.Status == RefundStatus.Pending
                        && db.Orders.Any(o => o.Id == r.OrderId && o.OutTradeNo == outTradeNo))
            .FirstOrDefaultAsync(ct);
    }

    private static string? Truncate(string? value) => value is { Length: > 512 } ? value[..512] : value;
}
