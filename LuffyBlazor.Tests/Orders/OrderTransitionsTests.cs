using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>Paying an order through <see cref="OrderTransitions"/>, where concurrent and overlapping payments meet.</summary>
public sealed class OrderTransitionsTests(OrderTransitionsTests.App app) : IClassFixture<OrderTransitionsTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private static PaymentConfirmation Payment(Order order, decimal? amount = null) =>
        new(order.OutTradeNo, "2026112522001400000000" + Random.Shared.Next(100000, 999999), amount ?? order.TotalAmount, null, null);

    private async Task<PaymentOutcome> PayAsync(PaymentConfirmation payment, string actor = "alipay-notify")
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderTransitions>().ApplyPaymentAsync(payment, actor);
    }

    [Fact]
    public async Task A_payment_that_joins_a_query_which_confirmed_another_amount_still_marks_the_order_paid()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 1);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        Task<PaymentOutcome> query, notify;
        await using (await db.Database.BeginTransactionAsync())
        {
            // SQLite's write lock is held here (BEGIN IMMEDIATE): the query's run waits on it, and the notify joins that run.
            query = PayAsync(Payment(order, order.TotalAmount + 1m), "alipay-query");
            notify = PayAsync(Payment(order));
        }

        Assert.Equal(PaymentOutcome.AmountMismatch, await query);
        Assert.Equal(PaymentOutcome.MarkedPaid, await notify);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Paying_two_orders_that_share_a_course_grants_and_counts_it_once_and_flags_the_second_for_an_admin()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var alone = await app.PlaceOrderAsync(learner, 5);
        var cart = await app.PlaceOrderAsync(learner, 5, 6);
        var studentsBefore = await StudentsAsync();

        Assert.Equal(PaymentOutcome.MarkedPaid, await PayAsync(Payment(alone)));
        Assert.Equal(PaymentOutcome.MarkedPaid, await PayAsync(Payment(cart)));

        var owned = await app.QueryAsync(db => db.CourseOwnerships.Where(x => x.UserId == learner).OrderBy(x => x.CourseId)
            .Select(x => new { x.CourseId, x.OrderId }).ToListAsync());
        Assert.Equal(new[] { new { CourseId = 5, OrderId = alone.Id }, new { CourseId = 6, OrderId = cart.Id } }, owned);
        var studentsAfter = await StudentsAsync();
        Assert.Equal((studentsBefore[5] + 1, studentsBefore[6] + 1), (studentsAfter[5], studentsAfter[6]));
        Assert.False((await app.OrderAsync(alone.OutTradeNo)).DuplicatePurchase);
        var flagged = await app.OrderAsync(cart.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, true), (flagged.Status, flagged.DuplicatePurchase));
        var history = await app.QueryAsync(db => db.OrderStatusChanges.SingleAsync(c => c.OrderId == cart.Id && c.To == OrderStatus.Paid));
        Assert.Contains("重复购买", history.Reason);
        Assert.Contains(flagged.Details.Single(d => d.CourseId == 5).CourseName, history.Reason);
    }

    private Task<Dictionary<int, int>> StudentsAsync() =>
        app.QueryAsync(db => db.Courses.Where(c => c.Id == 5 || c.Id == 6).ToDictionaryAsync(c => c.Id, c => c.StudentsCount));
}
