using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.Simulator;

/// <summary>Alipay's retry schedule on a fake clock, against a local server playing the merchant.</summary>
public sealed class SimulatorNotifyScheduleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-25T02:00:00Z"));
    private readonly Queue<string> answers = new();
    private TaskCompletionSource? heldAnswer;
    private LuffyAppFactory app = null!;
    private FakeAlipayGateway merchant = null!;

    public async Task InitializeAsync()
    {
        merchant = await FakeAlipayGateway.StartAsync(async (_, context) =>
        {
            if (Interlocked.Exchange(ref heldAnswer, null) is { } held)
            {
                await held.Task; // a merchant slow to answer this one POST
            }

            await context.Response.WriteAsync(answers.TryDequeue(out var answer) ? answer : "failure");
        }, "/api/v1/order/success/");
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

    /// <summary>A trade at the simulator, waiting at the cashier or (with <paramref name="paid"/>) paid.</summary>
    private async Task<SimulatorTrade> TradeAsync(string? notifyUrl = null, bool paid = true)
    {
        var now = clock.GetUtcNow();
        var trade = new SimulatorTrade
        {
            AppId = AlipayTestKeys.AppId, OutTradeNo = "T" + Guid.NewGuid().ToString("N")[..16], TradeNo = SimulatorIds.TradeNo(now),
            Subject = "路飞学城-测试", TotalAmount = 99m, ProductCode = "FAST_INSTANT_TRADE_PAY", NotifyUrl = notifyUrl ?? merchant.Url,
            ReturnUrl = "http://shop.test/pay/success", CreatedAt = now.UtcDateTime,
        };
        if (paid)
        {
            (trade.Status, trade.PaidAt, trade.BuyerId) = (AlipayTradeStatus.Success, now.UtcDateTime, "2088102146225135");
        }

        await app.QuerySimulatorAsync(db =>
        {
            db.Add(trade);
            return db.SaveChangesAsync();
        });
        return trade;
    }

    /// <summary>A paid trade's notify, queued as the cashier queues it (to the local merchant unless told otherwise).</summary>
    private async Task<long> QueuedNotifyAsync(string? notifyUrl = null)
    {
        var trade = await TradeAsync(notifyUrl);
        await using var scope = app.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<SimulatorDbContext>>().CreateDbContextAsync();
        db.Attach(trade);
        var notification = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>().QueuePayment(db, trade, clock.GetUtcNow()).Single();
        await db.SaveChangesAsync();
        return notification.Id;
    }

    private Task<List<SimulatorNotifyAttempt>> AttemptsAsync(long notificationId) =>
        app.QuerySimulatorAsync(db => db.Set<SimulatorNotifyAttempt>().AsNoTracking().Where(a => a.NotificationId == notificationId).OrderBy(a => a.Id).ToListAsync());

    private async Task<SimulatorNotification> SendDueAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var notifications = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>();
        var claim = Assert.Single(await notifications.ClaimDueAsync(10, CancellationToken.None));
        Assert.Equal(id, claim.NotificationId);
        await notifications.AttemptAsync(claim, CancellationToken.None);
        return await app.QuerySimulatorAsync(db => db.Set<SimulatorNotification>().AsNoTracking().SingleAsync(n => n.Id == id));
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
        var attempts = await AttemptsAsync(id);
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

    [Fact]
    public async Task A_sender_whose_claim_lapsed_counts_its_post_but_leaves_the_delivery_to_the_new_holder()
    {
        var id = await QueuedNotifyAsync();
        var firstAnswer = heldAnswer = new TaskCompletionSource();
        await using var scope = app.Services.CreateAsyncScope();
        var notifications = scope.ServiceProvider.GetRequiredService<SimulatorNotifications>();
        var lapsing = Assert.Single(await notifications.ClaimDueAsync(10, CancellationToken.None));
        var lateSend = notifications.AttemptAsync(lapsing, CancellationToken.None);
        for (var i = 0; i < 200 && merchant.Requests.IsEmpty; i++)
        {
            await Task.Delay(25);
        }

        // While the merchant keeps the first POST waiting, its claim lapses and another instance sends and is answered success.
        clock.Advance(app.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.NotifyTimeout * 2 + TimeSpan.FromSeconds(1));
        answers.Enqueue("success");
        var current = Assert.Single(await notifications.ClaimDueAsync(10, CancellationToken.None));
        await notifications.AttemptAsync(current, CancellationToken.None);
        firstAnswer.SetResult(); // the late sender hears "failure" at last
        await lateSend;

        var notification = await app.QuerySimulatorAsync(db => db.Set<SimulatorNotification>().AsNoTracking().SingleAsync(n => n.Id == id));
        Assert.Equal((NotificationState.Delivered, 2), (notification.State, notification.Attempts));
        Assert.Equal(2, merchant.Requests.Count);
        Assert.Equal([true, false], (await AttemptsAsync(id)).Select(a => a.Accepted));
    }

    [Fact]
    public async Task A_notify_url_that_cannot_be_posted_to_is_a_failed_attempt_shown_in_the_console_and_retried()
    {
        var id = await QueuedNotifyAsync(notifyUrl: "not-a-url");

        var notification = await SendDueAsync(id);

        Assert.Equal((NotificationState.Pending, 1, (DateTime?)null), (notification.State, notification.Attempts, notification.ClaimedUntil));
        Assert.Equal(clock.GetUtcNow().UtcDateTime + SimulatorNotifications.RetrySchedule[0], notification.NextAttemptAt);
        var attempt = Assert.Single(await AttemptsAsync(id));
        Assert.False(string.IsNullOrEmpty(attempt.Error));
        var console = WebUtility.HtmlDecode(await app.CreateClient().GetStringAsync("/dev/alipay/console"));
        Assert.Contains(attempt.Error, console);
    }

    [Fact]
    public async Task Sending_before_the_return_to_a_notify_url_that_cannot_be_posted_to_still_sends_the_buyer_back()
    {
        var trade = await TradeAsync(notifyUrl: "not-a-url", paid: false);
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var cashier = $"/dev/alipay/cashier/{trade.TradeNo}";

        using var paid = await Cashier.SubmitAsync(browser, cashier + "/pay", await browser.GetStringAsync(cashier), new Dictionary<string, string> { ["fault"] = "BeforeReturn" });

        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        Assert.StartsWith("http://shop.test/pay/success?", paid.Headers.Location!.AbsoluteUri);
        var notification = await app.QuerySimulatorAsync(db => db.Set<SimulatorNotification>().AsNoTracking().SingleAsync(n => n.TradeId == trade.Id));
        Assert.Equal(1, notification.Attempts);
        Assert.False(string.IsNullOrEmpty(Assert.Single(await AttemptsAsync(notification.Id)).Error));
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await merchant.DisposeAsync();
    }
}
