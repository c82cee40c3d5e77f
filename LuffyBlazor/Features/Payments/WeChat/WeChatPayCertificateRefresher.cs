using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChat;

/// <summary>
/// With <c>WeChatPay:DownloadPlatformCertificates</c>: downloads the platform certificates once the app has started
/// (in Development the simulator answering is this app itself), then every
/// <c>WeChatPay:PlatformCertificateRefreshInterval</c>, so a rotation is picked up before WeChat signs with the new
/// certificate. A failed download is logged and tried again after <see cref="RetryAfterFailure"/>; the certificates
/// held meanwhile keep verifying.
/// </summary>
public sealed class WeChatPayCertificateRefresher(
    IServiceProvider services, IOptions<WeChatPayOptions> options, IHostApplicationLifetime lifetime, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.IsEnabled || !settings.DownloadPlatformCertificates)
        {
            return;
        }

        // Resolved only now: with WeChat Pay off there are no keys to build it from.
        var certificates = services.GetRequiredService<WeChatPayPlatformCertificates>();
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            while (true)
            {
                var downloaded = await certificates.RefreshAsync(stoppingToken);
                await Task.Delay(downloaded ? settings.PlatformCertificateRefreshInterval : RetryAfterFailure, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app is stopping.
        }
    }
}
