using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Orders;

public sealed record PlaceOrderResult(Order? Order, string? Error, bool Reused)
{
    public bool Succeeded => Order is not null;

    public static PlaceOrderResult Fail(string error) => new(null, error, false);
}

/// <summary>
/// Prices and places orders. Prices come from the database only; the order, its lines and its history row are
/// written in one transaction; pressing Buy twice for the same courses gives back the live unpaid order.
/// </summary>
public sealed class OrderService(
    IDbContextFactory<LuffyDbContext> dbFactory, CompiledOrderQueries queries, TimeProvider clock, IOptions<OrderOptions> options,
    ILogger<OrderService> logger)
{
    private const int MaxAttempts = 3;

    public async Task<PlaceOrderResult> PlaceOrderAsync(
        string userId, IReadOnlyCollection<int> courseIds, decimal? clientTotal = null, string? subject = null,
        PayType payType = PayType.Alipay, CancellationToken ct = default)
    {
        var ids = courseIds.Distinct().Order().ToList();
        if (ids.Count == 0)
        {
            return PlaceOrderResult.Fail("请至少选择一门课程");
        }

        if (ids.Count > options.Value.MaxCoursesPerOrder)
        {
            return PlaceOrderResult.Fail($"一个订单最多包含 {options.Value.MaxCoursesPerOrder} 门课程");
        }

        if (payType != PayType.Alipay)
        {
            return PlaceOrderResult.Fail("暂不支持该支付方式，请使用支付宝");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One round trip: the courses, their prices, and whether the learner already owns each.
        var courses = await db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Id, c.Name, c.Price, c.IsOnSale, Owned = db.CourseOwnerships.Any(x => x.UserId == userId && x.CourseId == c.Id) })
            .ToListAsync(ct);
        var unknown = ids.Except(courses.Select(c => c.Id)).ToList();
        if (unknown.Count > 0)
        {
            return PlaceOrderResult.Fail($"课程不存在：{string.Join(", ", unknown)}");
        }

        if (courses.FirstOrDefault(c => !c.IsOnSale) is { } offSale)
        {
            return PlaceOrderResult.Fail($"课程《{offSale.Name}》已下架，无法购买");
        }

        if (courses.FirstOrDefault(c => c.Owned) is { } owned)
        {
            return PlaceOrderResult.Fail($"您已购买《{owned.Name}》，无需重复购买");
        }

        var total = courses.Sum(c => c.Price);
        if (clientTotal is { } claimed && claimed != total)
        {
            return PlaceOrderResult.Fail($"订单金额不一致：应付 {Common.Money.Format(total)} 元，请刷新后重试");
        }

        var ordered = ids.Select(id => courses.First(c => c.Id == id)).Select(c => (c.Id, c.Name, c.Price)).ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ReuseOrInsertAsync(db, userId, ordered, total, subject, payType, ct);
            }
            catch (Exception ex) when (attempt < MaxAttempts && DatabaseErrors.IsConflict(ex))
            {
                // PostgreSQL chose this transaction as a deadlock's victim; run again.
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<PlaceOrderResult> ReuseOrInsertAsync(
        LuffyDbContext db, string userId, List<(int Id, string Name, decimal Price)> ordered, decimal total, string? subject, PayType payType,
        CancellationToken ct)
    {
        // Only the reuse check and the insert need a lock, and only against the same learner's other Buy clicks.
        // On SQLite the write gate already serializes writers; on PostgreSQL a no-op update of the learner's row
        // holds that row until commit. Pricing and validation above are plain reads.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!db.Database.IsSqlite())
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.ConcurrencyStamp, u => u.ConcurrencyStamp), ct);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var purchaseKey = string.Join(',', ordered.Select(c => c.Id));
        var live = await queries.LiveOrder(db, userId, purchaseKey, now + Checkout.MinimumTimeToPay, total, ct);
        if (live is not null)
        {
            return new PlaceOrderResult(live, null, Reused: true);
        }

        var order = new Order
        {
            OutTradeNo = OrderNumbers.New(clock),
            UserId = userId,
            Subject = string.IsNullOrWhiteSpace(subject) ? DefaultSubject(ordered.Select(c => c.Name).ToList()) : subject.Trim(),
            TotalAmount = total,
            PayType = payType,
            Status = OrderStatus.Unpaid,
            PurchaseKey = purchaseKey,
            CreatedAt = now, // the same instant as the deadline, so the order lives exactly PaymentTimeout
            ExpiresAt = now + options.Value.PaymentTimeout,
            Details = ordered.Select(c => new OrderDetail { CourseId = c.Id, CourseName = c.Name, Price = c.Price, RealPrice = c.Price }).ToList(),
        };
        db.Orders.Add(order);
        db.OrderStatusChanges.Add(new OrderStatusChange { Order = order, From = null, To = OrderStatus.Unpaid, Actor = "learner", At = now });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        logger.LogInformation("Order {OutTradeNo} placed: {Count} course(s), {Total} yuan", order.OutTradeNo, ordered.Count, total);
        return new PlaceOrderResult(order, null, Reused: false);
    }

    /// <summary>"路飞学城-Python 全栈开发" or "路飞学城-Python 全栈开发等3门课程".</summary>
    public static string DefaultSubject(IReadOnlyList<string> courseNames) =>
        courseNames.Count == 1 ? $"路飞学城-{courseNames[0]}" : $"路飞学城-{courseNames[0]}等{courseNames.Count}门课程";
}
