using System.Text.Encodings.Web;
using System.Text.Json;

namespace LuffyBlazor.Features.Storage.Qiniu;

/// <summary>
/// Qiniu's upload policy (上传策略): what one upload token allows. Serialised as compact JSON in Qiniu's documented
/// order (<c>scope</c>, <c>deadline</c>, then the optional fields), so the published example is reproduced byte for byte.
/// </summary>
public sealed record QiniuPutPolicy
{
    /// <summary><c>bucket</c> (insert any key) or <c>bucket:key</c> (exactly this key, overwriting it).</summary>
    public required string Scope { get; init; }

    /// <summary>Unix seconds after which Qiniu refuses the token.</summary>
    public required long Deadline { get; init; }

    /// <summary>1: never overwrite, even when the scope names a key.</summary>
    public int? InsertOnly { get; init; }

    /// <summary>Largest file accepted, in bytes (Qiniu answers 413 beyond it).</summary>
    public long? FsizeLimit { get; init; }

    /// <summary>Accepted content types, <c>;</c>-separated (<c>image/*</c> allowed); Qiniu answers 403 otherwise.</summary>
    public string? MimeLimit { get; init; }

    /// <summary>The JSON Qiniu answers a successful upload with (magic variables such as <c>$(fsize)</c>).</summary>
    public string? ReturnBody { get; init; }

    public static QiniuPutPolicy ForKey(string bucket, string key, long deadline) => new() { Scope = $"{bucket}:{key}", Deadline = deadline };

    public string Bucket => Scope.Split(':', 2)[0];

    /// <summary>The key a <c>bucket:key</c> scope pins, or null for a bucket-wide scope.</summary>
    public string? Key => Scope.Split(':', 2) is [_, var key] ? key : null;

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping writes "\"" and non-ASCII as Qiniu's own SDKs do; this JSON never meets HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("scope", Scope);
            json.WriteNumber("deadline", Deadline);
            if (InsertOnly is { } insertOnly)
            {
                json.WriteNumber("insertOnly", insertOnly);
            }

            if (FsizeLimit is { } fsizeLimit)
            {
                json.WriteNumber("fsizeLimit", fsizeLimit);
            }

            if (MimeLimit is { } mimeLimit)
            {
                json.WriteString("mimeLimit", mimeLimit);
            }

            if (ReturnBody is { } returnBody)
            {
                json.WriteString("returnBody", returnBody);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads a policy back (any field order, unknown fields ignored); null when it is not a policy.</summary>
    public static QiniuPutPolicy? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("scope", out var scope) || scope.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("deadline", out var deadline) || !deadline.TryGetInt64(out var deadlineValue))
            {
                return null;
            }

            return new QiniuPutPolicy
            {
                Scope = scope.GetString()!,
                Deadline = deadlineValue,
                InsertOnly = root.TryGetProperty("insertOnly", out var i) && i.TryGetInt32(out var iv) ? iv : null,
                FsizeLimit = root.TryGetProperty("fsizeLimit", out var f) && f.TryGetInt64(out var fv) ? fv : null,
                MimeLimit = root.TryGetProperty("mimeLimit", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
                ReturnBody = root.TryGetProperty("returnBody", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
