using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>Why an order cannot be placed, in the words the learner (and the API's <c>msg</c>) sees.</summary>
public static class PurchaseRefusals
{
    public static string Unknown(IEnumerable<int> courseIds) => $"课程不存在：{string.Join(", ", courseIds)}";

    public static string OffSale(string courseName) => $"课程《{courseName}》已下架，无法购买";

    public static string Owned(string courseName) => $"您已购买《{courseName}》，无需重复购买";

    public static string TotalMismatch(decimal total) => $"订单金额不一致：应付 {Common.Money.Format(total)} 元，请刷新后重试";
}

/// <summary>An order's lines and total as priced from the database, or why it cannot be placed.</summary>
public sealed record PricedOrder(IReadOnlyList<(int Id, string Name, decimal Price)> Lines, decimal Total, string? Refusal);

/// <summary>
/// What a group of Buy clicks needs to know, read once inside the write transaction that places them: the courses
/// (price, name, on sale), which of them the learners already own, and the learners' live unpaid orders for the
/// same courses. Pricing and checking here rather than before the transaction means a course cannot be repriced,
/// taken off sale or bought in between.
/// </summary>
internal sealed class PurchaseSnapshot
{
    private readonly Dictionary<int, (string Name, decimal Price, bool IsOnSale)> courses;
    private readonly HashSet<(string UserId, int CourseId)> owned;
    private readonly Dictionary<(string UserId, string PurchaseKey, decimal Total, PayType PayType), Order> liveOrders;

    private PurchaseSnapshot(
        Dictionary<int, (string, decimal, bool)> courses, HashSet<(string, int)> owned, Dictionary<(string, string, decimal, PayType), Order> liveOrders)
    {
        this.courses = courses;
        this.owned = owned;
        this.liveOrders = liveOrders;
    }

    /// <param name="payableUntil">A live order must still be payable after this instant to be given back.</param>
    public static async Task<PurchaseSnapshot> ReadAsync(LuffyDbContext db, IReadOnlyList<OrderRequest> requests, DateTime payableUntil, CancellationToken ct)
    {
        var courseIds = requests.SelectMany(r => r.CourseIds).Distinct().ToList();
        var userIds = requests.Select(r => r.UserId).Distinct().ToList();
        var purchaseKeys = requests.Select(r => r.PurchaseKey).Distinct().ToList();
        var courses = await PurchaseSnapshotReads.CoursesAsync(db, courseIds, ct);
        var owned = await PurchaseSnapshotReads.OwnedAsync(db, userIds, courseIds, ct);
        var asked = requests.Select(r => (r.UserId, r.PurchaseKey)).ToHashSet();
        var liveIds = (await PurchaseSnapshotReads.LiveOrderKeysAsync(db, userIds, purchaseKeys, payableUntil, ct))
            .Where(o => asked.Contains((o.UserId, o.PurchaseKey))).Select(o => o.Id).ToList();
        // Usually none: a second Buy of the same courses is rare. The few found are loaded whole, as they are handed back.
        var live = liveIds.Count == 0 ? [] : await db.Orders.AsNoTracking().Where(o => liveIds.Contains(o.Id)).ToListAsync(ct);
        return new(
            courses,
            owned,
            live.GroupBy(o => (o.UserId, o.PurchaseKey, o.TotalAmount, o.PayType)).ToDictionary(g => g.Key, g => g.MaxBy(o => o.CreatedAt)!));
    }

    /// <summary>Prices the request from the database; a refusal when a course is unknown, off sale, owned, or the client's total differs.</summary>
    public PricedOrder Price(OrderRequest request)
    {
        var missing = request.CourseIds.Where(id => !courses.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            return new([], 0, PurchaseRefusals.Unknown(missing));
        }

        var lines = request.CourseIds.Select(id => (id, courses[id].Name, courses[id].Price)).ToList();
        var total = lines.Sum(l => l.Price);
        foreach (var id in request.CourseIds)
        {
            if (!courses[id].IsOnSale)
            {
                return new(lines, total, PurchaseRefusals.OffSale(courses[id].Name));
            }

            if (owned.Contains((request.UserId, id)))
            {
                return new(lines, total, PurchaseRefusals.Owned(courses[id].Name));
            }
        }

        return request.ClientTotal is { } claimed && claimed != total
            ? new(lines, total, PurchaseRefusals.TotalMismatch(total))
            : new(lines, total, null);
    }

    /// <summary>The learner's newest unpaid order for the same courses and total that can still be paid, if any.</summary>
    /// <summary>
    /// The learner's live unpaid order for the same courses, total and pay type: an order is paid with the provider it
    /// was placed for (its sweeper closes the trade there), so a Buy with the other provider places its own order.
    /// </summary>
    public Order? LiveOrder(string userId, string purchaseKey, decimal total, PayType payType) =>
        liveOrders.GetValueOrDefault((userId, purchaseKey, total, payType));
}
