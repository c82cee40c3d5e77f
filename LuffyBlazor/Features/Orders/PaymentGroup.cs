using System.Data.Common;
using LuffyBlazor.Common;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// What a group of payments needs, read by hand inside the group's transaction, two prepared queries per payment: its
/// order (with the version its update compares, <see cref="PaymentGroupWrites"/>) joined to its lines and to the
/// ownership rows its learner already holds for them, and the orders already holding its trade number.
/// <see cref="PaymentWriter"/> then keeps it up to date as it applies each payment, so a later payment of the same
/// group sees what an earlier one did.
/// </summary>
/// <remarks>
/// Not EF: its four LINQ queries (each an <c>IN</c> list, so never a cached plan) were about a quarter of the single
/// writer's time per first payment (bench/README, "First payments: the group's reads by hand"). Each query here is
/// prepared once per group and run again per payment with the next value (<see cref="StatementBatch.Prepared"/>);
/// every one is an index seek (<c>OutTradeNo</c>, <c>OrderId</c>, <c>(UserId, CourseId)</c>, <c>TradeNo</c>). The SQL
/// is the same on SQLite and PostgreSQL; money is read in fen and times as UTC, as the model's conventions store them
/// (<see cref="ModelConventions"/>).
/// </remarks>
internal sealed class PaymentGroup
{
    private const string Reading = "A payment group";

    private const string OrderSql = """
        SELECT o."Id", o."UserId", o."TotalAmount", o."PayType", o."Status", o."TradeNo", o."PayTime", o."BuyerId",
        o."PaidAfterClose", o."DuplicatePurchase", o."TradeNoConflict", o."Version", o."UpdatedAt", d."CourseId", d."CourseName", c."Id"
        FROM "Orders" o
        LEFT JOIN "OrderDetails" d ON d."OrderId" = o."Id"
        LEFT JOIN "CourseOwnerships" c ON c."UserId" = o."UserId" AND c."CourseId" = d."CourseId"
        WHERE o."OutTradeNo" = @p0
        ORDER BY d."CourseId"
        """;

    private const string TradeHoldersSql = "SELECT \"Id\", \"OutTradeNo\" FROM \"Orders\" WHERE \"TradeNo\" = @p0";

    private readonly Dictionary<string, Order> orders = new(StringComparer.Ordinal);
    private readonly Dictionary<int, List<(int CourseId, string CourseName)>> lines = [];
    private readonly HashSet<(string UserId, int CourseId)> owned = [];
    private readonly Dictionary<string, List<(int OrderId, string OutTradeNo)>> tradeHolders = new(StringComparer.Ordinal);

    private PaymentGroup()
    {
    }

    public static async Task<PaymentGroup> ReadAsync(LuffyDbContext db, IReadOnlyList<PaymentConfirmation> payments, CancellationToken ct)
    {
        var group = new PaymentGroup();
        var prepared = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var number in payments.Select(p => p.OutTradeNo).Distinct(StringComparer.Ordinal))
            {
                await group.ReadOrderAsync(StatementBatch.Prepared(db, Reading, prepared, OrderSql, [number]), number, ct);
            }

            foreach (var tradeNo in payments.Select(p => p.TradeNo).Where(t => !string.IsNullOrEmpty(t)).Distinct(StringComparer.Ordinal))
            {
                await group.ReadTradeHoldersAsync(StatementBatch.Prepared(db, Reading, prepared, TradeHoldersSql, [tradeNo]), tradeNo!, ct);
            }
        }
        finally
        {
            foreach (var command in prepared.Values)
            {
                await command.DisposeAsync();
            }
        }

        return group;
    }

    /// <summary>The order's row once per line (none: one row without a line), each with the line's ownership row if the learner holds one.</summary>
    private async Task ReadOrderAsync(DbCommand command, string outTradeNo, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        Order? order = null;
        List<(int, string)> orderLines = [];
        while (await reader.ReadAsync(ct))
        {
            order ??= Orders.Order.ForPayment(
                reader.GetInt32(0), outTradeNo, reader.GetString(1), Money.FromFen(reader.GetInt64(2)), (PayType)reader.GetInt32(3),
                (OrderStatus)reader.GetInt32(4), NullableString(reader, 5), NullableTime(reader, 6), NullableString(reader, 7),
                (reader.GetBoolean(8), reader.GetBoolean(9), reader.GetBoolean(10)), reader.GetInt32(11), Utc(reader.GetDateTime(12)));
            if (!reader.IsDBNull(13))
            {
                var courseId = reader.GetInt32(13);
                orderLines.Add((courseId, reader.GetString(14)));
                if (!reader.IsDBNull(15))
                {
                    owned.Add((order.UserId, courseId));
                }
            }
        }

        if (order is not null)
        {
            orders.Add(outTradeNo, order);
            lines.Add(order.Id, orderLines);
        }
    }

    private async Task ReadTradeHoldersAsync(DbCommand command, string tradeNo, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        List<(int, string)> holders = [];
        while (await reader.ReadAsync(ct))
        {
            holders.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        if (holders.Count > 0)
        {
            tradeHolders.Add(tradeNo, holders);
        }
    }

    private static string? NullableString(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private static DateTime? NullableTime(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : Utc(reader.GetDateTime(column));

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);

    public Order? Order(string outTradeNo) => orders.GetValueOrDefault(outTradeNo);

    /// <summary>The order's lines in course id order.</summary>
    public IReadOnlyList<(int CourseId, string CourseName)> Lines(Order order) => lines[order.Id];

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
