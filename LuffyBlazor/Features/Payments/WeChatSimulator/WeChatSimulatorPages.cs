using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The buyer's side: <c>/scan?code_url=weixin://…</c> is a Native code_url "as scanned" in WeChat, <c>/pay/{token}</c>
/// the cashier (H5's h5_url opens it directly) with 确认支付 and 取消. The console is <see cref="WeChatSimulatorConsole"/>.
/// </summary>
public static class WeChatSimulatorPages
{
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/scan", IResult (string? code_url) =>
            Uri.TryCreate(code_url, UriKind.Absolute, out var url) && url.Scheme == "weixin"
                && Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).TryGetValue("pr", out var token)
                ? Results.Redirect($"{WeChatSimulatorSetup.BasePath}/pay/{Uri.EscapeDataString(token.ToString())}")
                : Message("二维码无效", "这不是微信支付的 code_url（应为 weixin://wxpay/bizpayurl?pr=…）。", 400));
        group.MapGet("/pay/{token}", async Task<IResult> (string token, string? redirect_url, HttpRequest request, WeChatSimulatorTrades trades, TimeProvider clock) =>
            await trades.FindByTokenAsync(token) is not { } trade ? Message("订单不存在", "模拟器没有这笔订单。", 404)
            : trade.TradeState != "NOTPAY" ? Message(trade.TradeState is "SUCCESS" or "REFUND" ? "订单已支付" : "订单已关闭", $"商户订单号 {trade.OutTradeNo}", 200)
            : trade.TimeExpire <= clock.GetUtcNow().UtcDateTime ? Message("订单已过期", "已超过商户设置的支付期限（time_expire），无法支付。", 200)
            : new RazorComponentResult<WeChatCashierView>(new { Trade = trade, RedirectUrl = LocalOrNull(redirect_url, request) }));
        group.MapPost("/pay/{token}/pay", PayAsync);
        group.MapPost("/pay/{token}/cancel", async Task<IResult> (string token, HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            return LocalOrNull(form["redirect_url"], request) is { } back
                ? Results.Redirect(back)
                : Message("已取消支付", "订单仍可在有效期内再次支付。", 200);
        });
    }

    /// <summary>
    /// 确认支付: pays the trade with the switches the buyer changed on this page (the console's stand otherwise). With
    /// "notify before the return" the notify is delivered before the buyer is sent on, whatever the shop answers.
    /// </summary>
    private static async Task<IResult> PayAsync(
        string token, HttpRequest request, WeChatSimulatorTrades trades, WeChatSimulatorNotifications notifications,
        IOptions<WeChatSimulatorOptions> options, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var (trade, queued, refusal) = await trades.PayAsync(token, NotifyFaultForm.ReadChanges(form), t => WeChatSimulatorApi.Transaction(t, options.Value), ct);
        if (trade is null)
        {
            return Message(refusal!, "无法支付。", 409);
        }

        if (trade.NotifyFault == NotifyFault.BeforeReturn)
        {
            foreach (var notification in queued)
            {
                await notifications.DeliverNowAsync(notification.Id, ct, claimedByCaller: true);
            }
        }

        return LocalOrNull(form["redirect_url"], request) is { } back
            ? Results.Redirect(back)
            : Message("支付成功", $"已向商户发送支付结果通知。商户订单号 {trade.OutTradeNo}，金额 ¥{trade.Total / 100m:0.00}。", 200, "/orders");
    }

    /// <summary>
    /// WeChat returns an H5 buyer to the merchant's redirect_url (an absolute URL on the merchant's H5 domain); here
    /// only this site is followed: a path, or an http(s) URL on the request's own host.
    /// </summary>
    private static string? LocalOrNull(string? url, HttpRequest request) =>
        url is ['/', not '/' and not '\\', ..] ? url
        : Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            && string.Equals(absolute.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase) ? absolute.AbsoluteUri
        : null;

    internal static RazorComponentResult<WeChatMessageView> Message(string heading, string text, int status, string? back = null) =>
        new(new { Heading = heading, Text = text, BackUrl = back }) { StatusCode = status };
}
