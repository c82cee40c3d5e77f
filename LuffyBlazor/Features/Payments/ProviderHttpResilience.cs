using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace LuffyBlazor.Features.Payments;

/// <summary>
/// The resilience every payment provider's API client gets: an overall timeout, up to two retries with jittered
/// back-off for transient failures of requests marked safe to send again, and a timeout per attempt. Network time is
/// physical time, not the business clock (which tests may fake).
/// </summary>
public static class ProviderHttpResilience
{
    /// <param name="timeouts">Per attempt, and overall (retries and back-off included), read from the provider's options.</param>
    public static IHttpResiliencePipelineBuilder AddProviderResilience(
        this IHttpClientBuilder client, string name, HttpRequestOptionsKey<bool> idempotent,
        Func<IServiceProvider, (TimeSpan Attempt, TimeSpan Overall)> timeouts) =>
        client.AddResilienceHandler(name, (pipeline, context) =>
        {
            var (attempt, overall) = timeouts(context.ServiceProvider);
            pipeline.TimeProvider = TimeProvider.System;
            pipeline.AddTimeout(overall);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(300),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsIdempotent(args.Context, idempotent) && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(attempt);
        });

    private static bool IsIdempotent(ResilienceContext context, HttpRequestOptionsKey<bool> idempotent) =>
        context.GetRequestMessage()?.Options.TryGetValue(idempotent, out var value) == true && value;
}
