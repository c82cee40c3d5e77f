using LuffyBlazor.Data;
using LuffyBlazor.Features.Storage;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

public sealed record OrderLineView(int CourseId, string CourseName, decimal RealPrice);

public sealed record OrderView(
    string OutTradeNo, string Subject, decimal TotalAmount, OrderStatus Status, DateTime CreatedAt, DateTime ExpiresAt,
    DateTime? PayTime, string? TradeNo, IReadOnlyList<OrderLineView> Lines, PayType PayType = PayType.Alipay, decimal RefundedAmount = 0)
{
    public bool CanBePaid(DateTime utcNow) => Status == OrderStatus.Unpaid && ExpiresAt - utcNow >= Checkout.MinimumTimeToPay;

    public static OrderView Of(Order o) => new(
        o.OutTradeNo, o.Subject, o.TotalAmount, o.Status, o.CreatedAt, o.ExpiresAt, o.PayTime, o.TradeNo,
        o.Details.Select(d => new OrderLineView(d.CourseId, d.CourseName, d.RealPrice)).ToList(), o.PayType, o.RefundedAmount);

    /// <summary>
    /// What the amount is called: 实付 once money was paid (paid or refunded), 应付 for an order never paid (unpaid,
    /// cancelled, timed out).
    /// </summary>
    public string AmountLabel => PayTime is not null || Status is OrderStatus.Paid or OrderStatus.Refunded ? "实付" : "应付";

    /// <summary>Unpaid, but its deadline (less the minimum time to pay) has passed and the sweeper has not closed it yet.</summary>
    public bool IsPastDeadline(DateTime utcNow) => Status == OrderStatus.Unpaid && !CanBePaid(utcNow);
}

public sealed record OwnedCourse(int CourseId, string Name, string Brief, string? CoverUrl, DateTime GrantedAt);

/// <summary>What a learner may see of orders: always filtered by the learner's own user id.</summary>
public sealed class OrderQueries(IDbContextFactory<LuffyDbContext> dbFactory, IFileStore files)
{
    /// <summary>The learner's order, or null when it does not exist <em>or belongs to someone else</em>.</summary>
    public async Task<OrderView?> FindMyOrderAsync(string userId, string outTradeNo, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orders = await Project(db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo && o.UserId == userId)).ToListAsync(ct);
        return orders.SingleOrDefault();
    }

    public async Task<(IReadOnlyList<OrderView> Orders, int Total)> MyOrdersAsync(string userId, int page, int size, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var mine = db.Orders.AsNoTracking().Where(o => o.UserId == userId);
        var total = await mine.CountAsync(ct);
        var orders = await Project(mine.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Skip((Math.Max(1, page) - 1) * size).Take(size)).ToListAsync(ct);
        return (orders, total);
    }

    public async Task<bool> OwnsCourseAsync(string userId, int courseId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.CourseOwnerships.AnyAsync(x => x.UserId == userId && x.CourseId == courseId, ct);
    }

    public async Task<IReadOnlyList<OwnedCourse>> MyCoursesAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.CourseOwnerships.AsNoTracking().Where(x => x.UserId == userId)
            .OrderByDescending(x => x.GrantedAt)
            .Select(x => new { x.CourseId, x.Course!.Name, x.Course.Brief, x.Course.Cover, x.GrantedAt })
            .ToListAsync(ct);
        return rows.Select(r => new OwnedCourse(r.CourseId, r.Name, r.Brief, StorageKeys.IsValid(r.Cover) ? files.GetPublicUrl(r.Cover!) : null, r.GrantedAt)).ToList();
    }

    private static IQueryable<OrderView> Project(IQueryable<Order> orders) => orders.Select(o => new OrderView(
        o.OutTradeNo, o.Subject, o.TotalAmount, o.Status, o.CreatedAt, o.ExpiresAt, o.PayTime, o.TradeNo,
        o.Details.Select(d => new OrderLineView(d.CourseId, d.CourseName, d.RealPrice)).ToList(), o.PayType, o.RefundedAmount));
}
