using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>A payment Alipay has confirmed, by notify or by <c>alipay.trade.query</c>.</summary>
public sealed record PaymentConfirmation(string OutTradeNo, string? TradeNo, decimal TotalAmount, DateTimeOffset? PaidAt, string? BuyerId);

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
}

/// <summary>
/// Every change of an order's status, along the edges of <see cref="OrderStatusRules"/>: unpaid → paid | cancelled |
/// timed out, cancelled | timed out → paid (late money), paid → refunded. Each is a compare-and-set
/// (<c>UPDATE ... WHERE id = @id AND status = @seen</c>, where the table allows <c>@seen</c>) inside one transaction
/// with its side effects (course ownership, history), so a change from the wrong state is refused and any number of
/// concurrent or repeated calls leave exactly one result.
/// </summary>
public sealed class OrderTransitions(
    IDbContextFactory<LuffyDbContext> dbFactory, InFlightPayments inFlight, TimeProvider clock, ILogger<OrderTransitions> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Records a confirmed payment: the order becomes paid and its courses are granted, at most once. Money that
    /// arrives after the order was cancelled or timed out is still recorded (it was taken) and flagged.
    /// Concurrent calls for the same order in this process share one transaction (<see cref="InFlightPayments"/>).
    /// </summary>
    public Task<PaymentOutcome> ApplyPaymentAsync(PaymentConfirmation payment, string actor, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        // The shared work is not cancelled when the caller that started it goes away: the others still wait on it.
        // On PostgreSQL it is run again when it loses a race: a deadlock, or the same learner's other order granting
        // one of its courses first (the unique ownership row), which the next run sees and flags as a duplicate.
        return inFlight.JoinAsync(payment.OutTradeNo, () => DatabaseErrors.RetryConflictsAsync(
            () => ApplyPaymentOnceAsync(payment, actor, CancellationToken.None), MaxAttempts, DatabaseErrors.IsUniqueViolation));
    }

    private async Task<PaymentOutcome> ApplyPaymentOnceAsync(PaymentConfirmation payment, string actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var order = await db.Orders.AsNoTracking()
            .Where(o => o.OutTradeNo == payment.OutTradeNo)
            .Select(o => new { o.Id, o.UserId, o.TotalAmount, o.Status })
            .FirstOrDefaultAsync(ct);
        if (order is null)
        {
            return PaymentOutcome.UnknownOrder;
        }

        if (order.TotalAmount != payment.TotalAmount)
        {
            return PaymentOutcome.AmountMismatch;
        }

        var now = Now;
        var seen = order.Status;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (attempt > 0)
            {
                seen = await db.Orders.Where(o => o.Id == order.Id).Select(o => o.Status).FirstAsync(ct);
            }

            if (!OrderStatusRules.CanMove(seen, OrderStatus.Paid))
            {
                return PaymentOutcome.AlreadyPaid; // paid, or refunded since
            }

            if (await OtherOrderPaidByAsync(db, payment.TradeNo, order.Id, ct) is { } holder)
            {
                await FlagTradeNoConflictAsync(db, order.Id, ct);
                await transaction.CommitAsync(ct);
                logger.LogError(
                    "Trade {TradeNo} was reported paying order {OutTradeNo} via {Actor}, but it already paid order {OtherOrder}: not applied, flagged for an admin",
                    payment.TradeNo, payment.OutTradeNo, actor, holder);
                return PaymentOutcome.TradeNoReused;
            }

            // Courses the learner already owns (another order of theirs paid for them first) are not granted or
            // counted again: the money was taken twice, and an admin has to refund one of them.
            var lines = await db.OrderDetails.Where(d => d.OrderId == order.Id).OrderBy(d => d.CourseId)
                .Select(d => new { d.CourseId, d.CourseName }).ToListAsync(ct);
            var courseIds = lines.Select(l => l.CourseId).ToList();
            var owned = await db.CourseOwnerships
                .Where(x => x.UserId == order.UserId && courseIds.Contains(x.CourseId))
                .Select(x => x.CourseId).ToListAsync(ct);
            var changed = await db.Orders
                .Where(o => o.Id == order.Id && o.Status == seen)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, OrderStatus.Paid)
                    .SetProperty(o => o.TradeNo, payment.TradeNo)
                    .SetProperty(o => o.PayTime, payment.PaidAt.HasValue ? payment.PaidAt.Value.UtcDateTime : now)
                    .SetProperty(o => o.BuyerId, payment.BuyerId)
                    .SetProperty(o => o.PaidAfterClose, OrderStatusRules.IsLatePayment(seen))
                    .SetProperty(o => o.DuplicatePurchase, owned.Count > 0)
                    .SetProperty(o => o.Version, o => o.Version + 1)
                    .SetProperty(o => o.UpdatedAt, now), ct);
            if (changed == 0)
            {
                continue; // someone changed it between our read and our write: look again
            }

            foreach (var courseId in courseIds.Except(owned))
            {
                db.CourseOwnerships.Add(new CourseOwnership { UserId = order.UserId, CourseId = courseId, OrderId = order.Id, GrantedAt = now });
                // One course at a time, in id order: two payments that share courses then lock them in the same order.
                await db.Courses.Where(c => c.Id == courseId)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.StudentsCount, c => c.StudentsCount + 1), ct);
            }

            var duplicates = lines.Where(l => owned.Contains(l.CourseId)).Select(l => l.CourseName).ToList();
            db.OrderStatusChanges.Add(new OrderStatusChange
            {
                OrderId = order.Id, From = seen, To = OrderStatus.Paid, Actor = actor, Reason = ReasonToFlag(seen, duplicates), At = now,
            });
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);

            if (OrderStatusRules.IsLatePayment(seen))
            {
                logger.LogWarning("Order {OutTradeNo} was paid after it was {Status}; flagged for an admin", payment.OutTradeNo, seen);
            }

            if (duplicates.Count > 0)
            {
                logger.LogWarning("Order {OutTradeNo} paid for {Count} course(s) the learner already owned; flagged for an admin",
                    payment.OutTradeNo, duplicates.Count);
            }

            logger.LogInformation("Order {OutTradeNo} paid (trade {TradeNo}) via {Actor}", payment.OutTradeNo, payment.TradeNo, actor);
            return PaymentOutcome.MarkedPaid;
        }

        throw new InvalidOperationException($"Order {payment.OutTradeNo} kept changing while it was being marked paid.");
    }

    /// <summary>
    /// The order a provider trade number already paid, if it is not this one: one indexed lookup, made only when an
    /// order is about to become paid. A trade pays exactly one out_trade_no, so a second order is a forgery or a bug.
    /// </summary>
    private static Task<string?> OtherOrderPaidByAsync(LuffyDbContext db, string? tradeNo, int orderId, CancellationToken ct) =>
        string.IsNullOrEmpty(tradeNo)
            ? Task.FromResult<string?>(null)
            : db.Orders.Where(o => o.TradeNo == tradeNo && o.Id != orderId).Select(o => o.OutTradeNo).FirstOrDefaultAsync(ct);

    private async Task FlagTradeNoConflictAsync(LuffyDbContext db, int orderId, CancellationToken ct) =>
        await db.Orders.Where(o => o.Id == orderId && !o.TradeNoConflict)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.TradeNoConflict, true)
                .SetProperty(o => o.Version, o => o.Version + 1)
                .SetProperty(o => o.UpdatedAt, Now), ct);

    /// <summary>Why an admin should look at a payment, for the order's history; null when nothing is amiss.</summary>
    private static string? ReasonToFlag(OrderStatus seen, IReadOnlyList<string> alreadyOwned)
    {
        var reasons = new List<string>();
        if (OrderStatusRules.IsLatePayment(seen))
        {
            reasons.Add($"付款到达时订单已是{seen.ToChinese()}状态");
        }

        if (alreadyOwned.Count > 0)
        {
            reasons.Add($"重复购买：《{string.Join("》《", alreadyOwned)}》此前已通过其他订单拥有");
        }

        var reason = reasons.Count == 0 ? null : string.Join("；", reasons) + "，需人工处理";
        return reason is { Length: > 512 } ? reason[..511] + "…" : reason;
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
