using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>A learner buys a course with 微信支付 in real Chromium, against the app and its WeChat Pay simulator.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WeChatJourneyTests(BrowserSession session)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 20_000 };
    private string Base => session.BaseUrl;

    private async Task<(IPage Page, string UserId)> LearnerAsync(BrowserNewContextOptions options) => await session.NewLearnerPageAsync("wechat", options);

    private async Task<Order> OnlyOrderAsync(string userId) =>
        Assert.Single(await session.Shop.App.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Orders.Where(o => o.UserId == userId))));

    /// <summary>
    /// On our QR code page: the simulator's scan page plays the buyer's phone, in a second tab, and pays; our tab
    /// keeps waiting and moves on to the paid result by itself.
    /// </summary>
    private static async Task ScanAndPayAsync(IPage page, string outTradeNo)
    {
        var phone = await page.Context.RunAndWaitForPageAsync(() => page.ClickAsync("#wechat-simulator-scan"));
        await phone.WaitForURLAsync("**/dev/wechatpay/pay/**");
        await Expect(phone.Locator("#wechat-out-trade-no")).ToHaveTextAsync(outTradeNo);
        await phone.ClickAsync("#wechat-pay");
        await Expect(phone.Locator("#wechat-heading")).ToHaveTextAsync("支付成功");

        await page.WaitForURLAsync($"**/pay/success?out_trade_no={outTradeNo}", new() { Timeout = 20_000 });
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        await Expect(page.Locator("#pay-provider")).ToHaveTextAsync("微信支付");
    }

    [Fact]
    public async Task On_a_desktop_the_learner_scans_our_qr_code_pays_and_the_page_moves_on_by_itself()
    {
        var (page, userId) = await LearnerAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1366, Height = 800 } });
        await page.OpenAsync($"{Base}/course/8");
        await Expect(page.Locator("#buy-pay-type-1")).ToBeCheckedAsync();
        await page.CheckAsync("#buy-pay-type-2");
        await page.ScreenshotAsync("course-pay-type");

        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/pay/wechat/**");
        await Expect(page.Locator("figure.payment-qr svg")).ToBeVisibleAsync();
        var order = await OnlyOrderAsync(userId);
        await Expect(page.Locator("#pay-order-no")).ToHaveTextAsync(order.OutTradeNo);
        await Expect(page.Locator("#pay-total")).ToHaveTextAsync(LuffyBlazor.Common.Money.Display(order.TotalAmount));
        await page.WaitUntilUsableAsync();
        await Expect(page.Locator("#wechat-wait-status")).ToContainTextAsync("正在等待支付结果");
        await page.ScreenshotAsync("wechat-qr");
        await page.AssertAccessibleAsync("the WeChat QR code page");

        await ScanAndPayAsync(page, order.OutTradeNo);
        await page.ScreenshotAsync("wechat-paid");
        var paid = await session.Shop.App.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.WeChat), (paid.Status, paid.PayType));
    }

    [Fact]
    public async Task On_a_phone_the_learner_pays_on_the_h5_page_and_comes_back_to_the_paid_result()
    {
        var (page, userId) = await LearnerAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            IsMobile = true,
            HasTouch = true,
        });
        await page.OpenAsync($"{Base}/course/9");
        await page.CheckAsync("#buy-pay-type-2");

        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/dev/wechatpay/pay/**");
        var order = await OnlyOrderAsync(userId);
        Assert.Contains("redirect_url=" + Uri.EscapeDataString($"{Base}/pay/wechat/{order.OutTradeNo}"), page.Url);
        await Expect(page.Locator("#wechat-out-trade-no")).ToHaveTextAsync(order.OutTradeNo);
        await page.ScreenshotAsync("wechat-h5-phone");
        await page.ClickAsync("#wechat-pay");

        // Back on our site: our WeChat page (the redirect_url), which moves on to /pay/success if the notify is late.
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(Base)}/pay/(wechat/|success)"));
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        await Expect(page.Locator("#pay-order-no")).ToHaveTextAsync(order.OutTradeNo);
        await page.ScreenshotAsync("wechat-paid-phone");
        Assert.Equal(OrderStatus.Paid, (await session.Shop.App.OrderAsync(order.OutTradeNo)).Status);
    }

    [Fact]
    public async Task An_alipay_order_left_at_the_cashier_is_paid_with_wechat_from_my_orders()
    {
        var (page, userId) = await LearnerAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.BuyAsync(Base, 10); // 支付宝, the default: the simulator's Alipay cashier, which the learner leaves
        var order = await OnlyOrderAsync(userId);
        Assert.Equal(PayType.Alipay, order.PayType);

        await page.OpenAsync($"{Base}/orders");
        var card = page.Locator($"[data-order='{order.OutTradeNo}']");
        await Expect(card.Locator(".order-pay-type")).ToHaveTextAsync("支付宝");
        await Expect(page.Locator($"#pay-{order.OutTradeNo}-pay-type-1")).ToBeCheckedAsync();
        await page.CheckAsync($"#pay-{order.OutTradeNo}-pay-type-2");
        await page.ScreenshotAsync("orders-pay-again");
        await page.AssertAccessibleAsync("my orders with the pay type choice");
        await card.Locator(".order-pay").ClickAsync();

        await page.WaitForURLAsync($"**/pay/wechat/{order.OutTradeNo}");
        await Expect(page.Locator("figure.payment-qr svg")).ToBeVisibleAsync();
        await page.WaitUntilUsableAsync();
        Assert.Equal(PayType.WeChat, (await session.Shop.App.OrderAsync(order.OutTradeNo)).PayType);
        await ScanAndPayAsync(page, order.OutTradeNo);
        var paid = await session.Shop.App.OrderAsync(order.OutTradeNo);
        Assert.Equal((OrderStatus.Paid, PayType.WeChat), (paid.Status, paid.PayType));
    }
}
