using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Common;

/// <summary>Per-client limits on the log-in and register forms and API (section <c>RateLimiting:Auth</c>).</summary>
public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimiting:Auth";

    [Range(1, 1_000_000, ErrorMessage = "RateLimiting:Auth:PermitLimit must be between 1 and 1000000.")]
    public int PermitLimit { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The <see cref="Policy"/> rate limit: POSTs per client address per window, shared by every endpoint and page that
/// carries it (<c>RequireRateLimiting(AuthRateLimiting.Policy)</c>, <c>[EnableRateLimiting(AuthRateLimiting.Policy)]</c>):
/// the log-in and register forms and API. Reading those pages is never limited.
/// </summary>
public static class AuthRateLimiting
{
    public const string Policy = "auth";

    public static void AddAuthRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthRateLimitOptions>()
            .BindConfiguration(AuthRateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<AuthRateLimitOptions>>((options, auth) =>
        {
            var limits = auth.Value;
            options.AddPolicy(Policy, context => !HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = limits.Window,
                    QueueLimit = 0,
                }));
            options.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString();
                }

                const string msg = "尝试次数过多，请稍后再试";
                if (Api.IsApiRequest(context))
                {
                    await context.Response.WriteAsJsonAsync(new ApiEnvelope<object>(ApiStatus.TooManyRequests, msg, null), ct);
                }
                else
                {
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync(msg, ct);
                }
            };
        });
    }
}
