using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace LuffyBlazor.Features.Storage.Qiniu;

public sealed record QiniuUploadResult(string Key, string Hash);

/// <summary>A file as Qiniu's <c>stat</c> describes it; <see cref="PutTime"/> is Qiniu's 100-nanosecond Unix time.</summary>
public sealed record QiniuStat(long Size, string Hash, string MimeType, long PutTime)
{
    public DateTimeOffset LastModified => DateTimeOffset.FromUnixTimeMilliseconds(PutTime / 10_000);
}

/// <summary>
/// Qiniu Kodo over HTTP, without the SDK (there is none for .NET here): uploads of a file under one key — a form upload
/// with a CRC32 the server checks when it fits in one part, otherwise a resumable upload v2 in parts (see
/// <c>QiniuClient.Resumable.cs</c>), each to the bucket's upload hosts in turn (<see cref="QiniuRegions"/>);
/// <c>stat</c> and <c>delete</c> through the management API; download of a (signed) URL. Retries of 5xx answers and
/// timeouts are the resilience pipeline's (<see cref="AddQiniuHttpClient"/>). Every refusal is a
/// <see cref="QiniuException"/> that says what the code means. Secrets never leave this class except as signatures.
/// </summary>
public sealed partial class QiniuClient(
    IHttpClientFactory httpFactory, IOptions<QiniuOptions> options, QiniuRegions regions, TimeProvider clock, ILogger<QiniuClient> logger)
{
    /// <summary>Name of the <see cref="HttpClient"/> it asks the factory for (one per request, so DNS changes are seen).</summary>
    public const string HttpClientName = "qiniu";

    private QiniuOptions Options => options.Value;

    /// <summary>
    /// The named client with Qiniu's resilience pipeline: each attempt limited to <see cref="QiniuOptions.Timeout"/>,
    /// and up to <see cref="QiniuOptions.MaxAttempts"/> attempts of a request that met a network failure, a timeout or
    /// a 5xx answer — except 579, where the file was stored and only the callback failed (Qiniu's 6xx are answers, not
    /// failures: 612 no such file, 614 exists, 631 no such bucket).
    /// </summary>
    public static void AddQiniuHttpClient(IServiceCollection services) =>
        services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("qiniu", (pipeline, context) =>
            {
                var qiniu = context.ServiceProvider.GetRequiredService<IOptions<QiniuOptions>>().Value;
                var log = context.ServiceProvider.GetRequiredService<ILogger<QiniuClient>>();
                // Network timeouts and back-off are physical time, not the business clock (which tests may fake).
                pipeline.TimeProvider = TimeProvider.System;
                if (qiniu.MaxAttempts > 1)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = qiniu.MaxAttempts - 1,
                        Delay = TimeSpan.FromMilliseconds(200),
                        BackoffType = DelayBackoffType.Exponential,
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } response
                            ? QiniuException.IsTransientStatus((int)response.StatusCode)
                            : HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                        OnRetry = args =>
                        {
                            log.LogWarning("Qiniu {Url} attempt {Attempt} failed, retrying: {Reason}",
                                args.Context.GetRequestMessage()?.RequestUri?.GetLeftPart(UriPartial.Path), args.AttemptNumber + 1,
                                args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode}");
                            return ValueTask.CompletedTask;
                        },
                    });
                }

                pipeline.AddTimeout(qiniu.Timeout);
            });

    /// <summary>An upload token for exactly one key, overwriting it, valid for <paramref name="lifetime"/>.</summary>
    public string CreateUploadToken(string bucket, string key, TimeSpan lifetime, long? fsizeLimit = null, string? mimeLimit = null) =>
        QiniuSignature.UploadToken(Options.AccessKey, Options.SecretKey, QiniuPutPolicy.ForKey(bucket, key, Now + (long)lifetime.TotalSeconds) with
        {
            FsizeLimit = fsizeLimit,
            MimeLimit = mimeLimit,
        });

    /// <summary>
    /// Stores <paramref name="content"/> under <paramref name="key"/>: one form upload when it fits in one part
    /// (<see cref="QiniuOptions.PartSize"/>), otherwise a resumable upload read part by part, so memory stays at one
    /// part whatever the size and a stream of unknown length never needs a temporary copy.
    /// </summary>
    public async Task<QiniuUploadResult> UploadAsync(string bucket, string key, Stream content, string contentType, CancellationToken ct = default)
    {
        if (content.CanSeek && content.Length - content.Position <= Options.PartSize)
        {
            return await FormUploadAsync(bucket, key, content, contentType, ct);
        }

        var first = new byte[Options.PartSize];
        var read = await content.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, ct);
        if (read < first.Length)
        {
            return await FormUploadAsync(bucket, key, new MemoryStream(first, 0, read), contentType, ct);
        }

        return await ResumableUploadAsync(bucket, key, first, content, contentType, ct);
    }

    /// <summary>Form upload (multipart <c>key</c>, <c>token</c>, <c>crc32</c>, then <c>file</c> last), seekable content only.</summary>
    private async Task<QiniuUploadResult> FormUploadAsync(string bucket, string key, Stream file, string contentType, CancellationToken ct)
    {
        var start = file.Position;
        // Qiniu checks the file against CRC-32 (IEEE, as in zip and PNG).
        var checksum = new System.IO.Hashing.Crc32();
        await checksum.AppendAsync(file, ct);
        var crc32 = checksum.GetCurrentHashAsUInt32();
        file.Position = start;
        using var answer = await SendToUploadHostsAsync(bucket, "upload", host =>
        {
            var token = UploadTokenFor(bucket, key);
            var form = new MultipartFormDataContent();
            form.Add(Field("key", key));
            form.Add(Field("token", token));
            form.Add(Field("crc32", crc32.ToString(CultureInfo.InvariantCulture)));
            // StreamContent rewinds a seekable stream to where it started for every attempt.
            file.Position = start;
            var part = new StreamContent(new NonClosingStream(file));
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
            {
                Name = "\"file\"",
                FileName = "\"" + Path.GetFileName(key) + "\"",
            };
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            form.Add(part);
            return new HttpRequestMessage(HttpMethod.Post, host) { Content = form };
        }, ct);
        return ResultOf(answer.RootElement, key);
    }

    /// <summary>A token for one request of the app's own upload of a key, made afresh for each: it outlives every attempt.</summary>
    private string UploadTokenFor(string bucket, string key) =>
        CreateUploadToken(bucket, key, Options.Timeout * Options.MaxAttempts + TimeSpan.FromMinutes(10));

    private static QiniuUploadResult ResultOf(JsonElement body, string key) => new(
        body.TryGetProperty("key", out var k) ? k.GetString() ?? key : key,
        body.TryGetProperty("hash", out var h) ? h.GetString() ?? "" : "");

    /// <summary>The file's size, hash and type, or null when the bucket has no such key (Qiniu's 612).</summary>
    public async Task<QiniuStat?> StatAsync(string bucket, string key, CancellationToken ct = default)
    {
        try
        {
            using var answer = await SendAsync(() => Managed(HttpMethod.Get, $"stat/{QiniuSignature.EncodedEntry(bucket, key)}"), ct);
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
            using var _ = await SendAsync(() => Managed(HttpMethod.Post, $"delete/{QiniuSignature.EncodedEntry(bucket, key)}"), ct);
        }
        catch (QiniuException ex) when (ex.StatusCode == 612)
        {
        }
    }

    /// <summary>
    /// Streams a download URL (signed when the bucket is private), all of it or a <paramref name="range"/>;
    /// <see cref="FileNotFoundException"/> for a 404.
    /// </summary>
    public async Task<Stream> DownloadAsync(string url, RangeHeaderValue? range = null, CancellationToken ct = default)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Range = range;
            response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException)
        {
            throw new QiniuException(0, ex.Message, null, ex);
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

    /// <summary>One request to the bucket's upload hosts in turn: the next host when one stays unavailable after its retries.</summary>
    private async Task<JsonDocument> SendToUploadHostsAsync(string bucket, string operation, Func<Uri, HttpRequestMessage> build, CancellationToken ct)
    {
        var hosts = await regions.UploadHostsAsync(bucket, ct);
        for (var i = 0; ; i++)
        {
            try
            {
                return await SendAsync(() => build(hosts[i]), ct);
            }
            catch (QiniuException ex) when (ex.IsTransient && i + 1 < hosts.Count)
            {
                logger.LogWarning("Qiniu {Operation} on {Host} failed, trying {Next}: {Reason}", operation, hosts[i].Authority, hosts[i + 1].Authority, ex.Message);
            }
        }
    }

    private async Task<JsonDocument> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        try
        {
            using var request = build();
            using var response = await Http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            var requestId = response.Headers.TryGetValues("X-Reqid", out var ids) ? ids.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode)
            {
                throw new QiniuException((int)response.StatusCode, ErrorOf(text), requestId);
            }

            return JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        }
        catch (TimeoutRejectedException ex)
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
