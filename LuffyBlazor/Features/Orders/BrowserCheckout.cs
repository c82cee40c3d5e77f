using Microsoft.AspNetCore.Components;

namespace LuffyBlazor.Features.Orders;

/// <summary>Who is buying, as the request tells: a phone (by its user agent) and its address (WeChat H5 requires it).</summary>
public sealed record Buyer(string? UserAgent, string? Ip)
{
    public bool IsPhone => Checkout.IsMobile(UserAgent);

    /// <summary>The buyer of a static page's request (nobody in particular under bUnit, where there is none).</summary>
    public static Buyer Of(HttpContext? context) => new(context.UserAgent(), context?.Connection.RemoteIpAddress?.ToString());
}

/// <summary>
/// Sends the browser of a shop page (static server rendering, a form post) on to pay, with the provider the order was
/// placed for: Alipay's cashier (wap pay for phones); for WeChat Pay, our QR code page on a desktop
/// (<see cref="WeChatPayPath"/>) or WeChat's H5 page on a phone, which brings the buyer back to that same page. The
/// page's <see cref="NavigationManager"/> turns the navigation into a redirect.
/// </summary>
public sealed class BrowserCheckout(Checkout checkout, WeChatCheckout weChat, NavigationManager navigation, TimeProvider clock)
{
    /// <summary>The order can no longer be paid: it ran out of time, or was paid or closed, since it was shown.</summary>
    public const string NoLongerPayable = "订单已临近支付期限，请稍后重新下单";

    /// <summary>Our WeChat payment page (relative to the app's base): the QR code on a desktop, the result after H5.</summary>
    public static string WeChatPayPath(string outTradeNo) => $"pay/wechat/{Uri.EscapeDataString(outTradeNo)}";

    /// <summary>
    /// The pay_type a shop form posted (the picker's radio buttons): absent means Alipay, as the original's default;
    /// null for a value that names no provider.
    /// </summary>
    public static PayType? ChosenPayType(string? posted) => posted switch
    {
        null or "" or "1" => PayType.Alipay,
        "2" => PayType.WeChat,
        _ => null,
    };

    /// <summary>What a form with an unknown pay_type is told.</summary>
    public const string UnknownPayType = "请选择支付方式：支付宝或微信支付";

    /// <summary>Leaves to pay the order; null when the browser is on its way, otherwise what to tell the learner.</summary>
    public async Task<string?> GoToCashierAsync(OrderView order, Buyer buyer, CancellationToken ct = default)
    {
        if (!order.CanBePaid(clock.GetUtcNow().UtcDateTime))
        {
            return NoLongerPayable;
        }

        if (order.PayType == PayType.WeChat)
        {
            return await GoToWeChatAsync(order, buyer, ct);
        }

        var url = checkout.PaymentUrl(order, new Uri(navigation.BaseUri), buyer.IsPhone);
        if (url is null)
        {
            return NoLongerPayable;
        }

        navigation.NavigateTo(url);
        return null;
    }

    /// <summary>
    /// Places an order with <paramref name="place"/> and leaves to pay it. The live order a second click gets back may
    /// have run out of time on the way here; then a fresh one is placed. Null when the browser is on its way,
    /// otherwise what to tell the learner.
    /// </summary>
    public async Task<string?> BuyAsync(Func<Task<PlaceOrderResult>> place, Buyer buyer, CancellationToken ct = default)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var result = await place();
            if (!result.Succeeded)
            {
                return result.Error;
            }

            var order = OrderView.Of(result.Order!);
            if (order.CanBePaid(clock.GetUtcNow().UtcDateTime))
            {
                return await GoToCashierAsync(order, buyer, ct);
            }
        }

        return NoLongerPayable;
    }

    /// <summary>
    /// A desktop goes to our QR code page, which asks WeChat for the code_url itself (so a reload shows it again). A
    /// phone goes to WeChat's h5_url with <c>redirect_url</c> appended, as WeChat's H5 documentation says (one more
    /// URL-encoded query parameter): WeChat sends the buyer back there after paying or giving up, paid or not, and
    /// that page asks what happened.
    /// </summary>
    private async Task<string?> GoToWeChatAsync(OrderView order, Buyer buyer, CancellationToken ct)
    {
        var ourPage = navigation.ToAbsoluteUri(WeChatPayPath(order.OutTradeNo)).AbsoluteUri;
        if (!buyer.IsPhone)
        {
            navigation.NavigateTo(ourPage);
            return null;
        }

        var started = await weChat.StartAsync(order, WeChatScene.H5, buyer.Ip, ct);
        if (!started.Succeeded)
        {
            return started.Error;
        }

        navigation.NavigateTo(WithRedirectUrl(started.H5Url!, ourPage));
        return null;
    }

    /// <summary>h5_url + <c>redirect_url</c>: <c>&amp;</c> after WeChat's own <c>?prepay_id=…</c>, <c>?</c> when it has no query.</summary>
    public static string WithRedirectUrl(string h5Url, string redirectUrl) =>
        h5Url + (h5Url.Contains('?') ? '&' : '?') + "redirect_url=" + Uri.EscapeDataString(redirectUrl);
}
