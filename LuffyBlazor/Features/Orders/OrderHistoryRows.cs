using System.Text;
using LuffyBlazor.Data;

namespace LuffyBlazor.Features.Orders;

/// <summary>The multi-row INSERT of order history rows that the hand-written group commands share.</summary>
internal static class OrderHistoryRows
{
    /// <summary>Appends one INSERT statement of <paramref name="rows"/> (at least one), ended by a semicolon.</summary>
    public static void AppendInsert(StringBuilder sql, CommandParameters bind, IEnumerable<OrderStatusChange> rows)
    {
        sql.Append("INSERT INTO \"OrderStatusChanges\" (\"OrderId\", \"From\", \"To\", \"Actor\", \"Reason\", \"At\") VALUES ");
        sql.AppendJoin(", ", rows.Select(h =>
            $"({bind(h.OrderId)}, {bind((int?)h.From)}, {bind((int)h.To)}, {bind(h.Actor)}, {bind(h.Reason)}, {bind(h.At)})"));
        sql.Append(";\n");
    }
}
