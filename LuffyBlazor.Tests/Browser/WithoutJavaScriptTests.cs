using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>The shop's static pages in Chromium with JavaScript switched off: log in, add to the cart, buy.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WithoutJavaScriptTests(BrowserSession session)
{
    private string Base => session.BaseUrl;

    [Fact]
    public async Task Log_in_add_to_cart_and_buy_work_without_javascript()
    {
        var (_, name) = await session.Shop.App.CreateLearnerAsync("nojs");
        var page = await session.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(Base + "/Account/Login");
        await page.LogInHereAsync(name, AppScenarios.LearnerPassword);

        await page.GotoAsync(Base + "/course/8");
        await page.ClickAsync("#add-to-cart");
        await Expect(page.Locator("#purchase-message")).ToContainTextAsync("已加入购物车");
        await Expect(page.Locator("#in-cart")).ToHaveTextAsync("已在购物车");
        await Expect(page.Locator("#cart-count")).ToHaveTextAsync("1");
        await page.ScreenshotAsync("added-to-cart");

        await page.ClickAsync("#buy-now");
        await page.WaitForURLAsync("**/dev/alipay/cashier/**");
    }

    [Fact]
    public async Task On_a_phone_the_header_keeps_the_logo_on_one_line_and_names_its_icons()
    {
        var (_, name) = await session.Shop.App.CreateLearnerAsync("phone");
        var page = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        await page.GotoAsync(Base + "/Account/Login");
        await Expect(page.Locator("#Input\\.Login")).ToBeFocusedAsync();
        await page.LogInHereAsync(name, AppScenarios.LearnerPassword);
        await page.OpenAsync(Base + "/");

        var brand = await page.Locator(".luffy-brand-text").BoundingBoxAsync();
        Assert.True(brand!.Height < 30, $"the logo's name wraps onto two lines ({brand.Height} px high)");
        await Expect(page.Locator("#cart-link")).ToHaveAccessibleNameAsync("购物车");
        await Expect(page.Locator("a[href='orders']")).ToHaveAccessibleNameAsync("我的订单");
        await page.FocusAsync("#cart-link");
        var outline = await page.EvalOnSelectorAsync<string>("#cart-link", "e => getComputedStyle(e).outlineStyle");
        Assert.NotEqual("none", outline);
        await page.ScreenshotAsync("header-phone");
    }
}
