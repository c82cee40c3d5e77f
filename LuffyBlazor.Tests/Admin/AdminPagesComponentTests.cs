using Bunit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Admin.Dashboard;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The dashboard, notify log, users and course pages rendered with bUnit over the demo orders.</summary>
public sealed class AdminPagesComponentTests : AdminComponentTest, IClassFixture<DemoOrdersApp>
{
    public AdminPagesComponentTests(DemoOrdersApp fixture) : base(fixture.App)
    {
    }

    [Fact]
    public async Task The_dashboard_shows_counts_a_chart_top_courses_and_rejected_notifies()
    {
        var page = RenderPage<DashboardPage>("/admin");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#stat-paid")), TimeSpan.FromSeconds(5));
        var paid = await App.QueryAsync(db => db.Orders.CountAsync(o => o.Status == Features.Orders.OrderStatus.Paid));
        Assert.Contains(paid.ToString("N0"), page.Find("#stat-paid").TextContent);
        Assert.NotEmpty(page.FindAll("#revenue-chart svg, #revenue-chart path, #revenue-chart rect"));
        Assert.Equal(5, page.FindAll("#top-courses .top-course").Count);
        Assert.NotEmpty(page.FindAll("#rejected-notifies .rejected-row"));
    }

    [Fact]
    public void The_notify_log_filters_by_verdict_from_the_address()
    {
        var page = RenderPage<NotifiesPage>("/admin/notifies?verdict=2");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#notifies-grid tbody .notify-verdict")), TimeSpan.FromSeconds(5));
        Assert.All(page.FindAll("#notifies-grid tbody .notify-verdict"), chip => Assert.Equal("已拒绝", chip.TextContent.Trim()));
    }

    [Fact]
    public void The_notify_log_shows_each_reason_in_chinese_with_the_machine_reason_beneath()
    {
        var page = RenderPage<NotifiesPage>("/admin/notifies?verdict=2");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#notifies-grid tbody .notify-reason-machine")), TimeSpan.FromSeconds(5));
        var reasons = page.FindAll("#notifies-grid tbody tr")
            .Where(row => row.QuerySelector(".notify-reason-machine") is not null)
            .Select(row => (Chinese: row.QuerySelector(".notify-reason")!.TextContent, Machine: row.QuerySelector(".notify-reason-machine")!.TextContent))
            .ToList();
        Assert.All(reasons, r => Assert.Equal(NotifyReasons.ToChinese(r.Machine), r.Chinese));
        Assert.Contains(reasons, r => r.Machine.StartsWith("signature does not verify", StringComparison.Ordinal) && r.Chinese.StartsWith("验签失败", StringComparison.Ordinal));
    }

    [Fact]
    public async Task On_their_own_page_an_admin_cannot_press_lock_or_remove_admin()
    {
        var admin = await SignInAsAdminAsync();

        var page = RenderPage<UserDetailPage>($"/admin/users/{admin.UserId}", p => p.Add(nameof(UserDetailPage.UserId), admin.UserId));

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#user-is-admin")), TimeSpan.FromSeconds(5));
        Assert.True(page.Find("#action-remove-admin").HasAttribute("disabled"));
        Assert.True(page.Find("#action-lock").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Someone_elses_page_lists_their_orders_and_offers_the_actions()
    {
        await SignInAsAdminAsync();
        var userId = await App.QueryAsync(db => db.Users.Where(u => u.UserName == "demo-00003").Select(u => u.Id).SingleAsync());
        var orders = await App.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == userId));

        var page = RenderPage<UserDetailPage>($"/admin/users/{userId}", p => p.Add(nameof(UserDetailPage.UserId), userId));

        page.WaitForAssertion(() => Assert.Equal("demo-00003", page.Find("#user-name").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(Math.Min(orders, UserAdmin.RecentOrderCount), page.FindAll("#user-orders .user-order").Count);
        Assert.False(page.Find("#action-lock").HasAttribute("disabled"));
        Assert.False(page.Find("#action-grant-admin").HasAttribute("disabled"));
        Assert.Equal($"admin/orders?user={userId}", page.Find("#user-all-orders").GetAttribute("href"));
    }

    [Fact]
    public async Task Saving_an_empty_course_form_shows_why_next_to_the_fields()
    {
        await SignInAsAdminAsync();
        var page = RenderPage<CourseEditPage>("/admin/courses/new");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#course-form")), TimeSpan.FromSeconds(5));

        await page.Find("#course-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("请填写课程名称", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Contains("请填写价格", page.Markup);
        Assert.Contains("请选择分类", page.Markup);
        Assert.Equal(15, await App.QueryAsync(db => db.Courses.CountAsync()));
    }

    [Fact]
    public async Task The_media_page_sends_course_covers_and_videos_to_the_course_page_which_has_no_key_field()
    {
        await SignInAsAdminAsync();
        JSInterop.SetupModule("./js/media-uploader.js").Mode = JSRuntimeMode.Loose;

        var page = RenderPage<Features.Storage.Uploads.MediaAdminPage>("/admin/media");

        var hint = page.Find("#media-hint").TextContent;
        Assert.Contains("课程封面和课时视频请在课程编辑页上传", hint);
        Assert.DoesNotContain("填入", hint);
    }

    [Fact]
    public void The_courses_grid_lists_the_catalogue_in_the_schools_order()
    {
        var page = RenderPage<CoursesPage>("/admin/courses");

        page.WaitForAssertion(() => Assert.Equal(15, page.FindAll("#courses-grid .course-link").Count), TimeSpan.FromSeconds(5));
        Assert.Equal("Python 全栈开发", page.FindAll("#courses-grid .course-link")[0].TextContent);
    }

    private string Address => Services.GetRequiredService<NavigationManager>().ToBaseRelativePath(Services.GetRequiredService<NavigationManager>().Uri);

    [Fact]
    public async Task The_users_grid_keeps_its_search_and_page_in_the_address()
    {
        var secondPage = await App.QueryAsync(db => db.Users.Where(u => u.NormalizedUserName!.Contains("DEMO"))
            .OrderByDescending(u => u.CreatedAt).ThenBy(u => u.UserName).Skip(20).Take(20).Select(u => u.UserName!).ToListAsync());

        var page = RenderPage<UsersPage>("/admin/users?q=demo&page=2");

        page.WaitForAssertion(() => Assert.Equal(secondPage, page.FindAll("#users-grid .user-link").Select(a => a.TextContent).ToList()), TimeSpan.FromSeconds(5));
        await page.FindAll(".mud-table-pagination button").Single(b => b.GetAttribute("aria-label") == "下一页").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("admin/users?q=demo&page=3", Address), TimeSpan.FromSeconds(10));
        await page.Find("#user-admins-only").ChangeAsync(new ChangeEventArgs { Value = true });
        page.WaitForAssertion(() => Assert.Equal("admin/users?q=demo&admins=1", Address), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_courses_grid_opens_sorted_and_filtered_as_its_address_says()
    {
        var dearest = await App.QueryAsync(db => db.Courses.Where(c => c.IsOnSale).OrderByDescending(c => c.Price).ThenByDescending(c => c.Id)
            .Select(c => c.Name).FirstAsync());

        var page = RenderPage<CoursesPage>("/admin/courses?on_sale=1&sort=Price&desc=true");

        page.WaitForAssertion(() => Assert.Equal(dearest, page.FindAll("#courses-grid .course-link")[0].TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal("admin/courses?on_sale=1&sort=Price&desc=true", Address);
    }

    [Fact]
    public void The_notify_log_ignores_a_verdict_it_cannot_read_and_says_so()
    {
        var page = RenderPage<NotifiesPage>("/admin/notifies?verdict=rejected&size=1000");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#notifies-grid tbody .notify-verdict")), TimeSpan.FromSeconds(5));
        var problems = page.FindAll("#address-problems .address-problem").Select(p => p.TextContent).ToList();
        Assert.Equal(["verdict 必须是 0（已接受）、1（已忽略）或 2（已拒绝）", "size 必须是 20、50、100 之一"], problems);
        Assert.Contains(page.FindAll("#notifies-grid tbody .notify-verdict"), chip => chip.TextContent.Trim() == "已接受");
    }
}
