using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>What an order's notify needs to know first.</summary>
public sealed record OrderState(int Id, decimal TotalAmount, OrderStatus Status);

/// <summary>
/// The hot paths' queries of a sale (every notify, every Buy), compiled once per app: EF then skips translating
/// them on each call. A singleton, because a compiled query belongs to the model of the app that compiled it.
/// </summary>
public sealed class CompiledOrderQueries
{
    /// <summary>The order a notify names, by <c>out_trade_no</c>.</summary>
    public Func<LuffyDbContext, string, CancellationToken, Task<OrderState?>> FindForNotify { get; } =
        EF.CompileAsyncQuery((LuffyDbContext db, string outTradeNo, CancellationToken ct) =>
            db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo).Select(o => new OrderState(o.Id, o.TotalAmount, o.Status)).FirstOrDefault());

    /// <summary>The learner's unpaid order for the same courses and total that can still be paid after the given time.</summary>
    public Func<LuffyDbContext, string, string, DateTime, decimal, CancellationToken, Task<Order?>> LiveOrder { get; } =
        EF.CompileAsyncQuery((LuffyDbContext db, string userId, string purchaseKey, DateTime payableUntil, decimal total, CancellationToken ct) =>
            db.Orders.AsNoTracking()
                .Where(o => o.UserId == userId && o.PurchaseKey == purchaseKey && o.Status == OrderStatus.Unpaid && o.ExpiresAt > payableUntil && o.TotalAmount == total)
                .OrderByDescending(o => o.CreatedAt)
                .FirstOrDefault());
}
