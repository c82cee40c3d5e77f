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
/// Prices and places orders. Prices come from the database only; <see cref="OrderWriter"/> checks the courses again
/// (on sale, same price, not owned) and writes the order, its lines and its history row in one transaction; pressing
/// Buy twice for the same courses gives back the live unpaid order.
/// </summary>
public sealed class OrderService(
    IDbContextFactory<LuffyDbContext> dbFactory, OrderWriter writer, IOptions<OrderOptions> options)
{
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
        // Pricing only: whether each course may be bought (on sale, not owned) is decided inside the write transaction.
        var courses = await db.Courses.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Name, c.Price }).ToListAsync(ct);
        var unknown = ids.Except(courses.Select(c => c.Id)).ToList();
        if (unknown.Count > 0)
        {
            return PlaceOrderResult.Fail(PurchaseRefusals.Unknown(unknown));
        }

        var total = courses.Sum(c => c.Price);
        if (clientTotal is { } claimed && claimed != total)
        {
            return PlaceOrderResult.Fail($"订单金额不一致：应付 {Common.Money.Format(total)} 元，请刷新后重试");
        }

        var lines = ids.Select(id => courses.First(c => c.Id == id)).Select(c => (c.Id, c.Name, c.Price)).ToList();
        var title = string.IsNullOrWhiteSpace(subject) ? DefaultSubject(lines.Select(c => c.Name).ToList()) : subject.Trim();
        return await writer.WriteAsync(new OrderDraft(userId, lines, total, title, payType), ct);
    }

    /// <summary>"路飞学城-Python 全栈开发" or "路飞学城-Python 全栈开发等3门课程".</summary>
    public static string DefaultSubject(IReadOnlyList<string> courseNames) =>
        courseNames.Count == 1 ? $"路飞学城-{courseNames[0]}" : $"路飞学城-{courseNames[0]}等{courseNames.Count}门课程";
}
