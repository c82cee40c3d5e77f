using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Orders.Payments;
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

    [Theory]
    [InlineData("seed-demo", SeedDemoCommand.DefaultOrders)]
    [InlineData("seed-demo --orders 2000", 2000)]
    [InlineData("seed-demo --orders 1", 1)]
    [InlineData("seed-demo --orders 10000000", SeedDemoCommand.MaxOrders)]
    [InlineData("seed-demo --urls http://localhost:5000 --orders 30", 30)]
    public void Orders_asked_for_are_read_after_the_orders_option(string commandLine, int orders) =>
        Assert.Equal(orders, SeedDemoCommand.OrdersAsked(commandLine.Split(' ')));

    [Theory]
    [InlineData("seed-demo --orders")]
    [InlineData("seed-demo --orders lots")]
    [InlineData("seed-demo --orders 0")]
    [InlineData("seed-demo --orders -5")]
    [InlineData("seed-demo --orders +5")]
    [InlineData("seed-demo --orders 1e3")]
    [InlineData("seed-demo --orders 1,000")]
    [InlineData("seed-demo --orders 10000001")]
    public void Anything_but_a_number_from_1_to_ten_million_after_the_orders_option_is_refused(string commandLine) =>
        Assert.Null(SeedDemoCommand.OrdersAsked(commandLine.Split(' ')));

    [Fact]
    public async Task The_command_seeds_the_orders_asked_for_and_refuses_a_bad_count_without_seeding_anything()
    {
        using var fresh = new LuffyAppFactory();
        using var refusal = new StringWriter();
        using var progress = new StringWriter();

        var refused = await SeedDemoCommand.RunAsync(fresh.Services, ["seed-demo", "--orders", "lots"], refusal);
        var demoAfterRefusal = await fresh.QueryAsync(db => db.Orders.CountAsync(o => o.OutTradeNo.StartsWith("DEMO")));
        var seeded = await SeedDemoCommand.RunAsync(fresh.Services, ["seed-demo", "--orders", "25"], progress);

        Assert.Equal(2, refused);
        Assert.Equal("--orders takes a number of orders from 1 to 10,000,000.", refusal.ToString().Trim());
        Assert.Equal(0, demoAfterRefusal);
        Assert.Equal(0, seeded);
        Assert.Contains("Done: 25 demo orders", progress.ToString());
        Assert.Equal(25, await fresh.QueryAsync(db => db.Orders.CountAsync(o => o.OutTradeNo.StartsWith("DEMO"))));
    }
}
