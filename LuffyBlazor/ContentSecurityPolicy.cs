using System.Buffers.Text;
using System.Security.Cryptography;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Storage;

namespace LuffyBlazor;

/// <summary>
/// The Content-Security-Policy of every response. Scripts run only from this app's own files, plus the one inline
/// script Blazor writes (the import map), which carries the request's nonce; no <c>'unsafe-inline'</c> and no
/// <c>eval</c> for scripts. Styles need <c>'unsafe-inline'</c>: MudBlazor writes its theme as an inline
/// <c>&lt;style&gt;</c> and sets <c>style</c> attributes on its components from .NET (positions of popovers, sizes,
/// colours), which no hash or nonce can cover; a style cannot run code. Images and videos come from here or the media
/// store (<see cref="MediaOrigins"/>), the live connection (SignalR's WebSocket, same origin) and uploads go here or
/// to Qiniu's upload host, forms post here or to the Alipay gateway, and no other site may frame the pages.
/// </summary>
public sealed class ContentSecurityPolicy(MediaOrigins media, AlipayGateway gateway)
{
    private const string NonceKey = "csp-nonce";

    private const string BeforeNonce = "default-src 'self'; script-src 'self' 'nonce-";

    private string? afterNonce;

    /// <summary>The request's nonce, for the inline scripts the app writes itself (App.razor's import map).</summary>
    public static string NonceOf(HttpContext context)
    {
        if (context.Items[NonceKey] is not string nonce)
        {
            // base64url: no '+' or '/' for the page's HTML encoder to turn into entities.
            context.Items[NonceKey] = nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
        }

        return nonce;
    }

    public string HeaderFor(HttpContext context) => BeforeNonce + NonceOf(context) + (afterNonce ??= AfterNonce());

    /// <summary>Built on first use, once the server knows its address (the simulator's gateway is at this app's own one).</summary>
    private string AfterNonce()
    {
        var downloads = Sources(media.Downloads);
        return "'; "
            + "style-src 'self' 'unsafe-inline'; "
            + $"img-src 'self' data:{downloads}; "
            + $"media-src 'self'{downloads}; "
            + "font-src 'self' data:; "
            + $"connect-src 'self'{Sources(media.Uploads)}; "
            + $"form-action 'self'{Sources([MediaOrigins.OriginOf(gateway.Url)])}; "
            + "frame-ancestors 'none'; object-src 'none'; base-uri 'self'";
    }

    private static string Sources(IEnumerable<string?> origins) =>
        string.Concat(origins.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Select(origin => " " + origin));
}
