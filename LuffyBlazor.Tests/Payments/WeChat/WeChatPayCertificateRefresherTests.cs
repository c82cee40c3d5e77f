using LuffyBlazor.Features.Payments.WeChat;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Payments.WeChat;

/// <summary>The background refresh on a fake clock: first once the app has started, then every 12 hours, sooner after a failure.</summary>
public sealed class WeChatPayCertificateRefresherTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly TestPlatformCertificate Platform = TestPlatformCertificate.Issue(Now.AddDays(-1), Now.AddYears(5));

    private readonly FakeTimeProvider clock = new(Now);
    private readonly List<DateTimeOffset> downloads = [];
    private bool failing;

    private Task<WeChatPaySignedAnswer> DownloadAsync()
    {
        lock (downloads)
        {
            downloads.Add(clock.GetUtcNow());
        }

        return failing
            ? throw new WeChatPayException("certificate download", "the API could not be reached (test)")
            : Task.FromResult(WeChatPayCertificateListings.Answer(clock.GetUtcNow(), Platform, [Platform]));
    }

    private int Count
    {
        get
        {
            lock (downloads)
            {
                return downloads.Count;
            }
        }
    }

    /// <summary>
    /// Moves the clock on by <paramref name="step"/> until the refresher has downloaded <paramref name="count"/> times,
    /// then gives it a moment to go back to sleep: the clock must not move before its next timer is set, or the
    /// interval measured would include that move.
    /// </summary>
    private async Task AdvanceUntilAsync(int count, TimeSpan step)
    {
        for (var i = 0; Count < count; i++)
        {
            Assert.True(i < 2000, $"only {Count} downloads, {count} expected");
            clock.Advance(step);
            await Task.Delay(5);
        }

        await Task.Delay(300);
    }

    [Fact]
    public async Task Downloads_once_started_then_every_interval_and_again_soon_after_a_failure()
    {
        var options = Options.Create(new WeChatPayOptions { MchId = WeChatPayTestKeys.MchId, ApiV3Key = WeChatPayTestKeys.ApiV3Key, DownloadPlatformCertificates = true });
        var store = new WeChatPayPlatformCertificates(_ => DownloadAsync(),
            new WeChatPayCredentials(WeChatPayTestKeys.MerchantPrivateKey, new Dictionary<string, System.Security.Cryptography.RSA>()),
            options, clock, NullLogger<WeChatPayPlatformCertificates>.Instance);
        await using var services = new ServiceCollection().AddSingleton(store).BuildServiceProvider();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var refresher = new WeChatPayCertificateRefresher(services, options, lifetime, clock);

        await refresher.StartAsync(default);
        await Task.Delay(100);
        Assert.Equal(0, Count); // not before the app listens (in Development the simulator is the app itself)
        lifetime.NotifyStarted();
        await AdvanceUntilAsync(1, TimeSpan.Zero);

        failing = true;
        await AdvanceUntilAsync(2, TimeSpan.FromMinutes(10));
        failing = false;
        await AdvanceUntilAsync(3, TimeSpan.FromSeconds(30));
        await refresher.StopAsync(default);

        Assert.Equal(Platform.Serial, store.Held.Single().Serial);
        // Not early; late only by a few steps of the fake clock.
        Assert.InRange(downloads[1] - downloads[0], TimeSpan.FromHours(12), TimeSpan.FromHours(13));
        Assert.InRange(downloads[2] - downloads[1], WeChatPayCertificateRefresher.RetryAfterFailure, WeChatPayCertificateRefresher.RetryAfterFailure + TimeSpan.FromMinutes(5));
    }
}
