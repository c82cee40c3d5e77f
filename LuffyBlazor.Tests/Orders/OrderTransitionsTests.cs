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
            // SQLite's write gate is held here: the query's run waits on it, and the notify joins that run.
            query = PayAsync(Payment(order, order.TotalAmount + 1m), "alipay-query");
            notify = PayAsync(Payment(order));
        }

        Assert.Equal(PaymentOutcome.AmountMismatch, await query);
        Assert.Equal(PaymentOutcome.MarkedPaid, await notify);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }
}
