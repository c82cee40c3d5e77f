using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Qiniu;

public sealed record QiniuUploadResult(string Key, string Hash);

/// <summary>A file as Qiniu's <c>stat</c> describes it; <see cref="PutTime"/> is Qiniu's 100-nanosecond Unix time.</summary>
public sealed record QiniuStat(long Size, string Hash, string MimeType, long PutTime)
{
    public DateTimeOffset LastModified => DateTimeOffset.FromUnixTimeMilliseconds(PutTime / 10_000);
}

/// <summary>
/// Qiniu Kodo over HTTP, without the SDK (there is none for .NET here): form upload of a file under one key, with a
/// CRC32 the server checks and retries of 5xx answers and timeouts; <c>stat</c> and <c>delete</c> through the
/// management API; download of a (signed) URL. Every refusal is a <see cref="QiniuException"/> that says what the
/// code means. Secrets never leave this class except as signatures.
/// </summary>
public sealed class QiniuClient(IHttpClientFactory httpFactory, IOptions<QiniuOptions> options, TimeProvider clock, ILogger<QiniuClient> logger)
{
    /// <summary>Name of the <see cref="HttpClient"/> it asks the factory for (one per request, so DNS changes are seen).</summary>
    public const string HttpClientName = "qiniu";

    /// <summary>Qiniu's limit for one form upload; larger files need its resumable API.</summary>
    public const long MaxFormUploadBytes = 1L << 30;

    private QiniuOptions Options => options.Value;

    /// <summary>An upload token for exactly one key, overwriting it, valid for <paramref name="lifetime"/>.</summary>
    public string CreateUploadToken(string bucket, string key, TimeSpan lifetime, long? fsizeLimit = null, string? mimeLimit = null) =>
        QiniuSignature.UploadToken(Options.AccessKey, Options.SecretKey, QiniuPutPolicy.ForKey(bucket, key, Now + (long)lifetime.TotalSeconds) with
        {
            FsizeLimit = fsizeLimit,
            MimeLimit = mimeLimit,
        });

    /// <summary>Form upload (multipart <c>key</c>, <c>token</c>, <c>crc32</c>, then <c>file</c> last) to the region's upload host.</summary>
    public async Task<QiniuUploadResult> UploadAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default)
    {
        await using var file = await ReplayableStream.FromAsync(content, ct);
        if (file.Length > MaxFormUploadBytes)
        {
            throw new QiniuException(413, "form upload is limited to 1 GB", null);
        }

        // Qiniu checks the file against CRC-32 (IEEE, as in zip and PNG).
        var checksum = new System.IO.Hashing.Crc32();
        await checksum.AppendAsync(file.Rewind(), ct);
        var crc32 = checksum.GetCurrentHashAsUInt32();
        // The token must outlive every attempt of this upload.
        var token = CreateUploadToken(bucket, key, Options.Timeout * Options.MaxAttempts + TimeSpan.FromMinutes(10));
        using var answer = await SendAsync("upload", () =>
        {
            var form = new MultipartFormDataContent();
            form.Add(Field("key", key));
            form.Add(Field("token", token));
            form.Add(Field("crc32", crc32.ToString(CultureInfo.InvariantCulture)));
            var part = new StreamContent(new NonClosingStream(file.Rewind()));
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
            {
                Name = "\"file\"",
                FileName = "\"" + Path.GetFileName(key) + "\"",
            };
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            form.Add(part);
            return new HttpRequestMessage(HttpMethod.Post, Options.UploadUri) { Content = form };
        }, ct);
        var body = answer.RootElement;
        return new QiniuUploadResult(
            body.TryGetProperty("key", out var k) ? k.GetString() ?? key : key,
            body.TryGetProperty("hash", out var h) ? h.GetString() ?? "" : "");
    }

    /// <summary>The file's size, hash and type, or null when the bucket has no such key (Qiniu's 612).</summary>
    public async Task<QiniuStat?> StatAsync(string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            using var answer = await SendAsync("stat", () => Managed(HttpMethod.Get, $"stat/{QiniuSignature.EncodedEntry(bucket, key)}"), ct);
            var body = answer.RootElement;
            return new QiniuStat(
                body.GetProperty("fsize").GetInt64(),
                body.TryGetProperty("hash", out var hash) ? hash.GetString() ?? "" : "",
                body.TryGetProperty("mimeType", out var mime) ? mime.GetString() ?? "" : "",
                body.TryGetProperty("putTime", out var put) ? put.GetInt64() : 0);
        }
        catch (QiniuException ex) when (ex.StatusCode == 612)
        {
            return null;
        }
    }

    /// <summary>Deletes the key; a key that is not there (612) is not an error.</summary>
    public async Task DeleteAsync(string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            using var _ = await SendAsync("delete", () => Managed(HttpMethod.Post, $"delete/{QiniuSignature.EncodedEntry(bucket, key)}"), ct);
        }
        catch (QiniuException ex) when (ex.StatusCode == 612)
        {
        }
    }

    /// <summary>Streams a download URL (signed when the bucket is private); <see cref="FileNotFoundException"/> for a 404.</summary>
    public async Task<Stream> DownloadAsync(string url, CancellationToken ct = default)
    {
        HttpResponseMessage response;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(Options.Timeout);
            try
            {
                response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw new QiniuException(0, ex.Message, null, ex);
            }
        }

        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            response.Dispose();
            throw new FileNotFoundException("Qiniu has no file at this URL.", new Uri(url).AbsolutePath);
        }

        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new QiniuException(status, "download failed", null);
        }

        return new OwningStream(await response.Content.ReadAsStreamAsync(ct), response);
    }

    private HttpClient Http => httpFactory.CreateClient(HttpClientName);

    private long Now => clock.GetUtcNow().ToUnixTimeSeconds();

    private HttpRequestMessage Managed(HttpMethod method, string path)
    {
        var url = new Uri(Options.ManagementUri, path);
        var request = new HttpRequestMessage(method, url);
        string? contentType = null;
        if (method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(QiniuSignature.FormContentType);
            contentType = QiniuSignature.FormContentType;
        }

        if (Options.Authorization == "QBox")
        {
            request.Headers.TryAddWithoutValidation("Authorization", QiniuSignature.QBoxAuthorization(Options.AccessKey, Options.SecretKey, url, null));
        }
        else
        {
            // The signed timestamp lets Qiniu refuse a replayed request.
            var date = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            request.Headers.Add("X-Qiniu-Date", date);
            request.Headers.TryAddWithoutValidation("Authorization", QiniuSignature.QiniuAuthorization(
                Options.AccessKey, Options.SecretKey, method.Method, url, contentType, [new("X-Qiniu-Date", date)], null));
        }

        return request;
    }

    private async Task<JsonDocument> SendAsync(string operation, Func<HttpRequestMessage> build, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(build, ct);
            }
            catch (QiniuException ex) when (ex.IsTransient && attempt < Options.MaxAttempts)
            {
                logger.LogWarning("Qiniu {Operation} attempt {Attempt} failed, retrying: {Reason}", operation, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * (1 << (attempt - 1))), ct);
            }
        }
    }

    private async Task<JsonDocument> SendOnceAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using var request = build();
            using var response = await Http.SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var requestId = response.Headers.TryGetValues("X-Reqid", out var ids) ? ids.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode)
            {
                throw new QiniuException((int)response.StatusCode, ErrorOf(text), requestId);
            }

            return JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new QiniuException(0, $"no answer within {Options.Timeout}", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw new QiniuException(0, ex.Message, null, ex);
        }
        catch (JsonException ex)
        {
            throw new QiniuException(0, "the answer was not JSON", null, ex);
        }
    }

    private static string? ErrorOf(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("error", out var error) ? error.GetString() : text;
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] : text;
        }
    }

    /// <summary>A form field as browsers send it: a quoted name and no Content-Type of its own.</summary>
    private static StringContent Field(string name, string value)
    {
        var field = new StringContent(value);
        field.Headers.ContentType = null;
        field.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = $"\"{name}\"" };
        return field;
    }
}
