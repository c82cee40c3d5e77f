using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Tests.Storage;

/// <summary>A wrong storage setting stops start-up with a message that names the setting; the store in use is the one configured.</summary>
public sealed class StorageOptionsTests
{
    private static string StartupError(IDictionary<string, string?> settings, string environment = "Testing")
    {
        using var app = new LuffyAppFactory(settings) { EnvironmentName = environment };
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        while (error is not OptionsValidationException && error.InnerException is not null)
        {
            error = error.InnerException;
        }

        return Assert.IsType<OptionsValidationException>(error).Message;
    }

    [Fact]
    public void Qiniu_needs_its_keys_bucket_and_domain()
    {
        var message = StartupError(new Dictionary<string, string?> { ["Storage:Provider"] = "Qiniu", ["Storage:Qiniu:Private"] = "true" });

        Assert.Contains("Storage:Qiniu:AccessKey is required when Storage:Provider is Qiniu", message);
        Assert.Contains("Storage:Qiniu:SecretKey is required", message);
        Assert.Contains("Storage:Qiniu:Bucket is required", message);
        Assert.Contains("Storage:Qiniu:Domain is required", message);
    }

    [Fact]
    public void Qiniu_refuses_a_public_bucket_that_would_expose_lesson_videos_and_malformed_hosts()
    {
        var message = StartupError(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Qiniu",
            ["Storage:Qiniu:AccessKey"] = "test-ak",
            ["Storage:Qiniu:SecretKey"] = "test-sk",
            ["Storage:Qiniu:Bucket"] = "luffy",
            ["Storage:Qiniu:Domain"] = "cdn.example.com",
            ["Storage:Qiniu:Region"] = "East China",
            ["Storage:Qiniu:Authorization"] = "Basic",
        });

        Assert.Contains("lesson videos would be public", message);
        Assert.Contains("Storage:Qiniu:Private=true", message);
        Assert.Contains("Storage:Qiniu:Domain must be the bucket's download domain with its scheme", message);
        Assert.Contains("Storage:Qiniu:Region must be a Qiniu region id", message);
        Assert.Contains("Storage:Qiniu:Authorization must be Qiniu or QBox", message);
        Assert.DoesNotContain("test-sk", message);
    }

    [Fact]
    public void FastDfs_needs_its_trackers_as_host_and_port_and_a_signing_key_outside_development()
    {
        var missing = StartupError(new Dictionary<string, string?> { ["Storage:Provider"] = "FastDfs" });
        var malformed = StartupError(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "FastDfs",
            ["Storage:FastDfs:Trackers"] = "10.0.0.5:22122,tracker-b",
            ["Storage:FastDfs:Group"] = "a-group-name-longer-than-16",
            ["Storage:FastDfs:SigningKey"] = "short",
            ["Storage:FastDfs:ChunkSize"] = "10",
        });

        Assert.Contains("Storage:FastDfs:Trackers is required when Storage:Provider is FastDfs", missing);
        Assert.Contains("Storage:FastDfs:SigningKey is required outside Development", missing);
        Assert.Contains("Storage:FastDfs:Trackers: 'tracker-b' is not host:port", malformed);
        Assert.Contains("Storage:FastDfs:Group 'a-group-name-longer-than-16' is longer than FastDFS's 16 bytes", malformed);
        Assert.Contains("Storage:FastDfs:SigningKey must be at least 32 bytes long", malformed);
        Assert.Contains("Storage:FastDfs:ChunkSize must be between", malformed);
        Assert.DoesNotContain("'10.0.0.5", malformed);
    }

    [Fact]
    public void S3_needs_its_bucket_and_keys()
    {
        var message = StartupError(new Dictionary<string, string?> { ["Storage:Provider"] = "S3", ["Storage:S3:ServiceUrl"] = "minio:9000" });

        Assert.Contains("Storage:S3:Bucket is required when Storage:Provider is S3", message);
        Assert.Contains("Storage:S3:AccessKey is required", message);
        Assert.Contains("Storage:S3:ServiceUrl must be an absolute http(s) URL", message);
    }

    [Fact]
    public void The_local_store_needs_a_signing_key_outside_development_and_limits_must_make_sense()
    {
        var message = StartupError(new Dictionary<string, string?>
        {
            ["Storage:Local:SigningKey"] = "",
            ["Storage:SignedUrlLifetime"] = "30.00:00:00",
            ["Storage:MaxVideoBytes"] = "2000000000000",
        }, environment: "Production");

        Assert.Contains("Storage:Local:SigningKey is required outside Development", message);
        Assert.Contains("Storage:SignedUrlLifetime must be between", message);
        Assert.Contains("Storage:MaxVideoBytes must be positive and at most 1 TB", message);
    }

    [Fact]
    public void An_unknown_provider_is_refused_at_start_up()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Storage:Provider"] = "Dropbox" });

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Storage:Provider", error.ToString());
    }

    [Fact]
    public void In_development_the_local_signing_key_is_generated_into_the_keys_folder()
    {
        using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Storage:Local:SigningKey"] = "" }) { EnvironmentName = "Development" };

        var files = app.Services.GetRequiredService<IFileStore>();

        Assert.Equal(StorageProvider.Local, files.Provider);
        Assert.True(File.Exists(Path.Combine(app.Root, "keys", "media_signing_key.txt")));
        Assert.Contains("token=", files.GetPrivateUrl("private/videos/go-intro.webm", TimeSpan.FromMinutes(5)));
    }
}
