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

/// <summary>Who asks for a refund: <paramref name="Name"/> is stored on the refund, <paramref name="Actor"/> names them in the order's history.</summary>
public sealed record RefundRequester(string Name, string Actor);

/// <summary>
/// Full and partial refunds through <c>alipay.trade.refund</c>. The refund row and its out_request_no are committed
/// <em>before</em> Alipay is called; until Alipay's answer is known the row stays pending, and asking again (a
/// double click, a retry after a timeout) sends the same out_request_no, which Alipay refunds at most once. The
/// order's refunded total and status then change through <see cref="OrderTransitions.RecordRefundAsync"/>.
/// </summary>
public sealed class OrderRefunds(
    IDbContextFactory<LuffyDbContext> dbFactory, IAlipayClient alipay, OrderTransitions transitions, TimeProvider clock, ILogger<OrderRefunds> logger)
{
    public const int MaxReasonLength = 256;

    public async Task<RefundOutcome> RefundAsync(string outTradeNo, decimal amount, string reason, RefundRequester by, CancellationToken ct = default)
    {
        var (refund, refusal) = await ClaimAsync(outTradeNo, amount, reason?.Trim() ?? "", by, ct);
        return refund is null ? new RefundOutcome(RefundResult.Refused, refusal!) : await SendAsync(outTradeNo, refund, by);
    }

    /// <summary>
    /// Settles a pending refund: asks Alipay whether it happened (<c>alipay.trade.fastpay.refund.query</c>) and, if
    /// not, sends the very same request again.
    /// </summary>
    public async Task<RefundOutcome> RetryAsync(string outTradeNo, string outRequestNo, RefundRequester by, CancellationToken ct = default)
    {
        var refund = await PendingAsync(outTradeNo, outRequestNo, ct);
        if (refund is null)
        {
            return new(RefundResult.Refused, "这笔退款已有结果，无需重试");
        }

        return await AlipayConfirmsAsync(outTradeNo, refund) is true
            ? await CompleteAsync(refund, refundedTotal: null, by)
            : await SendAsync(outTradeNo, refund, by);
    }

    /// <summary>Validates the request and stores it, or finds the pending one it repeats. One writer at a time.</summary>
    private async Task<(OrderRefund? Refund, string? Refusal)> ClaimAsync(
        string outTradeNo, decimal amount, string reason, RefundRequester by, CancellationToken ct)
    {
        if (amount <= 0 || !Money.HasFenPrecision(amount))
        {
            return (null, "退款金额必须大于 0，最多两位小数");
        }

        if (reason.Length == 0 || reason.Length > MaxReasonLength)
        {
            return (null, $"请填写退款原因（不超过 {MaxReasonLength} 字）");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Serializable takes SQLite's write lock up front: two clicks queue here instead of both creating a refund.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo)
            .Select(o => new { o.Id, o.Status, o.TotalAmount, o.RefundedAmount }).FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return (null, "订单不存在");
        }

        var refunds = await db.OrderRefunds.AsNoTracking().Where(r => r.OrderId == order.Id).ToListAsync(ct);
        if (refunds.FirstOrDefault(r => r.Status == RefundStatus.Pending) is { } pending)
        {
            // The same refund asked again (a second click, a retry): send the stored request again, never a new one.
            return pending.Amount == amount
                ? (pending, null)
                : (null, $"该订单有一笔 {Money.Display(pending.Amount)} 的退款结果未知，请先在退款记录中重试它");
        }

        if (!OrderStatusRules.IsRefundable(order.Status))
        {
            return (null, $"只有已支付的订单可以退款（当前状态：{order.Status.ToChinese()}）");
        }

        var refunded = Math.Max(order.RefundedAmount, refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount));
        var refundable = order.TotalAmount - refunded;
        if (amount > refundable)
        {
            return (null, $"退款金额超过可退金额 {Money.Display(refundable)}");
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
        return (refund, null);
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
                new AlipayRefundRequest(outTradeNo, refund.Amount, refund.OutRequestNo, refund.Reason.Any(char.IsLetterOrDigit) ? refund.Reason : null));
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
        if (!response.IsSigned || error.SubCode is "ACQ.SYSTEM_ERROR" or "ISP.UNKNOW-ERROR" or "aop.ACQ.SYSTEM_ERROR")
        {
            // An unsigned or "system busy" answer proves nothing: the refund may have happened.
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
        return new(RefundResult.Unknown, $"{why}，退款结果未知。请稍后在退款记录中点“重试”（使用同一退款单号，不会重复退款）");
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
