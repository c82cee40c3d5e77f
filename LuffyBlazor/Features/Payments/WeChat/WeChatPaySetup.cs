using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChat;

public static class WeChatPaySetup
{
    /// <summary>
    /// WeChat Pay's options (validated at start-up, naming each key), and, used only when <c>WeChatPay:MchId</c> is
    /// set, its keys, verifier, client, notify reader and (with <c>WeChatPay:DownloadPlatformCertificates</c>) the
    /// platform certificates kept fresh in the background. The notify endpoint is a controller.
    /// </summary>
    public static void AddWeChatPay(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WeChatPayOptions>().BindConfiguration(WeChatPayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WeChatPayOptions>, WeChatPayOptionsValidator>();

        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSingleton(sp => WeChatPayCredentials.Load(sp.GetRequiredService<IOptions<WeChatPayOptions>>().Value, contentRoot));
        services.AddSingleton(sp => new WeChatPayPlatformCertificates(
            async ct =>
            {
                // The typed client is made per use (its HttpClient is pooled); this store lives as long as the app.
                await using var scope = sp.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<IWeChatPayClient>().DownloadCertificatesAsync(ct);
            },
            sp.GetRequiredService<WeChatPayCredentials>(), sp.GetRequiredService<IOptions<WeChatPayOptions>>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WeChatPayPlatformCertificates>>()));
        services.AddHostedService<WeChatPayCertificateRefresher>();
        services.AddSingleton<WeChatPayVerifier>();
        services.AddSingleton<WeChatPayEndpoint>();
        services.AddSingleton<WeChatPayNotifies>();

        services.AddHttpClient<IWeChatPayClient, WeChatPayClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddProviderResilience("wechatpay-api", WeChatPayClient.Idempotent, sp =>
            {
                var options = sp.GetRequiredService<IOptions<WeChatPayOptions>>().Value;
                return (options.Timeout, options.CallTimeout);
            });
    }
}
