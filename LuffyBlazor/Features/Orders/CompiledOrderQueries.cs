using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>What an order's notify needs to know first.</summary>
public sealed record OrderState(int Id, decimal TotalAmount, OrderStatus Status, PayType PayType);

/// <summary>
/// The hot path's query of a sale (every notify), compiled once per app: EF then skips translating
/// it on each call. A singleton, because a compiled query belongs to the model of the app that compiled it.
/// </summary>
public sealed class CompiledOrderQueries
{
    /// <summary>The order a notify names, by <c>out_trade_no</c>.</summary>
    public Func<LuffyDbContext, string, CancellationToken, Task<OrderState?>> FindForNotify { get; } =
        EF.CompileAsyncQuery((LuffyDbContext db, string outTradeNo, CancellationToken ct) =>
            db.Orders.AsNoTracking().Where(o => o.OutTradeNo == outTradeNo).Select(o => new OrderState(o.Id, o.TotalAmount, o.Status, o.PayType)).FirstOrDefault());
}
