using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator.Pages;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Payments.WeChatSimulator;

/// <summary>
/// The buyer's side: <c>/scan?code_url=weixin://…</c> is a Native code_url "as scanned" in WeChat, <c>/pay/{token}</c>
/// the cashier (H5's h5_url opens it directly) with 确认支付 and 取消, and <c>/</c> the console of recent trades and
/// their notify deliveries.
/// </summary>
public static class WeChatSimulatorPages
{
    public static void MapPages(RouteGroupBuilder group)
    {
        group.MapGet("/", (WeChatSimulatorTrades trades, IOptions<WeChatSimulatorOptions> options) =>
            new RazorComponentResult<WeChatConsoleView>(new { Trades = trades.Recent(50), RetryScale = options.Value.NotifyRetryScale }));
        group.MapGet("/scan", IResult (string? code_url) =>
            Uri.TryCreate(code_url, UriKind.Absolute, out var url) && url.Scheme == "weixin"
                && Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(url.Query).TryGetValue("pr", out var token)
                ? Results.Redirect($"{WeChatSimulatorSetup.BasePath}/pay/{Uri.EscapeDataString(token.ToString())}")
                : Message("二维码无效", "这不是微信支付的 code_url（应为 weixin://wxpay/bizpayurl?pr=…）。", 400));
        group.MapGet("/pay/{token}", IResult (string token, string? redirect_url, HttpRequest request, WeChatSimulatorTrades trades, TimeProvider clock) =>
            trades.FindByToken(token) is not { } trade ? Message("订单不存在", "模拟器没有这笔订单（应用重启后模拟器的订单会被清空）。", 404)
            : trade.TradeState != "NOTPAY" ? Message(trade.TradeState is "SUCCESS" or "REFUND" ? "订单已支付" : "订单已关闭", $"商户订单号 {trade.OutTradeNo}", 200)
            : trade.TimeExpire <= clock.GetUtcNow() ? Message("订单已过期", "已超过商户设置的支付期限（time_expire），无法支付。", 200)
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

    private static async Task<IResult> PayAsync(
        string token, HttpRequest request, WeChatSimulatorTrades trades, WeChatSimulatorNotifier notifier,
        IOptions<WeChatSimulatorOptions> options, TimeProvider clock)
    {
        var form = await request.ReadFormAsync();
        var now = clock.GetUtcNow();
        var (trade, refusal) = trades.Locked<(WeChatSimTrade?, string?)>((all, _) =>
        {
            var found = all.Values.FirstOrDefault(t => t.Token == token);
            if (found is null)
            {
                return (null, "订单不存在");
            }

            if (found.TradeState != "NOTPAY")
            {
                return (null, found.TradeState is "SUCCESS" or "REFUND" ? "订单已支付" : "订单已关闭");
            }

            if (found.TimeExpire <= now)
            {
                return (null, "订单已过期");
            }

            var faults = NotifyFaultForm.Read(form);
            found.NotifyFault = faults.Fault == NotifyFault.BeforeReturn ? NotifyFault.Normal : faults.Fault;
            found.NotifyCopies = faults.Copies;
            found.NotifyDelay = faults.Delay;
            found.TamperAmount = faults.TamperAmount;
            found.TamperSignature = faults.TamperSignature;
            found.TradeState = "SUCCESS";
            found.SuccessTime = now;
            found.TransactionId = WeChatSimulatorTrades.NewTransactionId(now);
            return (found, null);
        });
        if (trade is null)
        {
            return Message(refusal!, "无法支付。", 409);
        }

        notifier.QueuePayment(trade, WeChatSimulatorApi.Transaction(trade, options.Value));
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

    private static RazorComponentResult<WeChatMessageView> Message(string heading, string text, int status, string? back = null) =>
        new(new { Heading = heading, Text = text, BackUrl = back }) { StatusCode = status };
}
