using System.Net;
using System.Text.Json;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Tests.Orders;

/// <summary>
/// The learner's WeChat checkout as static pages and plain form posts (a browser without JavaScript, here an
/// HttpClient), against a fake WeChat Pay: the pay_type picker, our QR code page, the phone's H5 redirect, pay-again.
/// </summary>
public sealed class WeChatCheckoutPagesTests(WeChatPayApp app) : IClassFixture<WeChatPayApp>
{
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private static readonly Dictionary<string, string> WeChatChosen = new() { ["pay_type"] = "2" };

    private async Task<(HttpClient Client, string UserId)> LearnerAsync(string? userAgent = null)
    {
        var (userId, name) = await app.CreateLearnerAsync("wxpage");
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (userAgent is not null)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }

        Assert.Equal(HttpStatusCode.Redirect, (await client.LoginThroughPageAsync(name, AppScenarios.LearnerPassword)).StatusCode);
        return (client, userId);
    }

    private void ScriptNative() => app.WeChat.On("/v3/pay/transactions/native", call => new WeChatPayReply(200,
        JsonSerializer.Serialize(new { code_url = "weixin://wxpay/bizpayurl?pr=" + (string)call.Json!["out_trade_no"]! })));

    private static async Task<string> HtmlAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    private Task<Order> OnlyOrderAsync(string userId) =>
        app.QueryAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.UserId == userId));

    [Fact]
    public async Task The_course_page_offers_alipay_and_wechat_with_alipay_chosen()
    {
        var (learner, _) = await LearnerAsync();

        var html = await HtmlAsync(learner, "/course/2");

        Assert.Contains("<legend>支付方式</legend>", html);
        Assert.Matches("<input type=\"radio\" name=\"pay_type\" value=\"1\" checked[^>]*id=\"buy-pay-type-1\"", html);
        Assert.Matches("<input type=\"radio\" name=\"pay_type\" value=\"2\" id=\"buy-pay-type-2\"", html);
        Assert.Contains("微信支付", html);
    }

    [Fact]
    public async Task Buying_with_wechat_on_a_desktop_goes_to_our_page_that_shows_the_qr_code_amount_number_and_deadline()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();

        using var buy = await learner.SubmitFormAsync("/course/3", "buy-3", WeChatChosen);

        Assert.Equal(HttpStatusCode.Redirect, buy.StatusCode);
        var order = await OnlyOrderAsync(userId);
        Assert.Equal(PayType.WeChat, order.PayType);
        Assert.Equal($"/pay/wechat/{order.OutTradeNo}", buy.Headers.Location!.AbsolutePath);
        var html = await HtmlAsync(learner, buy.Headers.Location.PathAndQuery);
        Assert.Contains("<figure class=\"payment-qr\"", html);
        Assert.Contains("<svg", html);
        Assert.Contains($"<td id=\"pay-order-no\">{order.OutTradeNo}</td>", html);
        Assert.Contains($"<b class=\"course-price\" id=\"pay-total\">{Money.Display(order.TotalAmount)}</b>", html);
        Assert.Contains($"请在 {order.ExpiresAt.ToBeijingText()} （北京时间）前完成支付", html);
        Assert.Contains("id=\"wechat-refresh-static\"", html); // 刷新 for a browser without JavaScript
        var native = Assert.Single(app.WeChat.Calls, c => c.PathAndQuery.EndsWith("/native") && c.Body.Contains(order.OutTradeNo));
        Assert.Equal((int)(order.TotalAmount * 100), (int)native.Json!["amount"]!["total"]!);
    }

    [Fact]
    public async Task Reloading_the_qr_code_page_shows_the_same_code_without_asking_wechat_again()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(userId, 3);

        var first = await HtmlAsync(learner, $"/pay/wechat/{order.OutTradeNo}");
        var second = await HtmlAsync(learner, $"/pay/wechat/{order.OutTradeNo}");

        Assert.Single(app.WeChat.Calls, c => c.PathAndQuery.EndsWith("/native") && c.Body.Contains(order.OutTradeNo));
        var qr = PaymentQrCode.Svg("weixin://wxpay/bizpayurl?pr=" + order.OutTradeNo);
        Assert.Contains(qr, first);
        Assert.Contains(qr, second);
    }

    [Fact]
    public async Task A_remembered_code_is_not_shown_once_the_order_was_paid()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(userId, 4);
        Assert.Contains("payment-qr", await HtmlAsync(learner, $"/pay/wechat/{order.OutTradeNo}"));
        using var notify = await app.CreateClient().SendAsync(FakeWeChatPay.NotifyRequest(
            FakeWeChatPay.NotifyBody(FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount))));
        Assert.Equal(HttpStatusCode.NoContent, notify.StatusCode);

        var html = await HtmlAsync(learner, $"/pay/wechat/{order.OutTradeNo}");

        Assert.Matches("id=\"pay-status\"[^>]*>支付成功<", html);
        Assert.DoesNotContain("payment-qr", html);
    }

    [Fact]
    public async Task Buying_with_wechat_on_a_phone_goes_to_the_h5_url_which_brings_the_buyer_back_to_our_page()
    {
        app.WeChat.On("/v3/pay/transactions/h5", call => new WeChatPayReply(200, JsonSerializer.Serialize(new
        {
            h5_url = "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx" + (string)call.Json!["out_trade_no"]! + "&package=1",
        })));
        var (learner, userId) = await LearnerAsync(IPhone);

        using var buy = await learner.SubmitFormAsync("/course/4", "buy-4", WeChatChosen);

        Assert.Equal(HttpStatusCode.Redirect, buy.StatusCode);
        var order = await OnlyOrderAsync(userId);
        var h5 = buy.Headers.Location!;
        Assert.Equal("wx.tenpay.com", h5.Host);
        var query = QueryHelpers.ParseQuery(h5.Query);
        Assert.Equal("wx" + order.OutTradeNo, query["prepay_id"]);
        Assert.Equal($"http://localhost/pay/wechat/{order.OutTradeNo}", query["redirect_url"]);
        var h5Call = Assert.Single(app.WeChat.Calls, c => c.PathAndQuery.EndsWith("/h5") && c.Body.Contains(order.OutTradeNo));
        Assert.NotNull(h5Call.Json!["scene_info"]!["payer_client_ip"]);
    }

    [Fact]
    public async Task The_cart_checks_out_with_wechat_and_goes_to_our_qr_code_page()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();
        await learner.SubmitFormAsync("/course/5", "add-to-cart-5", new Dictionary<string, string>());

        using var checkout = await learner.SubmitFormAsync("/cart", "checkout", WeChatChosen);

        var order = await OnlyOrderAsync(userId);
        Assert.Equal(PayType.WeChat, order.PayType);
        Assert.Equal($"/pay/wechat/{order.OutTradeNo}", checkout.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task An_unknown_pay_type_is_refused_with_a_clear_message_and_places_nothing()
    {
        var (learner, userId) = await LearnerAsync();

        using var buy = await learner.SubmitFormAsync("/course/6", "buy-6", new Dictionary<string, string> { ["pay_type"] = "3" });

        Assert.Equal(HttpStatusCode.OK, buy.StatusCode);
        Assert.Contains(BrowserCheckout.UnknownPayType, WebUtility.HtmlDecode(await buy.Content.ReadAsStringAsync()));
        Assert.False(await app.QueryAsync(db => db.Orders.AnyAsync(o => o.UserId == userId)));
    }

    [Fact]
    public async Task My_orders_names_the_provider_and_pays_a_wechat_order_again_on_our_qr_code_page()
    {
        var (learner, userId) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(userId, 7);

        var html = await HtmlAsync(learner, "/orders");
        using var pay = await learner.SubmitFormAsync("/orders", $"pay-{order.OutTradeNo}", new Dictionary<string, string>());

        Assert.Contains("<span class=\"order-pay-type\">微信支付</span>", html);
        Assert.Equal(HttpStatusCode.Redirect, pay.StatusCode);
        Assert.Equal($"/pay/wechat/{order.OutTradeNo}", pay.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Someone_elses_qr_code_page_is_not_found_and_asks_wechat_nothing()
    {
        var (_, owner) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(owner, 8);
        var (stranger, _) = await LearnerAsync();

        using var response = await stranger.GetAsync($"/pay/wechat/{order.OutTradeNo}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("id=\"pay-order-no\"", html);
        Assert.DoesNotContain("payment-qr", html);
        Assert.DoesNotContain(app.WeChat.Calls, c => c.Body.Contains(order.OutTradeNo));
    }

    [Fact]
    public async Task A_visitor_is_sent_to_log_in_from_a_qr_code_page()
    {
        var (_, owner) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(owner, 9);

        using var response = await app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            .GetAsync($"/pay/wechat/{order.OutTradeNo}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_qr_code_page_of_a_paid_order_shows_it_paid_without_a_qr_code()
    {
        var order = await app.PaidWeChatOrderAsync(10);
        var userName = await app.QueryAsync(db => db.Users.Where(u => u.Id == order.UserId).Select(u => u.UserName).SingleAsync());
        var owner = app.CreateClient();
        await owner.LoginThroughPageAsync(userName!, AppScenarios.LearnerPassword);

        var html = await HtmlAsync(owner, $"/pay/wechat/{order.OutTradeNo}");

        Assert.Matches("id=\"pay-status\"[^>]*>支付成功<", html);
        Assert.Contains("<td id=\"pay-provider\">微信支付</td>", html);
        Assert.DoesNotContain("payment-qr", html);
        Assert.DoesNotContain(app.WeChat.Calls, c => c.PathAndQuery.EndsWith("/native") && c.Body.Contains(order.OutTradeNo));
    }

    [Fact]
    public async Task Refresh_without_javascript_asks_wechat_and_moves_on_to_the_result_when_it_was_paid()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(userId, 11);
        app.WeChat.On(order.OutTradeNo, 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount));

        using var refresh = await learner.SubmitFormAsync($"/pay/wechat/{order.OutTradeNo}", $"wechat-refresh-{order.OutTradeNo}", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, refresh.StatusCode);
        Assert.Equal($"/pay/success?out_trade_no={order.OutTradeNo}", refresh.Headers.Location!.PathAndQuery);
        Assert.Equal(OrderStatus.Paid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task Refresh_without_javascript_says_so_while_wechat_has_no_payment()
    {
        ScriptNative();
        var (learner, userId) = await LearnerAsync();
        var order = await app.PlaceWeChatOrderAsync(userId, 12);
        app.WeChat.On(order.OutTradeNo, 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount, tradeState: "NOTPAY"));

        using var refresh = await learner.SubmitFormAsync($"/pay/wechat/{order.OutTradeNo}", $"wechat-refresh-{order.OutTradeNo}", new Dictionary<string, string>());

        var html = WebUtility.HtmlDecode(await refresh.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Contains("还未收到支付结果。如已付款，请稍候再刷新。", html);
        Assert.Contains("payment-qr", html);
        Assert.Equal(OrderStatus.Unpaid, (await app.OrderAsync(order.OutTradeNo)).Status);
    }
}
