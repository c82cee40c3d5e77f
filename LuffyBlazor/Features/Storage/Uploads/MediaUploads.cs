using System.Security.Cryptography;
using System.Text.Json;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Features.Storage.S3;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// What a browser wants to upload: the file's name and size, where it goes and whether it is private. Videos are
/// always private (they are lesson videos, played through signed URLs only), whatever <see cref="IsPrivate"/> says.
/// </summary>
public sealed record UploadRequest(string FileName, long Size, string KeyPrefix, bool IsPrivate = false, long? MaxBytes = null);

/// <summary>What the server issued a ticket for: the key, its type and size limit, and whether it is private.</summary>
public sealed record IssuedUpload(string Key, string ContentType, long MaxBytes, bool IsPrivate);

/// <summary>
/// Permission to upload one file under exactly one key, until <see cref="ExpiresAt"/>, in the way the store takes it
/// (<see cref="Mode"/>):
/// <list type="bullet">
/// <item><c>qiniu</c>: Qiniu's resumable upload v2 straight from the browser to the upload hosts <see cref="Hosts"/>
/// (tried in order), in parts of <see cref="PartSize"/>, with <see cref="Token"/> (an upload token for exactly
/// <see cref="Bucket"/>:<see cref="Key"/>, with the size and type limits);</item>
/// <item><c>s3</c>: a multipart upload the app started (<see cref="UploadId"/>), the browser PUTting parts of
/// <see cref="PartSize"/> to URLs the app signs;</item>
/// <item><c>tus</c>: the app's own resumable endpoint <see cref="Url"/> (tus 1.0: creation with <see cref="Token"/> in
/// <c>X-Upload-Ticket</c>, then PATCH chunks of <see cref="PartSize"/>); the same token also allows one plain
/// <c>PUT /api/v1/storage/uploads/</c>.</item>
/// </list>
/// <see cref="ConfirmToken"/> then confirms exactly this upload (and resumes it after a reload): the server's record of
/// the key, its type, size limit and privacy, which the confirmation takes from it rather than from the caller.
/// </summary>
public sealed record UploadTicket(
    string Key, string Mode, string Url, string Token, string ContentType, long MaxBytes, DateTimeOffset ExpiresAt, string ConfirmToken)
{
    public int PartSize { get; init; }

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public string? Bucket { get; init; }

    public string? UploadId { get; init; }
}

/// <summary>A file the server has seen in the store and accepted.</summary>
public sealed record UploadedMedia(string Key, long Size, string ContentType, string Url);

/// <summary>
/// Browser uploads in three steps: a ticket for one fresh key (<see cref="UploadTicket"/>: straight to Qiniu or S3, or
/// through the app in resumable chunks), the upload itself, and a confirmation of that ticket's key, in which the
/// server stats the stored object and reads its first bytes, and refuses it (deleting it) unless it is there, of the
/// ticket's type and content and within its size. Only a key a ticket was issued for can be confirmed, so no other
/// object can be accepted or deleted this way. An upload cut short (a reload, a lost connection) resumes with a fresh
/// ticket for the same key (<see cref="ResumeTicketAsync"/>); the direct-to-S3 steps the browser cannot sign itself
/// are here too.
/// </summary>
public sealed class MediaUploads(
    IFileStore files, MediaRules rules, QiniuClient qiniu, QiniuFileStore qiniuStore, QiniuRegions qiniuRegions, IOptions<QiniuOptions> qiniuOptions,
    S3FileStore s3, IOptions<StorageOptions> options, IOptions<UploadOptions> uploadOptions, IDataProtectionProvider dataProtection,
    UploadSessions sessions, TimeProvider clock)
{
    public const string AppUploadPath = "/api/v1/storage/uploads/";
    public const string TusPath = "/api/v1/storage/tus/";
    public const string TicketHeader = "X-Upload-Ticket";
    public const string TicketUsed = "这张上传凭证已经用过了：每张凭证只能上传一次，请重新选择文件。";

    /// <summary>
    /// How long after its ticket expires an upload can still be confirmed or resumed: a ticket is checked when the
    /// upload starts, and a large video on a slow line can take hours to arrive.
    /// </summary>
    public static readonly TimeSpan ConfirmWindow = TimeSpan.FromDays(1);

    // Two purposes, so a confirmation token can never be used as an upload ticket after the ticket's lifetime.
    private readonly ITimeLimitedDataProtector tickets =
        dataProtection.CreateProtector("LuffyBlazor.Storage.UploadTicket").ToTimeLimitedDataProtector();

    private readonly ITimeLimitedDataProtector confirmations =
        dataProtection.CreateProtector("LuffyBlazor.Storage.UploadConfirmation").ToTimeLimitedDataProtector();

    public async Task<UploadTicket> CreateTicketAsync(UploadRequest request, CancellationToken ct = default)
    {
        var type = MediaRules.RequireType(request.FileName);
        var max = Math.Min(rules.MaxBytes(type.Kind), request.MaxBytes is > 0 ? request.MaxBytes.Value : long.MaxValue);
        if (request.Size > max)
        {
            throw new MediaRejectedException(
                $"文件过大（{MediaRules.FormatSize(request.Size)}）：{(type.Kind == MediaKind.Video ? "视频" : "图片")}最大 {MediaRules.FormatSize(max)}。");
        }

        if (request.Size <= 0)
        {
            throw new MediaRejectedException("文件是空的，请重新选择。");
        }

        var key = NewKey(request.KeyPrefix, request.IsPrivate || type.Kind == MediaKind.Video, type.Extension);
        var issued = new IssuedUpload(key, type.ContentType, max, StorageKeys.IsPrivate(key));
        var confirmToken = confirmations.Protect(JsonSerializer.Serialize(issued), options.Value.UploadTicketLifetime + ConfirmWindow);
        return await TicketForAsync(issued, confirmToken, uploadId: null, ct);
    }

    /// <summary>
    /// A fresh ticket for the key of an upload that was cut short (its <paramref name="confirmToken"/>), to go on where
    /// it stopped: a new Qiniu token, the same S3 upload when the store still has it (<paramref name="uploadId"/>), or a
    /// new app ticket when its chunked session is gone. Refused once the file is complete at the store.
    /// </summary>
    public async Task<UploadTicket> ResumeTicketAsync(string? confirmToken, string? uploadId, CancellationToken ct = default)
    {
        var issued = Read(confirmations, confirmToken);
        if (await files.StatAsync(issued.Key, ct) is not null)
        {
            throw new MediaRejectedException("这个文件已经上传完成，无需续传。");
        }

        return await TicketForAsync(issued, confirmToken!, uploadId, ct);
    }

    private async Task<UploadTicket> TicketForAsync(IssuedUpload issued, string confirmToken, string? uploadId, CancellationToken ct)
    {
        var lifetime = options.Value.UploadTicketLifetime;
        var expiresAt = clock.GetUtcNow().Add(lifetime);
        switch (files.Provider)
        {
            case StorageProvider.Qiniu:
                var bucket = qiniuStore.Locate(issued.Key).Bucket;
                var hosts = await qiniuRegions.UploadHostsAsync(bucket, ct);
                var token = qiniu.CreateUploadToken(bucket, issued.Key, lifetime, fsizeLimit: issued.MaxBytes, mimeLimit: issued.ContentType);
                return new UploadTicket(issued.Key, "qiniu", hosts[0].ToString(), token, issued.ContentType, issued.MaxBytes, expiresAt, confirmToken)
                {
                    Hosts = hosts.Select(h => h.ToString()).ToList(),
                    Bucket = bucket,
                    PartSize = PartSizeFor(qiniuOptions.Value.PartSize, issued.MaxBytes),
                };
            case StorageProvider.S3:
                var resumable = uploadId is not null && await s3.ListPartsAsync(issued.Key, uploadId, ct) is not null;
                return new UploadTicket(issued.Key, "s3", "", "", issued.ContentType, issued.MaxBytes, expiresAt, confirmToken)
                {
                    UploadId = resumable ? uploadId : await s3.StartMultipartAsync(issued.Key, issued.ContentType, ct),
                    PartSize = PartSizeFor(s3.PartSize, issued.MaxBytes),
                };
            default:
                return new UploadTicket(issued.Key, "tus", TusPath, tickets.Protect(JsonSerializer.Serialize(issued), lifetime), issued.ContentType,
                    issued.MaxBytes, expiresAt, confirmToken)
                {
                    PartSize = uploadOptions.Value.ChunkSize,
                };
        }
    }

    /// <summary>The configured part size, or larger (whole MB) when a file of the ticket's size would need more than 10000 parts.</summary>
    private static int PartSizeFor(int configured, long maxBytes)
    {
        const long MB = 1024 * 1024;
        var needed = (maxBytes + 9999) / 10000;
        return (int)Math.Max(configured, (needed + MB - 1) / MB * MB);
    }

    /// <summary>Presigned PUT URLs for parts of a browser's S3 upload (the ticket's key only).</summary>
    public IReadOnlyList<string> SignS3Parts(string? confirmToken, string uploadId, IEnumerable<int> partNumbers)
    {
        var issued = Read(confirmations, confirmToken);
        return partNumbers.Select(n => n is >= 1 and <= 10000
                ? s3.PartUrl(issued.Key, uploadId, n, options.Value.UploadTicketLifetime)
                : throw new MediaRejectedException($"分片编号 {n} 无效：应为 1 到 10000。"))
            .ToList();
    }

    /// <summary>The parts S3 already holds for a browser's upload (what a reloaded page need not send again).</summary>
    public async Task<IReadOnlyList<S3Part>> ListS3PartsAsync(string? confirmToken, string uploadId, CancellationToken ct = default) =>
        await s3.ListPartsAsync(Read(confirmations, confirmToken).Key, uploadId, ct)
        ?? throw new MediaRejectedException("存储中没有这次分片上传（已完成、已取消或已过期），请重新选择文件。");

    public async Task CompleteS3Async(string? confirmToken, string uploadId, IReadOnlyList<S3Part> parts, CancellationToken ct = default)
    {
        var issued = Read(confirmations, confirmToken);
        if (parts.Count == 0 || parts.Sum(p => p.Size) > issued.MaxBytes)
        {
            throw new MediaRejectedException($"分片不完整或超过允许的大小（最大 {MediaRules.FormatSize(issued.MaxBytes)}）。");
        }

        await s3.CompleteMultipartAsync(issued.Key, uploadId, parts, ct);
    }

    /// <summary>Cancels a browser's upload at the store: S3 frees the parts; an app session is discarded (by its own DELETE).</summary>
    public async Task AbortS3Async(string? confirmToken, string uploadId, CancellationToken ct = default) =>
        await s3.AbortMultipartAsync(Read(confirmations, confirmToken).Key, uploadId, ct);

    /// <summary>
    /// The app's own upload in one request: the ticket names the key; the body is checked (type, first bytes, size)
    /// and streamed into the store. A ticket allows one upload: used again, it is refused.
    /// </summary>
    public async Task<StoredFile> ReceiveAsync(string? ticket, Stream body, long? contentLength, CancellationToken ct)
    {
        var allowed = Read(tickets, ticket);
        if (contentLength > allowed.MaxBytes)
        {
            throw new MediaRejectedException($"文件过大：最大 {MediaRules.FormatSize(allowed.MaxBytes)}。");
        }

        if (!sessions.TryClaim(ticket!))
        {
            throw new MediaRejectedException(TicketUsed);
        }

        await using var limited = new SizeLimitedStream(body, allowed.MaxBytes,
            () => new MediaRejectedException($"文件过大：最大 {MediaRules.FormatSize(allowed.MaxBytes)}。"));
        await files.SaveAsync(allowed.Key, limited, MediaRules.ContentTypeOf(allowed.Key), ct);
        return await files.StatAsync(allowed.Key, ct) ?? throw new MediaRejectedException("文件保存失败，请重试。");
    }

    /// <summary>
    /// Stats the object uploaded under the key of <paramref name="confirmToken"/> (a ticket's); refuses (and removes)
    /// anything missing, of another type than the ticket's or larger than it allowed. <paramref name="key"/>, when
    /// given, must be that key.
    /// </summary>
    public async Task<UploadedMedia> ConfirmAsync(string? key, string? confirmToken, CancellationToken ct = default)
    {
        var issued = Read(confirmations, confirmToken);
        if (key is not null && key != issued.Key)
        {
            throw new MediaRejectedException("文件名与上传凭证不符。");
        }

        var stored = await files.StatAsync(issued.Key, ct) ?? throw new MediaRejectedException("没有找到上传的文件，请重新上传。");
        var problem = stored.Length > issued.MaxBytes ? $"文件过大（{MediaRules.FormatSize(stored.Length)}）：最大 {MediaRules.FormatSize(issued.MaxBytes)}。"
            : stored.Length == 0 ? "文件是空的，请重新选择。"
            : !stored.ContentType.StartsWith(issued.ContentType, StringComparison.OrdinalIgnoreCase) ? $"文件类型不符：应为 {issued.ContentType}，实际为 {stored.ContentType}。"
            : null;
        if (problem is not null)
        {
            await files.DeleteAsync(issued.Key, ct);
            throw new MediaRejectedException(problem);
        }

        // What arrived straight at the store was never seen by the app: its first bytes must match its type too.
        try
        {
            await MediaContent.RequireAsync(files, issued.Key, MediaRules.RequireType(issued.Key), ct);
        }
        catch (MediaRejectedException)
        {
            await files.DeleteAsync(issued.Key, ct);
            throw;
        }

        var url = issued.IsPrivate ? files.GetPrivateUrl(issued.Key, options.Value.SignedUrlLifetime) : files.GetPublicUrl(issued.Key);
        return new UploadedMedia(issued.Key, stored.Length, issued.ContentType, url);
    }

    /// <summary>An upload the browser could not finish, in words for the admin (Qiniu's codes or the app's envelope).</summary>
    public static string DescribeFailure(string mode, int status, string body)
    {
        if (mode is "tus" or "app" && TryEnvelopeMessage(body) is { } message)
        {
            return message;
        }

        return status switch
        {
            0 => "网络错误，上传没有完成，请检查网络后重试。",
            401 => "上传凭证无效或已过期，请重新选择文件。",
            403 => "存储服务拒绝了这个文件：类型不允许，或文件名与上传凭证不符。",
            413 => "文件超过允许的大小。",
            614 => "同名文件已存在。",
            631 => "存储空间不存在，请联系管理员检查 Storage:Qiniu:Bucket 配置。",
            >= 500 => "存储服务暂时不可用，请稍后重试。",
            _ => $"上传失败（{status}），请重试。",
        };
    }

    private static string? TryEnvelopeMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("msg", out var msg) ? msg.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IssuedUpload Read(ITimeLimitedDataProtector protector, string? token)
    {
        try
        {
            return JsonSerializer.Deserialize<IssuedUpload>(protector.Unprotect(token ?? "")) ?? throw new CryptographicException();
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            throw new MediaRejectedException("上传凭证无效或已过期，请重新选择文件。");
        }
    }

    /// <summary>A fresh, unguessable key such as <c>private/videos/202611/3f9c…e1.webm</c>.</summary>
    private string NewKey(string prefix, bool isPrivate, string extension)
    {
        prefix = prefix.Trim('/').ToLowerInvariant();
        if (isPrivate && !StorageKeys.IsPrivate(prefix + "/"))
        {
            prefix = StorageKeys.PrivatePrefix + prefix;
        }

        var key = $"{prefix}/{clock.GetUtcNow():yyyyMM}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}{extension.ToLowerInvariant()}";
        return StorageKeys.IsValid(key) ? key : throw new MediaRejectedException($"存储目录“{prefix}”无效：只能使用小写字母、数字、- _ . 和 /。");
    }

    /// <summary>The key, type and limit an app ticket allows (tus creation, one PUT); refused when invalid or expired.</summary>
    public IssuedUpload ReadTicket(string? ticket) => Read(tickets, ticket);
}
