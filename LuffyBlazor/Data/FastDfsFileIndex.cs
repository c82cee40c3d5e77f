using LuffyBlazor.Features.Storage.FastDfs;
using Microsoft.EntityFrameworkCore;

namespace LuffyBlazor.Data;

/// <summary>The FastDFS store's key → file id map in the app's database (table <c>FastDfsFiles</c>).</summary>
public sealed class EfFastDfsFileIndex(IDbContextFactory<LuffyDbContext> dbFactory) : IFastDfsFileIndex
{
    public async Task<FastDfsFile?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<FastDfsFile>().AsNoTracking().SingleOrDefaultAsync(f => f.Key == key, ct);
    }

    public async Task<string?> PutAsync(string key, string fileId, long length, DateTime storedAt, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<FastDfsFile>().SingleOrDefaultAsync(f => f.Key == key, ct);
        var previous = row?.FileId;
        if (row is null)
        {
            db.Add(new FastDfsFile { Key = key, FileId = fileId, Length = length, StoredAt = storedAt });
        }
        else
        {
            (row.FileId, row.Length, row.StoredAt) = (fileId, length, storedAt);
        }

        await db.SaveChangesAsync(ct);
        return previous;
    }

    public async Task<string?> RemoveAsync(string key, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Set<FastDfsFile>().SingleOrDefaultAsync(f => f.Key == key, ct);
        if (row is null)
        {
            return null;
        }

        db.Remove(row);
        await db.SaveChangesAsync(ct);
        return row.FileId;
    }
}
