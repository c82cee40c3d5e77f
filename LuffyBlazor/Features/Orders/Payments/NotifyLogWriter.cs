using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>
/// Group commit for the notify log. A notify storm would otherwise spend one write transaction per notify on its log
/// row; here concurrent notifies share one. Each caller still waits until its own row is committed, so no notify is
/// answered before it is on record.
/// </summary>
/// <remarks>
/// The group goes in by hand (a <see cref="StatementBatch"/>: one multi-row INSERT on PostgreSQL, one prepared
/// single-row INSERT run per row on SQLite), not through EF's <c>SaveChanges</c>: for a duplicate notify (a read and
/// this row) the change tracker and command batching were about a seventh of the request's CPU (bench/README, "Where
/// a notify's CPU goes"). The transaction is still EF's, begun IMMEDIATE on SQLite.
/// </remarks>
public sealed class NotifyLogWriter(IDbContextFactory<LuffyDbContext> dbFactory, ILogger<NotifyLogWriter> logger)
    : GroupCommitWriter<NotifyLog, NotifyLog>(MaxGroup, logger)
{
    // 256 rows × 10 values stays far below both databases' parameter limits (SQLite 32,766, PostgreSQL 65,535).
    private const int MaxGroup = 256;

    /// <summary>Completes once the row is committed; throws if it could not be.</summary>
    public Task WriteAsync(NotifyLog row, CancellationToken ct = default) => CommitAsync(row, ct);

    protected override async Task<IReadOnlyList<NotifyLog>> WriteGroupAsync(IReadOnlyList<NotifyLog> rows, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var batch = new StatementBatch();
        AddInsert(batch, rows);
        await batch.ExecuteAsync(db, "The notify log", ct);
        await transaction.CommitAsync(ct);
        return rows;
    }

    /// <summary>The rows as an insert of <paramref name="batch"/> (also the payment group's, for the rows that come with payments).</summary>
    internal static void AddInsert(StatementBatch batch, IReadOnlyCollection<NotifyLog> rows) =>
        batch.AddInsert("INSERT INTO \"NotifyLogs\" (\"ReceivedAt\", \"OutTradeNo\", \"NotifyId\", \"TradeStatus\", \"Verdict\", " +
            "\"Reason\", \"RawParameters\", \"RemoteIp\", \"Provider\", \"Count\") VALUES", rows, (bind, r) =>
            $"({bind(r.ReceivedAt)}, {bind(r.OutTradeNo)}, {bind(r.NotifyId)}, {bind(r.TradeStatus)}, {bind((int)r.Verdict)}, " +
            $"{bind(r.Reason)}, {bind(r.RawParameters)}, {bind(r.RemoteIp)}, {bind(r.Provider)}, {bind(r.Count)})");
}
