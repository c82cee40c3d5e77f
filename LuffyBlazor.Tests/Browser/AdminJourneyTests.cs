using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>The back office in real Chromium: an admin answers "did this learner pay, and what did Alipay say?" and refunds.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminJourneyTests(BrowserSession session)
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 15_000 };
    private string Base => session.BaseUrl;

    [Fact]
    public async Task An_admin_finds_a_paid_order_sees_what_alipay_said_and_refunds_part_of_it()
    {
        // A school's worth of orders (what an admin sees, and the README's screenshots), then a learner pays for
        // Python 全栈开发 (¥198.00) at the simulator's cashier.
        await session.Shop.App.WithAsync<DemoDataSeeder, DemoSeedResult>(seeder => seeder.SeedAsync(400, _ => { }));
        var (learner, learnerId) = await session.NewLearnerPageAsync("refund");
        await learner.BuyAsync(Base, 1);
        await learner.PayAtCashierAsync();
        await Expect(learner.Locator("#pay-status")).ToHaveTextAsync("支付成功", new() { Timeout = 15_000 });
        var outTradeNo = learner.OutTradeNoOfReturn();

        var page = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1440, Height = 900 } });
        await page.GotoAsync(Base + "/Account/Login");
        await page.LogInHereAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        await page.OpenAsync(Base + "/admin");
        await Expect(page.Locator("#top-courses")).ToContainTextAsync("¥", Patiently);
        await Expect(page.Locator("#revenue-chart")).ToBeVisibleAsync();
        await page.ScreenshotAsync("admin-dashboard");

        await page.OpenAsync(Base + "/admin/orders");
        await Expect(page.Locator("#orders-grid")).ToContainTextAsync(outTradeNo, Patiently);
        await page.ScreenshotAsync("admin-orders");

        await page.ClickAsync($"a.order-link:text-is('{outTradeNo}')");
        await Expect(page.Locator("#order-no")).ToHaveTextAsync(outTradeNo);
        await Expect(page.Locator("#order-notifies .notify-row")).ToContainTextAsync("TRADE_SUCCESS");
        await Expect(page.Locator("#order-notifies .notify-verdict")).ToContainTextAsync("已接受");
        await Expect(page.Locator("#alipay-trade-status")).ToHaveTextAsync("TRADE_SUCCESS", new() { Timeout = 15_000 });

        await page.ClickAsync("#action-refund");
        await InputOf(page, "refund-full").UncheckAsync();
        await InputOf(page, "refund-amount").FillAsync("50.00");
        await InputOf(page, "refund-reason").FillAsync("部分课程内容不适用，退还部分费用");
        await page.ClickAsync("#refund-ok");

        await Expect(page.Locator("#order-refunded")).ToContainTextAsync("50.00", Patiently);
        await Expect(page.Locator("#order-refunds")).ToContainTextAsync("50.00");
        var order = await session.Shop.App.OrderAsync(outTradeNo);
        Assert.Equal(50.00m, order.RefundedAmount);
        Assert.Equal(OrderStatus.Paid, order.Status); // a partial refund keeps the course
        Assert.True(await session.Shop.App.QueryAsync(db => db.CourseOwnerships.AnyAsync(x => x.UserId == learnerId && x.CourseId == 1)));
    }

    /// <summary>A MudBlazor field's input, whether the component puts its id on the input or on a wrapper.</summary>
    private static ILocator InputOf(IPage page, string id) => page.Locator($"input#{id}, #{id} input").First;
}
