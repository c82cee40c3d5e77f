using LuffyBlazor.Features.Admin.Dashboard;
using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Data;

/// <summary>The back office's bulk seeding and its grid queries (prefix ranges, id-first paging) on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAdminTests(PostgresServer postgres)
{
    [Fact]
    public async Task Demo_orders_seed_and_the_orders_grid_filters_sorts_and_pages_them_on_postgres()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = postgres.ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
        });

        var seeded = await app.WithAsync<DemoDataSeeder, DemoSeedResult>(s => s.SeedAsync(300, _ => { }));
        var first = await app.WithAsync<OrderGridQuery, OrderGridPage>(q => q.PageAsync(OrderGridFilter.None, OrderSort.Default, 0, 20));
        var number = first.Rows[7].OutTradeNo;
        var byNumber = await app.WithAsync<OrderGridQuery, OrderGridPage>(q =>
            q.PageAsync(new() { Search = number[..^2].ToLowerInvariant() }, OrderSort.Default, 0, 20));
        var learner = first.Rows[3].UserName;
        var byLearner = await app.WithAsync<OrderGridQuery, OrderGridPage>(q => q.PageAsync(new() { User = learner }, OrderSort.Default, 0, 200));
        var byAmount = await app.WithAsync<OrderGridQuery, OrderGridPage>(q =>
            q.PageAsync(OrderGridFilter.None, new(OrderSortColumn.TotalAmount, true), 14, 20));
        var byCourse = await app.WithAsync<OrderGridQuery, OrderGridPage>(q => q.PageAsync(new() { Search = "python" }, OrderSort.Default, 0, 200));
        var withPython = await app.QueryAsync(db => db.Orders.Where(o => o.Details.Any(d => d.CourseName.Contains("Python"))).Select(o => o.Id).ToListAsync());
        var dashboard = await app.WithAsync<DashboardQueries, DashboardSummary>(d => d.LoadAsync());
        var collation = await app.QueryAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT collation_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'Orders' AND column_name = 'OutTradeNo'").SingleAsync());

        Assert.Equal((300, 300), (seeded.OrdersAdded, first.Totals.Count));
        Assert.Equal(20, first.Rows.Count);
        Assert.True(first.Rows.Zip(first.Rows.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt), "newest first");
        Assert.Contains(byNumber.Rows, r => r.OutTradeNo == number);
        Assert.All(byNumber.Rows, r => Assert.StartsWith(number[..^2], r.OutTradeNo));
        Assert.NotEmpty(byLearner.Rows);
        Assert.All(byLearner.Rows, r => Assert.Equal(learner, r.UserName));
        Assert.Equal(await app.QueryAsync(db => db.Orders.CountAsync(o => o.User!.UserName == learner)), byLearner.Totals.Count);
        Assert.Equal(20, byAmount.Rows.Count); // the last page, read from the other end
        Assert.True(byAmount.Rows.Zip(byAmount.Rows.Skip(1)).All(p => p.First.TotalAmount >= p.Second.TotalAmount), "largest first");
        Assert.Equal(withPython.Count, byCourse.Totals.Count);
        Assert.Equal(withPython.Count, byCourse.Rows.Count);
        Assert.All(byCourse.Rows, r => Assert.Contains(r.Id, withPython));
        Assert.Equal(300, dashboard.StatusCounts.Values.Sum());
        Assert.Equal("C", collation);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_the_same_moment_leave_one_admin_on_postgres()
    {
        await using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = postgres.ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
        });

        await app.AssertTwoAdminsDemotingEachOtherLeaveOneAsync(rounds: 6);
    }
}
