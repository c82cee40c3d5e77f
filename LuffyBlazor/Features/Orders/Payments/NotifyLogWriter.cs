using LuffyBlazor.Data;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Features.Orders.Payments;

/// <summary>
/// Group commit for the notify log. A notify storm would otherwise spend one write transaction per notify on its log
/// row; here concurrent notifies share one. Each caller still waits until its own row is committed, so no notify is
/// answered before it is on record.
/// </summary>
public sealed class NotifyLogWriter(IDbContextFactory<LuffyDbContext> dbFactory, ILogger<NotifyLogWriter> logger)
    : GroupCommitWriter<NotifyLog, NotifyLog>(MaxGroup, logger)
{
    private const int MaxGroup = 256;

    /// <summary>Completes once the row is committed; throws if it could not be.</summary>
    public Task WriteAsync(NotifyLog row, CancellationToken ct = default) => CommitAsync(row, ct);

    protected override async Task<IReadOnlyList<NotifyLog>> WriteGroupAsync(IReadOnlyList<NotifyLog> rows, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.NotifyLogs.AddRange(rows);
        await db.SaveChangesAsync(ct);
        return rows;
    }
}
