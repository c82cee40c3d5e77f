using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace LuffyBlazor.Features.Courses;

/// <summary>
/// Output caching of the anonymous catalogue and course pages: the whole rendered page is kept for
/// <see cref="Expiry"/> per address (query included) and served without rendering. Only anonymous GETs are cached or
/// served from the cache (signed-in pages show owned courses and the cart); only 200s are kept. Every change to the
/// catalogue evicts the tag (<see cref="CourseCatalog.InvalidateAsync"/>). The store is in memory, one per instance:
/// on several instances another instance's copy lives out its short <see cref="Expiry"/> (deploy/README.md).
/// </summary>
public static class CatalogueCache
{
    public const string Policy = "catalogue";
    public const string Tag = "catalogue";

    /// <summary>Also how long student counts may lag on a cached page (as in <see cref="CourseCatalog.CacheFor"/>).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    public static void AddCatalogueCache(this IServiceCollection services) =>
        services.AddOutputCache(options => options.AddPolicy(Policy, new AnonymousPagePolicy()));

    /// <summary>
    /// ASP.NET Core's default policy refuses responses that set a cookie, and every Blazor page sets the antiforgery
    /// cookie (its token is part of the page's persisted state). A cacheable page hands out no cookie instead: a copy
    /// served to everyone must not carry one visitor's cookie, and nothing on these pages posts a form for a visitor
    /// (立即购买 is a link to log in), so the token in the copy matches no one's cookie and is never used.
    /// </summary>
    private sealed class AnonymousPagePolicy : IOutputCachePolicy
    {
        public ValueTask CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            var http = context.HttpContext;
            var cacheable = (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                && string.IsNullOrEmpty(http.Request.Headers.Authorization)
                && http.User.Identity?.IsAuthenticated != true;
            context.EnableOutputCaching = true;
            context.AllowCacheLookup = cacheable;
            context.AllowCacheStorage = cacheable;
            context.AllowLocking = true;
            context.ResponseExpirationTimeSpan = Expiry;
            context.CacheVaryByRules.QueryKeys = new[] { "q", "category", "page", "lesson" };
            // Blazor's enhanced navigation asks with its own Accept header: kept apart from full page loads.
            context.CacheVaryByRules.HeaderNames = HeaderNames.Accept;
            context.Tags.Add(Tag);
            if (cacheable)
            {
                // The cache keeps the headers as they are when the page starts (before OnStarting callbacks): the
                // policy goes in now, so that a copy served later carries the nonce its import map was rendered with
                // (SecurityHeaders keeps a policy that has one).
                http.Response.Headers.ContentSecurityPolicy = http.RequestServices.GetRequiredService<ContentSecurityPolicy>().HeaderFor(http);
                http.Response.OnStarting(static state =>
                {
                    var response = (HttpResponse)state;
                    if (response.StatusCode == StatusCodes.Status200OK)
                    {
                        response.Headers.Remove(HeaderNames.SetCookie);
                    }

                    return Task.CompletedTask;
                }, http.Response);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

        public ValueTask ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
        {
            context.AllowCacheStorage &= context.HttpContext.Response.StatusCode == StatusCodes.Status200OK;
            return ValueTask.CompletedTask;
        }
    }
}
