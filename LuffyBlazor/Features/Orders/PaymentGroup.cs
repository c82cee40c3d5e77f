using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// What a group of payments needs, read in four queries inside the group's transaction: the orders (with the version
/// their update compares, <see cref="PaymentGroupWrites"/>), their lines, the courses their learners already own, and
/// the orders already holding the group's trade numbers. <see cref="PaymentWriter"/> then keeps it up to date as it
/// applies each payment, so a later payment of the same group sees what an earlier one did.
/// </summary>
internal sealed class PaymentGroup
{
    private readonly Dictionary<string, Order> orders;
    private readonly ILookup<int, (int CourseId, string CourseName)> lines;
    private readonly HashSet<(string UserId, int CourseId)> owned;
    private readonly Dictionary<string, List<(int OrderId, string OutTradeNo)>> tradeHolders;

    private PaymentGroup(
        Dictionary<string, Order> orders, ILookup<int, (int, string)> lines, HashSet<(string, int)> owned,
        Dictionary<string, List<(int, string)>> tradeHolders)
    {
        this.orders = orders;
        this.lines = lines;
        this.owned = owned;
        this.tradeHolders = tradeHolders;
    }

    public static async Task<PaymentGroup> ReadAsync(LuffyDbContext db, IReadOnlyList<PaymentConfirmation> payments, CancellationToken ct)
    {
        var numbers = payments.Select(p => p.OutTradeNo).Distinct().ToList();
        var orders = await db.Orders.AsNoTracking().Where(o => numbers.Contains(o.OutTradeNo)).ToDictionaryAsync(o => o.OutTradeNo, StringComparer.Ordinal, ct);
        var orderIds = orders.Values.Select(o => o.Id).ToList();
        var lines = (await db.OrderDetails.AsNoTracking().Where(d => orderIds.Contains(d.OrderId))
            .Select(d => new { d.OrderId, d.CourseId, d.CourseName }).ToListAsync(ct))
            .OrderBy(l => l.CourseId).ToLookup(l => l.OrderId, l => (l.CourseId, l.CourseName));
        var userIds = orders.Values.Select(o => o.UserId).Distinct().ToList();
        var courseIds = lines.SelectMany(l => l).Select(l => l.CourseId).Distinct().ToList();
        var owned = (await db.CourseOwnerships.AsNoTracking().Where(x => userIds.Contains(x.UserId) && courseIds.Contains(x.CourseId))
            .Select(x => new { x.UserId, x.CourseId }).ToListAsync(ct)).Select(x => (x.UserId, x.CourseId)).ToHashSet();
        var tradeNos = payments.Select(p => p.TradeNo).Where(t => !string.IsNullOrEmpty(t)).Distinct().ToList();
        var holders = tradeNos.Count == 0
            ? []
            : (await db.Orders.AsNoTracking().Where(o => tradeNos.Contains(o.TradeNo))
                .Select(o => new { o.TradeNo, o.Id, o.OutTradeNo }).ToListAsync(ct))
                .GroupBy(o => o.TradeNo!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(o => (o.Id, o.OutTradeNo)).ToList(), StringComparer.Ordinal);
        return new PaymentGroup(orders, lines, owned, holders);
    }

    public Order? Order(string outTradeNo) => orders.GetValueOrDefault(outTradeNo);

    /// <summary>The order's lines in course id order.</summary>
    public IReadOnlyList<(int CourseId, string CourseName)> Lines(Order order) => lines[order.Id].ToList();

    public bool Owns(string userId, int courseId) => owned.Contains((userId, courseId));

    public void Grant(string userId, int courseId) => owned.Add((userId, courseId));

    /// <summary>
    /// The order a provider trade number already paid, if it is not this one. A trade pays exactly one out_trade_no,
    /// so a second order is a forgery or a bug.
    /// </summary>
    public string? OtherOrderPaidBy(string? tradeNo, Order order) =>
        !string.IsNullOrEmpty(tradeNo) && tradeHolders.TryGetValue(tradeNo, out var holders)
            ? holders.Where(h => h.OrderId != order.Id).Select(h => h.OutTradeNo).FirstOrDefault()
            : null;

    /// <summary>The order is paid by this trade from now on (for the group's later payments).</summary>
    public void Paid(Order order, string? tradeNo)
    {
        if (!string.IsNullOrEmpty(tradeNo))
        {
            tradeHolders.TryAdd(tradeNo, []);
            tradeHolders[tradeNo].Add((order.Id, order.OutTradeNo));
        }
    }
}
