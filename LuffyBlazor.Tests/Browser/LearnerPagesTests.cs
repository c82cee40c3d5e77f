using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>
/// The learner's pages of issue 16 as Chromium shows them, each saved as a screenshot (docs/testing.md lists which
/// shows what): registration on the way to a purchase, the order list's amounts, the lock-out and 403 pages, and a
/// course the learner owns; the pages that are new here also pass the axe check.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LearnerPagesTests(BrowserSession session)
{
    private string Base => session.BaseUrl;

    private LuffyAppFactory App => session.Shop.App;

    [Fact]
    public async Task Registering_on_the_way_to_a_purchase_says_why_and_which_characters_a_user_name_may_have()
    {
        var page = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.OpenAsync(Base + "/course/3");
        await Expect(page.Locator("#buy-now")).ToHaveTextAsync("立即购买");
        await page.ClickAsync("#buy-now");
        await page.ClickAsync("text=立即注册");

        await Expect(page.Locator("#purchase-reason")).ToContainTextAsync("注册后继续购买《");
        await Expect(page.Locator("label[for='Input.UserName']")).ToContainTextAsync("只能用英文字母、数字和 - . _");
        await Expect(page.Locator("#Input\\.UserName")).ToBeFocusedAsync();
        await page.FillAsync("#Input\\.UserName", "王 小明");
        await page.ClickAsync("#register-submit");
        await Expect(page.Locator(".account-error").First).ToContainTextAsync("用户名只能包含字母、数字和 - . _");
        await page.AssertAccessibleAsync("the registration page on the way to a purchase");
        await page.ScreenshotAsync("register-to-buy");
    }

    [Fact]
    public async Task My_orders_read_what_is_due_what_was_paid_what_was_refunded_and_which_order_is_past_its_deadline()
    {
        var (page, userId) = await session.NewLearnerPageAsync("amounts", new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        var cancelled = await App.OrderInStateAsync(userId, 4, OrderStatus.Cancelled);
        var paid = await App.OrderInStateAsync(userId, 5, OrderStatus.Paid);
        var refunded = await App.OrderInStateAsync(userId, 6, OrderStatus.Paid, refunded: 20m);
        var stale = await App.OrderInStateAsync(userId, 7, OrderStatus.Unpaid, expiresIn: TimeSpan.FromSeconds(50));
        var live = await App.OrderInStateAsync(userId, 8, OrderStatus.Unpaid);

        await page.OpenAsync(Base + "/orders");

        ILocator Amount(Order order) => page.Locator($"[data-order='{order.OutTradeNo}'] .order-amount");
        await Expect(Amount(live)).ToContainTextAsync("应付");
        await Expect(Amount(cancelled)).ToContainTextAsync("应付");
        await Expect(Amount(paid)).ToContainTextAsync("实付");
        await Expect(Amount(refunded)).ToContainTextAsync("已退 ¥20.00");
        await Expect(Amount(stale)).ToContainTextAsync("已超过支付期限，订单即将关闭");
        await Expect(page.Locator($"[data-order='{stale.OutTradeNo}'] .order-pay")).ToHaveCountAsync(0);
        await Expect(page.Locator($"[data-order='{live.OutTradeNo}'] .order-pay")).ToHaveTextAsync("去支付");
        await page.ScreenshotAsync("my-orders");

        await page.OpenAsync($"{Base}/pay/success?out_trade_no={refunded.OutTradeNo}");
        await Expect(page.Locator("#pay-total")).ToContainTextAsync("（已退 ¥20.00）");
        await page.ScreenshotAsync("order-partly-refunded");
    }

    [Fact]
    public async Task The_lock_out_page_leads_back_to_log_in_where_the_user_name_has_the_focus()
    {
        var page = await session.NewPageAsync();
        await page.OpenAsync(Base + "/Account/Lockout?minutes=5");
        await Expect(page.Locator("#lockout-message")).ToContainTextAsync("请 5 分钟后再试");
        await page.AssertAccessibleAsync("the lock-out page");
        await page.ScreenshotAsync("lockout");

        await page.ClickAsync("#back-to-login");

        await page.WaitForURLAsync("**/Account/Login");
        await Expect(page.Locator("#Input\\.Login")).ToBeFocusedAsync();
        await page.ScreenshotAsync("log-in");
    }

    [Fact]
    public async Task A_learner_in_the_back_office_gets_a_403_page_with_its_own_title()
    {
        var (page, _) = await session.NewLearnerPageAsync("denied");

        var response = await page.GotoAsync(Base + "/admin");

        Assert.Equal(403, response!.Status);
        await Expect(page).ToHaveTitleAsync("无权访问 - 路飞学城");
        await Expect(page.Locator("body")).ToContainTextAsync("当前账户没有访问该页面的权限");
        await page.AssertAccessibleAsync("the 403 page");
        await page.ScreenshotAsync("access-denied");
    }

    [Fact]
    public async Task A_learner_who_bought_a_course_can_play_its_lessons_and_is_told_which_are_not_there_yet()
    {
        var (page, _) = await session.NewLearnerPageAsync("owner", new BrowserNewContextOptions { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.OpenAsync(Base + "/course/1");
        var previews = page.Locator(".course-lesson:has(.free-preview)");
        Assert.True(await previews.CountAsync() > 0);
        foreach (var preview in await previews.AllAsync())
        {
            // Before buying: a 免费试看 badge always comes with its play button.
            Assert.Equal(1, await preview.Locator(".lesson-play").CountAsync());
        }

        await page.BuyAsync(Base, 1);
        await page.PayAtCashierAsync();
        await Expect(page.Locator("#pay-status")).ToHaveTextAsync("支付成功", new() { Timeout = 15_000 });

        await page.OpenAsync(Base + "/course/1");

        await Expect(page.Locator("#start-learning")).ToHaveTextAsync("立即学习");
        var lessons = page.Locator(".course-lesson");
        Assert.True(await lessons.CountAsync() > 1);
        foreach (var lesson in await lessons.AllAsync())
        {
            // Every lesson an owner sees either plays or says it is coming.
            var plays = await lesson.Locator(".lesson-play").CountAsync();
            var coming = await lesson.Locator(".lesson-coming").CountAsync();
            Assert.True(plays + coming == 1, await lesson.InnerTextAsync());
        }

        await page.AssertAccessibleAsync("a course its learner owns");
        await page.ScreenshotAsync("course-owned");
    }
}
