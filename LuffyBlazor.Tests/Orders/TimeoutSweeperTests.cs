using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Orders;

public sealed class TimeoutSweeperTests(ScriptedAlipayApp fixture) : IClassFixture<ScriptedAlipayApp>
{
    private readonly LuffyAppFactory app = fixture.App;
    private readonly ScriptedAlipay alipay = fixture.Alipay;
    private readonly FakeTimeProvider clock = fixture.Clock;

    private async Task<Order> ExpiredOrderAsync(int courseId, string? alipayStatus)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, courseId);
        if (alipayStatus is not null)
        {
            alipay.Trades[order.OutTradeNo] = (alipayStatus, order.TotalAmount);
        }

        clock.Advance(TimeSpan.FromMinutes(16));
        return order;
    }

    private async Task<int> SweepAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderTimeoutSweep>().SweepOnceAsync();
    }

    private TimeSpan ClaimLifetime()
    {
        using var scope = app.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<OrderTimeoutSweep>().ClaimLifetime;
    }

    private Task<List<OrderStatusChange>> HistoryAsync(Order order) =>
        app.QueryAsync(db => db.OrderStatusChanges.AsNoTracking().Where(c => c.OrderId == order.Id).OrderBy(c => c.Id).ToListAsync());

    [Fact]
    public async Task An_expired_order_alipay_never_saw_times_out()
    {
        var order = await ExpiredOrderAsync(1, alipayStatus: null);

        await SweepAsync();

        var swept = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.TimedOut, swept.Status);
        Assert.Equal("超过支付期限未付款", swept.CloseReason);
        Assert.Equal((1, 0), (alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"), alipay.CallsFor(order.OutTradeNo, "alipay.trade.close")));
        var change = (await HistoryAsync(order)).Last();
        Assert.Equal((OrderStatus.Unpaid, OrderStatus.TimedOut, "sweeper"), (change.From, change.To, change.Actor));
    }

    [Fact]
    public async Task An_expired_order_left_open_at_the_cashier_is_closed_at_alipay_first()
    {
        var order = await ExpiredOrderAsync(2, "WAIT_BUYER_PAY");

        await SweepAsync();

        Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
        Assert.Equal("TRADE_CLOSED", alipay.Trades[order.OutTradeNo].Status);
    }

    [Fact]
    public async Task An_order_paid_at_the_last_second_is_recorded_as_paid_not_timed_out()
    {
        var order = await ExpiredOrderAsync(3, "TRADE_SUCCESS");

        await SweepAsync();

        var paid = await app.OrderAsync(order.OutTradeNo);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.False(paid.PaidAfterClose);
        Assert.Equal(DateTimeOffset.Parse("2026-11-25T08:31:10Z").UtcDateTime, paid.PayTime);
        Assert.Equal(1, await app.QueryAsync(db => db.CourseOwnerships.CountAsync(x => x.OrderId == order.Id)));
        Assert.Equal("sweeper", (await HistoryAsync(order)).Last().Actor);
        Assert.Equal(0, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
    }

    [Fact]
    public async Task An_order_still_within_its_time_is_left_alone()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 4);
        clock.Advance(TimeSpan.FromMinutes(14));

        await SweepAsync();

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.DoesNotContain(alipay.Calls, c => c.OutTradeNo == order.OutTradeNo);
    }

    [Fact]
    public async Task When_alipay_cannot_be_asked_the_order_stays_unpaid_and_is_tried_again_once_the_claim_lapses()
    {
        var order = await ExpiredOrderAsync(5, ScriptedAlipay.Unreachable);

        await SweepAsync();
        var callsAfterFirst = alipay.CallsFor(order.OutTradeNo, "alipay.trade.query");
        await SweepAsync();

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(callsAfterFirst, alipay.CallsFor(order.OutTradeNo, "alipay.trade.query")); // still claimed: not asked again

        alipay.Trades.TryRemove(order.OutTradeNo, out _);
        clock.Advance(ClaimLifetime() + TimeSpan.FromSeconds(1));
        await SweepAsync();

        Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Two_sweepers_at_once_handle_each_order_exactly_once()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var orders = new List<Order>();
        foreach (var course in new[] { 6, 7, 8, 9, 10 })
        {
            var order = await app.PlaceOrderAsync(learner, course);
            alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);
            orders.Add(order);
        }

        clock.Advance(TimeSpan.FromMinutes(16));

        await Task.WhenAll(SweepAsync(), SweepAsync(), SweepAsync());

        foreach (var order in orders)
        {
            Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
            Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"));
            Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
            Assert.Single(await HistoryAsync(order), c => c.To == OrderStatus.TimedOut);
        }
    }

    [Fact]
    public async Task An_order_taken_late_in_a_slow_batch_is_still_claimed_when_another_instance_sweeps()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var orders = new List<Order>();
        foreach (var course in new[] { 11, 12, 13, 14 })
        {
            var order = await app.PlaceOrderAsync(learner, course);
            alipay.Trades[order.OutTradeNo] = ("WAIT_BUYER_PAY", order.TotalAmount);
            orders.Add(order);
        }

        clock.Advance(TimeSpan.FromMinutes(16));
        var callTimeout = app.Services.GetRequiredService<IOptions<AlipayOptions>>().Value.CallTimeout;
        var otherInstanceSwept = false;
        alipay.BeforeAnswer = async (method, outTradeNo) =>
        {
            if (otherInstanceSwept || orders.All(o => o.OutTradeNo != outTradeNo))
            {
                return;
            }

            // Every call of this sweep lasts as long as a call can (all its attempts time out)...
            clock.Advance(callTimeout);
            if (outTradeNo == orders[2].OutTradeNo && method == "alipay.trade.query")
            {
                // ...and while it waits on the third order, minutes after it read its batch, another instance sweeps.
                otherInstanceSwept = true;
                await SweepAsync();
            }
        };
        try
        {
            await SweepAsync();
        }
        finally
        {
            alipay.BeforeAnswer = null;
        }

        Assert.True(otherInstanceSwept);
        foreach (var order in orders)
        {
            Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
            Assert.Equal((1, 1), (alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"), alipay.CallsFor(order.OutTradeNo, "alipay.trade.close")));
        }
    }

    [Fact]
    public async Task A_sweep_whose_claim_lapsed_while_alipay_answered_leaves_the_order_to_the_next_sweep()
    {
        var order = await ExpiredOrderAsync(15, "WAIT_BUYER_PAY");
        var lifetime = ClaimLifetime();
        alipay.BeforeAnswer = (_, outTradeNo) =>
        {
            if (outTradeNo == order.OutTradeNo)
            {
                clock.Advance(lifetime + TimeSpan.FromSeconds(1)); // slower than the claim allows: another instance may own it by now
            }

            return Task.CompletedTask;
        };
        try
        {
            await SweepAsync();
        }
        finally
        {
            alipay.BeforeAnswer = null;
        }

        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal((1, 0), (alipay.CallsFor(order.OutTradeNo, "alipay.trade.query"), alipay.CallsFor(order.OutTradeNo, "alipay.trade.close")));

        await SweepAsync();

        Assert.Equal(OrderStatus.TimedOut, (await app.OrderAsync(order.OutTradeNo)).Status);
        Assert.Equal(1, alipay.CallsFor(order.OutTradeNo, "alipay.trade.close"));
    }
}

/// <summary>The hosted service itself: it sweeps on every tick of the (fake) clock.</summary>
public sealed class TimeoutSweeperServiceTests
{
    [Fact]
    public async Task The_background_sweeper_times_out_an_expired_order_on_its_next_tick()
    {
        await using var alipay = await ScriptedAlipay.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Gateway"] = alipay.Url,
            ["Orders:SweepInterval"] = "00:01:00",
        })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        app.CreateClient();
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, 1);

        var status = OrderStatus.Unpaid;
        for (var minute = 0; minute < 20 && status == OrderStatus.Unpaid; minute++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            for (var wait = 0; wait < 20 && status == OrderStatus.Unpaid && minute >= 15; wait++)
            {
                await Task.Delay(50);
                status = (await app.OrderAsync(order.OutTradeNo)).Status;
            }
        }

        Assert.Equal(OrderStatus.TimedOut, status);
    }
}
