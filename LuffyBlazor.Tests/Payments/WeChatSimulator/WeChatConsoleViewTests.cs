using Bunit;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Features.Payments.WeChatSimulator;
using LuffyBlazor.Features.Payments.WeChatSimulator.Pages;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Payments.WeChatSimulator;

/// <summary>
/// The console rendered with bUnit: an unpaid trade offers its notify switches, a paid one says which it was paid
/// with; every trade has its API switch; a pending notify offers 立即发送, a delivered one 重放, each with its attempts.
/// </summary>
public sealed class WeChatConsoleViewTests : BunitTestContext
{
    public WeChatConsoleViewTests() => Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());

    private static WeChatSimTrade Trade(string outTradeNo, string state) => new()
    {
        Id = outTradeNo.Length, OutTradeNo = outTradeNo, AppId = "wx0000000000000001", MchId = "1900000001", Description = "Python 全栈开发",
        Total = 19800, TimeExpire = new DateTime(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc), NotifyUrl = "http://shop.test/n", TradeType = "NATIVE",
        Token = "tok" + outTradeNo, TradeState = state,
    };

    [Fact]
    public void Unpaid_and_paid_trades_show_their_switches_and_each_notify_its_attempts_and_action()
    {
        var unpaid = Trade("UNPAID1", "NOTPAY");
        unpaid.NotifyFault = NotifyFault.Delay;
        unpaid.NotifyDelay = TimeSpan.FromSeconds(45);
        var paid = Trade("PAID22", "SUCCESS");
        (paid.NotifyFault, paid.NotifyCopies, paid.TamperSignature, paid.ApiFault) = (NotifyFault.Concurrent, 4, true, WeChatApiFault.SystemError);
        var at = new DateTime(2026, 12, 3, 2, 0, 0, DateTimeKind.Utc);
        WeChatSimNotification Notification(long id, NotificationState state) => new()
        {
            Id = id, TradeId = paid.Id, OutTradeNo = paid.OutTradeNo, EventType = "TRANSACTION.SUCCESS", Url = paid.NotifyUrl, Body = "{}",
            State = state, NextAttemptAt = at.AddSeconds(15),
        };
        var rows = new List<WeChatConsoleView.TradeRow>
        {
            new(unpaid, []),
            new(paid,
            [
                new(Notification(7, NotificationState.Pending), [new WeChatSimNotifyAttempt { NotificationId = 7, At = at, HttpStatus = 500 }]),
                new(Notification(8, NotificationState.Delivered), [new WeChatSimNotifyAttempt { NotificationId = 8, At = at, HttpStatus = 204, Accepted = true }]),
            ]),
        };

        var page = Render<WeChatConsoleView>(p => p.Add(x => x.Trades, rows).Add(x => x.RetryScale, 0.5));

        var unpaidCard = page.Find("[data-out-trade-no=UNPAID1]");
        Assert.Equal("/dev/wechatpay/console/trades/UNPAID1/faults", unpaidCard.QuerySelector("form.fault-form")!.GetAttribute("action"));
        Assert.NotNull(unpaidCard.QuerySelector("input[name=fault][value=Delay][checked]"));
        Assert.Equal("45", unpaidCard.QuerySelector("input[name=delay]")!.GetAttribute("value"));
        Assert.NotNull(unpaidCard.QuerySelector("input[name=__RequestVerificationToken]"));

        var paidCard = page.Find("[data-out-trade-no=PAID22]");
        Assert.Null(paidCard.QuerySelector("form.fault-form"));
        Assert.Contains("同时发送 4 份 · 篡改签名", paidCard.TextContent);
        Assert.Equal("SystemError", paidCard.QuerySelector("select[name=api_fault] option[selected]")!.GetAttribute("value"));
        var actions = paidCard.QuerySelectorAll("tr.notification form").Select(f => (f.GetAttribute("action"), f.TextContent.Trim())).ToList();
        Assert.Equal([("/dev/wechatpay/console/notifications/7/send", "立即发送"), ("/dev/wechatpay/console/notifications/8/replay", "重放")], actions);
        Assert.Contains("HTTP 500", paidCard.TextContent);
        Assert.Contains("已送达", paidCard.TextContent);
        Assert.Contains("待发送（2026-12-03 10:00:15）", paidCard.TextContent);
        Assert.Contains("NotifyRetryScale = 0.5", page.Markup);
    }

    [Fact]
    public void Without_trades_it_says_how_to_make_one()
    {
        var page = Render<WeChatConsoleView>(p => p.Add(x => x.Trades, []));

        Assert.Contains("选择微信支付下单", page.Find("#wechat-console-empty").TextContent);
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken GetAntiforgeryToken() => new("test-token", "__RequestVerificationToken");
    }
}
