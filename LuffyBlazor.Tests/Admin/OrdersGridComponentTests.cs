using Bunit;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>/admin/orders rendered with bUnit over the demo orders: the grid loads through ServerData.</summary>
public sealed class OrdersGridComponentTests : AdminComponentTest, IClassFixture<DemoOrdersApp>
{
    public OrdersGridComponentTests(DemoOrdersApp fixture) : base(fixture.App)
    {
    }

    private IRenderedComponent<IComponent> RenderOrders(string url = "/admin/orders")
    {
        var page = RenderPage<OrdersPage>(url);
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#orders-grid tbody .order-link")), TimeSpan.FromSeconds(10));
        return page;
    }

    private static List<string> Numbers(IRenderedComponent<IComponent> page) =>
        page.FindAll("#orders-grid tbody .order-link").Select(a => a.TextContent.Trim()).ToList();

    /// <summary>The grid's order rows (not its "no records" or loading rows).</summary>
    private static List<AngleSharp.Dom.IElement> OrderRows(IRenderedComponent<IComponent> page) =>
        page.FindAll("#orders-grid tbody tr").Where(tr => tr.QuerySelector(".order-link") is not null).ToList();

    [Fact]
    public async Task The_grid_shows_the_newest_twenty_orders_and_the_totals_of_all()
    {
        var expected = await App.QueryAsync(db => db.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(20).Select(o => o.OutTradeNo).ToListAsync());

        var page = RenderOrders();

        Assert.Equal(expected, Numbers(page));
        page.WaitForAssertion(() => Assert.Equal("1,500", page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal($"admin/orders/{expected[0]}", page.Find("#orders-grid tbody .order-link").GetAttribute("href"));
    }

    [Fact]
    public async Task A_status_in_the_address_filters_the_grid_and_the_export_link()
    {
        var refunded = await App.QueryAsync(db => db.Orders.CountAsync(o => o.Status == OrderStatus.Refunded));

        var page = RenderOrders("/admin/orders?status=4");

        var rows = OrderRows(page);
        Assert.True(refunded > 0, "the demo orders include refunded ones");
        Assert.Equal(Math.Min(20, refunded), rows.Count);
        Assert.All(rows, row => Assert.Equal("已退款", row.QuerySelector(".order-status")!.TextContent.Trim()));
        page.WaitForAssertion(() => Assert.Equal(refunded.ToString("N0"), page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("api/v1/admin/orders/export.csv?status=4", page.Find("#orders-export").GetAttribute("href"));
        Assert.True(page.Find("#orders-export").HasAttribute("download"));
    }

    [Theory]
    [InlineData("/admin/orders?to=9999-12-31", "to 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("/admin/orders?from=0001-01-01", "from 必须在 2000-01-01 到 2099-12-31 之间")]
    [InlineData("/admin/orders?from=2026-11-02&to=2026-11-01", "from 不能晚于 to")]
    public void An_unusable_date_in_the_address_is_named_and_every_order_is_shown(string url, string error)
    {
        var page = RenderOrders(url);

        Assert.Contains(error, page.Find("#address-problems").TextContent);
        page.WaitForAssertion(() => Assert.Equal("1,500", page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("api/v1/admin/orders/export.csv", page.Find("#orders-export").GetAttribute("href"));
    }

    [Fact]
    public async Task Clicking_the_amount_header_sorts_cheapest_first_on_the_server()
    {
        var cheapest = await App.QueryAsync(db => db.Orders.OrderBy(o => o.TotalAmount).ThenBy(o => o.Id).Take(20).Select(o => o.OutTradeNo).ToListAsync());
        var page = RenderOrders();

        var header = page.FindAll("#orders-grid th").Single(th => th.TextContent.Contains("金额"));
        await header.QuerySelector(".sortable-column-header")!.ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(cheapest, Numbers(page)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Typing_a_course_name_filters_the_orders()
    {
        var expected = await App.QueryAsync(db => db.Orders.CountAsync(o => o.Details.Any(d => d.CourseName == "Nginx 高性能 Web 服务")));
        var page = RenderOrders();

        page.Find("#filter-search").Input("nginx");

        page.WaitForAssertion(() => Assert.Equal(expected.ToString("N0"), page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains("q=nginx", page.Find("#orders-export").GetAttribute("href")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Paid_after_close_orders_carry_a_warning_when_filtered()
    {
        var flagged = await App.QueryAsync(db => db.Orders.CountAsync(o => o.PaidAfterClose));

        var page = RenderOrders("/admin/orders?paid_after_close=1");

        var rows = OrderRows(page);
        Assert.True(flagged > 0, "the demo orders include some paid after they were closed");
        Assert.Equal(Math.Min(20, flagged), rows.Count);
        Assert.All(rows, row => Assert.NotNull(row.QuerySelector(".paid-after-close")));
        page.WaitForAssertion(() => Assert.Equal(flagged.ToString("N0"), page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
    }

    private string Address => Services.GetRequiredService<NavigationManager>().ToBaseRelativePath(Services.GetRequiredService<NavigationManager>().Uri);

    private Task<List<string>> ExpectedAsync(Func<IQueryable<Order>, IQueryable<Order>> query) =>
        App.QueryAsync(db => query(db.Orders).Select(o => o.OutTradeNo).ToListAsync());

    [Fact]
    public async Task Paging_sorting_and_filtering_write_the_view_into_the_address_and_going_back_restores_it()
    {
        var page = RenderOrders();
        var firstPage = Numbers(page);

        await page.FindAll(".mud-table-pagination button").Single(b => b.GetAttribute("aria-label") == "下一页").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("admin/orders?page=2", Address), TimeSpan.FromSeconds(10));
        var secondPage = Numbers(page);
        var header = page.FindAll("#orders-grid th").Single(th => th.TextContent.Contains("金额"));
        await header.QuerySelector(".sortable-column-header")!.ClickAsync(new());
        page.WaitForAssertion(() => Assert.StartsWith("admin/orders?sort=TotalAmount&desc=false", Address), TimeSpan.FromSeconds(10));
        page.Find("#filter-search").Input("nginx");
        page.WaitForAssertion(() => Assert.Equal("admin/orders?q=nginx&sort=TotalAmount&desc=false", Address), TimeSpan.FromSeconds(10));

        // Back, twice (what the browser's Back button does: the page is told its address changed).
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("admin/orders?page=2");
        page.WaitForAssertion(() => Assert.Equal(secondPage, Numbers(page)), TimeSpan.FromSeconds(10));
        Assert.Equal("", page.Find("#filter-search").GetAttribute("value") ?? "");
        navigation.NavigateTo("admin/orders");
        page.WaitForAssertion(() => Assert.Equal(firstPage, Numbers(page)), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_shared_address_opens_the_same_view_filter_sort_rows_per_page_and_page()
    {
        var expected = await ExpectedAsync(orders => orders.Where(o => o.Status == OrderStatus.Paid)
            .OrderByDescending(o => o.TotalAmount).ThenByDescending(o => o.Id).Skip(50).Take(50));
        var paid = await App.QueryAsync(db => db.Orders.CountAsync(o => o.Status == OrderStatus.Paid));

        var page = RenderOrders("/admin/orders?status=1&sort=TotalAmount&desc=true&size=50&page=2");

        page.WaitForAssertion(() => Assert.Equal(expected, Numbers(page)), TimeSpan.FromSeconds(10));
        Assert.Contains($"51-100 / {paid:N0}", page.Find(".mud-table-pagination").TextContent);
        Assert.Equal("admin/orders?status=1&sort=TotalAmount&desc=true&size=50&page=2", Address); // nothing rewritten
        Assert.Empty(page.FindAll("#address-problems"));
    }

    [Fact]
    public async Task Values_in_the_address_that_cannot_be_read_are_ignored_and_named()
    {
        var newest = await ExpectedAsync(orders => orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(20));

        var page = RenderOrders("/admin/orders?status=abc&from=2026-13-01&sort=Subject;DROP%20TABLE&desc=maybe&size=7&page=-1");

        Assert.Equal(newest, Numbers(page));
        var problems = page.FindAll("#address-problems .address-problem").Select(p => p.TextContent).ToList();
        Assert.Equal(6, problems.Count);
        Assert.Contains("status 必须是 0 到 4", problems);
        Assert.Contains("from 必须是 yyyy-MM-dd 格式的日期", problems);
        Assert.Contains(problems, p => p.StartsWith("sort 不能是", StringComparison.Ordinal));
    }

    [Fact]
    public void A_page_past_the_last_shows_the_first_and_says_so()
    {
        var page = RenderOrders("/admin/orders?status=4&page=999");

        Assert.Equal("admin/orders?status=4&page=999", Address);
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("#address-problems .address-problem"), p => p.TextContent.StartsWith("page 超出了范围", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.All(OrderRows(page), row => Assert.Equal("已退款", row.QuerySelector(".order-status")!.TextContent.Trim()));
    }

    [Fact]
    public async Task The_user_filter_finds_the_orders_of_every_user_whose_name_contains_the_text()
    {
        var expected = await App.QueryAsync(db => db.Orders.CountAsync(o => o.User!.UserName!.StartsWith("demo-0001")));
        var page = RenderOrders();

        page.Find("#filter-user").Input("DEMO-0001");

        page.WaitForAssertion(() => Assert.Equal(expected.ToString("N0"), page.Find("#orders-count").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("admin/orders?user=DEMO-0001", Address);
    }
}
