using System.Net;
using Bunit;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The back office on a WeChat Pay order: WeChat's live trade view, its words on the page, the notify log's provider column.</summary>
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
}
