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
/// server's zone. Revenue is what was paid in the period (by payment time) less what has been refunded of it; so is
/// each top course's.
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

        var top = await TopCoursesAsync(db, OrderGridFilter.BeijingMidnightUtc(chartStart), ct);
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
            top.Select(t => t with { Name = names.GetValueOrDefault(t.CourseId, $"#{t.CourseId}") }).ToList(),
            await notifies.RecentRejectedAsync(RejectedNotifyCount, ct));
    }

    /// <summary>
    /// The best-selling courses of the orders paid since <paramref name="from"/>, net of refunds like the revenue: a
    /// wholly refunded order sold nothing, and a partial refund comes off the order's lines in proportion to their price.
    /// </summary>
    private static async Task<List<TopCourse>> TopCoursesAsync(LuffyDbContext db, DateTime from, CancellationToken ct)
    {
        // "lines whose order id is IN (the window's orders)": the window is read from the PayTime index, which carries
        // the amounts, then each order's lines through theirs. A join, or a test of Status, lets SQLite's planner walk
        // every line ever sold, or every paid order, instead.
        var kept = db.Orders.Where(o => o.PayTime >= from && o.RefundedAmount < o.TotalAmount);
        var keptIds = kept.Select(o => o.Id);
        var gross = await db.OrderDetails.AsNoTracking().Where(d => keptIds.Contains(d.OrderId))
            .GroupBy(d => d.CourseId)
            .Select(g => new { CourseId = g.Key, Sold = g.Count(), Revenue = g.Sum(d => d.RealPrice) })
            .ToListAsync(ct);

        // Partly refunded orders are few: their lines are shared out here.
        var partlyRefunded = await kept.Where(o => o.RefundedAmount > 0)
            .Select(o => new { o.Id, o.TotalAmount, o.RefundedAmount }).ToDictionaryAsync(o => o.Id, ct);
        var partIds = partlyRefunded.Keys.ToList();
        var refunded = (await db.OrderDetails.AsNoTracking().Where(d => partIds.Contains(d.OrderId))
                .Select(d => new { d.OrderId, d.CourseId, d.RealPrice }).ToListAsync(ct))
            .GroupBy(d => d.CourseId)
            .ToDictionary(g => g.Key, g => g.Sum(d =>
            {
                var order = partlyRefunded[d.OrderId];
                return Math.Round(d.RealPrice * order.RefundedAmount / order.TotalAmount, 2, MidpointRounding.AwayFromZero);
            }));

        return gross
            .Select(g => new TopCourse(g.CourseId, "", g.Sold, g.Revenue - refunded.GetValueOrDefault(g.CourseId)))
            .OrderByDescending(t => t.Revenue).ThenBy(t => t.CourseId).Take(TopCourseCount).ToList();
    }
}
