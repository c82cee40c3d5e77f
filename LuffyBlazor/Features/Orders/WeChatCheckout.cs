using LuffyBlazor.Features.Orders.Payments;
using LuffyBlazor.Features.Payments.WeChat;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

/// <summary>Where a WeChat payment happens: Native (a QR code the buyer scans on a desktop) or H5 (a phone's browser goes to WeChat).</summary>
public enum WeChatScene
{
    Native,
    H5,
}

/// <summary>A started WeChat payment: <see cref="CodeUrl"/> (Native) or <see cref="H5Url"/> (H5), or what to tell the learner.</summary>
public sealed record WeChatPayStart(string? CodeUrl, string? H5Url, string? Error)
{
    public bool Succeeded => Error is null;

    public static WeChatPayStart Fail(string error) => new(null, null, error);
}

/// <summary>
/// Starts the WeChat payment of an unpaid order placed for WeChat Pay, and answers "is it paid yet?" for the page that
/// waits on it. The order decides (its total, its deadline as <c>time_expire</c>, whether it can still be paid);
/// WeChat only gives the <c>code_url</c> or <c>h5_url</c>. The same out_trade_no started again (a reload, a second
/// tab) within a few minutes shows the code_url WeChat gave the first time (<see cref="WeChatCodeUrls"/>) instead of
/// asking again.
/// </summary>
public sealed class WeChatCheckout(
    IServiceProvider services, IOptions<WeChatPayOptions> options, PaymentReconciliation reconciliation, OrderQueries queries,
    WeChatCodeUrls codeUrls, TimeProvider clock, ILogger<WeChatCheckout> logger)
{
    /// <summary>Who an order's history names for a payment this page's re-check records.</summary>
    public const string Actor = "wechatpay-page";

    public bool IsEnabled => options.Value.IsEnabled;

    /// <param name="clientIp">The buyer's address: WeChat requires it for H5.</param>
    public async Task<WeChatPayStart> StartAsync(OrderView order, WeChatScene scene, string? clientIp, CancellationToken ct = default)
    {
        if (!IsEnabled)
        {
            return WeChatPayStart.Fail("微信支付暂未开通，请使用支付宝");
        }

        if (order.PayType != PayType.WeChat)
        {
            return WeChatPayStart.Fail("该订单选择的是支付宝，请用支付宝支付，或重新下单选择微信支付");
        }

        if (!order.CanBePaid(clock.GetUtcNow().UtcDateTime))
        {
            return WeChatPayStart.Fail(order.Status == OrderStatus.Unpaid ? "订单已临近支付期限，请重新下单" : "订单已不是待支付状态");
        }

        if (scene == WeChatScene.Native && codeUrls.Find(order) is { } remembered)
        {
            return new(remembered, null, null);
        }

        var client = services.GetRequiredService<IWeChatPayClient>();
        var request = new WeChatPayTradeRequest(
            order.OutTradeNo, order.TotalAmount, order.Subject, new DateTimeOffset(order.ExpiresAt, TimeSpan.Zero),
            services.GetRequiredService<WeChatPayEndpoint>().NotifyUrl, clientIp);
        try
        {
            if (scene == WeChatScene.H5)
            {
                var h5 = await client.H5PayAsync(request, ct);
                return h5.IsSuccess && !string.IsNullOrEmpty(h5.Data?.H5Url) ? new(null, h5.Data.H5Url, null) : Refused(order, h5.Error);
            }

            var native = await client.NativePayAsync(request, ct);
            if (!native.IsSuccess || string.IsNullOrEmpty(native.Data?.CodeUrl))
            {
                return Refused(order, native.Error);
            }

            codeUrls.Remember(order, native.Data.CodeUrl);
            return new(native.Data.CodeUrl, null, null);
        }
        catch (WeChatPayException ex)
        {
            logger.LogWarning(ex, "WeChat Pay could not start order {OutTradeNo}", order.OutTradeNo);
            return WeChatPayStart.Fail("暂时无法连接微信支付，请稍后再试");
        }
    }

    /// <summary>
    /// The learner's order status for a page that waits for the payment: from the database (the notify usually gets
    /// there first); with <paramref name="askWeChat"/> (the 刷新 button, or the wait running out) an unpaid order is
    /// first checked at WeChat, which records a payment whose notify is late. Null: not this learner's order.
    /// </summary>
    public async Task<OrderStatus?> PaidYetAsync(string userId, string outTradeNo, bool askWeChat, CancellationToken ct = default)
    {
        var order = await queries.FindMyOrderAsync(userId, outTradeNo, ct);
        if (order is null)
        {
            return null;
        }

        if (askWeChat && order.Status == OrderStatus.Unpaid && order.PayType == PayType.WeChat && IsEnabled)
        {
            await reconciliation.SyncAsync(outTradeNo, Actor, ct);
            order = await queries.FindMyOrderAsync(userId, outTradeNo, ct);
        }

        return order?.Status;
    }

    private WeChatPayStart Refused(OrderView order, WeChatPayError? error)
    {
        logger.LogWarning("WeChat Pay refused to start order {OutTradeNo}: {Error}", order.OutTradeNo, error);
        return WeChatPayStart.Fail($"微信支付下单失败：{error?.Message ?? "未返回支付链接"}");
    }
}
