using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// Payments of different orders that arrive together share one transaction on SQLite (<see cref="PaymentWriter"/>).
/// Each test holds SQLite's write lock with an open transaction while the payments queue, so they form one group.
/// </summary>
public sealed class PaymentWriterTests(PaymentWriterTests.App app) : IClassFixture<PaymentWriterTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private static PaymentConfirmation Payment(Order order, string? tradeNo = null, decimal? amount = null) =>
        new(order.OutTradeNo, tradeNo ?? "2026112522001" + Guid.NewGuid().ToString("N")[..15], amount ?? order.TotalAmount, null, "2088102146225135");

    private async Task<PaymentOutcome> PayAsync(PaymentConfirmation payment)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderTransitions>().ApplyPaymentAsync(payment, "alipay-notify");
    }

    /// <summary>
    /// Starts <paramref name="send"/>'s payments while the write lock is held and the writer is already busy with
    /// another payment's group (waiting for the lock), so they all queue and are then written as one group.
    /// </summary>
    private async Task<Task<PaymentOutcome>[]> TogetherAsync(Func<Task<PaymentOutcome>[]> send)
    {
        var (learner, _) = await app.CreateLearnerAsync("blocker");
        var blocker = await app.PlaceOrderAsync(learner, 9);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        Task<PaymentOutcome>[] started;
        Task<PaymentOutcome> first;
        await using (await db.Database.BeginTransactionAsync())
        {
            first = PayAsync(Payment(blocker));
            await Task.Delay(200); // the writer has taken the blocker's group and waits for the lock
            started = send();
            await Task.Delay(200); // every payment is queued behind it
        }

        Assert.Equal(PaymentOutcome.MarkedPaid, await first);
        await Task.WhenAll(started.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return started;
    }

    private Task<Task<PaymentOutcome>[]> PayTogetherAsync(params PaymentConfirmation[] payments) =>
        TogetherAsync(() => payments.Select(PayAsync).ToArray());

    [Fact]
    public async Task Payments_of_different_orders_that_arrive_together_each_get_their_own_outcome()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var (other, _) = await app.CreateLearnerAsync();
        var first = await app.PlaceOrderAsync(learner, 1);
        var sameCourseAgain = await app.PlaceOrderAsync(learner, 1, 2);
        var otherLearners = await app.PlaceOrderAsync(other, 1);
        var wrongAmount = await app.PlaceOrderAsync(other, 3);
        var reusedTrade = await app.PlaceOrderAsync(other, 4);
        var studentsBefore = await StudentsAsync(1, 2);

        var outcomes = await PayTogetherAsync(
            Payment(first, "2026112522001400000000000001"), Payment(sameCourseAgain), Payment(otherLearners),
            Payment(wrongAmount, amount: wrongAmount.TotalAmount + 1m), Payment(reusedTrade, "2026112522001400000000000001"),
            new PaymentConfirmation("20261125000000000000000000000000000000", "2026112522001400000000000002", 1m, null, null));

        Assert.Equal(
            [PaymentOutcome.MarkedPaid, PaymentOutcome.MarkedPaid, PaymentOutcome.MarkedPaid, PaymentOutcome.AmountMismatch, PaymentOutcome.TradeNoReused, PaymentOutcome.UnknownOrder],
            outcomes.Select(t => t.Result));
        // The second order of the same learner saw, within the group, the course the first one granted.
        var again = await app.OrderAsync(sameCourseAgain.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, true), (again.Status, again.DuplicatePurchase));
        var owned = await app.QueryAsync(db => db.CourseOwnerships.Where(x => x.UserId == learner).OrderBy(x => x.CourseId)
            .Select(x => new { x.CourseId, x.OrderId }).ToListAsync());
        Assert.Equal([new { CourseId = 1, OrderId = first.Id }, new { CourseId = 2, OrderId = sameCourseAgain.Id }], owned);
        Assert.Equal(studentsBefore.Select((n, i) => n + (i == 0 ? 2 : 1)), await StudentsAsync(1, 2)); // course 1: two learners
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(wrongAmount.OutTradeNo)).Status);
        var conflicted = await app.OrderAsync(reusedTrade.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, true), (conflicted.Status, conflicted.TradeNoConflict));
        Assert.Equal(3, await PaidHistoryRowsAsync(first, sameCourseAgain, otherLearners, wrongAmount, reusedTrade));
    }

    [Fact]
    public async Task A_payment_that_fails_inside_a_group_fails_alone_and_leaves_nothing_of_itself_behind()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var before = await app.PlaceOrderAsync(learner, 5);
        var failing = await app.PlaceOrderAsync(learner, 6);
        var after = await app.PlaceOrderAsync(learner, 7);
        // A real database error in the middle of the group's writes: the failing order's history row is refused after
        // its order row was updated and its course inserted, in the same transaction as the others' rows.
        var paymentBefore = Payment(before);
        await WithHistoryRefusedAsync(failing, async () =>
        {
            var outcomes = await PayTogetherAsync(paymentBefore, Payment(failing), Payment(after));

            Assert.Equal(PaymentOutcome.MarkedPaid, await outcomes[0]);
            await Assert.ThrowsAnyAsync<DbUpdateException>(() => outcomes[1]);
            Assert.Equal(PaymentOutcome.MarkedPaid, await outcomes[2]);
        });

        Assert.Equal((OrderStatus.Unpaid, 0), ((await app.OrderAsync(failing.OutTradeNo)).Status, (await app.OrderAsync(failing.OutTradeNo)).Version));
        Assert.False(await app.QueryAsync(db => db.CourseOwnerships.AnyAsync(x => x.OrderId == failing.Id)));
        Assert.Equal(2, await PaidHistoryRowsAsync(before, failing, after));

        // Sent again (as the provider does after a failure), it is applied once, and the others are not paid twice.
        Assert.Equal(PaymentOutcome.MarkedPaid, await PayAsync(Payment(failing)));
        Assert.Equal(PaymentOutcome.AlreadyPaid, await PayAsync(paymentBefore));
        Assert.Equal(3, await PaidHistoryRowsAsync(before, failing, after));
        Assert.Equal(3, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.UserId == learner)));
    }

    [Fact]
    public async Task Copies_of_one_payment_in_a_group_pay_the_order_once()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 8);
        var payment = Payment(order);
        // A notify and a trade.query for the same order at once: the writer gets the same payment twice in one group.
        var writer = app.Services.GetRequiredService<PaymentWriter>();
        var outcomes = await TogetherAsync(() =>
        [
            writer.WriteAsync(new PaymentToApply(payment, "alipay-notify"), CancellationToken.None),
            writer.WriteAsync(new PaymentToApply(payment, "alipay-query"), CancellationToken.None),
        ]);

        Assert.Equal([PaymentOutcome.MarkedPaid, PaymentOutcome.AlreadyPaid], outcomes.Select(t => t.Result));
        Assert.Equal(1, await PaidHistoryRowsAsync(order));
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
    }

    [Fact]
    public async Task A_second_trade_paying_a_paid_order_in_the_same_group_or_later_is_not_applied()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 9);
        var first = Payment(order);
        var second = Payment(order) with { PaidWith = PayType.WeChat };
        var writer = app.Services.GetRequiredService<PaymentWriter>();
        var together = await TogetherAsync(() =>
        [
            writer.WriteAsync(new PaymentToApply(first, "alipay-notify"), CancellationToken.None),
            writer.WriteAsync(new PaymentToApply(second, "wechatpay-notify"), CancellationToken.None),
        ]);

        Assert.Equal([PaymentOutcome.MarkedPaid, PaymentOutcome.PaidByAnotherTrade], together.Select(t => t.Result));
        Assert.Equal(PaymentOutcome.PaidByAnotherTrade, await PayAsync(second));
        Assert.Equal(PaymentOutcome.AlreadyPaid, await PayAsync(first));
        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal((PayType.Alipay, first.TradeNo), (paid.PayType, paid.TradeNo));
        Assert.Equal(1, await PaidHistoryRowsAsync(order));
    }

    [Fact]
    public async Task A_notifys_log_row_that_comes_with_its_payment_is_written_in_the_payments_transaction_with_its_outcome()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var paid = await app.PlaceOrderAsync(learner, 2);
        var failing = await app.PlaceOrderAsync(learner, 3);
        var wrongAmount = await app.PlaceOrderAsync(learner, 4);
        var rows = new[] { paid, failing, wrongAmount }.ToDictionary(o => o.Id, o => new NotifyLog
        {
            ReceivedAt = DateTime.UtcNow, OutTradeNo = o.OutTradeNo, Reason = "", RawParameters = "{}", Provider = "Alipay",
        });
        NotifyLogOnPayment Log(Order order) => new(rows[order.Id], o => (o == PaymentOutcome.MarkedPaid ? NotifyVerdict.Accepted : NotifyVerdict.Rejected, "outcome " + o));
        var writer = app.Services.GetRequiredService<PaymentWriter>();
        await WithHistoryRefusedAsync(failing, async () =>
        {
            var outcomes = await TogetherAsync(() =>
            [
                writer.WriteAsync(new PaymentToApply(Payment(paid), "alipay-notify", Log(paid)), CancellationToken.None),
                writer.WriteAsync(new PaymentToApply(Payment(failing), "alipay-notify", Log(failing)), CancellationToken.None),
                writer.WriteAsync(new PaymentToApply(Payment(wrongAmount, amount: wrongAmount.TotalAmount + 1m), "alipay-notify", Log(wrongAmount)), CancellationToken.None),
            ]);

            Assert.Equal(PaymentOutcome.MarkedPaid, await outcomes[0]);
            await Assert.ThrowsAnyAsync<DbUpdateException>(() => outcomes[1]);
            Assert.Equal(PaymentOutcome.AmountMismatch, await outcomes[2]);
        });

        var numbers = new[] { paid.OutTradeNo, failing.OutTradeNo, wrongAmount.OutTradeNo };
        var logged = await app.QueryAsync(db => db.NotifyLogs.Where(l => numbers.Contains(l.OutTradeNo)).ToListAsync());
        // The failed payment's row was rolled back with it: its caller logs the notify with the error instead.
        Assert.Equal(
            [(paid.OutTradeNo, NotifyVerdict.Accepted, "outcome MarkedPaid"), (wrongAmount.OutTradeNo, NotifyVerdict.Rejected, "outcome AmountMismatch")],
            logged.OrderBy(l => l.Id).Select(l => (l.OutTradeNo, l.Verdict, l.Reason)));
    }

    private Task<int> PaidHistoryRowsAsync(params Order[] orders)
    {
        var ids = orders.Select(o => o.Id).ToList();
        return app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => ids.Contains(c.OrderId) && c.To == OrderStatus.Paid));
    }

    private Task<List<int>> StudentsAsync(params int[] courseIds) =>
        app.QueryAsync(db => db.Courses.Where(c => courseIds.Contains(c.Id)).OrderBy(c => c.Id).Select(c => c.StudentsCount).ToListAsync());

    /// <summary>
    /// Runs <paramref name="body"/> while the database refuses <paramref name="order"/>'s history rows: a real database
    /// error in the middle of a group's writes, after that order's row was updated and its course inserted.
    /// </summary>
    private async Task WithHistoryRefusedAsync(Order order, Func<Task> body)
    {
        await ExecuteAsync($"""
            CREATE TRIGGER refuse_history BEFORE INSERT ON OrderStatusChanges WHEN NEW.OrderId = {order.Id}
            BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
            """);
        try
        {
            await body();
        }
        finally
        {
            await ExecuteAsync("DROP TRIGGER refuse_history");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
