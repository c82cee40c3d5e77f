using System.Net;
using System.Text.Json;
using Bunit;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Common;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The back office on WeChat Pay orders: the grid's pay-type filter, the CSV's provider, a refund, WeChat's live trade view, its words on the page, the notify log's provider column.</summary>
public sealed class WeChatOrderAdminTests : AdminComponentTest, IClassFixture<WeChatPayApp>
{
    private readonly WeChatPayApp wechatApp;

    public WeChatOrderAdminTests(WeChatPayApp app) : base(app) => wechatApp = app;

    [Fact]
    public async Task A_paid_wechat_order_shows_wechats_live_view_its_history_and_the_notifys_provider()
    {
        var order = await App.PaidWeChatOrderAsync(2);
        wechatApp.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount));
        await SignInAsAdminAsync();

        var page = RenderPage<OrderDetailPage>($"/admin/orders/{order.OutTradeNo}", p => p.Add(nameof(OrderDetailPage.OutTradeNo), order.OutTradeNo));

        page.WaitForAssertion(() => Assert.Equal("SUCCESS", page.Find("#provider-trade-status").TextContent), TimeSpan.FromSeconds(5));
        Assert.Contains("微信支付实时状态", page.Markup);
        Assert.Contains("微信支付订单号", page.Find("#order-facts").TextContent);
        Assert.Empty(page.FindAll("#alipay-live"));
        Assert.Contains("微信支付异步通知", page.Find("#order-history").TextContent);
        Assert.Contains("微信支付", page.Find("#order-notifies").TextContent);
    }

    [Fact]
    public async Task A_wechat_trade_wechat_does_not_know_is_explained()
    {
        var (learner, _) = await App.CreateLearnerAsync("wxadmin");
        var order = await App.PlaceWeChatOrderAsync(learner, 3);
        await SignInAsAdminAsync();

        var page = RenderPage<OrderDetailPage>($"/admin/orders/{order.OutTradeNo}", p => p.Add(nameof(OrderDetailPage.OutTradeNo), order.OutTradeNo));

        page.WaitForAssertion(() => Assert.Contains("微信支付尚无该笔交易", page.Find("#provider-trade-error").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("同步微信支付", page.Find("#action-sync").TextContent);
    }

    [Fact]
    public void Wechats_reasons_read_in_chinese()
    {
        Assert.Equal("验签失败：签名与微信支付公钥不符（或是微信支付的验签探测）", NotifyReasons.ToChinese("Wechatpay-Signature does not verify"));
        Assert.Equal("时间戳无效，或与本机时间相差超过 5 分钟（过期或重放的通知）",
            NotifyReasons.ToChinese("Wechatpay-Timestamp 1764059405 is 400s away from our clock (more than 300s): stale or replayed"));
        Assert.Equal("解密失败：请检查 APIv3 密钥（WeChatPay:ApiV3Key）", NotifyReasons.ToChinese("resource does not decrypt with the APIv3 key (wrong key, nonce or associated_data, or tampered)"));
        Assert.Equal("金额与订单金额不符", NotifyReasons.ToChinese("amount.total 1.00 does not match the order total 99.00"));
        Assert.Equal("商户号（mchid）不是本商户的，请检查 WeChatPay:MchId 配置", NotifyReasons.ToChinese("mchid 1900000000 is not ours (1230000109)"));
        Assert.Equal("微信支付", NotifyProviderText.ToChinese("WeChat"));
        Assert.Equal("支付宝", NotifyProviderText.ToChinese(null));
    }

    [Fact]
    public async Task The_pay_type_in_the_address_shows_only_wechat_orders_each_saying_so_and_the_export_link_keeps_it()
    {
        var (learner, _) = await App.CreateLearnerAsync("wxgrid");
        var wechat = await App.PlaceWeChatOrderAsync(learner, 5);
        var alipay = await App.PlaceOrderAsync(learner, 6);
        await SignInAsAdminAsync();

        var page = RenderPage<OrdersPage>("/admin/orders?pay_type=2");

        page.WaitForAssertion(() => Assert.Contains(wechat.OutTradeNo, page.FindAll("#orders-grid .order-link").Select(a => a.TextContent.Trim())),
            TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(alipay.OutTradeNo, page.FindAll("#orders-grid .order-link").Select(a => a.TextContent.Trim()));
        Assert.NotEmpty(page.FindAll("#orders-grid .order-pay-type"));
        Assert.All(page.FindAll("#orders-grid .order-pay-type"), cell => Assert.Equal("微信支付", cell.TextContent.Trim()));
        Assert.Equal("api/v1/admin/orders/export.csv?pay_type=2", page.Find("#orders-export").GetAttribute("href"));
    }

    [Fact]
    public async Task The_csv_export_names_wechat_pay_as_the_provider_and_filters_by_it()
    {
        var (learner, _) = await App.CreateLearnerAsync("wxcsv");
        var wechat = await App.PlaceWeChatOrderAsync(learner, 7);
        var alipay = await App.PlaceOrderAsync(learner, 8);
        var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        var all = OrderExportTests.ParseCsv((await browser.GetStringAsync("/api/v1/admin/orders/export.csv")).TrimStart('\uFEFF'));
        var onlyWechat = OrderExportTests.ParseCsv((await browser.GetStringAsync("/api/v1/admin/orders/export.csv?pay_type=2")).TrimStart('\uFEFF'));

        var payType = Array.IndexOf(OrderCsvExport.Header, "支付方式");
        Assert.Equal("微信支付", all.Single(r => r[0] == wechat.OutTradeNo)[payType]);
        Assert.Equal("支付宝", all.Single(r => r[0] == alipay.OutTradeNo)[payType]);
        Assert.Contains(onlyWechat.Skip(1), r => r[0] == wechat.OutTradeNo);
        Assert.All(onlyWechat.Skip(1), r => Assert.Equal("微信支付", r[payType]));
    }

    [Fact]
    public async Task A_partial_refund_of_a_wechat_order_through_the_dialog_is_sent_to_wechat_and_listed()
    {
        var order = await App.PaidWeChatOrderAsync(4);
        wechatApp.WeChat.On($"/out-trade-no/{order.OutTradeNo}", 200, FakeWeChatPay.Transaction(order.OutTradeNo, order.TotalAmount));
        wechatApp.WeChat.On("/v3/refund/domestic/refunds", call => new WeChatPayReply(200, JsonSerializer.Serialize(new
        {
            out_refund_no = (string)call.Json!["out_refund_no"]!, out_trade_no = order.OutTradeNo, status = "SUCCESS", refund_id = "50300000002026112500000000001",
            amount = new { total = Money.ToFen(order.TotalAmount), refund = (long)call.Json!["amount"]!["refund"]! },
        })));
        await SignInAsAdminAsync();
        var page = RenderPage<OrderDetailPage>($"/admin/orders/{order.OutTradeNo}", p => p.Add(nameof(OrderDetailPage.OutTradeNo), order.OutTradeNo));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#action-refund")), TimeSpan.FromSeconds(5));

        _ = page.Find("#action-refund").ClickAsync(new()); // its handler waits for the dialog to close
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#refund-full")));
        await page.Find("#refund-full").ChangeAsync(new ChangeEventArgs { Value = false });
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#refund-amount")));
        await page.Find("#refund-amount").InputAsync(new ChangeEventArgs { Value = "10" });
        await page.Find("#refund-reason").InputAsync(new ChangeEventArgs { Value = "退一部分" });
        page.WaitForAssertion(() => Assert.False(page.Find("#refund-ok").HasAttribute("disabled")));
        await page.Find("#refund-ok").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#order-refunds .refund-row")), TimeSpan.FromSeconds(10));
        var sent = Assert.Single(wechatApp.WeChat.Calls, c => c.PathAndQuery.EndsWith("/v3/refund/domestic/refunds", StringComparison.Ordinal) && (string?)c.Json!["out_trade_no"] == order.OutTradeNo);
        Assert.True(sent.SignatureValid);
        Assert.Equal(1000, (long)sent.Json!["amount"]!["refund"]!);
        Assert.Contains("¥10.00", page.Find("#order-refunded").TextContent);
        Assert.Equal(10.00m, (await App.OrderAsync(order.OutTradeNo)).RefundedAmount);
    }
}
