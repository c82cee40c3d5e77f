using LuffyBlazor.Common;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
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

    /// <summary>A paid order (see <see cref="PaidOrderAsync"/>) that the scripted Alipay knows as paid too, ready to refund.</summary>
    public static async Task<Order> PaidAtAlipayAsync(this ScriptedAlipayApp fixture, params int[] courseIds)
    {
        var order = await fixture.App.PaidOrderAsync(courseIds);
        fixture.Alipay.Trades[order.OutTradeNo] = ("TRADE_SUCCESS", order.TotalAmount);
        return order;
    }

    /// <summary>Runs a scoped service of the app once.</summary>
    public static async Task<T> WithAsync<TService, T>(this LuffyAppFactory app, Func<TService, Task<T>> use) where TService : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>
    /// Rounds of the school's only two admins removing each other's role at the same moment (the survivor of a round
    /// promotes a new rival for the next): each round exactly one removal goes through and one admin is left.
    /// </summary>
    public static async Task AssertTwoAdminsDemotingEachOtherLeaveOneAsync(this LuffyAppFactory app, int rounds)
    {
        var survivor = await app.AdminAsync();
        for (var round = 0; round < rounds; round++)
        {
            var (id, name) = await app.CreateLearnerAsync("rival");
            Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(id, true, "轮值", survivor))).Succeeded);
            var rival = new AdminActor(id, name);
            var (first, second) = (survivor, rival);
            var outcomes = await Task.WhenAll(
                Task.Run(() => app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(second.UserId, false, "互撤", first))),
                Task.Run(() => app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(first.UserId, false, "互撤", second))));
            var admins = await app.QueryAsync(db => db.UserRoles
                .Where(ur => db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Admin)).Select(ur => ur.UserId).ToListAsync());

            Assert.Single(outcomes, o => o.Succeeded);
            var left = Assert.Single(admins);
            survivor = left == survivor.UserId ? survivor : rival;
        }
    }
}
