using System.Data.Common;
using System.Text;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// The new orders of a checkout group, inserted by hand inside the group's transaction: one multi-row
/// <c>INSERT … RETURNING "Id", "OutTradeNo"</c> of the orders, then one command with a multi-row INSERT of their lines
/// (<c>RETURNING</c> their ids) and one of their history rows. It replaces EF's <c>SaveChanges</c>, which was most of
/// the order group's transaction (bench/README, "Checkout was profiled"). Every column is written as EF would have
/// written it for a new order: what <see cref="Order.Place"/> set, the audit stamp's <c>UpdatedAt</c>, money in fen and
/// UTC times (through <see cref="CommandParameters"/>); the <see cref="Order"/> objects and their lines get their ids.
/// </summary>
internal sealed class OrderGroupInserts
{
    private const string OrderColumns = "\"OutTradeNo\", \"UserId\", \"Subject\", \"TotalAmount\", \"PayType\", \"Status\", \"PurchaseKey\", " +
        "\"ExpiresAt\", \"TradeNo\", \"PayTime\", \"BuyerId\", \"PaidAfterClose\", \"DuplicatePurchase\", \"TradeNoConflict\", \"ClosedAt\", " +
        "\"CloseReason\", \"RefundedAmount\", \"RefundedAt\", \"SweepClaimedUntil\", \"Version\", \"CreatedAt\", \"UpdatedAt\"";

    private readonly List<(Order Order, OrderStatusChange Placed)> placed = [];

    /// <summary>A new order and its first history row (whose <c>OrderId</c> is filled in once the order has its id).</summary>
    public void Add(Order order, OrderStatusChange history) => placed.Add((order, history));

    /// <summary>
    /// Runs the inserts in the context's open transaction, stamping each order's <c>UpdatedAt</c> with
    /// <paramref name="savedAt"/> as the audit interceptor would. A database error (a learner who does not exist, say)
    /// is reported as a <see cref="DbUpdateException"/>, as <c>SaveChanges</c> would, keeping its provider exception
    /// inside for <see cref="DatabaseErrors"/>.
    /// </summary>
    public async Task ExecuteAsync(LuffyDbContext db, DateTime savedAt, CancellationToken ct)
    {
        if (placed.Count == 0)
        {
            return;
        }

        try
        {
            await InsertOrdersAsync(db, savedAt, ct);
            await InsertLinesAndHistoryAsync(db, ct);
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"The order group's inserts failed: {ex.Message}", ex);
        }
    }

    private async Task InsertOrdersAsync(LuffyDbContext db, DateTime savedAt, CancellationToken ct)
    {
        await using var command = db.CommandInTransaction("An order group");
        var bind = command.ParametersFor();
        var sql = new StringBuilder($"INSERT INTO \"Orders\" ({OrderColumns}) VALUES ");
        sql.AppendJoin(", ", placed.Select(p =>
        {
            var o = p.Order;
            ((IAuditable)o).UpdatedAt = savedAt;
            return $"({bind(o.OutTradeNo)}, {bind(o.UserId)}, {bind(o.Subject)}, {bind(o.TotalAmount)}, {bind((int)o.PayType)}, {bind((int)o.Status)}, " +
                $"{bind(o.PurchaseKey)}, {bind(o.ExpiresAt)}, {bind(o.TradeNo)}, {bind(o.PayTime)}, {bind(o.BuyerId)}, {bind(o.PaidAfterClose)}, " +
                $"{bind(o.DuplicatePurchase)}, {bind(o.TradeNoConflict)}, {bind(o.ClosedAt)}, {bind(o.CloseReason)}, {bind(o.RefundedAmount)}, " +
                $"{bind(o.RefundedAt)}, {bind(o.SweepClaimedUntil)}, {bind(o.Version)}, {bind(o.CreatedAt)}, {bind(o.UpdatedAt)})";
        }));
        // Neither database promises RETURNING's rows in VALUES order: each comes back with its unique number.
        sql.Append(" RETURNING \"Id\", \"OutTradeNo\"");
        command.CommandText = sql.ToString();
        var byNumber = placed.ToDictionary(p => p.Order.OutTradeNo, p => p.Order, StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            byNumber[reader.GetString(1)].StoredAs(reader.GetInt32(0));
        }
    }

    private async Task InsertLinesAndHistoryAsync(LuffyDbContext db, CancellationToken ct)
    {
        await using var command = db.CommandInTransaction("An order group");
        var bind = command.ParametersFor();
        var lines = placed.SelectMany(p => p.Order.Details).ToList();
        var sql = new StringBuilder("INSERT INTO \"OrderDetails\" (\"OrderId\", \"CourseId\", \"CourseName\", \"Price\", \"RealPrice\") VALUES ");
        sql.AppendJoin(", ", lines.Select(d => $"({bind(d.OrderId)}, {bind(d.CourseId)}, {bind(d.CourseName)}, {bind(d.Price)}, {bind(d.RealPrice)})"));
        // An order's lines are distinct courses, so (order, course) names one line.
        sql.Append(" RETURNING \"Id\", \"OrderId\", \"CourseId\";\n");
        foreach (var (order, history) in placed)
        {
            history.OrderId = order.Id;
        }

        OrderHistoryRows.AppendInsert(sql, bind, placed.Select(p => p.Placed));
        command.CommandText = sql.ToString();
        var byOrderAndCourse = lines.ToDictionary(d => (d.OrderId, d.CourseId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            byOrderAndCourse[(reader.GetInt32(1), reader.GetInt32(2))].StoredAs(reader.GetInt32(0));
        }

        // The history rows' INSERT runs (and may fail) as the reader moves past the lines' rows.
        while (await reader.NextResultAsync(ct))
        {
        }
    }
}
