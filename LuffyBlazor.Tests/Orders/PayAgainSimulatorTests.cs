using System.Net;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// 去支付 in /orders with the other provider, over real Kestrel against both simulators, as a browser without
/// JavaScript does it (plain form posts): the Alipay trade the learner left open is closed at the Alipay simulator,
/// the order moves to WeChat Pay, and the WeChat simulator's payment pays it.
/// </summary>
public sealed partial class PayAgainSimulatorTests : IDisposable
{
    private readonly SimulatorApp shop = new(new Dictionary<string, string?>
    {
        ["WeChatPay:Simulator:Enabled"] = "true",
        ["WeChatPay:Simulator:NotifyRetryScale"] = "0.01",
    });

    public void Dispose() => shop.Dispose();

    private async Task<(HttpClient Browser, Order Order)> LearnerWithAlipayOrderAsync(int course)
    {
        var (learner, name) = await shop.App.CreateLearnerAsync("payagain");
        var browser = shop.Browser();
        using var login = await browser.LoginThroughPageAsync(name, AppScenarios.LearnerPassword);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return (browser, await shop.App.PlaceOrderAsync(learner, course));
    }

    [Fact]
    public async Task Choosing_wechat_for_an_alipay_order_left_at_the_cashier_closes_it_there_and_wechat_pays_the_order()
    {
        var (browser, order) = await LearnerWithAlipayOrderAsync(3);
        var alipayPayUrl = shop.PayUrl(order);
        var (_, cashier, _) = await Cashier.OpenAsync(browser, alipayPayUrl);
        Assert.NotNull(cashier); // the buyer opened Alipay's cashier, then left: a trade waits there

        var ordersPage = WebUtility.HtmlDecode(await browser.GetStringAsync("orders"));
        using var chosen = await browser.SubmitFormAsync("orders", $"pay-{order.OutTradeNo}", new Dictionary<string, string> { ["pay_type"] = "2" });

        Assert.Matches($"<input [^>]*checked[^>]*id=\"pay-{order.OutTradeNo}-pay-type-1\"", ordersPage);
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.EndsWith($"/pay/wechat/{order.OutTradeNo}", chosen.Headers.Location!.AbsoluteUri);
        var atAlipay = await shop.Alipay.QueryTradeAsync(order.OutTradeNo);
        Assert.Equal("TRADE_CLOSED", atAlipay.Data!.TradeStatus);
        var (_, noCashier, refusedPage) = await Cashier.OpenAsync(browser, alipayPayUrl);
        Assert.Null(noCashier);
        Assert.Equal("ACQ.TRADE_HAS_CLOSE", Cashier.ErrorCode(refusedPage));
        var switched = await shop.App.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Unpaid, PayType.WeChat), (switched.Status, switched.PayType));

        // The QR code page, then the simulator's scan page: the buyer's phone pays.
        var qrPage = WebUtility.HtmlDecode(await browser.GetStringAsync(chosen.Headers.Location));
        var scan = ScanLink().Match(qrPage);
        Assert.True(scan.Success, "no scan link on the WeChat page");
        using var scanned = await browser.GetAsync(scan.Groups[1].Value.TrimStart('/'));
        Assert.Equal(HttpStatusCode.Redirect, scanned.StatusCode);
        var weChatCashier = new Uri(new Uri(shop.BaseUrl), scanned.Headers.Location!.OriginalString);
        using var paid = await browser.PostAsync(weChatCashier.AbsolutePath.TrimStart('/') + "/pay", new FormUrlEncodedContent([]));

        var done = await shop.App.WaitForStatusAsync(order.OutTradeNo, OrderStatus.Paid);
        Assert.Equal(PayType.WeChat, done.PayType);
        Assert.StartsWith("42000", done.TradeNo);
        var history = await shop.App.QueryAsync(db => db.OrderStatusChanges.AsNoTracking().Where(c => c.OrderId == order.Id).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(["支付方式由支付宝改为微信支付"], history.Where(c => c.From == OrderStatus.Unpaid && c.To == OrderStatus.Unpaid).Select(c => c.Reason));
    }

    [Fact]
    public async Task Paying_again_with_the_orders_own_provider_goes_to_its_cashier_and_changes_nothing()
    {
        var (browser, order) = await LearnerWithAlipayOrderAsync(4);

        using var again = await browser.SubmitFormAsync("orders", $"pay-{order.OutTradeNo}", new Dictionary<string, string> { ["pay_type"] = "1" });

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("method=alipay.trade.page.pay", again.Headers.Location!.AbsoluteUri);
        var same = await shop.App.OrderAsync(order.OutTradeNo);
        Assert.Equal((PayType.Alipay, order.Version), (same.PayType, same.Version));
    }

    [Fact]
    public async Task On_a_phone_choosing_wechat_goes_to_the_h5_page_that_brings_the_buyer_back_to_our_page()
    {
        var (browser, order) = await LearnerWithAlipayOrderAsync(5);
        browser.DefaultRequestHeaders.UserAgent.ParseAdd("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148");

        using var chosen = await browser.SubmitFormAsync("orders", $"pay-{order.OutTradeNo}", new Dictionary<string, string> { ["pay_type"] = "2" });

        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        var h5 = chosen.Headers.Location!.AbsoluteUri;
        Assert.Contains("/dev/wechatpay/pay/", h5);
        Assert.Contains("redirect_url=" + Uri.EscapeDataString($"{shop.BaseUrl}/pay/wechat/{order.OutTradeNo}"), h5);
        Assert.Equal(PayType.WeChat, (await shop.App.OrderAsync(order.OutTradeNo)).PayType);
    }

    [Fact]
    public async Task A_visitor_who_chose_wechat_before_logging_in_gets_a_wechat_order()
    {
        var (learner, name) = await shop.App.CreateLearnerAsync("resumewx");
        var visitor = shop.Browser();
        var coursePage = WebUtility.HtmlDecode(await visitor.GetStringAsync("course/6"));
        Assert.Contains("<form method=\"get\" action=\"Account/Login\"", coursePage);
        Assert.Contains("id=\"buy-pay-type-2\"", coursePage);

        const string logIn = "Account/Login?returnUrl=%2Fcourse%2F6&purchase=6&pay_type=2";
        var logInPage = WebUtility.HtmlDecode(await visitor.GetStringAsync(logIn));
        using var loggedIn = await visitor.SubmitFormAsync(logIn, "login", new Dictionary<string, string>
        {
            ["Input.Login"] = name,
            ["Input.Password"] = AppScenarios.LearnerPassword,
        });

        Assert.Contains("登录后继续购买《", logInPage);
        Assert.Contains("》，使用微信支付", logInPage);
        Assert.Contains("pay_type=2", RegisterLink().Match(logInPage).Value);
        Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
        var order = await shop.App.QueryAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.UserId == learner));
        Assert.Equal(PayType.WeChat, order.PayType);
        Assert.EndsWith($"/pay/wechat/{order.OutTradeNo}", loggedIn.Headers.Location!.AbsoluteUri);
    }

    [GeneratedRegex("href=\"([^\"]*dev/wechatpay/scan\\?code_url=[^\"]+)\"")]
    private static partial Regex ScanLink();

    [GeneratedRegex("href=\"[^\"]*Account/Register[^\"]*\">立即注册")]
    private static partial Regex RegisterLink();
}
