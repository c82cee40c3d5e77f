using System.Data.Common;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LuffyBlazor.Features.Orders;

/// <summary>
/// The reads of <see cref="PurchaseSnapshot"/> as hand-written commands on the group's connection and transaction, not
/// EF queries: with a collection parameter each EF query went through the query cache, parameter expansion and the
/// shaper, and the three of them cost about 90 µs of app CPU per checkout, more than the order's inserts (bench/README,
/// "Checkout's CPU, profiled"). The SQL is the same on SQLite and PostgreSQL; money is stored in fen and times as UTC,
/// as the model's conventions (<see cref="ModelConventions"/>) write them.
/// </summary>
internal static class PurchaseSnapshotReads
{
    public static async Task<Dictionary<int, (string Name, decimal Price, bool IsOnSale)>> CoursesAsync(
        LuffyDbContext db, IReadOnlyList<int> courseIds, CancellationToken ct)
    {
        var courses = new Dictionary<int, (string, decimal, bool)>(courseIds.Count);
        await using var command = db.CommandInTransaction("The courses' prices are read");
        var bind = command.ParametersFor();
        command.CommandText = $"SELECT \"Id\", \"Name\", \"Price\", \"IsOnSale\" FROM \"Courses\" WHERE \"Id\" IN ({In(bind, courseIds)})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            courses[reader.GetInt32(0)] = (reader.GetString(1), Money.FromFen(reader.GetInt64(2)), reader.GetBoolean(3));
        }

        return courses;
    }

    public static async Task<HashSet<(string UserId, int CourseId)>> OwnedAsync(
        LuffyDbContext db, IReadOnlyList<string> userIds, IReadOnlyList<int> courseIds, CancellationToken ct)
    {
        var owned = new HashSet<(string, int)>();
        await using var command = db.CommandInTransaction("What the learners own is read");
        var bind = command.ParametersFor();
        command.CommandText = "SELECT \"UserId\", \"CourseId\" FROM \"CourseOwnerships\" " +
            $"WHERE \"UserId\" IN ({In(bind, userIds)}) AND \"CourseId\" IN ({In(bind, courseIds)})";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            owned.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return owned;
    }

    /// <summary>
    /// The learners' unpaid orders for these courses that are still payable after <paramref name="payableUntil"/>:
    /// id, learner and purchase key, served by the (UserId, PurchaseKey, Status, ExpiresAt) index (a test pins the
    /// plan). The IN lists match every learner with every key of the group, so the caller keeps only the pairs asked for.
    /// </summary>
    public static async Task<List<(int Id, string UserId, string PurchaseKey)>> LiveOrderKeysAsync(
        LuffyDbContext db, IReadOnlyList<string> userIds, IReadOnlyList<string> purchaseKeys, DateTime payableUntil, CancellationToken ct)
    {
        var rows = new List<(int, string, string)>();
        await using var command = LiveOrderKeysCommand(db, userIds, purchaseKeys, payableUntil);
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>The live-order read's command, on the context's connection (the plan test explains it).</summary>
    internal static DbCommand LiveOrderKeysCommand(LuffyDbContext db, IReadOnlyList<string> userIds, IReadOnlyList<string> purchaseKeys, DateTime payableUntil)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        var bind = command.ParametersFor();
        command.CommandText = "SELECT \"Id\", \"UserId\", \"PurchaseKey\" FROM \"Orders\" " +
            $"WHERE \"UserId\" IN ({In(bind, userIds)}) AND \"PurchaseKey\" IN ({In(bind, purchaseKeys)}) " +
            $"AND \"Status\" = {bind((int)OrderStatus.Unpaid)} AND \"ExpiresAt\" > {bind(payableUntil)}";
        return command;
    }

    private static string In<T>(CommandParameters bind, IReadOnlyList<T> values) => string.Join(", ", values.Select(v => bind(v)));
}
