using System.Collections.Concurrent;
using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Features.Storage.Local;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>The client's offset is not the server's (tus answers 409 and the client asks HEAD again).</summary>
public sealed class UploadOffsetConflictException(long expected) : Exception($"The upload is at offset {expected}.")
{
    public long Expected { get; } = expected;
}

/// <summary>
/// Uploads through the app in chunks, resumable by offset (the server side of <see cref="TusEndpoints"/>): a session is
/// created with an app ticket (which it uses up), chunks are appended in order, never buffered whole, and when the last
/// one arrives the file is published under the ticket's key. Where the bytes go depends on the store: the local store
/// collects them beside its media root and moves the file into place; FastDFS grows an appender file chunk by chunk
/// (each chunk spooled to disk first, so a chunk cut short never half-appends); other stores get the collected file
/// streamed into them at the end. The confirmation step then checks the file like any other upload.
/// </summary>
public sealed class ChunkedUploads(
    IFileStore files, LocalFileStore local, FastDfsFileStore fastDfs, UploadSessions sessions, MediaUploads uploads,
    IOptions<UploadOptions> options, TimeProvider clock)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new();

    public async Task<UploadSession> CreateAsync(string? ticket, long length, CancellationToken ct)
    {
        var issued = uploads.ReadTicket(ticket);
        if (length > issued.MaxBytes)
        {
            throw new MediaRejectedException($"文件过大（{MediaRules.FormatSize(length)}）：最大 {MediaRules.FormatSize(issued.MaxBytes)}。");
        }

        if (length <= 0)
        {
            throw new MediaRejectedException("文件是空的，请重新选择。");
        }

        if (!sessions.TryClaim(ticket!))
        {
            throw new MediaRejectedException(MediaUploads.TicketUsed);
        }

        return await sessions.CreateAsync(issued.Key, issued.ContentType, length, issued.IsPrivate, clock.GetUtcNow(), ct);
    }

    /// <summary>The session, unless unknown or older than <see cref="UploadOptions.ResumeWindow"/> (then it is cleaned up).</summary>
    public async Task<UploadSession?> FindAsync(string id, CancellationToken ct)
    {
        var session = await sessions.FindAsync(id, ct);
        if (session is not null && session.CreatedAt + options.Value.ResumeWindow < clock.GetUtcNow())
        {
            await DiscardAsync(session, ct);
            return null;
        }

        return session;
    }

    /// <summary>Appends the body at <paramref name="offset"/> (which must be where the upload stands); publishes when complete.</summary>
    public async Task<UploadSession> AppendAsync(string id, long offset, Stream body, CancellationToken ct)
    {
        var gate = Locks.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var session = await FindAsync(id, ct) ?? throw new FileNotFoundException("No such upload.", id);
            if (offset != session.Offset)
            {
                throw new UploadOffsetConflictException(session.Offset);
            }

            await using var limited = new SizeLimitedStream(body, session.Length - session.Offset,
                () => new MediaRejectedException($"数据超过了声明的文件大小（{MediaRules.FormatSize(session.Length)}）。"));
            session = files.Provider == StorageProvider.FastDfs
                ? await AppendToFastDfsAsync(session, limited, ct)
                : await AppendToDiskAsync(session, limited, ct);
            await sessions.SaveAsync(session, ct);
            if (session.IsComplete)
            {
                await PublishAsync(session, ct);
            }

            return session;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Cancels an upload: its partial data is removed, wherever it was growing.</summary>
    public async Task DiscardAsync(UploadSession session, CancellationToken ct)
    {
        if (session.StoreHandle is { } fileId && !session.IsComplete)
        {
            await fastDfs.DiscardAsync(fileId, ct);
        }

        sessions.Remove(session);
    }

    private async Task<UploadSession> AppendToDiskAsync(UploadSession session, Stream body, CancellationToken ct)
    {
        var path = sessions.DataPath(session);
        await using (var data = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            // A chunk cut short left its bytes: keep them (tus) — the offset is the file's length.
            data.SetLength(session.Offset);
            data.Position = session.Offset;
            try
            {
                await body.CopyToAsync(data, ct);
            }
            finally
            {
                session = session with { Offset = data.Position };
            }
        }

        return session;
    }

    private async Task<UploadSession> AppendToFastDfsAsync(UploadSession session, Stream body, CancellationToken ct)
    {
        var spool = sessions.DataPath(session);
        try
        {
            await using var chunk = new FileStream(spool, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
            await body.CopyToAsync(chunk, ct);
            if (chunk.Length == 0)
            {
                return session;
            }

            chunk.Position = 0;
            var fileId = await fastDfs.AppendAsync(session.StoreHandle, session.Key, chunk, chunk.Length, ct);
            return session with { StoreHandle = fileId, Offset = session.Offset + chunk.Length };
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private async Task PublishAsync(UploadSession session, CancellationToken ct)
    {
        switch (files.Provider)
        {
            case StorageProvider.FastDfs:
                await fastDfs.PublishAsync(session.Key, session.StoreHandle!, session.Length, session.ContentType, ct);
                break;
            case StorageProvider.Local:
                var target = local.PathOf(session.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(sessions.DataPath(session), target, overwrite: true);
                break;
            default:
                await using (var data = new FileStream(sessions.DataPath(session), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
                {
                    await files.SaveAsync(session.Key, data, session.ContentType, ct);
                }

                break;
        }

        sessions.Remove(session);
    }
}
