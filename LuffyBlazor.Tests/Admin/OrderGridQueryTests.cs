using System.Data.Common;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The orders grid's queries over the demo orders, checked against plain LINQ over the same table.</summary>
public sealed class OrderGridQueryTests(DemoOrdersApp fixture) : IClassFixture<DemoOrdersApp>
{
    private readonly LuffyAppFactory app = fixture.App;

    private Task<OrderGridPage> PageAsync(OrderGridFilter filter, OrderSort? sort = null, int page = 0, int size = 20) =>
        app.WithAsync<OrderGridQuery, OrderGridPage>(q => q.PageAsync(filter, sort ?? OrderSort.Default, page, size));

    private Task<List<Order>> AllAsync() => app.QueryAsync(db => db.Orders.AsNoTracking().ToListAsync());

    [Fact]
    public async Task The_first_page_is_the_newest_twenty_and_the_totals_cover_every_order()
    {
        var all = await AllAsync();

        var page = await PageAsync(OrderGridFilter.None);

        var expected = all.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).Take(20).Select(o => o.OutTradeNo);
        Assert.Equal(expected, page.Rows.Select(r => r.OutTradeNo));
        Assert.Equal(all.Count, page.Totals.Count);
        Assert.Equal(all.Sum(o => o.TotalAmount), page.Totals.Amount);
        Assert.Equal(all.Where(o => o.PayTime != null).Sum(o => o.TotalAmount), page.Totals.Received);
        Assert.Equal(all.Sum(o => o.RefundedAmount), page.Totals.Refunded);
        Assert.All(page.Rows, r => Assert.StartsWith("demo-", r.UserName));
    }

    [Theory]
    [InlineData(OrderSortColumn.TotalAmount, true)]
    [InlineData(OrderSortColumn.TotalAmount, false)]
    [InlineData(OrderSortColumn.PayTime, false)]
    [InlineData(OrderSortColumn.Status, true)]
    [InlineData(OrderSortColumn.CreatedAt, false)]
    public async Task Every_page_read_in_turn_gives_the_whole_sorted_set_once_including_pages_read_from_the_far_end(
        OrderSortColumn column, bool descending)
    {
        var sort = new OrderSort(column, descending);
        var expected = await app.QueryAsync(db => sort.Apply(db.Orders.Where(o => o.Status == OrderStatus.Paid)).Select(o => o.Id).ToListAsync());

        Assert.Equal(expected, await ReadEveryPageAsync(new OrderGridFilter { Status = OrderStatus.Paid }, sort, expected.Count));
    }

    [Theory]
    [InlineData(OrderSortColumn.CreatedAt, true)]
    [InlineData(OrderSortColumn.TotalAmount, false)]
    [InlineData(OrderSortColumn.PayTime, true)]
    public async Task A_course_search_pages_through_exactly_its_orders_in_order(OrderSortColumn column, bool descending)
    {
        var sort = new OrderSort(column, descending);
        var expected = await app.QueryAsync(db => sort.Apply(db.Orders.Where(o => o.Details.Any(d => d.CourseName.Contains("Python"))))
            .Select(o => o.Id).ToListAsync());

        Assert.InRange(expected.Count, 200, DemoOrdersApp.DemoOrders - 200); // a large share of the orders, not all
        Assert.Equal(expected, await ReadEveryPageAsync(new OrderGridFilter { Search = "python" }, sort, expected.Count));
    }

    [Fact]
    public async Task A_course_searchs_page_walks_the_sort_index_while_its_totals_fetch_the_matched_orders_by_id()
    {
        var plans = await app.QueryAsync(async db =>
        {
            var orders = await OrderFilters.ApplyAsync(db, new OrderGridFilter { Search = "python" }, default);
            return (Page: await PlanAsync(db, OrderSort.Default.Apply(orders.ForPaging).Take(20).Select(o => o.Id)),
                Totals: await PlanAsync(db, orders.ForTotals.Select(o => o.TotalAmount)));
        });

        Assert.Contains(plans.Page, step => step.StartsWith("SCAN o USING COVERING INDEX IX_Orders_CreatedAt_", StringComparison.Ordinal));
        Assert.DoesNotContain(plans.Page, step => step.Contains("USE TEMP B-TREE FOR ORDER BY"));
        Assert.Contains(plans.Totals, step => step.StartsWith("SEARCH o USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
    }

    /// <summary>SQLite's plan of a query, one step a line (<c>EXPLAIN QUERY PLAN</c>'s detail column).</summary>
    private static async Task<List<string>> PlanAsync<T>(LuffyDbContext db, IQueryable<T> query)
    {
        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var steps = new List<string>();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }

    private async Task<List<int>> ReadEveryPageAsync(OrderGridFilter filter, OrderSort sort, int count)
    {
        var read = new List<int>();
        for (var page = 0; page * 97 < count; page++)
        {
            read.AddRange((await PageAsync(filter, sort, page, 97)).Rows.Select(r => r.Id));
        }

        return read;
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty_but_keeps_the_totals()
    {
        var page = await PageAsync(OrderGridFilter.None, page: 10_000);

        Assert.Empty(page.Rows);
        Assert.Equal(DemoOrdersApp.DemoOrders, page.Totals.Count);
    }

    [Fact]
    public void Only_whitelisted_columns_sort_anything_else_falls_back_to_newest_first()
    {
        Assert.Equal(new OrderSort(OrderSortColumn.TotalAmount, true), OrderSort.ForColumn(nameof(AdminOrderRow.TotalAmount), true));
        Assert.Equal(OrderSort.Default, OrderSort.ForColumn(nameof(AdminOrderRow.UserName), false));
        Assert.Equal(OrderSort.Default, OrderSort.ForColumn("Subject; DROP TABLE Orders", false));
        Assert.Equal(OrderSort.Default, OrderSort.ForColumn("99", false));
        Assert.Equal(OrderSort.Default, OrderSort.ForColumn(null, true));
    }

    [Fact]
    public async Task Status_filter_and_its_totals()
    {
        var refunded = (await AllAsync()).Where(o => o.Status == OrderStatus.Refunded).ToList();

        var page = await PageAsync(new OrderGridFilter { Status = OrderStatus.Refunded }, size: 200);

        Assert.NotEmpty(refunded);
        Assert.All(page.Rows, r => Assert.Equal(OrderStatus.Refunded, r.Status));
        Assert.Equal((refunded.Count, refunded.Sum(o => o.TotalAmount)), (page.Totals.Count, page.Totals.Refunded));
    }

    [Fact]
    public async Task Date_range_is_in_beijing_days_inclusive()
    {
        var all = await AllAsync();
        var day = DateOnly.FromDateTime(all[all.Count / 2].CreatedAt.Add(BeijingTime.Offset));
        var from = OrderGridFilter.BeijingMidnightUtc(day);

        var page = await PageAsync(new OrderGridFilter { From = day, To = day.AddDays(1) }, size: 200);

        var expected = all.Where(o => o.CreatedAt >= from && o.CreatedAt < from.AddDays(2)).ToList();
        Assert.Equal(expected.Count, page.Totals.Count);
        Assert.All(page.Rows, r => Assert.InRange(r.CreatedAt, from, from.AddDays(2).AddTicks(-1)));
    }

    [Fact]
    public async Task Searching_by_the_start_of_an_order_number_or_a_trade_number_in_either_case()
    {
        var order = (await AllAsync()).First(o => o.TradeNo is not null);

        var byNumber = await PageAsync(new OrderGridFilter { Search = order.OutTradeNo[..30].ToLowerInvariant() });
        var byTrade = await PageAsync(new OrderGridFilter { Search = order.TradeNo![..24] });

        Assert.Contains(order.OutTradeNo, byNumber.Rows.Select(r => r.OutTradeNo));
        Assert.All(byNumber.Rows, r => Assert.StartsWith(order.OutTradeNo[..30], r.OutTradeNo));
        Assert.Equal(order.OutTradeNo, Assert.Single(byTrade.Rows).OutTradeNo);
    }

    [Fact]
    public async Task Searching_by_part_of_a_course_name_finds_the_orders_with_that_course()
    {
        var expected = await app.QueryAsync(db => db.Orders.CountAsync(o => o.Details.Any(d => d.CourseName == "Go 语言基础")));

        var page = await PageAsync(new OrderGridFilter { Search = "go 语言" });

        Assert.Equal(expected, page.Totals.Count);
        Assert.True(expected > 0);
    }

    [Fact]
    public async Task Filtering_by_part_of_a_user_name_or_email_in_any_case_or_by_a_user_id_finds_all_their_orders()
    {
        var userId = await app.QueryAsync(db => db.Users.Where(u => u.UserName == "demo-00007").Select(u => u.Id).SingleAsync());
        var theirs = await app.QueryAsync(db => db.Orders.CountAsync(o => o.UserId == userId));
        var tenUsers = await app.QueryAsync(db => db.Orders.CountAsync(o => o.User!.UserName!.StartsWith("demo-0001")));

        Assert.Equal(theirs, (await PageAsync(new OrderGridFilter { User = "DEMO-00007" })).Totals.Count);
        Assert.Equal(theirs, (await PageAsync(new OrderGridFilter { User = "demo-00007@demo.luffy.test" })).Totals.Count);
        Assert.Equal(theirs, (await PageAsync(new OrderGridFilter { User = userId })).Totals.Count);
        Assert.Equal(tenUsers, (await PageAsync(new OrderGridFilter { User = "Demo-0001" })).Totals.Count);
        Assert.Equal(tenUsers, (await PageAsync(new OrderGridFilter { User = "mo-0001" })).Totals.Count);
        Assert.Equal(0, (await PageAsync(new OrderGridFilter { User = "nobody-like-this" })).Totals.Count);
    }

    [Fact]
    public async Task A_user_text_matching_hundreds_of_users_still_pages_through_every_one_of_their_orders()
    {
        var users = await app.QueryAsync(db => db.Users.CountAsync(u => u.UserName!.StartsWith("demo-")));
        var expected = await app.QueryAsync(db => OrderSort.Default.Apply(db.Orders.Where(o => o.User!.UserName!.StartsWith("demo-")))
            .Select(o => o.Id).ToListAsync());

        Assert.True(users > 200, $"more users than are looked up one by one ({users})");
        Assert.Equal(expected.Count, (await PageAsync(new OrderGridFilter { User = "demo" })).Totals.Count);
        Assert.Equal(expected, await ReadEveryPageAsync(new OrderGridFilter { User = "demo" }, OrderSort.Default, expected.Count));
    }

    [Fact]
    public async Task A_broad_user_filters_page_walks_the_sort_index_instead_of_sorting_every_matched_order()
    {
        var plan = await app.QueryAsync(async db =>
        {
            var orders = await OrderFilters.ApplyAsync(db, new OrderGridFilter { User = "demo" }, default);
            return await PlanAsync(db, OrderSort.Default.Apply(orders.ForPaging).Take(20).Select(o => o.Id));
        });

        // Walking newest first and testing each order's user; only orders of the same second are sorted further (by id).
        Assert.True(plan.Any(step => step.StartsWith("SCAN o USING INDEX IX_Orders_CreatedAt_", StringComparison.Ordinal)), string.Join(" / ", plan));
        Assert.DoesNotContain(plan, step => step.Contains("USE TEMP B-TREE FOR ORDER BY"));
    }

    [Fact]
    public async Task The_paid_after_close_flag_shows_only_those_orders()
    {
        var flagged = (await AllAsync()).Count(o => o.PaidAfterClose);

        var page = await PageAsync(new OrderGridFilter { PaidAfterCloseOnly = true });

        Assert.Equal(flagged, page.Totals.Count);
        Assert.All(page.Rows, r => Assert.True(r.PaidAfterClose));
    }

    [Fact]
    public async Task A_cancelled_load_stops()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            app.WithAsync<OrderGridQuery, OrderGridPage>(q => q.PageAsync(OrderGridFilter.None, OrderSort.Default, 0, 20, cancelled.Token)));
    }

    [Fact]
    public async Task The_pay_type_filter_runs_in_sql_and_keeps_only_orders_of_that_pay_type()
    {
        // The demo orders are all Alipay: a few become WeChat Pay for this test, and are put back after it.
        var wechat = await app.QueryAsync(db => db.Orders.Where(o => o.Id % 97 == 0).Select(o => o.Id).ToListAsync());
        await SetPayTypeAsync(wechat, PayType.WeChat);
        try
        {
            var onlyWechat = await PageAsync(new OrderGridFilter { PayType = PayType.WeChat }, size: 200);
            var paidAlipay = await PageAsync(new OrderGridFilter { PayType = PayType.Alipay, Status = OrderStatus.Paid });
            var sql = await app.QueryAsync(async db => (await OrderFilters.ApplyAsync(db, new OrderGridFilter { PayType = PayType.WeChat }, default)).ForTotals.ToQueryString());

            Assert.NotEmpty(wechat);
            Assert.Equal(wechat.Order(), onlyWechat.Rows.Select(r => r.Id).Order());
            Assert.Equal(wechat.Count, onlyWechat.Totals.Count);
            Assert.All(onlyWechat.Rows, r => Assert.Equal(PayType.WeChat, r.PayType));
            Assert.Equal(await app.QueryAsync(db => db.Orders.CountAsync(o => o.PayType == PayType.Alipay && o.Status == OrderStatus.Paid)),
                paidAlipay.Totals.Count);
            Assert.Contains("\"PayType\" = ", sql);
        }
        finally
        {
            await SetPayTypeAsync(wechat, PayType.Alipay);
        }

        Task SetPayTypeAsync(List<int> ids, PayType payType) =>
            app.QueryAsync(db => db.Orders.Where(o => ids.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.PayType, payType)));
    }

    [Fact]
    public async Task A_load_cancelled_after_its_totals_were_read_stops_before_reading_the_page()
    {
        using var cancellation = new CancellationTokenSource();
        var commands = new CancelOnFirstQuery(cancellation);
        var grid = new OrderGridQuery(new InterceptedContexts(app.DatabasePath, commands));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            grid.PageAsync(OrderGridFilter.None, OrderSort.Default, 0, 20, cancellation.Token));

        Assert.Equal(1, commands.Seen); // the page's ids query was started, cancelled, and nothing read after it
    }

    /// <summary>Cancels the load's token as the first query through EF (the page's ids, after the totals) starts.</summary>
    private sealed class CancelOnFirstQuery(CancellationTokenSource cancellation) : DbCommandInterceptor
    {
        public int Seen { get; private set; }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken ct = default)
        {
            Seen++;
            await cancellation.CancelAsync();
            return result;
        }
    }

    [Fact]
    public void The_filter_round_trips_through_its_query_string_and_names_bad_values()
    {
        var filter = new OrderGridFilter
        {
            Status = OrderStatus.Paid, PayType = PayType.Alipay, From = new DateOnly(2026, 11, 1), To = new DateOnly(2026, 11, 25),
            User = "zhang san", Search = "Python & Go", PaidAfterCloseOnly = true, DuplicatePurchaseOnly = true,
        };

        var parsed = OrderGridFilter.Parse(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(filter.ToQueryString()));

        Assert.Equal(filter, parsed.Filter);
        Assert.Equal("status 必须是 0 到 4", OrderGridFilter.Parse(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["status"] = "9" }).Error);
        Assert.Contains("from", OrderGridFilter.Parse(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["from"] = "11/01/2026" }).Error);
    }
}
