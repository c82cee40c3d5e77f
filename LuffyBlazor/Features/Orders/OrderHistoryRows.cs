using System.Text;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Orders;

/// <summary>The INSERT of order history rows that the hand-written group writes share.</summary>
internal static class OrderHistoryRows
{
    private const string Head = "INSERT INTO \"OrderStatusChanges\" (\"OrderId\", \"From\", \"To\", \"Actor\", \"Reason\", \"At\") VALUES";

    private static string Row(CommandParameters bind, OrderStatusChange h) =>
        $"({bind(h.OrderId)}, {bind((int?)h.From)}, {bind((int)h.To)}, {bind(h.Actor)}, {bind(h.Reason)}, {bind(h.At)})";

    /// <summary>Appends one INSERT statement of <paramref name="rows"/> (at least one), ended by a semicolon.</summary>
    public static void AppendInsert(StringBuilder sql, CommandParameters bind, IEnumerable<OrderStatusChange> rows)
    {
        sql.Append(Head).Append(' ').AppendJoin(", ", rows.Select(h => Row(bind, h)));
        sql.Append(";\n");
    }

    /// <summary>The same rows as an insert of <paramref name="batch"/>.</summary>
    public static void AddInsert(StatementBatch batch, IReadOnlyCollection<OrderStatusChange> rows) =>
        batch.AddInsert(Head, rows, Row);
}
