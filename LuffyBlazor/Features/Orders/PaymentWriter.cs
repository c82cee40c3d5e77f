using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// A confirmed payment to record, and who confirmed it (for the order's history); with the notify's log row when a
/// provider's notify reported it (<see cref="NotifyLogOnPayment"/>).
/// </summary>
public sealed record PaymentToApply(PaymentConfirmation Payment, string Actor, NotifyLogOnPayment? Log = null);

/// <summary>
/// A notify's log row, written in its payment's own transaction with the verdict the payment's outcome gives it: a
/// first payment then takes one write transaction, not one for the payment and another for its log row, each waiting
/// for SQLite's one write lock and each request for both (bench/README, "First payments waited, not worked"). The
/// row is on record exactly when the payment's outcome is returned; a payment that fails leaves the row to its caller.
/// </summary>
public sealed record NotifyLogOnPayment(NotifyLog Row, Func<PaymentOutcome, (NotifyVerdict Verdict, string Reason)> VerdictOf);

/// <summary>
/// Writes confirmed payments: each order becomes paid and its courses are granted, at most once. Payments are applied
/// in one transaction per group: the orders, their lines, the learners' courses and the trade numbers already used
/// are read once for the group, every order is updated as a compare-and-set on its version (a change made meanwhile
/// fails the write and the group runs again from a fresh read), and the updates and inserts go to the database as one
/// hand-written command (<see cref="PaymentGroupWrites"/>). On SQLite (one
/// writer) the payments of different orders that arrive together form a group (<see cref="GroupCommitWriter{TItem,TResult}"/>),
/// so a storm of first payments costs one transaction per group instead of one per order; a group that fails is
/// written again payment by payment, so one bad payment fails alone. PostgreSQL takes concurrent writers, so there
/// each payment is its own group, as before.
/// </summary>
public sealed class PaymentWriter(
    IDbContextFactory<LuffyDbContext> dbFactory, TimeProvider clock, IOptions<DatabaseOptions> database, ILogger<PaymentWriter> logger)
    : GroupCommitWriter<PaymentToApply, PaymentOutcome>(MaxGroup, logger)
{
    private const int MaxGroup = 128;
    private const int MaxAttempts = 3;

    /// <summary>Completes once the payment is committed (or found to need nothing). Not cancelled once queued.</summary>
    public async Task<PaymentOutcome> WriteAsync(PaymentToApply payment, CancellationToken ct) =>
        database.Value.IsPostgres ? (await WriteGroupAsync([payment], ct))[0] : await CommitAsync(payment, ct);

    // Run again when it loses a race: PostgreSQL's deadlocks, a learner's other order granting one of the courses
    // first (the unique ownership row), or an order changed between the read and the save (its version).
    protected override Task<IReadOnlyList<PaymentOutcome>> WriteGroupAsync(IReadOnlyList<PaymentToApply> payments, CancellationToken ct) =>
        DatabaseErrors.RetryConflictsAsync(() => ApplyInOneTransactionAsync(payments, ct), MaxAttempts,
            ex => DatabaseErrors.IsUniqueViolation(ex) || ex is DbUpdateConcurrencyException);

    private async Task<IReadOnlyList<PaymentOutcome>> ApplyInOneTransactionAsync(IReadOnlyList<PaymentToApply> payments, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var group = await PaymentGroup.ReadAsync(db, payments.Select(p => p.Payment).ToList(), ct);
        var writes = new PaymentGroupWrites();
        var outcomes = payments.Select(p => Apply(writes, group, p, now)).ToList();
        for (var i = 0; i < payments.Count; i++)
        {
            if (payments[i].Log is { } log)
            {
                (log.Row.Verdict, log.Row.Reason) = log.VerdictOf(outcomes[i]);
                writes.Log(log.Row);
            }
        }

        await writes.ExecuteAsync(db, ct);
        await transaction.CommitAsync(ct);
        for (var i = 0; i < payments.Count; i++)
        {
            LogOutcome(payments[i], outcomes[i], group);
        }

        return outcomes;
    }

    private static PaymentOutcome Apply(PaymentGroupWrites writes, PaymentGroup group, PaymentToApply item, DateTime now)
    {
        var payment = item.Payment;
        if (group.Order(payment.OutTradeNo) is not { } order)
        {
            return PaymentOutcome.UnknownOrder;
        }

        if (order.TotalAmount != payment.TotalAmount)
        {
            return PaymentOutcome.AmountMismatch;
        }

        var seen = order.Status;
        if (!OrderStatusRules.CanMove(seen, OrderStatus.Paid))
        {
            // Paid, or refunded since (or earlier in this group). A trade pays one out_trade_no at one provider, so a
            // different trade number is a second payment (both providers after a switch), not a copy of the first.
            return !string.IsNullOrEmpty(order.TradeNo) && !string.IsNullOrEmpty(payment.TradeNo) && order.TradeNo != payment.TradeNo
                ? PaymentOutcome.PaidByAnotherTrade
                : PaymentOutcome.AlreadyPaid;
        }

        writes.Changing(order);
        if (group.OtherOrderPaidBy(payment.TradeNo, order) is not null)
        {
            order.FlagTradeNoConflict(now);
            return PaymentOutcome.TradeNoReused;
        }

        // Courses the learner already owns (another order of theirs paid for them first) are not granted or counted
        // again: the money was taken twice, and an admin has to refund one of them.
        var lines = group.Lines(order);
        var alreadyOwned = lines.Where(l => group.Owns(order.UserId, l.CourseId)).Select(l => l.CourseName).ToList();
        var left = payment.PaidWith is { } paidWith && paidWith != order.PayType ? order.PayType : (PayType?)null;
        order.RecordPayment(payment.TradeNo, payment.PaidAt?.UtcDateTime ?? now, payment.BuyerId, alreadyOwned.Count > 0, now, payment.PaidWith);
        group.Paid(order, payment.TradeNo);
        foreach (var line in lines.Where(l => !group.Owns(order.UserId, l.CourseId)))
        {
            writes.Grant(new CourseOwnership { UserId = order.UserId, CourseId = line.CourseId, OrderId = order.Id, GrantedAt = now });
            group.Grant(order.UserId, line.CourseId);
        }

        writes.Record(new OrderStatusChange
        {
            OrderId = order.Id, From = seen, To = OrderStatus.Paid, Actor = item.Actor, Reason = Reason(seen, alreadyOwned, left, order.PayType), At = now,
        });
        return PaymentOutcome.MarkedPaid;
    }

    private void LogOutcome(PaymentToApply item, PaymentOutcome outcome, PaymentGroup group)
    {
        var payment = item.Payment;
        if (outcome == PaymentOutcome.TradeNoReused)
        {
            logger.LogError(
                "Trade {TradeNo} was reported paying order {OutTradeNo} via {Actor}, but it already paid order {OtherOrder}: not applied, flagged for an admin",
                payment.TradeNo, payment.OutTradeNo, item.Actor, group.OtherOrderPaidBy(payment.TradeNo, group.Order(payment.OutTradeNo)!));
            return;
        }

        if (outcome == PaymentOutcome.PaidByAnotherTrade)
        {
            logger.LogError(
                "Order {OutTradeNo} is already paid by trade {Recorded}, and trade {TradeNo} paid it again via {Actor}: not applied, to be refunded by an admin",
                payment.OutTradeNo, group.Order(payment.OutTradeNo)!.TradeNo, payment.TradeNo, item.Actor);
            return;
        }

        if (outcome != PaymentOutcome.MarkedPaid)
        {
            return;
        }

        var order = group.Order(payment.OutTradeNo)!;
        if (order.PaidAfterClose)
        {
            logger.LogWarning("Order {OutTradeNo} was paid after it was closed; flagged for an admin", payment.OutTradeNo);
        }

        if (order.DuplicatePurchase)
        {
            logger.LogWarning("Order {OutTradeNo} paid for course(s) the learner already owned; flagged for an admin", payment.OutTradeNo);
        }

        logger.LogInformation("Order {OutTradeNo} paid (trade {TradeNo}, {PayType}) via {Actor}", payment.OutTradeNo, payment.TradeNo, order.PayType, item.Actor);
    }

    /// <summary>
    /// The paid row's reason: the provider the money came through when the order had left it (<paramref name="left"/>
    /// is where it had gone), then why an admin should look at the payment; null when there is nothing to say.
    /// </summary>
    private static string? Reason(OrderStatus seen, IReadOnlyList<string> alreadyOwned, PayType? left, PayType paidWith)
    {
        var moved = left is { } from ? $"付款经由{paidWith.ToChinese()}到达，支付方式由{from.ToChinese()}改回{paidWith.ToChinese()}" : null;
        var reason = string.Join("；", new[] { moved, ReasonToFlag(seen, alreadyOwned) }.Where(r => r is not null));
        return reason.Length == 0 ? null : reason is { Length: > 512 } ? reason[..511] + "…" : reason;
    }

    /// <summary>Why an admin should look at a payment; null when nothing is amiss.</summary>
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

        return reasons.Count == 0 ? null : string.Join("；", reasons) + "，需人工处理";
    }
}
