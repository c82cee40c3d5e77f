using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.ResponseCompression;

namespace LuffyBlazor.Common;

/// <summary>
/// Pages go out as UTF-8 text with Chinese as characters, not <c>&amp;#x8BFE;</c> references (the default encoder
/// escapes everything outside Basic Latin, tripling the bytes of a Chinese page), and compressed with Brotli or gzip
/// for anonymous visitors. Compression and secrets do not mix (BREACH: a page that reflects what an attacker sends next
/// to a secret lets the secret be guessed from compressed sizes), so responses to signed-in users (antiforgery
/// tokens bound to the account) and the account pages (log-in and registration tokens) are not compressed by the
/// app; the anonymous shop pages carry no secret (CatalogueCache hands them out without a cookie). Static files
/// come precompressed from MapStaticAssets either way.
/// </summary>
public static class PageEncodingAndCompression
{
    public static void AddPageEncodingAndCompression(this IServiceCollection services)
    {
        // Blazor's HTML renderer takes the HtmlEncoder from the services.
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        services.AddResponseCompression(options =>
        {
            // The app may sit behind a TLS-terminating proxy: what it sends is HTTPS to the browser either way.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
    }

    /// <summary>After authentication: whether the request is a signed-in user's is known by then.</summary>
    public static void UseAnonymousPageCompression(this IApplicationBuilder app) =>
        app.UseWhen(IsSecretFree, anonymous => anonymous.UseResponseCompression());

    private static bool IsSecretFree(HttpContext context) =>
        context.User.Identity?.IsAuthenticated != true
        && !context.Request.Path.StartsWithSegments("/Account", StringComparison.OrdinalIgnoreCase)
        && !context.Request.Path.StartsWithSegments("/dev", StringComparison.OrdinalIgnoreCase);
}
