using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The waiting pages' watch on PostgreSQL: a payment recorded by another instance, among more orders than one query holds.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresUnpaidOrderWatchTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_watch_on_one_instance_sees_an_order_paid_through_another_among_a_thousand_watched()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Default"] = postgres.ConnectionString("luffy_" + Guid.NewGuid().ToString("N")[..12]),
        };
        using var paying = new LuffyAppFactory(settings);
        using var waiting = new LuffyAppFactory(settings);
        var (learner, _) = await paying.CreateLearnerAsync("pgwatch");
        var order = await paying.PlaceOrderAsync(learner, 3);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var watch = new UnpaidOrderWatch(
            waiting.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>(), clock, NullLogger<UnpaidOrderWatch>.Instance);
        using var leave = new CancellationTokenSource();
        var others = Enumerable.Range(0, 1000).Select(i => watch.UntilSettledAsync(learner, $"NOSUCHORDER{i:D6}", leave.Token)).ToList();
        var page = watch.UntilSettledAsync(learner, order.OutTradeNo, leave.Token);

        await paying.QueryAsync(db => db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid)));
        clock.Advance(UnpaidOrderWatch.Every);

        Assert.Equal(OrderStatus.Paid, await page.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.All(others, o => Assert.False(o.IsCompleted));
        await leave.CancelAsync();
    }
}
