using System.Text.Json;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// Our Qiniu credentials against the official Node SDK (npm qiniu 7.15.2, run by test-support/node/qiniu-peer.mjs),
/// and the SDK's own form uploader against <see cref="FakeQiniu"/>, so the fake is known to speak real Qiniu.
/// </summary>
public sealed class QiniuInteropTests
{
    private const string Ak = "test-interop-access-key";
    private const string Sk = "test-interop-secret-key";

    private static Task<JsonElement> Peer(object request) => NodePeer.RunAsync("qiniu-peer.mjs", request);

    [Fact]
    public async Task A_token_the_SDK_makes_for_one_key_is_byte_identical_to_ours_and_reads_back()
    {
        var sdk = await Peer(new { cmd = "upload-token", accessKey = Ak, secretKey = Sk, now = 1_800_000_000, policy = new { scope = "luffy:covers/a.png", expires = 900 } });

        var ours = QiniuSignature.UploadToken(Ak, Sk, QiniuPutPolicy.ForKey("luffy", "covers/a.png", 1_800_000_900));

        Assert.Equal("7.15.2", sdk.GetProperty("sdk").GetString());
        Assert.Equal(sdk.GetProperty("token").GetString(), ours);
        Assert.Equal(QiniuPutPolicy.ForKey("luffy", "covers/a.png", 1_800_000_900), QiniuSignature.ReadUploadToken(ours, Ak, Sk));
    }

    [Fact]
    public async Task A_token_with_limits_made_by_the_SDK_verifies_with_us_and_ours_verifies_with_the_SDK()
    {
        var sdk = await Peer(new
        {
            cmd = "upload-token", accessKey = Ak, secretKey = Sk, now = 1_800_000_000,
            policy = new { scope = "luffy-private:private/videos/课程.webm", fsizeLimit = 524288000, mimeLimit = "video/webm", returnBody = "{\"key\":$(key),\"size\":$(fsize)}", expires = 600 },
        });
        var policy = new QiniuPutPolicy
        {
            Scope = "luffy-private:private/videos/课程.webm", Deadline = 1_800_000_600, FsizeLimit = 524288000, MimeLimit = "video/webm",
            ReturnBody = "{\"key\":$(key),\"size\":$(fsize)}",
        };
        var ours = QiniuSignature.UploadToken(Ak, Sk, policy);
        var check = await Peer(new { cmd = "check-upload-token", accessKey = Ak, secretKey = Sk, token = ours });
        var forged = await Peer(new { cmd = "check-upload-token", accessKey = Ak, secretKey = "another-secret", token = ours });

        Assert.Equal(policy, QiniuSignature.ReadUploadToken(sdk.GetProperty("token").GetString(), Ak, Sk));
        Assert.True(check.GetProperty("valid").GetBoolean());
        Assert.Equal("luffy-private", check.GetProperty("bucket").GetString());
        Assert.Equal(policy, QiniuPutPolicy.Parse(check.GetProperty("policyJson").GetString()!));
        Assert.False(forged.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("https://rs-z0.qiniuapi.com/stat/bHVmZnk6Y292ZXJzL2EucG5n", null)]
    [InlineData("https://rs-z2.qiniuapi.com/delete/bHVmZnk6Y292ZXJzL2EucG5n", "")]
    [InlineData("http://rs.qiniu.com/move/bmV3ZG9jczpmaW5kX21hbi50eHQ=/bmV3ZG9jczpmaW5kLm1hbi50eHQ=", null)]
    [InlineData("https://api.qiniu.com/v6/domain/list?tbl=luffy", "a=1&b=2")]
    public async Task QBox_authorization_matches_the_SDK(string url, string? body)
    {
        var sdk = await Peer(new { cmd = "qbox-auth", accessKey = Ak, secretKey = Sk, url, body });

        Assert.Equal(sdk.GetProperty("authorization").GetString(), QiniuSignature.QBoxAuthorization(Ak, Sk, new Uri(url), body));
    }

    [Theory]
    [InlineData("GET", "https://rs-z0.qiniuapi.com/stat/bHVmZnk6Y292ZXJzL2EucG5n", null, null)]
    [InlineData("POST", "https://rs-z0.qiniuapi.com/delete/bHVmZnk6Y292ZXJzL2EucG5n", "application/x-www-form-urlencoded", "")]
    [InlineData("POST", "https://uc.qiniuapi.com/v2/query?ak=x&bucket=luffy", "application/json", "{\"name\": \"test\"}")]
    [InlineData("PUT", "https://rs-z1.qiniuapi.com/x", "application/octet-stream", "binary is never signed")]
    public async Task Qiniu_authorization_matches_the_SDK_including_signed_qiniu_headers(string method, string url, string? contentType, string? body)
    {
        var headers = new Dictionary<string, string> { ["X-Qiniu-Date"] = "20261125T101500Z", ["x-qiniu-meta-course"] = "go", ["Accept"] = "*/*" };
        var sdk = await Peer(new { cmd = "qiniu-auth", accessKey = Ak, secretKey = Sk, url, method, contentType, body, headers });

        Assert.Equal(sdk.GetProperty("authorization").GetString(),
            QiniuSignature.QiniuAuthorization(Ak, Sk, method, new Uri(url), contentType, headers, body));
    }

    [Theory]
    [InlineData("https://cdn.luffy.test", "private/videos/go-intro.webm", 1_800_000_000)]
    [InlineData("http://78re52.com1.z0.glb.clouddn.com", "resource/flower.jpg", 1451491200)]
    [InlineData("https://cdn.luffy.test", "covers/a_b-c.1.png", 1)]
    public async Task Download_urls_match_the_SDK(string domain, string key, long deadline)
    {
        var sdk = await Peer(new { cmd = "download-url", accessKey = Ak, secretKey = Sk, domain, key, deadline });

        Assert.Equal(sdk.GetProperty("publicUrl").GetString(), $"{domain}/{key}");
        Assert.Equal(sdk.GetProperty("privateUrl").GetString(), QiniuSignature.PrivateDownloadUrl(Ak, Sk, $"{domain}/{key}", deadline));
    }

    [Fact]
    public async Task Encoded_entries_and_crc32_match_the_SDK()
    {
        var data = new byte[10_000];
        new Random(42).NextBytes(data);
        var entry = await Peer(new { cmd = "encoded-entry", bucket = "luffy-private", key = "private/videos/a~b?.webm" });
        var crc = await Peer(new { cmd = "crc32", base64 = Convert.ToBase64String(data) });

        Assert.Equal(entry.GetProperty("entry").GetString(), QiniuSignature.EncodedEntry("luffy-private", "private/videos/a~b?.webm"));
        Assert.Equal(crc.GetProperty("crc32").GetUInt32(), System.IO.Hashing.Crc32.HashToUInt32(data));
    }

    [Fact]
    public async Task The_SDK_form_uploader_is_accepted_by_the_fake_and_a_bad_token_is_refused()
    {
        await using var fake = await FakeQiniu.StartAsync();
        // The SDK appends crc32 once the file stream has ended, i.e. after the file part; Qiniu accepts that.
        fake.AllowFieldsAfterFile = true;
        var data = new byte[5000];
        new Random(7).NextBytes(data);
        var token = QiniuSignature.UploadToken(FakeQiniu.AccessKey, FakeQiniu.SecretKey,
            QiniuPutPolicy.ForKey(FakeQiniu.Bucket, "covers/sdk.png", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()));

        var ok = await Peer(new { cmd = "form-upload", uploadUrl = fake.Url, token, key = "covers/sdk.png", base64 = Convert.ToBase64String(data), mimeType = "image/png", fileName = "sdk.png" });

        Assert.Equal(200, ok.GetProperty("status").GetInt32());
        Assert.Equal(FakeQiniu.EtagOf(data), ok.GetProperty("body").GetProperty("hash").GetString());
        Assert.Equal(data, fake.Objects[(FakeQiniu.Bucket, "covers/sdk.png")].Content);
        var upload = Assert.Single(fake.Uploads);
        Assert.Contains("crc32", upload.PartNames);
        Assert.Equal(["token", "key", "file"], upload.PartNames.Where(n => n != "crc32"));

        var forged = QiniuSignature.UploadToken(FakeQiniu.AccessKey, "not-the-secret",
            QiniuPutPolicy.ForKey(FakeQiniu.Bucket, "covers/forged.png", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()));
        var refused = await Peer(new { cmd = "form-upload", uploadUrl = fake.Url, token = forged, key = "covers/forged.png", base64 = Convert.ToBase64String(data), mimeType = "image/png" });

        Assert.Equal(401, refused.GetProperty("status").GetInt32());
        Assert.Equal("bad token", refused.GetProperty("body").GetProperty("error").GetString());
        Assert.False(fake.Objects.ContainsKey((FakeQiniu.Bucket, "covers/forged.png")));
    }

    [Fact]
    public async Task The_SDK_resume_uploader_v2_finds_the_fake_by_region_query_and_its_parts_and_completion_match_ours()
    {
        await using var fake = await FakeQiniu.StartAsync();
        const int partSize = 1024 * 1024;
        var data = new byte[partSize * 2 + 12345];
        new Random(19).NextBytes(data);
        var token = QiniuSignature.UploadToken(FakeQiniu.AccessKey, FakeQiniu.SecretKey,
            QiniuPutPolicy.ForKey(FakeQiniu.Bucket, "private/videos/sdk.mp4", DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()));

        var sdk = await Peer(new { cmd = "resume-upload", ucUrl = fake.Url, token, key = "private/videos/sdk.mp4", base64 = Convert.ToBase64String(data), partSize, mimeType = "video/mp4", fileName = "sdk.mp4" });
        var sdkParts = fake.PartUploads.ToList();
        var sdkCompletion = JsonDocument.Parse(fake.Completions.Single()).RootElement;
        await using var provider = fake.ClientServices(o => { o.UploadHost = ""; o.UcHost = fake.Url; o.PartSize = partSize; });
        var ours = await provider.GetRequiredService<QiniuClient>().UploadAsync(FakeQiniu.Bucket, "private/videos/ours.mp4", new MemoryStream(data), "video/mp4");
        var ourParts = fake.PartUploads.Skip(sdkParts.Count).ToList();
        var ourCompletion = JsonDocument.Parse(fake.Completions.Last()).RootElement;

        Assert.Equal(200, sdk.GetProperty("status").GetInt32());
        Assert.Equal(FakeQiniu.EtagOf(data), sdk.GetProperty("body").GetProperty("hash").GetString());
        Assert.Equal(data, fake.Objects[(FakeQiniu.Bucket, "private/videos/sdk.mp4")].Content);
        Assert.Equal(data, fake.Objects[(FakeQiniu.Bucket, "private/videos/ours.mp4")].Content);
        Assert.Equal(FakeQiniu.EtagOf(data), ours.Hash);
        Assert.All(sdkParts.Concat(ourParts), p => Assert.Null(p.Refusal));
        Assert.Equal(sdkParts.Select(p => (p.PartNumber, p.Size)), ourParts.Select(p => (p.PartNumber, p.Size)));
        Assert.Equal(Names(sdkCompletion.GetProperty("parts")[0]), Names(ourCompletion.GetProperty("parts")[0]));
        Assert.Equal(Parts(sdkCompletion), Parts(ourCompletion));
        Assert.Equal(sdkCompletion.GetProperty("mimeType").GetString(), ourCompletion.GetProperty("mimeType").GetString());
        Assert.True(fake.RegionQueries >= 2);
    }

    private static IEnumerable<string> Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).Order();

    private static IEnumerable<(int, string?)> Parts(JsonElement completion) =>
        completion.GetProperty("parts").EnumerateArray().Select(p => (p.GetProperty("partNumber").GetInt32(), p.GetProperty("etag").GetString()));
}
