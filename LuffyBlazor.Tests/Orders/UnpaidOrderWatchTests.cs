using System.Data.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

/// <summary>The one watch the waiting pages share, over the app's real SQLite database, on a fake clock.</summary>
public sealed class UnpaidOrderWatchTests : IClassFixture<LuffyAppFactory>, IDisposable
{
    private readonly LuffyAppFactory app;
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly CountedQueries queries = new();
    private readonly CapturedLogs logs = new();
    private readonly LoggerFactory loggers;
    private readonly UnpaidOrderWatch watch;

    public UnpaidOrderWatchTests(LuffyAppFactory app)
    {
        this.app = app;
        loggers = new LoggerFactory([logs]);
        watch = new UnpaidOrderWatch(new InterceptedContexts(app.DatabasePath, queries), clock, loggers.CreateLogger<UnpaidOrderWatch>());
    }

    public void Dispose()
    {
        watch.Dispose();
        loggers.Dispose();
    }

    private async Task<(string UserId, Order Order)> UnpaidOrderAsync(int course)
    {
        var (learner, _) = await app.CreateLearnerAsync("watch");
        return (learner, await app.PlaceOrderAsync(learner, course));
    }

    private Task PayAsync(Order order) =>
        app.QueryAsync(db => db.Orders.Where(o => o.Id == order.Id).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OrderStatus.Paid)));

    /// <summary>Moves the clock one period on and waits (in real time) until the watch has sent that tick's queries.</summary>
    private async Task TickAsync(int expectedQueries = 1)
    {
        var before = queries.Count;
        clock.Advance(UnpaidOrderWatch.Every);
        await WaitUntilAsync(() => queries.Count >= before + expectedQueries, "the watch did not query at its tick");
    }

    private static async Task WaitUntilAsync(Func<bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(10);
        }
    }

    private static Task<T> Soon<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_paid_order_tells_all_its_waiting_pages_and_an_unpaid_one_none()
    {
        var (payer, paid) = await UnpaidOrderAsync(1);
        var (waiter, unpaid) = await UnpaidOrderAsync(2);
        using var leave = new CancellationTokenSource();
        var firstTab = watch.UntilSettledAsync(payer, paid.OutTradeNo, leave.Token);
        var secondTab = watch.UntilSettledAsync(payer, paid.OutTradeNo, leave.Token);
        var stillUnpaid = watch.UntilSettledAsync(waiter, unpaid.OutTradeNo, leave.Token);

        await TickAsync();
        Assert.False(firstTab.IsCompleted || secondTab.IsCompleted || stillUnpaid.IsCompleted);

        await PayAsync(paid);
        await TickAsync();

        Assert.Equal(OrderStatus.Paid, await Soon(firstTab));
        Assert.Equal(OrderStatus.Paid, await Soon(secondTab));
        Assert.False(stillUnpaid.IsCompleted);
        Assert.True(watch.IsWatching);
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stillUnpaid);
    }

    [Fact]
    public async Task Someone_elses_order_is_never_reported()
    {
        var (_, order) = await UnpaidOrderAsync(3);
        var (stranger, _) = await app.CreateLearnerAsync("stranger");
        await PayAsync(order);

        var snooping = watch.UntilSettledAsync(stranger, order.OutTradeNo, TimeSpan.FromSeconds(6), CancellationToken.None);
        await TickAsync();
        await TickAsync();
        clock.Advance(UnpaidOrderWatch.Every);

        Assert.Null(await Soon(snooping)); // the time ran out, nothing was said about the order
    }

    [Fact]
    public async Task Many_waiting_pages_cost_one_query_a_tick_and_a_query_per_500_orders()
    {
        var (learner, order) = await UnpaidOrderAsync(4);
        using var leave = new CancellationTokenSource();
        var pages = Enumerable.Range(0, 40).Select(_ => watch.UntilSettledAsync(learner, order.OutTradeNo, leave.Token)).ToList();
        pages.AddRange(Enumerable.Range(0, 60).Select(i => watch.UntilSettledAsync(learner, $"NOSUCHORDER{i:D6}", leave.Token)));

        await TickAsync();
        await Task.Delay(100); // room for a second query, were there one
        Assert.Equal(1, queries.Count);

        pages.AddRange(Enumerable.Range(60, 1100).Select(i => watch.UntilSettledAsync(learner, $"NOSUCHORDER{i:D6}", leave.Token)));
        await PayAsync(order);
        await TickAsync(expectedQueries: 3); // 1,101 orders watched: 500 + 500 + 101
        await Task.WhenAll(pages.Take(40).Select(Soon));
        await Task.Delay(100);
        Assert.Equal(4, queries.Count);
        Assert.All(pages.Skip(40), p => Assert.False(p.IsCompleted));
        await leave.CancelAsync();
    }

    [Fact]
    public async Task A_page_that_goes_away_mid_wait_leaves_no_registration_and_the_loop_stops()
    {
        var (learner, order) = await UnpaidOrderAsync(5);
        Assert.False(watch.IsWatching); // nobody waits yet: no loop, no timer
        using var circuit = new CancellationTokenSource();
        var page = watch.UntilSettledAsync(learner, order.OutTradeNo, circuit.Token);
        await TickAsync();
        Assert.True(watch.IsWatching);

        await circuit.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Soon(page));
        Assert.False(watch.IsWatching);
        var before = queries.Count;
        clock.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(100);
        Assert.Equal(before, queries.Count);
    }

    [Fact]
    public async Task The_loop_stops_once_its_last_order_is_paid_and_starts_again_for_the_next_page()
    {
        var (learner, order) = await UnpaidOrderAsync(6);
        var page = watch.UntilSettledAsync(learner, order.OutTradeNo, CancellationToken.None);
        await PayAsync(order);
        await TickAsync();
        Assert.Equal(OrderStatus.Paid, await Soon(page));
        Assert.False(watch.IsWatching);

        var (next, nextOrder) = await UnpaidOrderAsync(7);
        var nextPage = watch.UntilSettledAsync(next, nextOrder.OutTradeNo, CancellationToken.None);
        await PayAsync(nextOrder);
        await TickAsync();
        Assert.Equal(OrderStatus.Paid, await Soon(nextPage));
    }

    [Fact]
    public async Task A_failing_read_is_logged_fails_the_pages_waiting_then_and_the_loop_lives_on()
    {
        var (learner, order) = await UnpaidOrderAsync(8);
        var unlucky = watch.UntilSettledAsync(learner, order.OutTradeNo, CancellationToken.None);
        queries.FailNext = true;

        await TickAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Soon(unlucky));
        Assert.Equal("database gone", error.Message);
        Assert.Contains(logs.Warnings, w => w.StartsWith("Reading the status of 1 watched order(s) failed"));

        var next = watch.UntilSettledAsync(learner, order.OutTradeNo, CancellationToken.None);
        await PayAsync(order);
        await TickAsync();
        Assert.Equal(OrderStatus.Paid, await Soon(next));
    }

    /// <summary>Counts the queries sent; fails the next one when asked, as a database going away would.</summary>
    private sealed class CountedQueries : DbCommandInterceptor
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public volatile bool FailNext;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            Interlocked.Increment(ref count);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("database gone");
            }

            return ValueTask.FromResult(result);
        }
    }
}
