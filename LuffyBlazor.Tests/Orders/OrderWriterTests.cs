using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// Group commit on SQLite: while a write transaction is open elsewhere, Buy clicks queue and are then written
/// together in one transaction; without a running loop they are written directly.
/// </summary>
public sealed class OrderWriterTests : IClassFixture<OrderWriterTests.App>, IAsyncLifetime
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private readonly App app;

    public OrderWriterTests(App app)
    {
        this.app = app;
        app.CreateClient();
    }

    private OrderWriter Writer => app.Services.GetRequiredService<OrderWriter>();

    private Dictionary<int, (string Name, decimal Price)> catalogue = [];

    public async Task InitializeAsync() =>
        catalogue = await app.QueryAsync(db => db.Courses.ToDictionaryAsync(c => c.Id, c => (c.Name, c.Price)));

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A Buy of one course, as OrderService hands it over.</summary>
    private static OrderRequest Buy(string userId, int courseId, decimal? clientTotal = null) =>
        new(userId, [courseId], clientTotal, null, PayType.Alipay);

    /// <summary>
    /// Holds SQLite's write lock with an open transaction and queues a first order and then <paramref name="drafts"/>:
    /// nothing can be written until the lock is let go, so the writer takes them in at most two groups (the first
    /// order, maybe with some that came right behind it, then all the rest together).
    /// </summary>
    private async Task<Task<PlaceOrderResult>[]> QueuedTogetherAsync(params OrderRequest[] drafts)
    {
        var (first, _) = await app.CreateLearnerAsync();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        Task<PlaceOrderResult>[] writes;
        await using (await db.Database.BeginTransactionAsync())
        {
            writes = [Writer.WriteAsync(Buy(first, 2), CancellationToken.None), .. drafts.Select(d => Writer.WriteAsync(d, CancellationToken.None))];
            Assert.All(writes, w => Assert.False(w.IsCompleted));
        }

        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        return writes;
    }

    /// <summary>An OrderWriter of this app's database that is not hosted: its loop is not running.</summary>
    private OrderWriter UnhostedWriter() => new(
        app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>(), TimeProvider.System, app.Services.GetRequiredService<IOptions<OrderOptions>>(), app.Services.GetRequiredService<IOptions<DatabaseOptions>>(),
        NullLogger<OrderWriter>.Instance);

    [Fact]
    public async Task Two_clicks_of_one_learner_in_one_group_make_one_order_and_other_learners_get_their_own()
    {
        var (alice, _) = await app.CreateLearnerAsync();
        var (bob, _) = await app.CreateLearnerAsync();

        var writes = await QueuedTogetherAsync(Buy(alice, 5), Buy(bob, 5), Buy(alice, 5), Buy(alice, 6));
        var all = await Task.WhenAll(writes);
        var results = all[1..];

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(results[0].Order!.OutTradeNo, results[2].Order!.OutTradeNo);
        Assert.True(results[2].Reused);
        Assert.Equal(3, results.Select(r => r.Order!.OutTradeNo).Distinct().Count());
        Assert.Equal(2, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == alice)));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == results[1].Order!.Id && c.To == OrderStatus.Unpaid)));
        // Four orders in at most two transactions: an order's CreatedAt is its transaction's instant.
        Assert.InRange(all.Select(r => r.Order!.CreatedAt).Distinct().Count(), 1, 2);
    }

    [Fact]
    public async Task A_live_order_stored_before_is_given_back_to_its_own_learner_only_when_a_group_crosses_learners_and_courses()
    {
        var (alice, _) = await app.CreateLearnerAsync();
        var (bob, _) = await app.CreateLearnerAsync();
        var earlier = await Writer.WriteAsync(Buy(alice, 5), CancellationToken.None);

        // The group's read matches alice and bob with courses 5 and 6 alike; only alice asked for 5 before.
        var writes = await QueuedTogetherAsync(Buy(bob, 5), Buy(alice, 6), Buy(alice, 5), Buy(bob, 6));
        var results = (await Task.WhenAll(writes))[1..];

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.True(results[2].Reused);
        Assert.Equal(earlier.Order!.OutTradeNo, results[2].Order!.OutTradeNo);
        Assert.All([results[0], results[1], results[3]], r => Assert.False(r.Reused));
        Assert.Equal(bob, await app.QueryAsync(db => db.Orders.Where(o => o.OutTradeNo == results[0].Order!.OutTradeNo).Select(o => o.UserId).SingleAsync()));
        Assert.Equal(4, results.Select(r => r.Order!.OutTradeNo).Distinct().Count());
    }

    [Fact]
    public async Task One_order_that_cannot_be_written_fails_alone_and_the_rest_of_its_group_is_stored()
    {
        var (carol, _) = await app.CreateLearnerAsync();
        var (dave, _) = await app.CreateLearnerAsync();

        var writes = (await QueuedTogetherAsync(Buy(carol, 7), Buy("no-such-learner", 7), Buy(dave, 7)))[1..];

        Assert.True((await writes[0]).Succeeded);
        Assert.True((await writes[2]).Succeeded);
        await Assert.ThrowsAsync<DbUpdateException>(() => writes[1]);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == carol)));
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == dave)));
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == "no-such-learner")));
    }

    [Fact]
    public async Task An_order_is_written_when_the_writer_was_never_started()
    {
        var (erin, _) = await app.CreateLearnerAsync();

        var result = await UnhostedWriter().WriteAsync(Buy(erin, 8), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == erin)));
    }

    [Fact]
    public async Task An_order_is_written_after_the_writer_has_stopped()
    {
        var (frank, _) = await app.CreateLearnerAsync();
        var writer = UnhostedWriter();
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        var result = await writer.WriteAsync(Buy(frank, 8), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.Succeeded);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == frank)));
    }

    public static TheoryData<string, int, string> ChangesBeforeWriting => new()
    {
        { "taken off sale", 9, "已下架" },
        { "bought through another order", 11, "已购买" },
    };

    [Theory]
    [MemberData(nameof(ChangesBeforeWriting))]
    public async Task A_course_that_cannot_be_bought_when_its_order_is_written_is_refused_and_nothing_is_stored(string change, int courseId, string expected)
    {
        var (gina, _) = await app.CreateLearnerAsync();
        await ChangeAsync(change, gina, courseId);

        var result = await Writer.WriteAsync(Buy(gina, courseId), CancellationToken.None);

        Assert.False(result.Succeeded, change);
        Assert.Contains(expected, result.Error);
        Assert.Contains(catalogue[courseId].Name, result.Error);
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == gina && o.PurchaseKey == courseId.ToString() && o.Status == OrderStatus.Unpaid)));
    }

    [Fact]
    public async Task An_order_is_priced_as_the_database_holds_the_course_when_it_is_written_and_a_stale_client_total_is_refused()
    {
        var (hank, _) = await app.CreateLearnerAsync();
        var shownPrice = catalogue[10].Price;
        await app.QueryAsync(db => db.Courses.Where(c => c.Id == 10).ExecuteUpdateAsync(s => s.SetProperty(c => c.Price, c => c.Price + 1m)));

        var stale = await Writer.WriteAsync(Buy(hank, 10, clientTotal: shownPrice), CancellationToken.None);
        var placed = await Writer.WriteAsync(Buy(hank, 10), CancellationToken.None);

        Assert.False(stale.Succeeded);
        Assert.Contains($"应付 {LuffyBlazor.Common.Money.Format(shownPrice + 1m)} 元", stale.Error);
        Assert.True(placed.Succeeded, placed.Error);
        var order = await app.OrderAsync(placed.Order!.OutTradeNo);
        Assert.Equal(shownPrice + 1m, order.TotalAmount);
        Assert.Equal(shownPrice + 1m, order.Details.Single().Price);
    }

    private async Task ChangeAsync(string change, string userId, int courseId)
    {
        if (change == "bought through another order")
        {
            var other = await app.PlaceOrderAsync(userId, courseId);
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OrderTransitions>().ApplyPaymentAsync(
                new PaymentConfirmation(other.OutTradeNo, "2026112522001" + other.OutTradeNo[^15..], other.TotalAmount, null, null), "test");
            return;
        }

        await app.QueryAsync(db => db.Courses.Where(c => c.Id == courseId).ExecuteUpdateAsync(s => s.SetProperty(c => c.IsOnSale, false)));
    }
}
