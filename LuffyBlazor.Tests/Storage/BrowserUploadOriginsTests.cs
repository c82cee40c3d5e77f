using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>Where an admin's browser sends uploads, for the site's Content-Security-Policy (<c>connect-src</c>).</summary>
public sealed class BrowserUploadOriginsTests
{
    private static IReadOnlyList<string> OriginsOf(IDictionary<string, string?> settings)
    {
        using var app = new LuffyAppFactory(settings);
        return app.Services.GetRequiredService<IFileStore>().BrowserUploadOrigins;
    }

    [Fact]
    public void Qiniu_names_its_regions_upload_hosts_and_the_qiniup_domain()
    {
        var origins = OriginsOf(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Qiniu", ["Storage:Qiniu:AccessKey"] = "test-ak", ["Storage:Qiniu:SecretKey"] = "test-sk",
            ["Storage:Qiniu:Bucket"] = "luffy", ["Storage:Qiniu:Domain"] = "http://127.0.0.1:9", ["Storage:Qiniu:Private"] = "true",
            ["Storage:Qiniu:Region"] = "z2", ["Storage:Qiniu:UcHost"] = "http://127.0.0.1:9", ["Storage:Qiniu:ManagementHost"] = "http://127.0.0.1:9",
        });

        Assert.Equal(["https://upload-z2.qiniup.com", "https://up-z2.qiniup.com", "https://*.qiniup.com"], origins);
    }

    [Fact]
    public async Task S3_names_the_origin_of_its_presigned_part_urls()
    {
        await using var s3 = await LocalS3Server.StartAsync();

        Assert.Equal([s3.ServiceUrl], OriginsOf(s3.Settings()));
    }

    [Fact]
    public void The_local_store_needs_no_other_origin() => Assert.Empty(OriginsOf(new Dictionary<string, string?>()));
}
