using System.Security.Cryptography;
using System.Text.Json;
using LuffyBlazor.Features.Storage.Qiniu;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// What a browser wants to upload: the file's name and size, where it goes and whether it is private. Videos are
/// always private (they are lesson videos, played through signed URLs only), whatever <see cref="IsPrivate"/> says.
/// </summary>
public sealed record UploadRequest(string FileName, long Size, string KeyPrefix, bool IsPrivate = false, long? MaxBytes = null);

/// <summary>
/// Permission to upload one file under exactly one key, until <see cref="ExpiresAt"/>. <see cref="Mode"/>
/// <c>qiniu</c>: POST a form (<c>key</c>, <c>token</c>, <c>file</c> last) to <see cref="Url"/>, Qiniu's upload host;
/// <c>app</c>: PUT the bytes to <see cref="Url"/> on this app with the token in <c>X-Upload-Ticket</c>.
/// <see cref="ConfirmToken"/> then confirms exactly this upload: the server's record of the key, its type, size limit
/// and privacy, which the confirmation takes from it rather than from the caller.
/// </summary>
public sealed record UploadTicket(
    string Key, string Mode, string Url, string Token, string ContentType, long MaxBytes, DateTimeOffset ExpiresAt, string ConfirmToken);

/// <summary>A file the server has seen in the store and accepted.</summary>
public sealed record UploadedMedia(string Key, long Size, string ContentType, string Url);

/// <summary>
/// Browser uploads in three steps: a ticket for one fresh key (a Qiniu upload token scoped to <c>bucket:key</c> with
/// the size and type limits, or a short-lived ticket for the app's own upload endpoint), the upload itself (straight to
/// Qiniu, or streamed through the app into the store), and a confirmation of that ticket's key, in which the server
/// stats the stored object and refuses it (deleting it) unless it is there, of the ticket's type and within its size.
/// Only a key a ticket was issued for can be confirmed, so no other object can be accepted or deleted this way.
/// </summary>
public sealed class MediaUploads(
    IFileStore files, MediaRules rules, QiniuClient qiniu, QiniuFileStore qiniuStore, IOptions<QiniuOptions> qiniuOptions, IOptions<StorageOptions> options,
    IDataProtectionProvider dataProtection, UploadSessions sessions, TimeProvider clock)
{
    public const string AppUploadPath = "/api/v1/storage/uploads/";
    public const string TicketHeader = "X-Upload-Ticket";
    public const string TicketUsed = "这张上传凭证已经用过了：每张凭证只能上传一次，请重新选择文件。";

    /// <summary>
    /// How long after its ticket expires an upload can still be confirmed: a ticket is checked when the upload starts,
    /// and a large video on a slow line can take hours to arrive.
    /// </summary>
    public static readonly TimeSpan ConfirmWindow = TimeSpan.FromDays(1);

    // Two purposes, so a confirmation token can never be used as an upload ticket after the ticket's lifetime.
    private readonly ITimeLimitedDataProtector tickets =
        dataProtection.CreateProtector("LuffyBlazor.Storage.UploadTicket").ToTimeLimitedDataProtector();

    private readonly ITimeLimitedDataProtector confirmations =
        dataProtection.CreateProtector("LuffyBlazor.Storage.UploadConfirmation").ToTimeLimitedDataProtector();

    public UploadTicket CreateTicket(UploadRequest request)
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
        var issued = JsonSerializer.Serialize(new IssuedUpload(key, type.ContentType, max, StorageKeys.IsPrivate(key)));
        var lifetime = options.Value.UploadTicketLifetime;
        var expiresAt = clock.GetUtcNow().Add(lifetime);
        var confirmToken = confirmations.Protect(issued, lifetime + ConfirmWindow);
        if (files.Provider == StorageProvider.Qiniu)
        {
            var bucket = qiniuStore.Locate(key).Bucket;
            var token = qiniu.CreateUploadToken(bucket, key, lifetime, fsizeLimit: max, mimeLimit: type.ContentType);
            return new UploadTicket(key, "qiniu", qiniuOptions.Value.StaticUploadHosts[0].ToString(), token, type.ContentType, max, expiresAt, confirmToken);
        }

        return new UploadTicket(key, "app", AppUploadPath, tickets.Protect(issued, lifetime), type.ContentType, max, expiresAt, confirmToken);
    }

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
        if (mode == "app" && TryEnvelopeMessage(body) is { } message)
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

    /// <summary>What the server issued a ticket for: the key, its type and size limit, and whether it is private.</summary>
    private sealed record IssuedUpload(string Key, string ContentType, long MaxBytes, bool IsPrivate);
}
