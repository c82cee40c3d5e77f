namespace LuffyBlazor.Features.Storage;

/// <summary>
/// The <see cref="IFileStore"/> the app uses: the configured provider's store behind the media rules. Every save is
/// checked for type, content (its first bytes, <see cref="MediaContent"/>) and size (a stream of unknown length is
/// counted while it is copied and cut off at the limit), and is stored with the content type its extension names.
/// </summary>
public sealed class CheckedFileStore(IFileStore inner, MediaRules rules) : IFileStore
{
    public IFileStore Inner => inner;

    public StorageProvider Provider => inner.Provider;

    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default)
    {
        StorageKeys.Require(key);
        long? length = content.CanSeek ? content.Length - content.Position : null;
        var type = rules.Check(key, length);
        var checkedContent = await MediaContent.RequireAsync(content, type, ct);
        await using var limited = new SizeLimitedStream(checkedContent, rules.MaxBytes(type.Kind), () => rules.TooLarge(type.Kind));
        await inner.SaveAsync(key, limited, type.ContentType, ct);
    }

    public Task<StoredFile?> StatAsync(string key, CancellationToken ct = default) => inner.StatAsync(key, ct);

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) => inner.OpenReadAsync(key, ct);

    public Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default) =>
        inner.OpenReadAsync(key, offset, length, ct);

    public Task DeleteAsync(string key, CancellationToken ct = default) => inner.DeleteAsync(key, ct);

    public string GetPublicUrl(string key) => inner.GetPublicUrl(key);

    public string GetPrivateUrl(string key, TimeSpan lifetime) => inner.GetPrivateUrl(key, lifetime);

    public IReadOnlyList<string> BrowserUploadOrigins => inner.BrowserUploadOrigins;
}

/// <summary>
/// A read-only view of a stream that fails once more than <c>max</c> bytes have been read past where it started. It
/// seeks when the wrapped stream does (stores rewind to checksum or retry), counting from the new position.
/// </summary>
internal sealed class SizeLimitedStream(Stream inner, long max, Func<Exception> tooLarge) : Stream
{
    private readonly long start = inner.CanSeek ? inner.Position : 0;
    private long read;

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            inner.Position = value;
            read = value - start;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
        Count(await inner.ReadAsync(buffer, ct));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var position = inner.Seek(offset, origin);
        read = position - start;
        return position;
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // The caller owns the wrapped stream.
    protected override void Dispose(bool disposing)
    {
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private int Count(int n)
    {
        read += n;
        return read > max ? throw tooLarge() : n;
    }
}
