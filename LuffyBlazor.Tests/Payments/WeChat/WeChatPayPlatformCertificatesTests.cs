using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>
/// Platform certificates downloaded from <c>/v3/certificates</c>: the download verifies with what it brings, a notify
/// naming a new serial brings one download and then verifies, a serial still unknown is refused without another
/// download within the minute, and tampered or expired certificates are left out.
/// </summary>
public sealed class WeChatPayPlatformCertificatesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    // Made once: RSA key generation is the slow part.
    private static readonly TestPlatformCertificate Old = TestPlatformCertificate.Issue(Now.AddYears(-1), Now.AddYears(4));
    private static readonly TestPlatformCertificate New = TestPlatformCertificate.Issue(Now.AddDays(-1), Now.AddYears(5));
    private static readonly TestPlatformCertificate Expired = TestPlatformCertificate.Issue(Now.AddYears(-5), Now.AddDays(-1));
    private static readonly TestPlatformCertificate Stranger = TestPlatformCertificate.Issue(Now.AddDays(-1), Now.AddYears(5));

    private readonly FakeTimeProvider clock = new(Now);
    private readonly CapturedLogs logs = new();
    private readonly ILoggerFactory loggers;
    private readonly WeChatPayCredentials credentials = new(WeChatPayTestKeys.MerchantPrivateKey, new Dictionary<string, System.Security.Cryptography.RSA>());

    public WeChatPayPlatformCertificatesTests() => loggers = LoggerFactory.Create(b => b.AddProvider(logs));

    public void Dispose() => loggers.Dispose();

    /// <summary>What the fake WeChat answers to the next download.</summary>
    private Func<WeChatPaySignedAnswer> answer = () => throw new InvalidOperationException("no download expected");

    private WeChatPayPlatformCertificates Store(bool enabled = true) => new(
        _ => Task.FromResult(answer()), credentials,
        Options.Create(new WeChatPayOptions { ApiV3Key = WeChatPayTestKeys.ApiV3Key, DownloadPlatformCertificates = enabled }),
        clock, loggers.CreateLogger<WeChatPayPlatformCertificates>());

    private void Lists(TestPlatformCertificate signer, params TestPlatformCertificate[] listed) =>
        answer = () => WeChatPayCertificateListings.Answer(clock.GetUtcNow(), signer, listed);

    private const string NotifyBody = """{"id":"EV-1","event_type":"TRANSACTION.SUCCESS"}""";

    [Fact]
    public async Task A_download_with_no_key_configured_verifies_with_the_certificate_it_brings()
    {
        var store = Store();
        Lists(Old, Old);

        Assert.True(await store.RefreshAsync(default));

        Assert.Equal([Old.Serial], store.Held.Select(c => c.Serial));
        Assert.Equal(Old.Pem.Trim(), store.Held.Single().Pem.Trim());
        Assert.Null(new WeChatPayVerifier(credentials, clock, store).Refusal(Old.Sign(NotifyBody, Now), NotifyBody));
    }

    [Fact]
    public async Task A_notify_signed_under_a_rotated_serial_brings_one_download_and_then_verifies()
    {
        var store = Store();
        Lists(Old, Old);
        await store.RefreshAsync(default); // the periodic refresh, just before WeChat listed the new certificate
        clock.Advance(TimeSpan.FromSeconds(10));
        Lists(New, Old, New); // the rotation: both listed, the new one signs
        var verifier = new WeChatPayVerifier(credentials, clock, store);
        var notify = New.Sign(NotifyBody, clock.GetUtcNow());

        Assert.Contains("names no key we hold", verifier.Refusal(notify, NotifyBody)); // no download without being asked

        Assert.Null(await verifier.RefusalAsync(notify, NotifyBody));
        Assert.Equal(2, store.Downloads);
        Assert.Null(await verifier.RefusalAsync(Old.Sign(NotifyBody, clock.GetUtcNow()), NotifyBody));
        Assert.Equal(2, store.Downloads);
    }

    [Fact]
    public async Task A_serial_still_unknown_after_the_download_is_refused_and_not_downloaded_again_within_a_minute()
    {
        var store = Store();
        Lists(Old, Old);
        var verifier = new WeChatPayVerifier(credentials, clock, store);
        var forged = Stranger.Sign(NotifyBody, clock.GetUtcNow());

        var refusal = await verifier.RefusalAsync(forged, NotifyBody);

        Assert.Equal($"Wechatpay-Serial {Stranger.Serial} names no key we hold (have: {Old.Serial})", refusal);
        Assert.Equal(1, store.Downloads);
        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(await verifier.RefusalAsync(Stranger.Sign(NotifyBody, clock.GetUtcNow()), NotifyBody));
        Assert.Equal(1, store.Downloads);
        Assert.Contains(logs.Warnings, w => w.Contains(Stranger.Serial) && w.Contains("not again before a minute"));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.NotNull(await verifier.RefusalAsync(Stranger.Sign(NotifyBody, clock.GetUtcNow()), NotifyBody));
        Assert.Equal(2, store.Downloads);
    }

    [Fact]
    public async Task Notifies_arriving_together_with_a_new_serial_share_one_download()
    {
        var release = new TaskCompletionSource();
        var downloads = 0;
        var store = new WeChatPayPlatformCertificates(
            async _ =>
            {
                Interlocked.Increment(ref downloads);
                await release.Task;
                return WeChatPayCertificateListings.Answer(clock.GetUtcNow(), New, [Old, New]);
            },
            credentials, Options.Create(new WeChatPayOptions { ApiV3Key = WeChatPayTestKeys.ApiV3Key, DownloadPlatformCertificates = true }),
            clock, loggers.CreateLogger<WeChatPayPlatformCertificates>());
        var verifier = new WeChatPayVerifier(credentials, clock, store);

        var checks = Enumerable.Range(0, 8).Select(_ => Task.Run(() => verifier.RefusalAsync(New.Sign(NotifyBody, clock.GetUtcNow()), NotifyBody))).ToList();
        await Task.Delay(50);
        release.SetResult();

        Assert.All(await Task.WhenAll(checks), Assert.Null);
        Assert.Equal(1, downloads);
    }

    [Fact]
    public async Task A_tampered_certificate_is_left_out_with_an_error_naming_its_serial()
    {
        var store = Store();
        answer = () => WeChatPayCertificateListings.Answer(clock.GetUtcNow(), Old, [Old, New], New.Serial);

        Assert.True(await store.RefreshAsync(default));

        Assert.Equal([Old.Serial], store.Held.Select(c => c.Serial));
        var error = Assert.Single(logs.Errors).Message;
        Assert.Contains(New.Serial, error);
        Assert.Contains("does not decrypt with the APIv3 key", error);
        Assert.Contains("WeChatPay:ApiV3Key", error);
    }

    [Fact]
    public async Task A_download_signed_only_by_its_tampered_certificate_is_refused_and_the_held_set_kept()
    {
        var store = Store();
        Lists(Old, Old);
        await store.RefreshAsync(default);
        clock.Advance(TimeSpan.FromHours(12));
        answer = () => WeChatPayCertificateListings.Answer(clock.GetUtcNow(), New, [New], New.Serial);

        Assert.False(await store.RefreshAsync(default));

        Assert.Equal([Old.Serial], store.Held.Select(c => c.Serial));
        Assert.Contains(logs.Errors, e => e.Message.Contains("download refused, keeping the 1 certificates held") && e.Message.Contains("names no key we hold"));
    }

    [Fact]
    public async Task A_download_whose_body_was_altered_after_signing_is_refused()
    {
        var store = Store();
        var signed = WeChatPayCertificateListings.Answer(clock.GetUtcNow(), Old, [Old]);
        answer = () => signed with { Body = signed.Body.Replace("\"data\"", "\"data\" ") };

        Assert.False(await store.RefreshAsync(default));

        Assert.Empty(store.Held);
        Assert.Contains(logs.Errors, e => e.Message.Contains("Wechatpay-Signature does not verify"));
    }

    [Fact]
    public async Task An_expired_certificate_is_ignored_and_a_held_one_stops_verifying_when_it_expires()
    {
        var store = Store();
        Lists(Old, Old, Expired);

        await store.RefreshAsync(default);

        Assert.Equal([Old.Serial], store.Held.Select(c => c.Serial));
        Assert.Contains(logs.Warnings, w => w.Contains(Expired.Serial) && w.Contains("expired"));
        var verifier = new WeChatPayVerifier(credentials, clock, store);
        clock.SetUtcNow(Old.NotAfter.AddSeconds(1));
        answer = () => throw new WeChatPayException("certificate download", "the API could not be reached (test)");
        Assert.Contains("names no key we hold", await verifier.RefusalAsync(Old.Sign(NotifyBody, clock.GetUtcNow()), NotifyBody));
    }

    [Fact]
    public async Task A_certificate_whose_serial_is_not_the_one_listed_is_refused()
    {
        var store = Store();
        var body = WeChatPayCertificateListings.Body(WeChatPayTestKeys.ApiV3Key, [Old]).Replace(Old.Serial, Stranger.Serial);
        answer = () => new(200, body, Old.Sign(body, clock.GetUtcNow()));

        Assert.False(await store.RefreshAsync(default));

        Assert.Contains(logs.Errors, e => e.Message.Contains(Stranger.Serial) && e.Message.Contains($"own serial is {Old.Serial}"));
    }

    [Fact]
    public async Task With_downloads_off_an_unknown_serial_downloads_nothing()
    {
        var store = Store(enabled: false);
        var verifier = new WeChatPayVerifier(credentials, clock, store);

        Assert.Contains("names no key we hold", await verifier.RefusalAsync(New.Sign(NotifyBody, Now), NotifyBody));
        Assert.Equal(0, store.Downloads);
    }
}
