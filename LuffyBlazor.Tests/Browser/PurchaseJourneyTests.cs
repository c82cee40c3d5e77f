using LuffyBlazor.Features.Payments.Alipay;
using LuffyBlazor.Features.Payments.Simulator;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>A learner buys courses in real Chromium, against the app and its Alipay simulator on loopback.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PurchaseJourneyTests(BrowserSession session)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 15_000 };
    private string Base => session.BaseUrl;

    private async Task<IPage> LoggedInPageAsync(BrowserNewContextOptions? options = null) =>
        (await session.NewLearnerPageAsync("web", options)).Page;

    /// <summary>The whole journey once per signing mode: public key (公钥) and certificate (公钥证书).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_new_learner_registers_logs_in_buys_a_course_and_finds_it_in_my_courses(bool certificateMode)
    {
        var shop = certificateMode ? session.CertificateShop : session.Shop;
        var baseUrl = shop.BaseUrl;
        // The documentation's screenshots come from one of the two runs.
        async Task ScreenshotAsync(IPage page, string name)
        {
            if (!certificateMode)
            {
                await page.ScreenshotAsync(name);
            }
        }

        var page = await session.NewPageAsync();
        var name = "buyer" + Guid.NewGuid().ToString("N")[..8];
        await page.RegisterAsync(baseUrl, name);
        await page.ClickAsync("#logout");
        await page.WaitForSelectorAsync("#login-link");
        await page.GotoAsync(baseUrl + "/Account/Login");
        await page.LogInHereAsync(name, LearnerSteps.Password);

        await page.OpenAsync(baseUrl + "/");
        await ScreenshotAsync(page, "catalogue");
        await page.OpenAsync(baseUrl + "/course/2");
        await Expect(page.Locator("#course-name")).ToHaveTextAsync("Python 零基础入门");
        await ScreenshotAsync(page, "course");
        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
        await Expect(page.Locator("#cashier-amount")).ToHaveTextAsync("0.01");
        await ScreenshotAsync(page, "cashier");
        await page.PayAtCashierAsync();

        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        await Expect(page.Locator("#pay-order-no")).ToHaveTextAsync(page.OutTradeNoOfReturn());
        await ScreenshotAsync(page, "pay-success");
        await page.OpenAsync(baseUrl + "/my/courses");
        await Expect(page.Locator(".owned-course[data-course-id='2']")).ToBeVisibleAsync();
        await page.OpenAsync(baseUrl + "/course/2");
        await Expect(page.Locator("#start-learning")).ToBeVisibleAsync();
        Assert.Equal(certificateMode, shop.App.Services.GetRequiredService<AlipayCredentials>().Certificates is not null);
    }

    [Fact]
    public async Task A_visitor_who_presses_buy_logs_in_and_goes_straight_on_to_the_cashier()
    {
        var (_, name) = await session.Shop.App.CreateLearnerAsync("visitor");
        var page = await session.NewPageAsync();

        await page.OpenAsync(Base + "/course/3");
        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/Account/Login?returnUrl=*");
        await Expect(page.Locator("#purchase-reason")).ToContainTextAsync("登录后继续购买《");
        await page.ScreenshotAsync("log-in-to-buy");
        await page.FillAsync("#Input\\.Login", name);
        await page.FillAsync("#Input\\.Password", AppScenarios.LearnerPassword);
        await page.ClickAsync("#login-submit");

        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
        await page.PayAtCashierAsync();
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
    }

    [Fact]
    public async Task A_visitor_who_presses_buy_and_registers_instead_goes_straight_on_to_the_cashier()
    {
        var page = await session.NewPageAsync();
        await page.OpenAsync(Base + "/course/3");
        await page.ClickAsync("#buy-now");
        await page.ClickAsync("text=立即注册");
        await Expect(page.Locator("#purchase-reason")).ToContainTextAsync("注册后继续购买");

        var name = "reg" + Guid.NewGuid().ToString("N")[..8];
        await page.FillAsync("#Input\\.UserName", name);
        await page.FillAsync("#Input\\.Password", LearnerSteps.Password);
        await page.FillAsync("#Input\\.ConfirmPassword", LearnerSteps.Password);
        await page.ClickAsync("#register-submit");

        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
    }

    [Fact]
    public async Task Cancelling_at_the_cashier_leaves_the_order_unpaid_and_it_is_paid_later_from_my_orders()
    {
        var page = await LoggedInPageAsync();
        await page.BuyAsync(Base, 4);

        await page.ClickAsync("#cashier-cancel");
        await Expect(page.Locator("#simulator-heading")).ToHaveTextAsync("您已取消付款");
        await page.ClickAsync("#back-to-merchant");
        await page.WaitUntilUsableAsync();
        var order = page.Locator(".order-card").First;
        await Expect(order.Locator(".order-status")).ToHaveTextAsync("未支付");
        await order.Locator(".order-pay").ClickAsync();
        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
        await page.PayAtCashierAsync();

        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        await page.OpenAsync(Base + "/orders");
        await Expect(page.Locator(".order-card").First.Locator(".order-status")).ToHaveTextAsync("已支付");
    }

    [Fact]
    public async Task When_the_notify_is_lost_asking_alipay_from_the_return_page_finds_the_payment()
    {
        var page = await LoggedInPageAsync();
        await page.BuyAsync(Base, 5);

        await page.PayAtCashierAsync(fault: nameof(NotifyFault.Drop));

        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("还未收到支付结果");
        await page.WaitUntilUsableAsync();
        await page.ClickAsync("#recheck");
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
    }

    [Fact]
    public async Task Two_courses_added_to_the_cart_are_bought_in_one_order()
    {
        var page = await LoggedInPageAsync();
        foreach (var course in new[] { 10, 11 })
        {
            await page.OpenAsync($"{Base}/course/{course}");
            await page.ClickAsync("#add-to-cart");
            await Expect(page.Locator("#purchase-message")).ToContainTextAsync("已加入购物车");
            await Expect(page.Locator("#in-cart")).ToHaveTextAsync("已在购物车");
        }

        await page.OpenAsync(Base + "/cart");
        await Expect(page.Locator("#cart-lines tbody tr")).ToHaveCountAsync(2);
        var total = await page.Locator("#cart-total").TextContentAsync();
        await page.ClickAsync("#cart-checkout");
        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
        await Expect(page.Locator("#cashier-amount")).ToHaveTextAsync(total!.TrimStart('¥'));
        await page.PayAtCashierAsync();

        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        var order = await session.Shop.App.OrderAsync(page.OutTradeNoOfReturn());
        Assert.Equal([10, 11], order.Details.Select(d => d.CourseId).Order());
        await page.OpenAsync(Base + "/cart");
        await Expect(page.Locator("#cart-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_phone_goes_through_wap_pay()
    {
        var page = await LoggedInPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            IsMobile = true,
            HasTouch = true,
        });
        string? gatewayUrl = null;
        page.Request += (_, request) => gatewayUrl ??= request.Url.Contains("/dev/alipay/gateway.do") ? request.Url : null;

        await page.BuyAsync(Base, 6);
        await page.ScreenshotAsync("cashier-phone");
        await page.PayAtCashierAsync();

        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", Patiently);
        Assert.Contains("method=alipay.trade.wap.pay", gatewayUrl);
        var outTradeNo = page.OutTradeNoOfReturn();
        var trade = await session.Shop.App.QuerySimulatorAsync(db => db.Set<SimulatorTrade>().SingleAsync(t => t.OutTradeNo == outTradeNo));
        Assert.Equal("QUICK_WAP_WAY", trade.ProductCode);
        Assert.Equal(Base + "/orders", trade.QuitUrl);
    }
}
