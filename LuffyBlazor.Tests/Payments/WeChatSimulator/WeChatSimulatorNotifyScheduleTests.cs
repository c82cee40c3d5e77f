using System.Net;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay sends an unanswered notify again on WeChat's schedule (15s, 15s, 30s, 3m, 10m, 20m, 30m,
/// 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), not a moment earlier, then gives up; a 204 ends it. The queue is in the
/// simulator's database, so a restarted simulator (a new notifier on the same file) goes on with the schedule. Driven
/// by a fake clock: the thirty-one hours pass in no time.
/// </summary>
public sealed class WeChatSimulatorNotifyScheduleTests : IDisposable
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-25T02:00:00Z"));
    private readonly string databasePath = Path.Combine(Path.GetTempPath(), $"luffy-wechat-simulator-{Guid.NewGuid():N}.db");
    private readonly Merchant merchant;
    private readonly PooledDbContextFactory<WeChatSimulatorDbContext> dbFactory;
    private WeChatSimulatorNotifications notifications;

    public WeChatSimulatorNotifyScheduleTests()
    {
        merchant = new Merchant(clock);
        dbFactory = new(new DbContextOptionsBuilder<WeChatSimulatorDbContext>().UseSqlite($"Data Source={databasePath}").Options);
        using (var db = dbFactory.CreateDbContext())
        {
            db.Database.Migrate();
        }

        notifications = Restarted();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(databasePath);
    }

    /// <summary>A new simulator process: its own signer and notifier, on the same database file.</summary>
    private WeChatSimulatorNotifications Restarted()
    {
        var signer = new WeChatSimulatorSigner(
            WeChatPayTestKeys.MerchantPublicKey, WeChatPayTestKeys.PlatformPrivateKey, WeChatPayTestKeys.PublicKeyId, WeChatPayTestKeys.ApiV3Key,
            TimeSpan.FromMinutes(5), clock);
        return new WeChatSimulatorNotifications(dbFactory, signer, merchant, Options.Create(new WeChatSimulatorOptions()), clock,
            NullLogger<WeChatSimulatorNotifications>.Instance);
    }

    /// <summary>A paid trade and its payment notify, queued as the cashier queues it (in the paying transaction).</summary>
    private async Task<WeChatSimTrade> PayAsync(NotifyFault fault = NotifyFault.Normal)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var trade = new WeChatSimTrade
        {
            OutTradeNo = "20261125100000SCHEDULE", AppId = "wx0000000000000001", MchId = "1900000001", Description = "路飞学城", Total = 19800,
            TimeExpire = clock.GetUtcNow().AddMinutes(15).UtcDateTime, NotifyUrl = "http://shop.test/api/v1/order/wechat/notify/", TradeType = "NATIVE",
            Token = "t", TradeState = "SUCCESS", NotifyFault = fault,
        };
        db.Add(trade);
        await db.SaveChangesAsync();
        notifications.QueuePayment(db, trade, new { out_trade_no = trade.OutTradeNo, amount = new { total = trade.Total } });
        await db.SaveChangesAsync();
        return trade;
    }

    private async Task<WeChatSimNotification> NotificationAsync()
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Notifications.AsNoTracking().SingleAsync();
    }

    [Fact]
    public async Task An_unanswered_notify_is_sent_again_on_wechats_schedule_never_early_then_given_up()
    {
        merchant.Answer = HttpStatusCode.InternalServerError;
        var start = clock.GetUtcNow();
        await PayAsync();

        Assert.Equal(1, await notifications.DeliverDueAsync(default));
        var expected = new List<DateTimeOffset> { start };
        foreach (var wait in WeChatSimulatorNotifier.RetrySchedule)
        {
            clock.Advance(wait - TimeSpan.FromSeconds(1));
            await notifications.DeliverDueAsync(default);
            Assert.Equal(expected, merchant.Received); // one second early: nothing yet

            clock.Advance(TimeSpan.FromSeconds(1));
            var stillPending = await notifications.DeliverDueAsync(default);
            expected.Add(clock.GetUtcNow());
            Assert.Equal(expected, merchant.Received);
            Assert.Equal(expected.Count <= WeChatSimulatorNotifier.RetrySchedule.Length ? 1 : 0, stillPending);
        }

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await notifications.DeliverDueAsync(default));
        Assert.Equal(16, merchant.Received.Count);
        Assert.Equal(
            [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600],
            merchant.Received.Zip(merchant.Received.Skip(1), (a, b) => (int)(b - a).TotalSeconds));
        var notification = await NotificationAsync();
        Assert.Equal((NotificationState.GaveUp, 16), (notification.State, notification.Attempts));
        await using var db = await dbFactory.CreateDbContextAsync();
        Assert.Equal(16, await db.NotifyAttempts.CountAsync(a => a.HttpStatus == 500 && !a.Accepted));
    }

    [Fact]
    public async Task A_restarted_simulator_goes_on_with_the_schedule_where_the_last_one_stopped()
    {
        merchant.Answer = HttpStatusCode.InternalServerError;
        await PayAsync();
        await notifications.DeliverDueAsync(default);
        clock.Advance(TimeSpan.FromSeconds(15));
        await notifications.DeliverDueAsync(default); // attempt 2 of 16; the next is due 30s later

        notifications = Restarted();
        clock.Advance(TimeSpan.FromSeconds(14));
        await notifications.DeliverDueAsync(default);
        Assert.Equal(2, merchant.Received.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        merchant.Answer = HttpStatusCode.NoContent;
        Assert.Equal(0, await notifications.DeliverDueAsync(default));

        Assert.Equal(3, merchant.Received.Count);
        var notification = await NotificationAsync();
        Assert.Equal((NotificationState.Delivered, 3), (notification.State, notification.Attempts));
    }

    [Fact]
    public async Task A_204_ends_the_retries()
    {
        merchant.Answer = HttpStatusCode.InternalServerError;
        await PayAsync();
        await notifications.DeliverDueAsync(default);
        merchant.Answer = HttpStatusCode.NoContent;

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, await notifications.DeliverDueAsync(default));
        clock.Advance(TimeSpan.FromDays(2));
        await notifications.DeliverDueAsync(default);

        Assert.Equal(2, merchant.Received.Count);
        Assert.Equal(NotificationState.Delivered, (await NotificationAsync()).State);
    }

    [Fact]
    public async Task A_delayed_notify_waits_its_delay_and_a_dropped_one_is_never_queued()
    {
        await PayAsync(NotifyFault.Drop);
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Notifications.CountAsync());
        }

        var delayed = new WeChatSimTrade
        {
            OutTradeNo = "DELAYED", AppId = "wx", MchId = "1900000001", Description = "d", Total = 100, TimeExpire = clock.GetUtcNow().UtcDateTime,
            NotifyUrl = "http://shop.test/n", TradeType = "NATIVE", Token = "d", TradeState = "SUCCESS", NotifyFault = NotifyFault.Delay,
            NotifyDelay = TimeSpan.FromSeconds(90),
        };
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.Add(delayed);
            await db.SaveChangesAsync();
            notifications.QueuePayment(db, delayed, new { out_trade_no = "DELAYED", amount = new { total = 100 } });
            await db.SaveChangesAsync();
        }

        clock.Advance(TimeSpan.FromSeconds(89));
        Assert.Equal(1, await notifications.DeliverDueAsync(default));
        Assert.Empty(merchant.Received);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await notifications.DeliverDueAsync(default));
        Assert.Single(merchant.Received);
    }

    [Fact]
    public async Task Each_notify_is_signed_and_its_resource_decrypts_with_the_apiv3_key()
    {
        merchant.Answer = HttpStatusCode.NoContent;
        var trade = await PayAsync();

        await notifications.DeliverDueAsync(default);

        var (headers, body) = Assert.Single(merchant.Requests);
        using var platformKey = System.Security.Cryptography.RSA.Create();
        platformKey.ImportFromPem(WeChatPayTestKeys.Pem(WeChatPayTestKeys.PlatformPublicKeyPath));
        var credentials = new WeChatPayCredentials(WeChatPayTestKeys.MerchantPrivateKey,
            new Dictionary<string, System.Security.Cryptography.RSA> { [WeChatPayTestKeys.PublicKeyId] = platformKey });
        Assert.Null(new WeChatPayVerifier(credentials, clock).Refusal(headers, body));
        var resource = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("resource");
        var plaintext = WeChatPayAead.Decrypt(WeChatPayTestKeys.ApiV3Key, resource.GetProperty("nonce").GetString()!,
            resource.GetProperty("associated_data").GetString(), resource.GetProperty("ciphertext").GetString()!);
        Assert.Contains(trade.OutTradeNo, plaintext);
    }

    /// <summary>The shop's notify endpoint as the notifier reaches it: answers what the test says and notes when each notify came.</summary>
    private sealed class Merchant(TimeProvider clock) : HttpMessageHandler, IHttpClientFactory
    {
        public HttpStatusCode Answer { get; set; } = HttpStatusCode.NoContent;

        public List<DateTimeOffset> Received { get; } = [];

        public List<(WeChatPaySignedHeaders Headers, string Body)> Requests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            lock (Received)
            {
                Received.Add(clock.GetUtcNow());
                Requests.Add((WeChatPaySignedHeaders.From(name => request.Headers.TryGetValues(name, out var v) ? v.Single() : null), body));
            }

            return new HttpResponseMessage(Answer);
        }
    }
}
