using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// Group commit on SQLite: while a write transaction is open elsewhere, Buy clicks queue and are then written
/// together in one transaction.
/// </summary>
public sealed class OrderWriterTests : IClassFixture<OrderWriterTests.App>
{
    public sealed class App() : LuffyAppFactory(AlipayTestKeys.Settings());

    private readonly App app;

    public OrderWriterTests(App app)
    {
        this.app = app;
        app.CreateClient();
    }

    private OrderWriter Writer => app.Services.GetRequiredService<OrderWriter>();

    private static OrderDraft Draft(string userId, int courseId, decimal price = 9.90m) =>
        new(userId, [(courseId, "课程" + courseId, price)], price, "路飞学城-课程" + courseId, PayType.Alipay);

    /// <summary>
    /// Holds SQLite's write gate with an open transaction, queues a first order (which the writer takes and then
    /// waits on the gate with), queues <paramref name="drafts"/> behind it as one group, then lets them all through.
    /// </summary>
    private async Task<Task<PlaceOrderResult>[]> QueuedTogetherAsync(params OrderDraft[] drafts)
    {
        var (first, _) = await app.CreateLearnerAsync();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>().CreateDbContextAsync();
        Task<PlaceOrderResult>[] writes;
        await using (await db.Database.BeginTransactionAsync())
        {
            var leading = Writer.WriteAsync(Draft(first, 2), CancellationToken.None);
            await Task.Delay(TimeSpan.FromMilliseconds(300)); // the writer has taken it and waits on the gate
            writes = [leading, .. drafts.Select(d => Writer.WriteAsync(d, CancellationToken.None))];
            Assert.All(writes, w => Assert.False(w.IsCompleted));
        }

        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));
        return writes[1..];
    }

    [Fact]
    public async Task Two_clicks_of_one_learner_in_one_group_make_one_order_and_other_learners_get_their_own()
    {
        var (alice, _) = await app.CreateLearnerAsync();
        var (bob, _) = await app.CreateLearnerAsync();

        var writes = await QueuedTogetherAsync(Draft(alice, 5), Draft(bob, 5), Draft(alice, 5), Draft(alice, 6));
        var results = writes.Select(w => w.Result).ToList();

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(results[0].Order!.OutTradeNo, results[2].Order!.OutTradeNo);
        Assert.True(results[2].Reused);
        Assert.Equal(3, results.Select(r => r.Order!.OutTradeNo).Distinct().Count());
        Assert.Equal(2, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == alice)));
        Assert.Equal(1, await app.QueryAsync(db => db.OrderStatusChanges.CountAsync(c => c.OrderId == results[1].Order!.Id && c.To == OrderStatus.Unpaid)));
    }

    [Fact]
    public async Task One_order_that_cannot_be_written_fails_alone_and_the_rest_of_its_group_is_stored()
    {
        var (carol, _) = await app.CreateLearnerAsync();
        var (dave, _) = await app.CreateLearnerAsync();

        var writes = await QueuedTogetherAsync(Draft(carol, 7), Draft("no-such-learner", 7), Draft(dave, 7));

        Assert.True(writes[0].Result.Succeeded);
        Assert.True(writes[2].Result.Succeeded);
        await Assert.ThrowsAsync<DbUpdateException>(() => writes[1]);
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == carol)));
        Assert.Equal(1, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == dave)));
        Assert.Equal(0, await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == "no-such-learner")));
    }
}
