using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Admin;

/// <summary><c>seed-demo</c>: what it writes is what the real flow would have written, and running it again adds only what is missing.</summary>
public sealed class DemoSeedTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private static Task<DemoSeedResult> SeedAsync(LuffyAppFactory app, int orders, List<string>? report = null) =>
        app.WithAsync<DemoDataSeeder, DemoSeedResult>(s => s.SeedAsync(orders, line => report?.Add(line)));

    [Fact]
    public async Task Seeding_tops_up_to_the_number_asked_for_and_says_what_it_did()
    {
        using var fresh = new LuffyAppFactory();
        var report = new List<string>();

        var first = await SeedAsync(fresh, 700, report);
        var again = await SeedAsync(fresh, 700, report);
        var more = await SeedAsync(fresh, 900, report);

        Assert.Equal((0, 700), (first.OrdersBefore, first.OrdersAdded));
        Assert.True(first.UsersAdded > 0);
        Assert.Equal((700, 0, 0), (again.OrdersBefore, again.OrdersAdded, again.UsersAdded));
        Assert.Equal((700, 200), (more.OrdersBefore, more.OrdersAdded));
        Assert.Contains(report, l => l.Contains("already holds 700 demo orders"));
        Assert.Contains(report, l => l.StartsWith("Done: 900 demo orders", StringComparison.Ordinal));
        Assert.Equal(900, await fresh.QueryAsync(db => db.Orders.CountAsync(o => o.OutTradeNo.StartsWith("DEMO"))));
    }

    [Fact]
    public async Task Demo_orders_are_stored_as_the_real_flow_stores_them()
    {
        await SeedAsync(app, 700);
        var orders = await app.QueryAsync(db => db.Orders.AsNoTracking().Include(o => o.Details).Where(o => o.OutTradeNo.StartsWith("DEMO")).ToListAsync());
        var owned = await app.QueryAsync(db => db.CourseOwnerships.AsNoTracking().ToListAsync());
        var refunds = await app.QueryAsync(db => db.OrderRefunds.AsNoTracking().ToListAsync());
        var history = await app.QueryAsync(db => db.OrderStatusChanges.AsNoTracking().ToListAsync());

        Assert.All(orders, o =>
        {
            Assert.True(OrderNumbers.IsWellFormed(o.OutTradeNo));
            Assert.Equal(o.Details.Sum(d => d.RealPrice), o.TotalAmount);
            Assert.Equal(o.Status is OrderStatus.Paid or OrderStatus.Refunded, o.PayTime is not null);
            Assert.Equal(o.Status, history.Where(h => h.OrderId == o.Id).MaxBy(h => h.Id)!.To);
            Assert.Equal(o.Status == OrderStatus.Paid ? o.Details.Count : 0, owned.Count(x => x.OrderId == o.Id));
        });
        Assert.All(orders.Where(o => o.Status == OrderStatus.Refunded), o =>
        {
            var refund = Assert.Single(refunds, r => r.OrderId == o.Id);
            Assert.Equal((RefundStatus.Succeeded, o.TotalAmount, o.TotalAmount), (refund.Status, refund.Amount, o.RefundedAmount));
        });
        Assert.Equal(owned.Count, owned.Select(x => (x.UserId, x.CourseId)).Distinct().Count());
        Assert.Contains(orders, o => o.Status == OrderStatus.Refunded);
        Assert.Contains(orders, o => o.Status == OrderStatus.TimedOut);
    }
}
