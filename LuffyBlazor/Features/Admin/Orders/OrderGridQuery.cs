using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Orders;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Admin.Orders;

/// <summary>One row of the admin orders grid.</summary>
public sealed record AdminOrderRow(
    int Id, string OutTradeNo, DateTime CreatedAt, string UserName, string Subject, decimal TotalAmount, OrderStatus Status,
    PayType PayType, DateTime? PayTime, string? TradeNo, decimal RefundedAmount, bool PaidAfterClose, bool DuplicatePurchase,
    bool TradeNoConflict);

/// <summary>The filtered set as a whole: how many orders, what they are worth, what was received and refunded.</summary>
public sealed record OrderTotals(int Count, decimal Amount, decimal Received, decimal Refunded)
{
    public static readonly OrderTotals Empty = new(0, 0, 0, 0);
}

public sealed record OrderGridPage(IReadOnlyList<AdminOrderRow> Rows, OrderTotals Totals);

/// <summary>
/// The admin orders grid's queries. Filtering, sorting and paging run in SQL, on indexes (see
/// <c>OrderConfiguration</c>): the filtered set is counted and summed in one statement; a page is found as ids on
/// an index first, and only its rows are read. Pages in the far half are read from the other end with the sort
/// reversed, so the last page costs what the first does.
/// </summary>
public sealed class OrderGridQuery(IDbContextFactory<LuffyDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    public async Task<OrderGridPage> PageAsync(OrderGridFilter filter, OrderSort sort, int page, int pageSize, CancellationToken ct = default)
    {
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orders = await OrderFilters.ApplyAsync(db, filter, ct);
        var totals = await TotalsAsync(db, orders.ForTotals, ct);
        var skip = Math.Max(0, page) * pageSize;
        if (skip >= totals.Count)
        {
            return new OrderGridPage([], totals);
        }

        List<int> ids;
        if (skip > totals.Count / 2)
        {
            var take = Math.Min(pageSize, totals.Count - skip);
            ids = await sort.Reversed().Apply(orders.ForPaging).Skip(totals.Count - skip - take).Take(take).Select(o => o.Id).ToListAsync(ct);
            ids.Reverse();
        }
        else
        {
            ids = await sort.Apply(orders.ForPaging).Skip(skip).Take(pageSize).Select(o => o.Id).ToListAsync(ct);
        }

        var rows = await RowsAsync(db, ids, ct);
        return new OrderGridPage(rows, totals);
    }

    /// <summary>
    /// Count and sums of the filtered set in one plain aggregate over EF's own (parameterized) query for it. LINQ can
    /// only ask for several aggregates at once through a GROUP BY on a constant, which SQLite runs through a
    /// temporary B-tree at twice the cost; the covering indexes then serve this from the index alone.
    /// </summary>
    public static async Task<OrderTotals> TotalsAsync(LuffyDbContext db, IQueryable<Order> orders, CancellationToken ct)
    {
        await using var command = orders.Select(o => new { o.Status, o.TotalAmount, o.RefundedAmount }).CreateDbCommand();
        // Received = paid or refunded since: exactly the orders with a PayTime (see OrderTransitions). Amounts are fen.
        command.CommandText = $"""
            SELECT COUNT(*), COALESCE(SUM("TotalAmount"), 0),
                   COALESCE(SUM(CASE WHEN "Status" IN ({(int)OrderStatus.Paid}, {(int)OrderStatus.Refunded}) THEN "TotalAmount" ELSE 0 END), 0),
                   COALESCE(SUM("RefundedAmount"), 0)
            FROM ({command.CommandText}) AS "filtered"
            """;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return new OrderTotals(
                reader.GetInt32(0), Money.FromFen(reader.GetInt64(1)), Money.FromFen(reader.GetInt64(2)), Money.FromFen(reader.GetInt64(3)));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The rows of these orders, in the order of <paramref name="ids"/>.</summary>
    private static async Task<IReadOnlyList<AdminOrderRow>> RowsAsync(LuffyDbContext db, List<int> ids, CancellationToken ct)
    {
        var rows = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id))
            .Select(o => new AdminOrderRow(
                o.Id, o.OutTradeNo, o.CreatedAt, o.User!.UserName!, o.Subject, o.TotalAmount, o.Status, o.PayType, o.PayTime,
                o.TradeNo, o.RefundedAmount, o.PaidAfterClose, o.DuplicatePurchase, o.TradeNoConflict))
            .ToDictionaryAsync(r => r.Id, ct);
        return ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
    }
}

/// <summary>The grid's sortable columns: a whitelist, so a request can never sort by an unindexed or hidden column.</summary>
public enum OrderSortColumn
{
    CreatedAt,
    PayTime,
    TotalAmount,
    Status,
    OutTradeNo,
}

public sealed record OrderSort(OrderSortColumn Column, bool Descending)
{
    public static readonly OrderSort Default = new(OrderSortColumn.CreatedAt, Descending: true);

    /// <summary>The sort for a grid column (named after its <see cref="AdminOrderRow"/> property); anything else sorts by default.</summary>
    public static OrderSort ForColumn(string? column, bool descending) =>
        Enum.TryParse<OrderSortColumn>(column, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
            ? new OrderSort(parsed, descending)
            : Default;

    public OrderSort Reversed() => this with { Descending = !Descending };

    /// <summary>The sort with a unique tie-breaker (the id), so pages never overlap and reversing is exact.</summary>
    public IOrderedQueryable<Order> Apply(IQueryable<Order> orders) => (Column, Descending) switch
    {
        (OrderSortColumn.PayTime, false) => orders.OrderBy(o => o.PayTime).ThenBy(o => o.Id),
        (OrderSortColumn.PayTime, true) => orders.OrderByDescending(o => o.PayTime).ThenByDescending(o => o.Id),
        (OrderSortColumn.TotalAmount, false) => orders.OrderBy(o => o.TotalAmount).ThenBy(o => o.Id),
        (OrderSortColumn.TotalAmount, true) => orders.OrderByDescending(o => o.TotalAmount).ThenByDescending(o => o.Id),
        // Status, then newest first within a status when descending: the (Status, CreatedAt) index in both directions.
        (OrderSortColumn.Status, false) => orders.OrderBy(o => o.Status).ThenBy(o => o.CreatedAt).ThenBy(o => o.Id),
        (OrderSortColumn.Status, true) => orders.OrderByDescending(o => o.Status).ThenByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
        (OrderSortColumn.OutTradeNo, false) => orders.OrderBy(o => o.OutTradeNo),
        (OrderSortColumn.OutTradeNo, true) => orders.OrderByDescending(o => o.OutTradeNo),
        (_, false) => orders.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id),
        (_, true) => orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
    };
}
