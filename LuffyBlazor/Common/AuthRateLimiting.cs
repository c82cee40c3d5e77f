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

public static class AuthRateLimiting
{
    private static readonly string[] LimitedPaths =
    [
        "/Account/Login", "/Account/Register", "/api/v1/user/login", "/api/v1/user/register",
    ];

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
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method) || !IsAuthPath(context.Request.Path))
                {
                    return RateLimitPartition.GetNoLimiter("");
                }

                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.PermitLimit,
                    Window = limits.Window,
                    QueueLimit = 0,
                });
            });
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

    private static bool IsAuthPath(PathString path)
    {
        foreach (var limited in LimitedPaths)
        {
            if (path.StartsWithSegments(limited, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
