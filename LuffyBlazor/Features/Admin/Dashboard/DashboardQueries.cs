using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin.Notifies;
using LuffyBlazor.Features.Admin.Orders;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Dashboard;

public sealed record RevenueDay(DateOnly Day, decimal Revenue, int Orders);

public sealed record TopCourse(int CourseId, string Name, int Sold, decimal Revenue);

public sealed record DashboardSummary(
    DateOnly Today, decimal TodayRevenue, int TodayOrders, decimal MonthRevenue, int MonthOrders,
    IReadOnlyDictionary<OrderStatus, int> StatusCounts, IReadOnlyList<RevenueDay> Last30Days, IReadOnlyList<TopCourse> TopCourses,
    IReadOnlyList<NotifyRow> RecentRejected)
{
    public int Count(OrderStatus status) => StatusCounts.GetValueOrDefault(status);
}

/// <summary>
/// The dashboard's figures. Days and months are Beijing days (the school's, and Alipay's, calendar) whatever the
/// server's zone. Revenue is what was paid in the period (by payment time) less what has been refunded of it.
/// </summary>
public sealed class DashboardQueries(IDbContextFactory<LuffyDbContext> dbFactory, NotifyLogQuery notifies, TimeProvider clock)
{
    public const int ChartDays = 30;
    public const int TopCourseCount = 5;
    public const int RejectedNotifyCount = 8;

    public async Task<DashboardSummary> LoadAsync(CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(BeijingTime.Offset).DateTime);
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var chartStart = today.AddDays(1 - ChartDays);
        var windowStart = OrderGridFilter.BeijingMidnightUtc(monthStart < chartStart ? monthStart : chartStart);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One pass over the paid orders of the window (the PayTime index), grouped by Beijing day in SQL.
        var days = await db.Orders.AsNoTracking()
            .Where(o => o.PayTime >= windowStart)
            .GroupBy(o => o.PayTime!.Value.AddHours(8).Date)
            .Select(g => new { Day = g.Key, Revenue = g.Sum(o => o.TotalAmount) - g.Sum(o => o.RefundedAmount), Orders = g.Count() })
            .ToListAsync(ct);
        var byDay = days.ToDictionary(d => DateOnly.FromDateTime(d.Day), d => d);

        var statusCounts = await db.Orders.AsNoTracking().GroupBy(o => o.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

        var chartFrom = OrderGridFilter.BeijingMidnightUtc(chartStart);
        // "lines whose order id is IN (the window's paid orders)": the window is read from the PayTime index, then
        // each order's lines through theirs; a join lets SQLite walk every line ever sold instead.
        var paidInWindow = db.Orders.Where(o => o.PayTime >= chartFrom && o.Status == OrderStatus.Paid).Select(o => o.Id);
        var top = await db.OrderDetails.AsNoTracking()
            .Where(d => paidInWindow.Contains(d.OrderId))
            .GroupBy(d => d.CourseId)
            .Select(g => new { CourseId = g.Key, Sold = g.Count(), Revenue = g.Sum(d => d.RealPrice) })
            .OrderByDescending(g => g.Revenue).Take(TopCourseCount)
            .ToListAsync(ct);
        var topIds = top.Select(t => t.CourseId).ToList();
        var names = await db.Courses.AsNoTracking().Where(c => topIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Name }).ToDictionaryAsync(c => c.Id, c => c.Name, ct);

        var chart = Enumerable.Range(0, ChartDays).Select(i => chartStart.AddDays(i))
            .Select(day => byDay.TryGetValue(day, out var d) ? new RevenueDay(day, d.Revenue, d.Orders) : new RevenueDay(day, 0m, 0))
            .ToList();
        var month = byDay.Where(d => d.Key >= monthStart).Select(d => d.Value).ToList();
        var todays = byDay.GetValueOrDefault(today);
        return new DashboardSummary(
            today, todays?.Revenue ?? 0m, todays?.Orders ?? 0, month.Sum(d => d.Revenue), month.Sum(d => d.Orders), statusCounts, chart,
            top.Select(t => new TopCourse(t.CourseId, names.GetValueOrDefault(t.CourseId, $"#{t.CourseId}"), t.Sold, t.Revenue)).ToList(),
            await notifies.RecentRejectedAsync(RejectedNotifyCount, ct));
    }
}
