using Amazon;
using Amazon.Runtime;
using LuffyBlazor.Features.Storage.S3;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// What the S3 client is told, read without a server: the settings non-AWS stores need, which a server that
/// tolerates the SDK's defaults (s3rver tolerates path style either way) would not reveal.
/// </summary>
public sealed class S3SettingsTests
{
    [Theory]
    [InlineData(true)]   // MinIO and most self-hosted servers: http://host/bucket/key
    [InlineData(false)]  // Aliyun OSS: virtual-hosted only, http://bucket.host/key
    public void The_client_addresses_buckets_as_configured_and_checksums_only_when_the_server_requires(bool forcePathStyle)
    {
        var config = S3FileStore.CreateConfig(new S3StorageOptions
        {
            ServiceUrl = "https://oss-cn-hangzhou.aliyuncs.com", Region = "oss-cn-hangzhou", ForcePathStyle = forcePathStyle,
        });

        Assert.Equal(forcePathStyle, config.ForcePathStyle);
        Assert.StartsWith("https://oss-cn-hangzhou.aliyuncs.com", config.ServiceURL);
        Assert.Equal("oss-cn-hangzhou", config.AuthenticationRegion);
        Assert.Equal(RequestChecksumCalculation.WHEN_REQUIRED, config.RequestChecksumCalculation);
        Assert.Equal(ResponseChecksumValidation.WHEN_REQUIRED, config.ResponseChecksumValidation);
    }

    [Fact]
    public void Without_a_service_url_the_region_names_the_aws_endpoint()
    {
        var config = S3FileStore.CreateConfig(new S3StorageOptions { Region = "ap-northeast-1" });

        Assert.Equal(RegionEndpoint.APNortheast1, config.RegionEndpoint);
        Assert.True(config.ForcePathStyle); // the default, for self-hosted servers
    }

    [Fact]
    public void Uploads_are_sent_whole_never_aws_chunked_and_leave_the_stream_to_the_caller()
    {
        using var body = new MemoryStream([1, 2, 3]);

        var request = S3FileStore.UploadRequest("luffy-media", "covers/go-basics.svg", body, "image/svg+xml");

        Assert.False(request.UseChunkEncoding);
        Assert.False(request.AutoCloseStream);
        Assert.Equal(("luffy-media", "covers/go-basics.svg", "image/svg+xml"), (request.BucketName, request.Key, request.ContentType));
        Assert.Throws<ArgumentException>(() => S3FileStore.UploadRequest("luffy-media", "../etc/passwd", body, "image/png"));
    }
}
