using Microsoft.Extensions.Caching.Memory;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// The <c>code_url</c> WeChat gave for an order's Native payment, remembered for a short time, so that a reload of
/// the QR code page, a second tab or many learners' pages do not each make a signed Native call: WeChat answers the
/// same out_trade_no with the same trade anyway. Keyed by out_trade_no, amount and pay type, and read only for an
/// order that can still be paid (the caller checks), so a code is never shown for an order whose amount, pay type or
/// status changed. An order that switched away from WeChat Pay can never switch back (<c>PayTypeSwitch</c>), so its
/// closed trade's code cannot come back either. Kept for at most <see cref="KeepFor"/>: well before WeChat's two
/// hours of code_url validity, and never past the order's deadline less <see cref="Checkout.MinimumTimeToPay"/>.
/// </summary>
public sealed class WeChatCodeUrls(IMemoryCache cache, TimeProvider clock)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);

    private sealed record Remembered(string CodeUrl, DateTimeOffset Until);

    private static (string, string, decimal, PayType) Key(OrderView order) =>
        ("wechat-code-url", order.OutTradeNo, order.TotalAmount, order.PayType);

    /// <summary>The remembered code_url of this order as it stands now, or null.</summary>
    public string? Find(OrderView order) =>
        cache.TryGetValue(Key(order), out Remembered? remembered) && remembered is not null && clock.GetUtcNow() < remembered.Until
            ? remembered.CodeUrl
            : null;

    public void Remember(OrderView order, string codeUrl)
    {
        var now = clock.GetUtcNow();
        var deadline = new DateTimeOffset(order.ExpiresAt, TimeSpan.Zero) - Checkout.MinimumTimeToPay;
        var until = now + KeepFor < deadline ? now + KeepFor : deadline;
        if (until > now)
        {
            // The cache's own expiry (relative: the cache keeps the machine's time) only frees the entry; Find checks
            // the time itself, on the app's clock.
            cache.Set(Key(order), new Remembered(codeUrl, until), until - now);
        }
    }
}
