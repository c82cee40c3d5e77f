using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The uploader in a real browser (Chromium, driven by Playwright) against the app on Kestrel: the JavaScript module
/// really picks the file, sends it (through the app, or across origins to the fake Qiniu) and reports progress, and
/// /admin/media shows the stored file. <c>./test.sh</c> installs Chromium.
/// </summary>
public sealed partial class MediaUploaderBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}: run ./test.sh (or apt-get install chromium)");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox"],
        });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>The test app on Kestrel, with the static web assets (Blazor's and MudBlazor's scripts) a browser needs.</summary>
    private sealed class BrowserApp(IDictionary<string, string?> settings) : LuffyAppFactory(settings)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseStaticWebAssets();
        }
    }

    private static string Start(LuffyAppFactory app)
    {
        app.UseKestrel(0);
        app.StartServer();
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    private async Task<IPage> AdminPageAsync(string baseUrl)
    {
        var page = await browser.NewPageAsync();
        // The suite runs these beside the other classes on 2 cores: the log-in's redirect and the admin page's first
        // load have taken 30 s there (three of this class's runs at 32–33 s in one CI run, one over Playwright's default).
        page.SetDefaultTimeout(90_000);
        page.SetDefaultNavigationTimeout(90_000);
        await page.GotoAsync($"{baseUrl}/Account/Login");
        await page.FillAsync("#Input\\.Login", LuffyAppFactory.AdminUserName);
        await page.FillAsync("#Input\\.Password", LuffyAppFactory.AdminPassword);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        await page.GotoAsync($"{baseUrl}/admin/media");
        await WaitUntilReadyAsync(page);
        return page;
    }

    /// <summary>Ready once the circuit is up and the script listens to both file inputs (prerendered HTML is not enough).</summary>
    private static async Task WaitUntilReadyAsync(IPage page)
    {
        await page.WaitForSelectorAsync("#upload-image .media-uploader[data-ready=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.WaitForSelectorAsync("#upload-video .media-uploader[data-ready=true]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    [Fact]
    public async Task An_admin_uploads_a_video_through_the_app_and_it_plays_from_its_signed_url()
    {
        await using var app = new BrowserApp(new Dictionary<string, string?>());
        var baseUrl = Start(app);
        var page = await AdminPageAsync(baseUrl);
        var video = Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/vue-reactivity.mp4");

        await page.SetInputFilesAsync("#upload-video input[type=file]", video);
        await page.WaitForSelectorAsync("#uploaded-key");

        var key = await page.TextContentAsync("#uploaded-key");
        var src = await page.GetAttributeAsync("#uploaded-preview", "src");
        var fetched = await page.EvaluateAsync<int>("async url => (await fetch(url)).status", src);
        Assert.Matches(@"^private/videos/\d{6}/[0-9a-f]{24}\.mp4$", key);
        Assert.Contains("token=", src);
        Assert.Equal(200, fetched);
        Assert.Contains("已上传 vue-reactivity.mp4", await page.TextContentAsync("#upload-video"));
        Assert.Equal(new FileInfo(video).Length, (await app.Services.GetRequiredService<LuffyBlazor.Features.Storage.IFileStore>().StatAsync(key!))!.Length);
    }

    [Fact]
    public async Task With_Qiniu_the_browser_sends_the_file_straight_to_the_upload_host_in_parts()
    {
        await using var fake = await FakeQiniu.StartAsync();
        await using var app = new BrowserApp(fake.Settings());
        var baseUrl = Start(app);
        var page = await AdminPageAsync(baseUrl);
        var cover = Path.Combine(RepositoryPaths.Root, "wwwroot-assets/covers/vue3.svg");
        var seeded = fake.UploadAttempts;

        await page.SetInputFilesAsync("#upload-image input[type=file]", cover);
        await page.WaitForSelectorAsync("#uploaded-key");

        var key = await page.TextContentAsync("#uploaded-key");
        Assert.StartsWith("covers/", key);
        Assert.Equal(seeded, fake.UploadAttempts); // no form upload: resumable upload v2
        Assert.Single(fake.PartUploads, p => p.Refusal is null);
        Assert.Contains("\"mimeType\":\"image/svg+xml\"", fake.Completions.Single());
        Assert.Equal(await File.ReadAllBytesAsync(cover), fake.Objects[(FakeQiniu.Bucket, key!)].Content);
        Assert.Equal($"{fake.Url}/{key}", await page.GetAttributeAsync("#uploaded-preview", "src"));
    }

    [Fact]
    public async Task A_file_of_the_wrong_type_is_refused_in_the_page()
    {
        await using var app = new BrowserApp(new Dictionary<string, string?>());
        var baseUrl = Start(app);
        var page = await AdminPageAsync(baseUrl);

        await page.SetInputFilesAsync("#upload-image input[type=file]", new FilePayload
        {
            Name = "notes.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4"u8.ToArray(),
        });

        var error = await page.WaitForSelectorAsync("#upload-image .media-uploader-error");
        Assert.Contains("不支持的文件类型", await error!.TextContentAsync());
        Assert.Null(await page.QuerySelectorAsync("#uploaded-key"));
    }
}
