using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>Shortcuts for back-office tests: the seeded admin as an actor, and paid orders.</summary>
public static class AdminScenarios
{
    public static async Task<AdminActor> AdminAsync(this LuffyAppFactory app)
    {
        var id = await app.QueryAsync(db => db.Users.Where(u => u.UserName == LuffyAppFactory.AdminUserName).Select(u => u.Id).SingleAsync());
        return new AdminActor(id, LuffyAppFactory.AdminUserName);
    }

    /// <summary>A new learner's order for these courses, paid through the notify path.</summary>
    public static async Task<Order> PaidOrderAsync(this LuffyAppFactory app, params int[] courseIds)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, courseIds);
        await using var scope = app.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<OrderTransitions>().ApplyPaymentAsync(
            new PaymentConfirmation(order.OutTradeNo, "2026112522001" + order.OutTradeNo[^15..], order.TotalAmount, null, "2088102177846875"),
            "alipay-notify");
        Assert.Equal(PaymentOutcome.MarkedPaid, outcome);
        return await app.OrderAsync(order.OutTradeNo);
    }

    /// <summary>Runs a scoped service of the app once.</summary>
    public static async Task<T> WithAsync<TService, T>(this LuffyAppFactory app, Func<TService, Task<T>> use) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
