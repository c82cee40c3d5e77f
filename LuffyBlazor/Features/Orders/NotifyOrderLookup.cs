using LuffyBlazor.Common;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Orders;

/// <summary>What an order's notify needs to know first.</summary>
public sealed record OrderState(int Id, decimal TotalAmount, OrderStatus Status, PayType PayType);

/// <summary>
/// The read every notify makes (duplicates included): the order its <c>out_trade_no</c> names. One hand-written
/// primary-key-sized query on the context's connection, not an EF query: even compiled, EF's query pipeline (command
/// rental, interceptors, the shaper) cost more than the read itself, and this read is the largest part of answering a
/// duplicate notify (bench/README, "Where a notify's CPU goes"). The SQL is the same on SQLite and PostgreSQL; the
/// amount is stored in fen, as the model's money convention (<see cref="ModelConventions"/>) writes it.
/// </summary>
public sealed class NotifyOrderLookup
{
    private const string Sql =
        "SELECT \"Id\", \"TotalAmount\", \"Status\", \"PayType\" FROM \"Orders\" WHERE \"OutTradeNo\" = @p0 LIMIT 1";

    public Task<OrderState?> FindAsync(LuffyDbContext db, string outTradeNo, CancellationToken ct) =>
        db.FirstRowAsync(Sql, outTradeNo, reader =>
            new OrderState(reader.GetInt32(0), Money.FromFen(reader.GetInt64(1)), (OrderStatus)reader.GetInt32(2), (PayType)reader.GetInt32(3)), ct);
}
