using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.Alipay;

public static class AlipaySetup
{
    public static void AddAlipay(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AlipayOptions>().BindConfiguration(AlipayOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlipayOptions>, AlipayOptionsValidator>();
        services.AddSingleton<IValidateOptions<AlipayOptions>, AlipayLiveSettingsValidator>();
        services.AddHostedService<AlipayStartupWarnings>();

        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSingleton(sp => AlipayCredentials.Load(
            sp.GetRequiredService<IOptions<AlipayOptions>>().Value, contentRoot, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AlipayRequestSigner>();
        services.AddSingleton<AlipayGateway>();
        services.AddSingleton<AlipayCallbacks>();

        services.AddHttpClient<IAlipayClient, AlipayClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddProviderResilience("alipay-openapi", AlipayClient.Idempotent, sp =>
            {
                var alipay = sp.GetRequiredService<IOptions<AlipayOptions>>().Value;
                return (alipay.Timeout, alipay.CallTimeout);
            });
        AddStatements(services);
    }

    /// <summary>Statements are downloaded from the URL Alipay gives (no signature, no retry: the URL lives 30 seconds).</summary>
    private static void AddStatements(IServiceCollection services) =>
        services.AddHttpClient<AlipayStatements>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<AlipayOptions>>().Value.Timeout * 6);
}
