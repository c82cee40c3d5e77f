using System.Net;
using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The simulated WeChat Pay sends an unanswered notify again on WeChat's schedule (15s, 15s, 30s, 3m, 10m, 20m, 30m,
/// 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h), not a moment earlier, then gives up; a 204 ends it. Driven by a fake clock: the
/// thirty-one hours pass in no time.
/// </summary>
public sealed class WeChatSimulatorNotifyScheduleTests
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.Parse("2026-11-25T02:00:00Z"));
    private readonly Merchant merchant;
    private readonly WeChatSimulatorNotifier notifier;

    public WeChatSimulatorNotifyScheduleTests()
    {
        merchant = new Merchant(clock);
        var signer = new WeChatSimulatorSigner(
            WeChatPayTestKeys.MerchantPublicKey, WeChatPayTestKeys.PlatformPrivateKey, WeChatPayTestKeys.PublicKeyId, WeChatPayTestKeys.ApiV3Key,
            TimeSpan.FromMinutes(5), clock);
        notifier = new WeChatSimulatorNotifier(signer, merchant, Options.Create(new WeChatSimulatorOptions()), clock,
            NullLogger<WeChatSimulatorNotifier>.Instance);
    }

    private WeChatSimTrade PaidTrade() => new()
    {
        OutTradeNo = "20261125100000SCHEDULE", AppId = "wx0000000000000001", MchId = "1900000001", Description = "路飞学城", Total = 19800,
        TimeExpire = clock.GetUtcNow().AddMinutes(15), NotifyUrl = "http://shop.test/api/v1/order/wechat/notify/", TradeType = "NATIVE",
        Token = "t", TradeState = "SUCCESS",
    };

    private static object Transaction(WeChatSimTrade trade) => new { out_trade_no = trade.OutTradeNo, amount = new { total = trade.Total } };

    [Fact]
    public async Task An_unanswered_notify_is_sent_again_on_wechats_schedule_never_early_then_given_up()
    {
        merchant.Answer = HttpStatusCode.InternalServerError;
        var start = clock.GetUtcNow();
        var trade = PaidTrade();
        notifier.QueuePayment(trade, Transaction(trade));

        Assert.Equal(1, await notifier.DeliverDueAsync(default));
        var expected = new List<DateTimeOffset> { start };
        foreach (var wait in WeChatSimulatorNotifier.RetrySchedule)
        {
            clock.Advance(wait - TimeSpan.FromSeconds(1));
            await notifier.DeliverDueAsync(default);
            Assert.Equal(expected, merchant.Received); // one second early: nothing yet

            clock.Advance(TimeSpan.FromSeconds(1));
            var stillPending = await notifier.DeliverDueAsync(default);
            expected.Add(clock.GetUtcNow());
            Assert.Equal(expected, merchant.Received);
            Assert.Equal(expected.Count <= WeChatSimulatorNotifier.RetrySchedule.Length ? 1 : 0, stillPending);
        }

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, await notifier.DeliverDueAsync(default));
        Assert.Equal(16, merchant.Received.Count);
        Assert.Equal(
            [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600],
            merchant.Received.Zip(merchant.Received.Skip(1), (a, b) => (int)(b - a).TotalSeconds));
        Assert.Equal(16, trade.Deliveries.Count);
    }

    [Fact]
    public async Task A_204_ends_the_retries()
    {
        merchant.Answer = HttpStatusCode.InternalServerError;
        var trade = PaidTrade();
        notifier.QueuePayment(trade, Transaction(trade));
        await notifier.DeliverDueAsync(default);
        merchant.Answer = HttpStatusCode.NoContent;

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, await notifier.DeliverDueAsync(default));
        clock.Advance(TimeSpan.FromDays(2));
        await notifier.DeliverDueAsync(default);

        Assert.Equal(2, merchant.Received.Count);
        Assert.EndsWith("TRANSACTION.SUCCESS #2: HTTP 204", trade.Deliveries[^1]);
    }

    [Fact]
    public async Task Each_notify_is_signed_and_its_resource_decrypts_with_the_apiv3_key()
    {
        merchant.Answer = HttpStatusCode.NoContent;
        var trade = PaidTrade();
        notifier.QueuePayment(trade, Transaction(trade));

        await notifier.DeliverDueAsync(default);

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
