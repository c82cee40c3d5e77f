using LuffyBlazor.Features.Admin.Dashboard;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The dashboard's figures on a fixed clock: noon on 15 March 2026 in Beijing (04:00 UTC).</summary>
public sealed class DashboardTests : IDisposable
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 3, 15, 4, 0, 0, TimeSpan.Zero));
    private readonly LuffyAppFactory app;

    public DashboardTests()
    {
        app = new LuffyAppFactory(new Dictionary<string, string?> { ["Orders:SweeperEnabled"] = "false" })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(clock),
        };
        app.CreateClient();
    }

    private async Task<Order> PaidAtAsync(string utc, params int[] courseIds)
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var order = await app.PlaceOrderAsync(learner, courseIds);
        await app.WithAsync<OrderTransitions, PaymentOutcome>(t => t.ApplyPaymentAsync(
            new PaymentConfirmation(order.OutTradeNo, "T" + order.OutTradeNo, order.TotalAmount, DateTimeOffset.Parse(utc), null), "alipay-notify"));
        return order;
    }

    [Fact]
    public async Task Revenue_counts_by_beijing_day_and_month_net_of_refunds()
    {
        await PaidAtAsync("2026-03-14T16:30:00Z", 3);   // 99.00, Beijing 15 March 00:30: today
        await PaidAtAsync("2026-03-14T15:30:00Z", 6);   // 99.00, Beijing 14 March 23:30: yesterday, this month
        await PaidAtAsync("2026-02-28T16:30:00Z", 7);   // 59.00, Beijing 1 March 00:30: this month
        await PaidAtAsync("2026-02-28T15:30:00Z", 9);   // 79.00, Beijing 28 February: last month, in the chart
        var refunded = await PaidAtAsync("2026-03-15T01:00:00Z", 15); // 88.00 today, 20.00 refunded
        await app.WithAsync<OrderTransitions, bool>(t => t.RecordRefundAsync(refunded.Id, 20.00m, "admin:admin", "部分退款"));
        var (learner, _) = await app.CreateLearnerAsync();
        await app.PlaceOrderAsync(learner, 1);
        var rejected = NotifyForms.Paid(refunded.OutTradeNo, 1.00m).Signed();
        Assert.Equal("failure", await app.CreateClient().PostNotifyAsync(rejected));

        var summary = await app.WithAsync<DashboardQueries, DashboardSummary>(q => q.LoadAsync());

        Assert.Equal(new DateOnly(2026, 3, 15), summary.Today);
        Assert.Equal((99.00m + 68.00m, 2), (summary.TodayRevenue, summary.TodayOrders));
        Assert.Equal((99.00m + 99.00m + 59.00m + 68.00m, 4), (summary.MonthRevenue, summary.MonthOrders));
        Assert.Equal((5, 1, 0), (summary.Count(OrderStatus.Paid), summary.Count(OrderStatus.Unpaid), summary.Count(OrderStatus.Refunded)));

        Assert.Equal(DashboardQueries.ChartDays, summary.Last30Days.Count);
        Assert.Equal((new DateOnly(2026, 2, 14), new DateOnly(2026, 3, 15)), (summary.Last30Days[0].Day, summary.Last30Days[^1].Day));
        var chart = summary.Last30Days.Where(d => d.Orders > 0).ToDictionary(d => d.Day, d => d.Revenue);
        Assert.Equal(new Dictionary<DateOnly, decimal>
        {
            [new(2026, 2, 28)] = 79.00m, [new(2026, 3, 1)] = 59.00m, [new(2026, 3, 14)] = 99.00m, [new(2026, 3, 15)] = 167.00m,
        }, chart);

        Assert.Equal(5, summary.TopCourses.Count);
        Assert.Equal([99.00m, 99.00m, 79.00m, 68.00m, 59.00m], summary.TopCourses.Select(c => c.Revenue)); // 88.00 less its 20.00 refund
        Assert.Contains(summary.TopCourses, c => c.Name == "TypeScript 进阶" && c.Sold == 1);

        var notify = Assert.Single(summary.RecentRejected);
        Assert.Equal(refunded.OutTradeNo, notify.OutTradeNo);
        Assert.Contains("total_amount", notify.Reason);
    }

    [Fact]
    public async Task Top_courses_are_net_of_refunds_like_the_revenue_a_partial_refund_shared_among_the_lines_by_price()
    {
        var split = await PaidAtAsync("2026-03-15T01:00:00Z", 3, 7);   // 99.00 + 59.00, half refunded
        await app.WithAsync<OrderTransitions, bool>(t => t.RecordRefundAsync(split.Id, 79.00m, "admin:admin", "部分退款"));
        var gone = await PaidAtAsync("2026-03-15T02:00:00Z", 9);       // 79.00, wholly refunded
        await app.WithAsync<OrderTransitions, bool>(t => t.RecordRefundAsync(gone.Id, 79.00m, "admin:admin", "全额退款"));
        await PaidAtAsync("2026-03-15T03:00:00Z", 15);                 // 88.00

        var summary = await app.WithAsync<DashboardQueries, DashboardSummary>(q => q.LoadAsync());

        Assert.Equal([(15, 1, 88.00m), (3, 1, 49.50m), (7, 1, 29.50m)], summary.TopCourses.Select(c => (c.CourseId, c.Sold, c.Revenue)));
        Assert.Equal(summary.TodayRevenue, summary.TopCourses.Sum(c => c.Revenue));
    }

    public void Dispose() => app.Dispose();
}
