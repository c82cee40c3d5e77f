using Microsoft.Extensions.Caching.Memory;
using QRCoder;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// A QR code for a payment link (WeChat Native's <c>weixin://wxpay/…</c> code_url), drawn by QRCoder as an SVG the
/// page can inline: no image request, nothing for the CSP to allow. Error correction M, as WeChat's own QR codes use.
/// </summary>
public static class PaymentQrCode
{
    // The QR page is rendered on every view of it (reloads, the waiting island's re-renders, second tabs) with the
    // same code_url for minutes (WeChatCodeUrls), and drawing it builds the whole SVG string again each time. A pure
    // function of its text, so a small bounded cache serves them all.
    private static readonly MemoryCache Drawn = new(new MemoryCacheOptions { SizeLimit = 512 });

    /// <summary><see cref="Svg"/>, drawn once per text for as long as a code_url is remembered (at most 512 kept).</summary>
    public static string CachedSvg(string text) => Drawn.GetOrCreate(text, entry =>
    {
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = WeChatCodeUrls.KeepFor;
        return Svg(text);
    })!;

    /// <summary>An SVG document with a white quiet zone, sized by the viewer (viewBox only), dark modules in black.</summary>
    public static string Svg(string text)
    {
        using var data = Encode(text);
        using var svg = new SvgQRCode(data);
        return svg.GetGraphic(new System.Drawing.Size(256, 256), "#000000", "#ffffff", drawQuietZones: true,
            SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>The module matrix (dark = true), without the quiet zone: what a scanner must read back as <paramref name="text"/>.</summary>
    public static bool[][] Modules(string text)
    {
        using var data = Encode(text);
        const int quiet = 4;
        return data.ModuleMatrix.Skip(quiet).SkipLast(quiet)
            .Select(row => Enumerable.Range(quiet, row.Length - 2 * quiet).Select(i => row[i]).ToArray()).ToArray();
    }

    private static QRCodeData Encode(string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(text);
        using var generator = new QRCodeGenerator();
        return generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
    }
}
