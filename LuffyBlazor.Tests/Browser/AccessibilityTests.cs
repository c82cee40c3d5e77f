using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>
/// The shop's main pages and the admin orders page, checked with axe-core in Chromium: no serious or critical
/// violations (names for every button and link, labels for every field, enough contrast, one language...).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserSession session)
{
    private string Base => session.BaseUrl;

    [Fact]
    public async Task The_catalogue_course_log_in_cart_orders_and_pay_success_pages_have_no_serious_violations()
    {
        var visitor = await session.NewPageAsync();
        await visitor.OpenAsync(Base + "/");
        await visitor.AssertAccessibleAsync("the catalogue, to a visitor");
        await visitor.GotoAsync(Base + "/Account/Login");
        await visitor.AssertAccessibleAsync("the log-in page");

        var (page, _) = await session.NewLearnerPageAsync("a11y");
        await page.OpenAsync(Base + "/");
        await page.AssertAccessibleAsync("the catalogue, to a learner");
        await page.OpenAsync(Base + "/course/12");
        await page.AssertAccessibleAsync("a course page");
        await page.ClickAsync("#add-to-cart");
        await Expect(page.Locator("#purchase-message")).ToContainTextAsync("已加入购物车");
        await page.OpenAsync(Base + "/cart");
        await Expect(page.Locator("#cart-lines tbody tr")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync("the cart");

        await page.BuyAsync(Base, 7);
        await page.PayAtCashierAsync();
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", new() { Timeout = 15_000 });
        await page.AssertAccessibleAsync("the pay success page");
        await page.OpenAsync(Base + "/orders");
        await Expect(page.Locator(".order-card").First).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("my orders");

        // On a phone the menu shows icons only: their names must still be there for screen readers.
        var (phone, _) = await session.NewLearnerPageAsync("a11y", new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });
        await phone.OpenAsync(Base + "/");
        await phone.AssertAccessibleAsync("the catalogue on a phone");
    }

    [Fact]
    public async Task The_admin_orders_page_and_the_other_back_office_lists_have_no_serious_violations()
    {
        var page = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1366, Height = 800 } });
        await page.GotoAsync(Base + "/Account/Login");
        await page.LogInHereAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        await page.OpenAsync(Base + "/admin/orders");
        await Expect(page.Locator("#orders-totals")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("the admin orders page");

        foreach (var (path, what) in new[] { ("/admin", "the dashboard"), ("/admin/notifies", "the notify log"), ("/admin/courses", "the courses"), ("/admin/users", "the users") })
        {
            await page.OpenAsync(Base + path);
            await Expect(page.Locator(".mud-table-root, #stat-paid").First).ToBeVisibleAsync();
            await page.AssertAccessibleAsync(what);
        }
    }
}
