using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Admin.Demo;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LuffyBlazor.Tests.Browser;

/// <summary>
/// The back office in real Chromium, at the 1366×800 a school admin uses: an admin answers "did this learner pay, and
/// what did Alipay say?" and refunds; every MudBlazor text is Chinese, and the grids' views live in the address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdminJourneyTests(BrowserSession session)
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 15_000 };
    private string Base => session.BaseUrl;

    /// <summary>A school's worth of orders (what an admin sees, and the docs' screenshots); idempotent.</summary>
    private Task SeedDemoOrdersAsync() => session.Shop.App.WithAsync<DemoDataSeeder, DemoSeedResult>(seeder => seeder.SeedAsync(400, _ => { }));

    private async Task<IPage> AdminPageAsync()
    {
        var page = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1366, Height = 800 } });
        await page.GotoAsync(Base + "/Account/Login");
        await page.LogInHereAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);
        return page;
    }

    [Fact]
    public async Task An_admin_finds_a_paid_order_sees_what_alipay_said_and_refunds_part_of_it()
    {
        // A learner pays for Python 全栈开发 (¥198.00) at the simulator's cashier.
        await SeedDemoOrdersAsync();
        var (learner, learnerId) = await session.NewLearnerPageAsync("refund");
        await learner.BuyAsync(Base, 1);
        await learner.PayAtCashierAsync();
        await Expect(learner.Locator("#pay-status")).ToHaveTextAsync("支付成功", new() { Timeout = 15_000 });
        var outTradeNo = learner.OutTradeNoOfReturn();
        var page = await AdminPageAsync();

        await page.OpenAsync(Base + "/admin");
        await Expect(page.Locator("#top-courses")).ToContainTextAsync("¥", Patiently);
        // The revenue chart takes its card's width (it used to keep its own aspect ratio, small in the middle).
        var card = (await page.Locator("#revenue-chart").Locator("xpath=ancestor::div[contains(@class,'mud-paper')][1]").BoundingBoxAsync())!;
        var chart = (await page.Locator("#revenue-chart svg").First.BoundingBoxAsync())!;
        Assert.True(chart.Width > card.Width * 0.9, $"the chart is {chart.Width:0} px wide in a card of {card.Width:0} px");
        await page.ScreenshotAsync("admin-dashboard");

        await page.OpenAsync(Base + "/admin/orders");
        await Expect(page.Locator("#orders-grid")).ToContainTextAsync(outTradeNo, Patiently);
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("每页行数");
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("1-20 / ");
        // Order numbers stay on one line.
        var lines = await page.Locator("a.order-link").EvaluateAllAsync<int[]>("links => links.map(a => a.getClientRects().length)");
        Assert.All(lines, count => Assert.Equal(1, count));
        await page.ScreenshotAsync("admin-orders");

        await page.ClickAsync($"a.order-link:text-is('{outTradeNo}')");
        await Expect(page.Locator("#order-no")).ToHaveTextAsync(outTradeNo);
        await Expect(page.Locator("#order-notifies .notify-row")).ToContainTextAsync("TRADE_SUCCESS");
        await Expect(page.Locator("#order-notifies .notify-verdict")).ToContainTextAsync("已接受");
        await Expect(page.Locator("#order-notifies .notify-reason").First).ToHaveTextAsync("付款已入账，订单改为已支付");
        await Expect(page.Locator("#order-notifies .notify-reason-machine").First).ToHaveTextAsync("marked paid");
        await Expect(page.Locator("#alipay-trade-status")).ToHaveTextAsync("TRADE_SUCCESS", new() { Timeout = 15_000 });

        await page.ClickAsync("#action-refund");
        await InputOf(page, "refund-full").UncheckAsync();
        await InputOf(page, "refund-reason").FillAsync("部分课程内容不适用，退还部分费用");
        await InputOf(page, "refund-amount").FillAsync("500");
        await InputOf(page, "refund-amount").BlurAsync();
        // More than can be refunded: said, and refused; never quietly lowered to the maximum.
        await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("超过了最多可退金额 ¥198.00，请改小");
        await Expect(InputOf(page, "refund-amount")).ToHaveValueAsync("500.00");
        await Expect(page.Locator("#refund-ok")).ToBeDisabledAsync();
        await page.ScreenshotAsync("admin-refund-dialog");
        await InputOf(page, "refund-amount").FillAsync("50.00");
        await Expect(page.Locator("#refund-ok")).ToBeEnabledAsync();
        await page.ClickAsync("#refund-ok");

        await Expect(page.Locator("#order-refunded")).ToContainTextAsync("50.00", Patiently);
        await Expect(page.Locator("#order-refunds")).ToContainTextAsync("50.00");
        var order = await session.Shop.App.OrderAsync(outTradeNo);
        Assert.Equal(50.00m, order.RefundedAmount);
        Assert.Equal(OrderStatus.Paid, order.Status); // a partial refund keeps the course
        Assert.True(await session.Shop.App.QueryAsync(db => db.CourseOwnerships.AnyAsync(x => x.UserId == learnerId && x.CourseId == 1)));
    }

    [Fact]
    public async Task The_orders_grids_view_lives_in_the_address_so_back_returns_to_it_and_a_shared_link_opens_it()
    {
        await SeedDemoOrdersAsync();
        var page = await AdminPageAsync();
        await page.OpenAsync(Base + "/admin/orders");
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("1-20 / ");

        await page.ClickAsync("#filter-status");
        await page.ClickAsync(".mud-popover-open .mud-list-item:has-text('已支付')");
        await page.WaitForURLAsync("**/admin/orders?status=1");
        await page.WaitForFunctionAsync(OnlyPaidRows);
        await page.ClickAsync(".mud-table-pagination button[aria-label='下一页']");
        await page.WaitForURLAsync("**/admin/orders?status=1&page=2");
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("21-40 / ");

        await page.GoBackAsync();
        await page.WaitForURLAsync("**/admin/orders?status=1");
        await Expect(page.Locator(".mud-table-pagination")).ToContainTextAsync("1-20 / ");
        await page.GoBackAsync();
        await page.WaitForURLAsync("**/admin/orders");
        await Expect(page.Locator("#orders-grid tbody .order-status").First).ToBeVisibleAsync();

        // A colleague's link: paid orders of learners whose name contains "demo-0001", dearest first, 50 a page.
        var shared = await session.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1366, Height = 800 }, StorageState = await page.Context.StorageStateAsync() });
        await shared.OpenAsync(Base + "/admin/orders?status=1&user=demo-0001&sort=TotalAmount&desc=true&size=50");
        await Expect(shared.Locator("#orders-grid tbody .order-link").First).ToBeVisibleAsync();
        var amounts = await shared.Locator("#orders-grid tbody tr td:nth-child(5)").AllInnerTextsAsync();
        var yuan = amounts.Select(a => decimal.Parse(a.Split('\n')[0].TrimStart('¥'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(yuan.OrderByDescending(a => a), yuan);
        Assert.All(await shared.Locator("#orders-grid tbody tr td:nth-child(3)").AllInnerTextsAsync(), user => Assert.StartsWith("demo-0001", user));
        await Expect(shared.Locator("#filter-user")).ToHaveValueAsync("demo-0001");
        await shared.ScreenshotAsync("admin-orders-shared-link");

        // The date picker speaks Chinese and starts its weeks on Monday.
        await shared.ClickAsync("#filter-dates-start");
        await Expect(shared.Locator(".mud-picker-calendar-header-day .mud-day-label").First).ToHaveTextAsync("周一");
        await shared.ScreenshotAsync("admin-date-picker");
    }

    [Fact]
    public async Task The_notify_log_courses_and_media_pages_say_everything_in_chinese()
    {
        await SeedDemoOrdersAsync();
        var page = await AdminPageAsync();

        await page.OpenAsync(Base + "/admin/notifies?verdict=2");
        await Expect(page.Locator("#notifies-grid .notify-reason-machine").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var reasons = await page.Locator("#notifies-grid .notify-reason").AllInnerTextsAsync();
        Assert.All(reasons, reason => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", reason));
        await page.ScreenshotAsync("admin-notifies");

        // A new course starts off sale, after the last course.
        await page.OpenAsync(Base + "/admin/courses/new");
        await Expect(page.Locator("#course-new-hint")).ToBeVisibleAsync();
        await Expect(InputOf(page, "course-on-sale")).Not.ToBeCheckedAsync();
        var last = await session.Shop.App.QueryAsync(db => db.Courses.MaxAsync(c => c.SortOrder));
        await Expect(page.Locator("input#course-sort, #course-sort input").First).ToHaveValueAsync((last + 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync("admin-course-new");

        // Lesson rows name a video by its file: the uploaded file's own name, or a seed video's file name.
        var vue = await session.Shop.App.QueryAsync(db => db.Courses.Where(c => c.Name == "Vue 3 全家桶实战").Select(c => c.Id).SingleAsync());
        var chapter = (await session.Shop.App.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(vue)))[0];
        var uploaded = $"{StorageKeys.PrivatePrefix}{CourseMedia.VideoPrefix}/202612/0a1b2c3d4e5f60718293a4b5.mp4";
        await session.Shop.App.Services.GetRequiredService<IFileStore>().SaveAsync(uploaded, new MemoryStream(TestMedia.Mp4(4096)), "video/mp4");
        var admin = await session.Shop.App.AdminAsync();
        await session.Shop.App.WithAsync<CourseContentAdmin, bool>(async c =>
        {
            await c.SetLessonVideoAsync(chapter.Lessons[1].Id, uploaded, "第1章第2课 组件与 Props（录屏）.mp4", admin);
            return true;
        });
        await page.OpenAsync($"{Base}/admin/courses/{vue}");
        await Expect(page.Locator("tr.lesson a.media-link")).ToHaveTextAsync(["vue-reactivity.mp4", "第1章第2课 组件与 Props（录屏）.mp4"]);
        await page.ScreenshotAsync("admin-course-lessons");

        await page.OpenAsync(Base + "/admin/media");
        await Expect(page.Locator("#media-hint")).ToContainTextAsync("课程封面和课时视频请在课程编辑页上传");
        await page.ScreenshotAsync("admin-media");

        // The operator checks which keys and certificates the shop signs and verifies with (the simulator's here).
        await page.OpenAsync(Base + "/admin/payment-keys");
        await Expect(page.Locator("#alipay-mode")).ToHaveTextAsync("公钥模式（RSA2）");
        await Expect(page.Locator("#alipay-gateway")).ToContainTextAsync("本机支付宝模拟器");
        await page.ScreenshotAsync("admin-payment-keys");
    }

    private const string OnlyPaidRows =
        "() => [...document.querySelectorAll('#orders-grid tbody .order-status')].every(s => s.textContent.trim() === '已支付')";

    /// <summary>A MudBlazor field's input, whether the component puts its id on the input or on a wrapper.</summary>
    private static ILocator InputOf(IPage page, string id) => page.Locator($"input#{id}, #{id} input").First;
}
