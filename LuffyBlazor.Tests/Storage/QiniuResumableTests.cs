using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The app's own large uploads to Qiniu: resumable upload v2 in parts (init, parts with their MD5, complete, abort on
/// failure) against <see cref="FakeQiniu"/>, and the bucket's upload hosts found by the region query and tried in turn.
/// </summary>
public sealed class QiniuResumableTests : IAsyncLifetime
{
    private const int MB = 1024 * 1024;
    private FakeQiniu fake = null!;
    private readonly List<ServiceProvider> providers = [];

    public async Task InitializeAsync() => fake = await FakeQiniu.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in providers)
        {
            await provider.DisposeAsync();
        }

        await fake.DisposeAsync();
    }

    private ServiceProvider Services(Action<QiniuOptions>? tweak = null, TimeProvider? clock = null)
    {
        var provider = fake.ClientServices(o => { o.PartSize = MB; tweak?.Invoke(o); }, clock);
        providers.Add(provider);
        return provider;
    }

    private QiniuClient Client(Action<QiniuOptions>? tweak = null, TimeProvider? clock = null) => Services(tweak, clock).GetRequiredService<QiniuClient>();

    private static byte[] Random(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_file_larger_than_a_part_goes_up_in_parts_and_is_stored_whole()
    {
        var bytes = Random(MB * 5 / 2);

        var result = await Client().UploadAsync(FakeQiniu.Bucket, "private/videos/big.mp4", new MemoryStream(bytes), "video/mp4");

        Assert.Equal(FakeQiniu.EtagOf(bytes), result.Hash);
        Assert.Equal(bytes, fake.Objects[(FakeQiniu.Bucket, "private/videos/big.mp4")].Content);
        Assert.Equal("video/mp4", fake.Objects[(FakeQiniu.Bucket, "private/videos/big.mp4")].MimeType);
        Assert.Equal([(1, MB), (2, MB), (3, MB / 2)], fake.PartUploads.Select(p => (p.PartNumber, p.Size)));
        Assert.Equal(0, fake.UploadAttempts);
        Assert.Equal(0, fake.OpenUploads);
    }

    [Fact]
    public async Task A_stream_of_unknown_length_is_read_part_by_part_without_a_temporary_copy()
    {
        var bytes = Random(MB * 2 + 10);

        await Client().UploadAsync(FakeQiniu.Bucket, "private/videos/stream.webm", new ForwardOnlyStream(bytes), "video/webm");

        Assert.Equal(bytes, fake.Objects[(FakeQiniu.Bucket, "private/videos/stream.webm")].Content);
        Assert.Equal(3, fake.PartUploads.Count);
    }

    [Fact]
    public async Task A_failed_part_is_sent_again_and_only_that_part()
    {
        fake.FailNextParts((503, "service unavailable"));
        var bytes = Random(MB * 2);

        await Client().UploadAsync(FakeQiniu.Bucket, "private/videos/retry.mp4", new MemoryStream(bytes), "video/mp4");

        Assert.Equal([1, 1, 2], fake.PartUploads.Select(p => p.PartNumber));
        Assert.Equal(bytes, fake.Objects[(FakeQiniu.Bucket, "private/videos/retry.mp4")].Content);
    }

    [Fact]
    public async Task A_refused_part_aborts_the_upload_and_says_why()
    {
        fake.FailNextParts((413, "part too large"));

        var ex = await Assert.ThrowsAsync<QiniuException>(() =>
            Client().UploadAsync(FakeQiniu.Bucket, "private/videos/refused.mp4", new MemoryStream(Random(MB * 2)), "video/mp4"));

        Assert.Equal(413, ex.StatusCode);
        Assert.Single(fake.PartUploads);
        Assert.Equal(0, fake.OpenUploads);
        Assert.False(fake.Objects.ContainsKey((FakeQiniu.Bucket, "private/videos/refused.mp4")));
    }

    [Fact]
    public async Task The_upload_hosts_come_from_the_region_query_and_a_dead_host_is_passed_over()
    {
        using var dead = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        dead.Start();
        var deadHost = $"127.0.0.1:{((System.Net.IPEndPoint)dead.LocalEndpoint).Port}";
        dead.Stop(); // nothing listens there any more: connections are refused
        fake.UploadDomains = [deadHost, new Uri(fake.Url).Authority];
        var client = Client(o => { o.UploadHost = ""; o.UcHost = fake.Url; o.MaxAttempts = 2; });
        var bytes = Random(MB * 2);

        await client.UploadAsync(FakeQiniu.Bucket, "covers/failover.png", new MemoryStream([1, 2, 3]), "image/png");
        await client.UploadAsync(FakeQiniu.Bucket, "private/videos/failover.mp4", new MemoryStream(bytes), "video/mp4");

        Assert.Equal([1, 2, 3], fake.Objects[(FakeQiniu.Bucket, "covers/failover.png")].Content);
        Assert.Equal(bytes, fake.Objects[(FakeQiniu.Bucket, "private/videos/failover.mp4")].Content);
        Assert.Equal(1, fake.RegionQueries);
    }

    [Fact]
    public async Task The_region_query_is_kept_for_its_ttl_and_asked_again_after()
    {
        fake.RegionTtl = 600;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var regions = Services(o => { o.UploadHost = ""; o.UcHost = fake.Url; }, clock).GetRequiredService<QiniuRegions>();

        var first = await regions.UploadHostsAsync(FakeQiniu.Bucket);
        clock.Advance(TimeSpan.FromSeconds(599));
        await regions.UploadHostsAsync(FakeQiniu.Bucket);
        var afterCached = fake.RegionQueries;
        clock.Advance(TimeSpan.FromSeconds(2));
        await regions.UploadHostsAsync(FakeQiniu.Bucket);

        Assert.Equal([new Uri(fake.Url + "/")], first);
        Assert.Equal(1, afterCached);
        Assert.Equal(2, fake.RegionQueries);
    }

    [Fact]
    public async Task Without_an_answering_region_query_the_regions_static_hosts_are_used()
    {
        var regions = Services(o => { o.UploadHost = ""; o.UcHost = "http://127.0.0.1:9"; o.Region = "z2"; o.UseHttps = true; })
            .GetRequiredService<QiniuRegions>();

        var hosts = await regions.UploadHostsAsync(FakeQiniu.Bucket);

        Assert.Equal([new Uri("https://upload-z2.qiniup.com/"), new Uri("https://up-z2.qiniup.com/")], hosts);
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
