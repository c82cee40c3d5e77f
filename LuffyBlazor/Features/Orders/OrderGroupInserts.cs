using System.Data.Common;
using System.Text;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// The new orders of a checkout group, inserted by hand inside the group's transaction. On PostgreSQL: one multi-row
/// <c>INSERT … RETURNING "Id", "OutTradeNo"</c> of the orders, then one command with a multi-row INSERT of their lines
/// (<c>RETURNING</c> their ids) and one of their history rows (one round trip each). On SQLite, in process: each order
/// and each line its own single-row INSERT, prepared once and run again per row. It replaces EF's <c>SaveChanges</c>, which was most of
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

        foreach (var (order, _) in placed)
        {
            ((IAuditable)order).UpdatedAt = savedAt;
        }

        try
        {
            if (db.Database.IsSqlite())
            {
                await InsertRowByRowAsync(db, ct);
            }
            else
            {
                await InsertOrdersAsync(db, ct);
                await InsertLinesAndHistoryAsync(db, ct);
            }
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"The order group's inserts failed: {ex.Message}", ex);
        }
    }

    private async Task InsertOrdersAsync(LuffyDbContext db, CancellationToken ct)
    {
        await using var command = db.CommandInTransaction("An order group");
        var bind = command.ParametersFor();
        var sql = new StringBuilder($"INSERT INTO \"Orders\" ({OrderColumns}) VALUES ");
        sql.AppendJoin(", ", placed.Select(p => OrderValues(bind, p.Order)));
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
        var sql = new StringBuilder(LinesHead + " ");
        sql.AppendJoin(", ", lines.Select(d => LineValues(bind, d)));
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

    private const string LinesHead = "INSERT INTO \"OrderDetails\" (\"OrderId\", \"CourseId\", \"CourseName\", \"Price\", \"RealPrice\") VALUES";

    private static string OrderValues(CommandParameters bind, Order o) =>
        $"({bind(o.OutTradeNo)}, {bind(o.UserId)}, {bind(o.Subject)}, {bind(o.TotalAmount)}, {bind((int)o.PayType)}, {bind((int)o.Status)}, " +
        $"{bind(o.PurchaseKey)}, {bind(o.ExpiresAt)}, {bind(o.TradeNo)}, {bind(o.PayTime)}, {bind(o.BuyerId)}, {bind(o.PaidAfterClose)}, " +
        $"{bind(o.DuplicatePurchase)}, {bind(o.TradeNoConflict)}, {bind(o.ClosedAt)}, {bind(o.CloseReason)}, {bind(o.RefundedAmount)}, " +
        $"{bind(o.RefundedAt)}, {bind(o.SweepClaimedUntil)}, {bind(o.Version)}, {bind(o.CreatedAt)}, {bind(o.UpdatedAt)})";

    private static string LineValues(CommandParameters bind, OrderDetail d) =>
        $"({bind(d.OrderId)}, {bind(d.CourseId)}, {bind(d.CourseName)}, {bind(d.Price)}, {bind(d.RealPrice)})";

    /// <summary>
    /// SQLite, in process: each order and each line a single-row INSERT … RETURNING "Id", prepared once and run again
    /// with the next row's values; the history rows as a <see cref="StatementBatch"/>. A multi-row INSERT of the group
    /// costs Microsoft.Data.Sqlite a look-up of every parameter's name among all of them (see StatementBatch).
    /// </summary>
    private async Task InsertRowByRowAsync(LuffyDbContext db, CancellationToken ct)
    {
        await using (var orders = new SingleRowInsert(db, $"INSERT INTO \"Orders\" ({OrderColumns}) VALUES"))
        {
            foreach (var (order, _) in placed)
            {
                order.StoredAs(await orders.InsertAsync(bind => OrderValues(bind, order), ct));
            }
        }

        await using (var lines = new SingleRowInsert(db, LinesHead))
        {
            foreach (var line in placed.SelectMany(p => p.Order.Details))
            {
                line.StoredAs(await lines.InsertAsync(bind => LineValues(bind, line), ct));
            }
        }

        foreach (var (order, history) in placed)
        {
            history.OrderId = order.Id;
        }

        var batch = new StatementBatch();
        OrderHistoryRows.AddInsert(batch, placed.Select(p => p.Placed).ToList());
        await batch.ExecuteAsync(db, "An order group", ct);
    }

    /// <summary>One single-row INSERT … RETURNING "Id", prepared on its first row and run again for the next.</summary>
    private sealed class SingleRowInsert(LuffyDbContext db, string head) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> prepared = new(StringComparer.Ordinal);
        private readonly List<object?> values = [];

        public async Task<int> InsertAsync(Func<CommandParameters, string> row, CancellationToken ct)
        {
            values.Clear();
            var sql = row(value =>
            {
                values.Add(value);
                return "@p" + (values.Count - 1);
            });
            var command = StatementBatch.Prepared(db, "An order group", prepared, $"{head} {sql} RETURNING \"Id\"", values);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in prepared.Values)
            {
                await command.DisposeAsync();
            }
        }
    }
}
