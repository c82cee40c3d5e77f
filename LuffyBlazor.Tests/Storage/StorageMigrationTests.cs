using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Migration;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// <c>storage migrate</c> from the local store to a real local S3 server (<c>--to S3</c>), and to the fake Qiniu
/// server of the Qiniu tests (<c>--to Qiniu</c>: uploads checked for token, scope and multipart shape).
/// </summary>
public sealed class StorageMigrationTests : IAsyncLifetime
{
    private LocalS3Server s3 = null!;
    private FakeQiniu qiniu = null!;
    private LuffyAppFactory app = null!;

    public async Task InitializeAsync()
    {
        s3 = await LocalS3Server.StartAsync();
        qiniu = await FakeQiniu.StartAsync();
        app = new LuffyAppFactory(s3.Settings(asProvider: false));
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await s3.DisposeAsync();
        await qiniu.DisposeAsync();
    }

    private IFileStore Target => app.Services.GetRequiredService<FileStores>().Get(StorageProvider.S3);

    /// <summary>An app on the local store with the fake Qiniu configured (as a target, not as its store).</summary>
    private LuffyAppFactory WithQiniuTarget()
    {
        var settings = qiniu.Settings();
        settings["Storage:Provider"] = "Local";
        return new LuffyAppFactory(settings);
    }

    private Task<(int Code, string Output)> RunAsync(params string[] args) => RunAsync(app, args);

    private static async Task<(int Code, string Output)> RunAsync(LuffyAppFactory on, params string[] args)
    {
        using var output = new StringWriter();
        var code = await StorageCommands.RunAsync(on.Services, args, output);
        return (code, output.ToString());
    }

    [Theory]
    [InlineData(StorageProvider.S3)]
    [InlineData(StorageProvider.Qiniu)]
    public async Task Every_referenced_cover_avatar_and_video_is_copied_with_progress_and_the_setting_to_change(StorageProvider to)
    {
        await using var withQiniu = to == StorageProvider.Qiniu ? WithQiniuTarget() : null;
        var source = withQiniu ?? app;

        var (code, output) = await RunAsync(source, "migrate", "--to", to.ToString());

        var keys = CatalogueSeedData.Courses.Select(c => c.Cover)
            .Concat(CatalogueSeedData.Teachers.Select(t => t.Avatar))
            .Concat(CatalogueSeedData.LessonVideos.Values).Distinct().ToList();
        Assert.Equal(0, code);
        Assert.Contains($"Copying {keys.Count} media file(s) referenced by the database from Local to {to}", output);
        Assert.Contains($"[1/{keys.Count}] ", output);
        Assert.Contains($"[{keys.Count}/{keys.Count}] ", output);
        Assert.Contains($"Done: {keys.Count} copied, 0 already there, 0 missing in Local, 0 failed.", output);
        Assert.Contains($"Storage:Provider={to}", output);
        Assert.Contains($"Storage__Provider={to}", output);
        var target = source.Services.GetRequiredService<FileStores>().Get(to);
        foreach (var key in keys)
        {
            var copied = await target.StatAsync(key);
            Assert.True(copied is not null, $"{key} was not copied");
            Assert.Equal(MediaRules.ContentTypeOf(key), copied.ContentType);
            await using var read = await target.OpenReadAsync(key);
            using var bytes = new MemoryStream();
            await read.CopyToAsync(bytes);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets", key)), bytes.ToArray());
        }
    }

    [Fact]
    public async Task To_Qiniu_private_videos_go_to_the_private_bucket_and_a_second_run_copies_nothing()
    {
        await using var withQiniu = WithQiniuTarget();
        await RunAsync(withQiniu, "migrate", "--to", "Qiniu");
        var uploads = qiniu.UploadAttempts;

        var (code, output) = await RunAsync(withQiniu, "migrate", "--to", "Qiniu");

        Assert.Equal(0, code);
        Assert.Matches(@"Done: 0 copied, \d+ already there, 0 missing in Local, 0 failed\.", output);
        Assert.Equal(uploads, qiniu.UploadAttempts);
        Assert.All(CatalogueSeedData.LessonVideos.Values, key => Assert.True(qiniu.Objects.ContainsKey((FakeQiniu.PrivateBucket, key)), key));
        Assert.All(CatalogueSeedData.Courses, c => Assert.True(qiniu.Objects.ContainsKey((FakeQiniu.Bucket, c.Cover)), c.Cover));
        Assert.All(qiniu.Uploads, u => Assert.Null(u.Refusal));
    }

    [Fact]
    public async Task Running_again_skips_what_is_there_and_copies_only_what_is_missing()
    {
        await RunAsync("migrate", "--to=S3");
        await Target.DeleteAsync("private/videos/go-intro.webm");
        // A different size counts as not copied (an interrupted or older copy).
        await Target.SaveAsync("covers/go-basics.svg", new MemoryStream([1, 2, 3]), "image/svg+xml");

        var (code, output) = await RunAsync("migrate", "--to", "S3", "--from", "Local");

        Assert.Equal(0, code);
        Assert.Contains("private/videos/go-intro.webm: copied", output);
        Assert.Contains("covers/go-basics.svg: copied", output);
        Assert.Contains("covers/python-basics.svg: already in S3", output);
        Assert.Matches(@"Done: 2 copied, \d+ already there, 0 missing in Local, 0 failed\.", output);
        Assert.NotEqual(3, (await Target.StatAsync("covers/go-basics.svg"))!.Length);
    }

    [Fact]
    public async Task A_referenced_key_missing_from_the_source_is_reported_not_fatal()
    {
        await app.QueryAsync(db => db.Courses.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Cover, "covers/gone.png")));

        var (code, output) = await RunAsync("migrate", "--to", "S3");

        Assert.Equal(0, code);
        Assert.Contains("covers/gone.png: not in Local, nothing to copy", output);
        Assert.Contains("1 missing in Local", output);
    }

    [Fact]
    public async Task Bad_usage_or_an_unconfigured_target_stops_before_copying_and_names_the_settings()
    {
        var same = await RunAsync("migrate", "--to", "Local");
        var unknown = await RunAsync("migrate", "--to", "Dropbox");
        var noCommand = await RunAsync("copy");
        var qiniu = await RunAsync("migrate", "--to", "Qiniu");

        Assert.Equal(2, same.Code);
        Assert.Contains("already in Local", same.Output);
        Assert.Equal(2, unknown.Code);
        Assert.Contains(StorageCommands.Usage, unknown.Output);
        Assert.Equal(2, noCommand.Code);
        Assert.Equal(2, qiniu.Code);
        Assert.Contains("Storage:Qiniu:AccessKey is required", qiniu.Output);
        Assert.Contains("Storage:Qiniu:Bucket is required", qiniu.Output);
        Assert.Null(await Target.StatAsync("covers/go-basics.svg"));
    }

    [Fact]
    public async Task Keys_named_by_any_media_key_source_are_copied_not_only_the_catalogues()
    {
        await using var withSource = new LuffyAppFactory(s3.Settings(asProvider: false))
        {
            TestServices = services => services.AddScoped<IMediaKeySource>(_ => new FixedKeys("covers/elsewhere.svg")),
        };
        await withSource.Services.GetRequiredService<FileStores>().Get(StorageProvider.Local)
            .SaveAsync("covers/elsewhere.svg", new MemoryStream("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray()), "image/svg+xml");

        var (code, output) = await RunAsync(withSource, "migrate", "--to", "S3");

        Assert.Equal(0, code);
        Assert.Contains("covers/elsewhere.svg: copied", output);
        Assert.NotNull(await withSource.Services.GetRequiredService<FileStores>().Get(StorageProvider.S3).StatAsync("covers/elsewhere.svg"));
    }

    [Fact]
    public async Task A_large_lesson_video_travels_through_every_store_in_parts_and_arrives_byte_for_byte()
    {
        await using var fastDfs = FakeFastDfs.Start();
        var settings = s3.Settings(asProvider: false);
        foreach (var (key, value) in qiniu.Settings().Concat(fastDfs.Settings(asProvider: false)))
        {
            settings[key] = value;
        }

        settings["Storage:Provider"] = "Local";
        settings["Storage:S3:PartSize"] = (5 * 1024 * 1024).ToString();
        settings["Storage:Qiniu:PartSize"] = (1024 * 1024).ToString();
        settings["Storage:FastDfs:ChunkSize"] = (1024 * 1024).ToString();
        await using var all = new LuffyAppFactory(settings)
        {
            TestServices = services => services.AddScoped<IMediaKeySource>(_ => new FixedKeys("private/videos/large-lesson.mp4")),
        };
        var stores = all.Services.GetRequiredService<FileStores>();
        var video = TestMedia.Mp4(12 * 1024 * 1024 + 321);
        await stores.Get(StorageProvider.Local).SaveAsync("private/videos/large-lesson.mp4", new MemoryStream(video), "video/mp4");

        var hops = new[] { ("Local", "FastDfs"), ("FastDfs", "S3"), ("S3", "Qiniu"), ("Qiniu", "FastDfs") };
        var outputs = new List<string>();
        foreach (var (from, to) in hops)
        {
            await stores.Get(Enum.Parse<StorageProvider>(to)).DeleteAsync("private/videos/large-lesson.mp4");
            var (code, output) = await RunAsync(all, "migrate", "--from", from, "--to", to);
            Assert.True(code == 0, output);
            outputs.Add(output);
        }

        foreach (var provider in Enum.GetValues<StorageProvider>())
        {
            await using var read = await stores.Get(provider).OpenReadAsync("private/videos/large-lesson.mp4");
            Assert.Equal(video, await FakeFastDfs.ReadAllAsync(read));
        }

        Assert.All(outputs, o => Assert.Contains("private/videos/large-lesson.mp4: copied (12 MB)", o));
        Assert.Contains(qiniu.PartUploads, p => p.PartNumber == 13);
        Assert.Contains(("storage", (byte)24), fastDfs.Requests);
    }

    [Fact]
    public void The_storage_feature_knows_no_other_feature_nor_the_database()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "LuffyBlazor", "Features", "Storage");
        var offending = Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("LuffyBlazor.Data") || text.Contains("LuffyBlazor.Features.Courses")))
            .Select(f => Path.GetRelativePath(folder, f))
            .ToList();

        Assert.Empty(offending);
    }

    private sealed class FixedKeys(params string[] keys) : IMediaKeySource
    {
        public Task<IReadOnlyCollection<string>> MediaKeysAsync(CancellationToken ct = default) => Task.FromResult<IReadOnlyCollection<string>>(keys);
    }

    [Fact]
    public async Task Invalid_settings_of_the_current_store_are_listed_not_thrown()
    {
        // The command runs before the app serves, so it meets broken settings before start-up validation would.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = app.Root,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Provider"] = "S3" });
        builder.AddStorage();
        using var host = builder.Build();
        using var output = new StringWriter();

        var code = await StorageCommands.RunAsync(host.Services, ["migrate", "--to", "Local"], output);

        Assert.Equal(2, code);
        Assert.Contains("Storage:S3:Bucket is required", output.ToString());
    }
}
