using LuffyBlazor.Data;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>Alipay's retry schedule on a fake clock, against a local server playing the merchant.</summary>
public sealed class SimulatorNotifyScheduleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-25T02:00:00Z"));
    private readonly Queue<string> answers = new();
    private LuffyAppFactory app = null!;
    private FakeAlipayGateway merchant = null!;

    public async Task InitializeAsync()
    {
        merchant = await FakeAlipayGateway.StartAsync(
            (_, context) => context.Response.WriteAsync(answers.TryDequeue(out var answer) ? answer : "failure"), "/api/v1/order/success/");
        app = new LuffyAppFactory(new Dictionary<string, string?>
        {
            ["Alipay:Simulator:Enabled"] = "true",
            ["Alipay:Simulator:AppPublicKeyPath"] = AlipayTestKeys.AppPublicKeyPath,
            ["Alipay:Simulator:AlipayPrivateKeyPath"] = AlipayTestKeys.AlipayPrivateKeyPath,
            ["Alipay:Simulator:RunNotifier"] = "false",
        })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        app.CreateClient();
    }

    /// <summary>A paid trade whose notify goes to the local merchant, queued as the cashier queues it.</summary>
    private async Task<long> QueuedNotifyAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LuffyDbContext>();
        var now = clock.GetUtcNow();
        var trade = new SimulatorTrade
        {
            AppId = AlipayTestKeys.AppId, OutTradeNo = "T" + Guid.NewGuid().ToString("N")[..16], TradeNo = SimulatorIds.TradeNo(now),
            Subject = "路飞学城-测试", TotalAmount = 99m, ProductCode = "FAST_INSTANT_TRADE_PAY", NotifyUrl = merchant.Url,
            Status = TradeStatus.Success, CreatedAt = now.UtcDateTime, PaidAt = now.UtcDateTime, BuyerId = "2088102146225135",
        };
        db.Add(trade);
        await db.SaveChangesAsync();
        var notification = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>().QueuePayment(db, trade, now).Single();
        await db.SaveChangesAsync();
        return notification.Id;
    }

    private async Task<SimulatorNotification> SendDueAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var notifications = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>();
        Assert.Equal([id], await notifications.ClaimDueAsync(10, CancellationToken.None));
        await notifications.AttemptAsync(id, CancellationToken.None);
        return await app.QueryAsync(db => db.Set<SimulatorNotification>().AsNoTracking().SingleAsync(n => n.Id == id));
    }

    [Fact]
    public async Task A_refused_notify_is_retried_after_4m_10m_10m_1h_2h_6h_15h_with_the_same_notify_id_then_given_up()
    {
        var id = await QueuedNotifyAsync();
        var deltas = new List<TimeSpan>();

        var notification = await SendDueAsync(id);
        for (var attempt = 2; attempt <= 8; attempt++)
        {
            var wait = notification.NextAttemptAt - clock.GetUtcNow().UtcDateTime;
            deltas.Add(wait);
            clock.Advance(wait - TimeSpan.FromSeconds(1));
            await using (var scope = app.Services.CreateAsyncScope())
            {
                Assert.Empty(await scope.ServiceProvider.GetRequiredService<SimulatorNotifications>().ClaimDueAsync(10, CancellationToken.None)); // not due yet
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            notification = await SendDueAsync(id);
        }

        Assert.Equal(SimulatorNotifications.RetrySchedule, deltas);
        Assert.Equal((NotificationState.GaveUp, 8), (notification.State, notification.Attempts));
        Assert.Equal(8, merchant.Requests.Count);
        Assert.Single(merchant.Requests.Select(r => r.Form["notify_id"]).Distinct());
    }

    [Fact]
    public async Task Only_the_exact_answer_success_ends_the_delivery()
    {
        answers.Enqueue("success\n");
        answers.Enqueue("SUCCESS");
        answers.Enqueue("success");
        var id = await QueuedNotifyAsync();

        var first = await SendDueAsync(id);
        clock.Advance(first.NextAttemptAt - clock.GetUtcNow().UtcDateTime);
        var second = await SendDueAsync(id);
        clock.Advance(second.NextAttemptAt - clock.GetUtcNow().UtcDateTime);
        var third = await SendDueAsync(id);

        Assert.Equal(NotificationState.Pending, first.State);
        Assert.Equal(NotificationState.Pending, second.State);
        Assert.Equal((NotificationState.Delivered, 3), (third.State, third.Attempts));
        var attempts = await app.QueryAsync(db => db.Set<SimulatorNotifyAttempt>().AsNoTracking().Where(a => a.NotificationId == id).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([false, false, true], attempts.Select(a => a.Accepted));
        Assert.Equal("success\n", attempts[0].Answer);
    }

    [Fact]
    public async Task The_notify_form_is_signed_the_way_the_official_sdk_checks_it()
    {
        var id = await QueuedNotifyAsync();
        await SendDueAsync(id);
        var form = merchant.Requests.Last().Form;

        var result = await NodePeer.AlipayAsync(new { cmd = "check-notify", @params = form, alipayPublicKey = AlipayTestKeys.Pem(AlipayTestKeys.AlipayPublicKeyPath) });

        Assert.True(result.GetProperty("valid").GetBoolean(), result.ToString());
        Assert.Equal(("trade_status_sync", "TRADE_SUCCESS", "99.00"), (form["notify_type"], form["trade_status"], form["total_amount"]));
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await merchant.DisposeAsync();
    }
}
