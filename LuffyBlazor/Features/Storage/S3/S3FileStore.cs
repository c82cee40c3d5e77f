using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.S3;

/// <summary>Section <c>Storage:S3</c>: any S3-compatible store (MinIO, Aliyun OSS, Qiniu's S3 API, AWS).</summary>
public sealed class S3StorageOptions
{
    public const string Section = "Storage:S3";

    /// <summary>The endpoint, e.g. <c>http://localhost:9000</c> for MinIO; empty for AWS itself (then <see cref="Region"/> picks it).</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>The signing region (<c>AuthenticationRegion</c>); MinIO accepts <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "";
    public string AccessKey { get; set; } = "";
    public string SecretKey { get; set; } = "";

    /// <summary><c>http://host/bucket/key</c> rather than <c>http://bucket.host/key</c>: what MinIO and most self-hosted servers need.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>
    /// Where public files (covers, avatars) can be read without a signature, e.g. <c>http://localhost:9000/luffy</c>
    /// when the bucket allows anonymous reads outside <c>private/</c>, or a CDN. Empty: every URL is presigned.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Part size of multipart uploads, the app's and browsers': S3 wants 5 MB at least (but for the last part).</summary>
    public int PartSize { get; set; } = 8 * 1024 * 1024;

    public IEnumerable<string> Problems()
    {
        foreach (var (value, name) in new[] { (Bucket, "Bucket"), (AccessKey, "AccessKey"), (SecretKey, "SecretKey") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Storage:S3:{name} is required when Storage:Provider is S3.";
            }
        }

        foreach (var (value, name) in new[] { (ServiceUrl, "ServiceUrl"), (PublicBaseUrl, "PublicBaseUrl") })
        {
            if (!string.IsNullOrWhiteSpace(value)
                && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                yield return $"Storage:S3:{name} must be an absolute http(s) URL, not '{value}'.";
            }
        }

        if (string.IsNullOrWhiteSpace(Region))
        {
            yield return "Storage:S3:Region is required (us-east-1 for MinIO).";
        }

        if (PartSize is < 5 * 1024 * 1024 or > 1024 * 1024 * 1024)
        {
            yield return "Storage:S3:PartSize must be between 5242880 (5 MB, S3's smallest part) and 1073741824 (1 GB).";
        }
    }
}

/// <summary>
/// Media in an S3-compatible bucket through AWSSDK.S3. Checksums only when the server requires them and no
/// <c>aws-chunked</c> uploads: MinIO, OSS and other non-AWS servers reject or corrupt those. Private files, and every
/// file when there is no <see cref="S3StorageOptions.PublicBaseUrl"/>, get presigned GET URLs.
/// </summary>
public sealed partial class S3FileStore : IFileStore, IDisposable
{
    private readonly AmazonS3Client client;
    private readonly S3StorageOptions options;
    private readonly StorageOptions storage;
    private readonly TimeProvider clock;

    public S3FileStore(IOptions<S3StorageOptions> options, IOptions<StorageOptions> storage, TimeProvider clock)
    {
        this.options = options.Value;
        this.storage = storage.Value;
        this.clock = clock;
        client = new AmazonS3Client(new BasicAWSCredentials(this.options.AccessKey, this.options.SecretKey), CreateConfig(this.options));
    }

    public StorageProvider Provider => StorageProvider.S3;

    public static AmazonS3Config CreateConfig(S3StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.ServiceUrl;
        }

        return config;
    }

    /// <summary>
    /// One PUT when the content fits in one part (<see cref="S3StorageOptions.PartSize"/>), otherwise a multipart upload
    /// read part by part: memory stays at one part whatever the size, and a stream of unknown length needs no copy.
    /// </summary>
    public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default)
    {
        if (content.CanSeek && content.Length - content.Position <= options.PartSize)
        {
            await client.PutObjectAsync(UploadRequest(options.Bucket, key, content, contentType), ct);
            return;
        }

        var first = new byte[options.PartSize];
        var read = await content.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, ct);
        if (read < first.Length)
        {
            await client.PutObjectAsync(UploadRequest(options.Bucket, key, new MemoryStream(first, 0, read), contentType), ct);
            return;
        }

        await MultipartUploadAsync(key, first, content, contentType, ct);
    }

    /// <summary>
    /// A plain upload: the body sent whole, never <c>aws-chunked</c> (which non-AWS servers reject or store with its
    /// framing), and left open for the caller, who may rewind it for a retry.
    /// </summary>
    internal static PutObjectRequest UploadRequest(string bucket, string key, Stream body, string contentType) => new()
    {
        BucketName = bucket,
        Key = StorageKeys.Require(key),
        InputStream = body,
        AutoCloseStream = false,
        ContentType = contentType,
        UseChunkEncoding = false,
    };

    public async Task<StoredFile?> StatAsync(string key, CancellationToken ct = default)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(options.Bucket, StorageKeys.Require(key), ct);
            return new StoredFile(key, head.ContentLength, head.Headers.ContentType ?? MediaRules.ContentTypeOf(key),
                head.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : DateTimeOffset.MinValue);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct = default)
    {
        try
        {
            var response = await client.GetObjectAsync(options.Bucket, StorageKeys.Require(key), ct);
            return new OwningStream(response.ResponseStream, response);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"No object '{key}' in bucket '{options.Bucket}'.", key, ex);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, long offset, long? length, CancellationToken ct = default)
    {
        try
        {
            var response = await client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = options.Bucket,
                Key = StorageKeys.Require(key),
                ByteRange = new ByteRange(offset, length is { } n ? offset + n - 1 : long.MaxValue),
            }, ct);
            return new OwningStream(response.ResponseStream, response);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new FileNotFoundException($"No object '{key}' in bucket '{options.Bucket}'.", key, ex);
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default) =>
        client.DeleteObjectAsync(options.Bucket, StorageKeys.Require(key), ct);

    public string GetPublicUrl(string key) =>
        !string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !StorageKeys.IsPrivate(StorageKeys.Require(key))
            ? $"{options.PublicBaseUrl.TrimEnd('/')}/{key}"
            : GetPrivateUrl(key, storage.SignedUrlLifetime);

    public string GetPrivateUrl(string key, TimeSpan lifetime)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = options.Bucket,
            Key = StorageKeys.Require(key),
            Verb = HttpVerb.GET,
            Expires = clock.GetUtcNow().UtcDateTime.Add(lifetime),
        };
        if (options.ServiceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            request.Protocol = Protocol.HTTP;
        }

        return client.GetPreSignedURL(request);
    }

    public void Dispose() => client.Dispose();
}
