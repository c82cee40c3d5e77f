using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

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
            .AddResilienceHandler("alipay-openapi", (pipeline, context) =>
            {
                var alipay = context.ServiceProvider.GetRequiredService<IOptions<AlipayOptions>>().Value;
                // Network timeouts and back-off are physical time, not the business clock (which tests may fake).
                pipeline.TimeProvider = TimeProvider.System;
                pipeline.AddTimeout(alipay.CallTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 2,
                    Delay = TimeSpan.FromMilliseconds(300),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => ValueTask.FromResult(
                        IsIdempotent(args.Context) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                });
                pipeline.AddTimeout(alipay.Timeout);
            });
        AddStatements(services);
    }

    /// <summary>Statements are downloaded from the URL Alipay gives (no signature, no retry: the URL lives 30 seconds).</summary>
    private static void AddStatements(IServiceCollection services) =>
        services.AddHttpClient<AlipayStatements>((sp, http) => http.Timeout = sp.GetRequiredService<IOptions<AlipayOptions>>().Value.Timeout * 6);

    private static bool IsIdempotent(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(AlipayClient.Idempotent, out var idempotent) == true && idempotent;
}
