using LuffyBlazor.Features.Storage;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace LuffyBlazor;

/// <summary>Section <c>Security</c>: HTTPS outside Development.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Redirect http requests to https. Off where a proxy in front ends TLS and redirects itself.</summary>
    public bool HttpsRedirection { get; set; } = true;

    /// <summary>
    /// Send <c>Strict-Transport-Security</c> on https requests, including those a TLS-terminating proxy forwards with
    /// <c>X-Forwarded-Proto: https</c> (forwarded headers on). Never on plain http, never in Development.
    /// </summary>
    public bool Hsts { get; set; } = true;

    /// <summary>How long browsers remember to use https only.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>Headers every response carries: HSTS on https, the Content-Security-Policy, and insurance against sniffing, framing and referrer leaks.</summary>
public static class SecurityHeaders
{
    public static void AddSecurityHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.HstsMaxAge >= TimeSpan.Zero, "Security:HstsMaxAge must not be negative.")
            .ValidateOnStart();
        builder.Services.AddOptions<HstsOptions>().Configure<IOptions<SecurityOptions>>((hsts, security) => hsts.MaxAge = security.Value.HstsMaxAge);
        // The media store's origins are the policy's business only, so they are registered with it.
        builder.Services.AddSingleton<MediaOrigins>();
        builder.Services.AddSingleton<ContentSecurityPolicy>();
    }

    public static void UseSecurityHeaders(this WebApplication app)
    {
        var security = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (!app.Environment.IsDevelopment())
        {
            if (security.Hsts)
            {
                app.UseHsts(); // on https requests only (and not for localhost)
            }

            if (security.HttpsRedirection)
            {
                app.UseHttpsRedirection();
            }
        }

        // Scalar's API reference (Development only) is a page of inline scripts: it keeps its own rules.
        var exempt = app.Environment.IsDevelopment() ? new PathString("/scalar") : (PathString?)null;
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var (context, exempt) = ((HttpContext, PathString?))state;
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                // A page served from the output cache (CatalogueCache) brings the policy it was rendered with: its
                // import map carries that policy's nonce.
                var fromCache = headers.ContentSecurityPolicy.ToString().Contains("'nonce-", StringComparison.Ordinal);
                if ((exempt is not { } path || !context.Request.Path.StartsWithSegments(path)) && !fromCache)
                {
                    headers.ContentSecurityPolicy = context.RequestServices.GetRequiredService<ContentSecurityPolicy>().HeaderFor(context);
                }

                return Task.CompletedTask;
            }, (context, exempt));
            return next(context);
        });
    }
}
