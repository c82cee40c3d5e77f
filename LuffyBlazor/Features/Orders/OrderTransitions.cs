using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>A payment Alipay has confirmed, by notify or by <c>alipay.trade.query</c>.</summary>
/// <param name="PaidWith">
/// The provider the money came through; when the order was switched away from it meanwhile, its pay type moves back
/// with the payment (null: the order's own).
/// </param>
public sealed record PaymentConfirmation(string OutTradeNo, string? TradeNo, decimal TotalAmount, DateTimeOffset? PaidAt, string? BuyerId, PayType? PaidWith = null);

public enum PaymentOutcome
{
    /// <summary>This call marked the order paid and granted its courses.</summary>
    MarkedPaid,
    /// <summary>The order was already paid (or refunded since): nothing changed.</summary>
    AlreadyPaid,
    UnknownOrder,
    AmountMismatch,
    /// <summary>The provider's trade number already paid another order: not applied, the order flagged for an admin.</summary>
    TradeNoReused,
    /// <summary>
    /// The order is already paid by another trade (the buyer paid with both providers after a switch): this second
    /// payment is not applied; the money is to be refunded by an admin.
    /// </summary>
    PaidByAnotherTrade,
}

/// <summary>
/// Every change of an order's status, along the edges of <see cref="OrderStatusRules"/>: unpaid → paid | cancelled |
/// timed out, cancelled | timed out → paid (late money), paid → refunded. Each is a compare-and-set
/// (<c>UPDATE ... WHERE id = @id AND status = @seen</c>, where the table allows <c>@seen</c>) inside one transaction
/// with its side effects (course ownership, history), so a change from the wrong state is refused and any number of
/// concurrent or repeated calls leave exactly one result.
/// </summary>
public sealed class OrderTransitions(
    IDbContextFactory<LuffyDbContext> dbFactory, PaymentWriter payments, TimeProvider clock)
{
    /// <summary>
    /// Records a confirmed payment: the order becomes paid and its courses are granted, at most once. Money that
    /// arrives after the order was cancelled or timed out is still recorded (it was taken) and flagged.
    /// Payments that arrive together share one transaction (<see cref="PaymentWriter"/>), copies of one order's payment
    /// included: the first marks it paid, the others find it paid.
    /// </summary>
    public Task<PaymentOutcome> ApplyPaymentAsync(PaymentConfirmation payment, string actor, CancellationToken ct = default) =>
        ApplyPaymentAsync(payment, actor, log: null, ct);

    /// <summary>The same, writing the notify's log row (if any) in the payment's transaction (<see cref="NotifyLogOnPayment"/>).</summary>
    public Task<PaymentOutcome> ApplyPaymentAsync(PaymentConfirmation payment, string actor, NotifyLogOnPayment? log, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // Not cancelled with the caller once queued: the payment is written, and the provider's next copy finds it paid.
        return payments.WriteAsync(new PaymentToApply(payment, actor, log), CancellationToken.None);
    }

    /// <summary>Unpaid → cancelled or timed out. False when the order is no longer unpaid (nothing changed).</summary>
    public async Task<bool> CloseUnpaidAsync(int orderId, OrderStatus to, string actor, string reason, CancellationToken ct = default)
    {
        if (to is not (OrderStatus.Cancelled or OrderStatus.TimedOut))
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, "An unpaid order can only be cancelled or time out.");
        }

        var from = OrderStatusRules.From(to).Single(); // unpaid: nothing else is ever closed

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = Now;
        var changed = await db.Orders
            .Where(o => o.Id == orderId && o.Status == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Status, to)
                .SetProperty(o => o.ClosedAt, now)
                .SetProperty(o => o.CloseReason, reason)
                .SetProperty(o => o.Version, o => o.Version + 1)
                .SetProperty(o => o.UpdatedAt, now), ct);
        if (changed == 0)
        {
            return false;
        }

        db.OrderStatusChanges.Add(new OrderStatusChange { OrderId = orderId, From = from, To = to, Actor = actor, Reason = reason, At = now });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Unpaid with <paramref name="from"/> → unpaid with <paramref name="to"/>: the learner pays again with the other
    /// provider, after the caller closed the trade at <paramref name="from"/>. A compare-and-set on the status and the
    /// pay type seen, so of two switches at once only one is recorded, and a switch never lands on an order paid (or
    /// closed) meanwhile. False when nothing changed.
    /// </summary>
    public async Task<bool> ChangePayTypeAsync(int orderId, PayType from, PayType to, string actor, CancellationToken ct = default)
    {
        if (from == to)
        {
            return false;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = Now;
        var changed = await db.Orders
            .Where(o => o.Id == orderId && o.Status == OrderStatus.Unpaid && o.PayType == from)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.PayType, to)
                .SetProperty(o => o.Version, o => o.Version + 1)
                .SetProperty(o => o.UpdatedAt, now), ct);
        if (changed == 0)
        {
            return false;
        }

        db.OrderStatusChanges.Add(new OrderStatusChange
        {
            OrderId = orderId, From = OrderStatus.Unpaid, To = OrderStatus.Unpaid, Actor = actor, Reason = PayTypeChange.Reason(from, to), At = now,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Records the total refunded so far for a paid order (one that may still become refunded). Once the whole amount
    /// is refunded the order becomes refunded and the courses it granted are withdrawn. Never lowers what was recorded
    /// before: the update compares the status and the previous total it read.
    /// </summary>
    public async Task<bool> RecordRefundAsync(int orderId, decimal refundedTotal, string actor, string? reason, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId)
            .Select(o => new { o.Status, o.TotalAmount, o.RefundedAmount }).FirstOrDefaultAsync(ct);
        if (order is null || !OrderStatusRules.IsRefundable(order.Status) || refundedTotal <= order.RefundedAmount)
        {
            return false;
        }

        var now = Now;
        var seen = order.Status;
        var full = refundedTotal >= order.TotalAmount;
        var changed = await db.Orders
            .Where(o => o.Id == orderId && o.Status == seen && o.RefundedAmount == order.RefundedAmount)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.RefundedAmount, refundedTotal)
                .SetProperty(o => o.RefundedAt, now)
                .SetProperty(o => o.Status, full ? OrderStatus.Refunded : seen)
                .SetProperty(o => o.Version, o => o.Version + 1)
                .SetProperty(o => o.UpdatedAt, now), ct);
        if (changed == 0)
        {
            return false;
        }

        if (full)
        {
            var withdrawn = await db.CourseOwnerships.Where(x => x.OrderId == orderId).Select(x => x.CourseId).ToListAsync(ct);
            await db.CourseOwnerships.Where(x => x.OrderId == orderId).ExecuteDeleteAsync(ct);
            await db.Courses.Where(c => withdrawn.Contains(c.Id) && c.StudentsCount > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.StudentsCount, c => c.StudentsCount - 1), ct);
            db.OrderStatusChanges.Add(new OrderStatusChange { OrderId = orderId, From = seen, To = OrderStatus.Refunded, Actor = actor, Reason = reason, At = now });
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

public static class OrderStatusText
{
    public static string ToChinese(this OrderStatus status) => status switch
    {
        OrderStatus.Unpaid => "未支付",
        OrderStatus.Paid => "已支付",
        OrderStatus.Cancelled => "已取消",
        OrderStatus.TimedOut => "超时取消",
        OrderStatus.Refunded => "已退款",
        _ => status.ToString(),
    };
}
