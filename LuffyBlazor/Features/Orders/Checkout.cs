using System.Text.RegularExpressions;
using LuffyBlazor.Features.Payments.Alipay;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>Turns an unpaid order into the signed Alipay URL the browser leaves for.</summary>
public sealed partial class Checkout(IAlipayClient alipay, IOptions<AlipayOptions> alipayOptions, TimeProvider clock)
{
    /// <summary>An order closer than this to its deadline is not sent to the cashier: it would expire there.</summary>
    public static readonly TimeSpan MinimumTimeToPay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A second Buy click gets the live unpaid order back only while this much is left: more than
    /// <see cref="MinimumTimeToPay"/>, so that the order given back is still payable when its URL is built.
    /// </summary>
    public static readonly TimeSpan MinimumTimeToReuse = MinimumTimeToPay + TimeSpan.FromMinutes(1);

    /// <summary>
    /// The page-pay URL (wap pay for phones) with <c>time_expire</c> = the order's deadline, so a second visit pays
    /// the same <c>out_trade_no</c> within what is left of it; null when the order can no longer be paid (paid,
    /// closed, or less than <see cref="MinimumTimeToPay"/> left). Notify and return URLs come from configuration or,
    /// when not configured, from the app's own address; a phone that quits the cashier goes to 我的订单.
    /// </summary>
    public string? PaymentUrl(OrderView order, Uri appBaseUri, bool mobile)
    {
        if (!order.CanBePaid(clock.GetUtcNow().UtcDateTime))
        {
            return null;
        }

        var options = alipayOptions.Value;
        var returnUrl = NonEmpty(options.ReturnUrl) ?? new Uri(appBaseUri, "pay/success").AbsoluteUri;
        var request = new AlipayTradeRequest(
            order.OutTradeNo, order.TotalAmount, order.Subject, new DateTimeOffset(order.ExpiresAt, TimeSpan.Zero),
            NotifyUrl: NonEmpty(options.NotifyUrl) ?? new Uri(appBaseUri, "api/v1/order/success/").AbsoluteUri,
            ReturnUrl: returnUrl,
            QuitUrl: MyOrdersBeside(returnUrl));
        return mobile ? alipay.BuildWapPayUrl(request) : alipay.BuildPagePayUrl(request);
    }

    /// <summary>
    /// The phone cashier's quit_url: 我的订单 (/orders, where the order can be paid again or cancelled) on the site of
    /// the return page, under the same path base (<c>https://x/luffy/pay/success</c> → <c>https://x/luffy/orders</c>).
    /// </summary>
    public static string MyOrdersBeside(string returnUrl) => new Uri(new Uri(returnUrl), "../orders").AbsoluteUri;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Phones and small tablets get Alipay's wap cashier, which hands over to the Alipay app.</summary>
    public static bool IsMobile(string? userAgent) => userAgent is not null && MobileAgent().IsMatch(userAgent);

    [GeneratedRegex("Mobile|Android|iPhone|iPod|iPad|Windows Phone|HarmonyOS|MicroMessenger|AlipayClient", RegexOptions.IgnoreCase)]
    private static partial Regex MobileAgent();
}
