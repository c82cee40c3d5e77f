using System.Net.Http.Headers;
using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using LuffyBlazor.Common;
using LuffyBlazor.Data;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The reusable upload component with bUnit: the browser script is played by the test (it "uploads" where the ticket
/// says, then answers), while the ticket and the confirmation run for real against the app's store.
/// </summary>
public sealed class MediaUploaderTests : BunitTestContext
{
    private readonly BunitAuthorizationContext auth;
    private LuffyAppFactory? app;
    private FakeQiniu? fake;

    public MediaUploaderTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        auth = AddAuthorization();
    }

    protected override async Task DisposeTestAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (fake is not null)
        {
            await fake.DisposeAsync();
        }
    }

    private LuffyAppFactory UseApp(IDictionary<string, string?>? settings = null)
    {
        app = new LuffyAppFactory(settings ?? new Dictionary<string, string?>());
        Services.AddSingleton(app.Services.GetRequiredService<MediaUploads>());
        // The uploader asks the app's database whether its user is still an admin.
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<LuffyDbContext>>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<AdminActors>();
        return app;
    }

    private async Task SignInAsAdminAsync() => SignInAs(await app!.AdminAsync());

    /// <summary>The page's authentication state: an admin, as the circuit saw them when it opened.</summary>
    private void SignInAs(AdminActor admin)
    {
        auth.SetAuthorized(admin.UserName);
        auth.SetRoles(Roles.Admin);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId));
    }

    private (IRenderedComponent<MediaUploader> Cut, List<string> Uploaded, BunitJSModuleInterop Module) Render(
        string prefix = "videos", bool isPrivate = true, long? maxBytes = null)
    {
        var uploaded = new List<string>();
        var module = JSInterop.SetupModule("./js/media-uploader.js");
        module.Mode = JSRuntimeMode.Loose;
        var cut = Render<MediaUploader>(p => p
            .Add(c => c.KeyPrefix, prefix)
            .Add(c => c.IsPrivate, isPrivate)
            .Add(c => c.MaxBytes, maxBytes)
            .Add(c => c.Uploaded, EventCallback.Factory.Create<string>(this, key => uploaded.Add(key))));
        cut.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["init"]), TimeSpan.FromSeconds(10));
        return (cut, uploaded, module);
    }

    [Fact]
    public async Task Through_the_app_it_uploads_with_a_progress_bar_and_reports_the_key_once_the_server_has_it()
    {
        var app = UseApp();
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render();
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm"));

        var choosing = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("第 1 课.webm", bytes.Length, "video/webm")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][0].Arguments[1]);
        await cut.InvokeAsync(() => cut.Instance.OnStatus(new(42, 2, 5, 1_500_000, null)));
        cut.WaitForAssertion(() => Assert.Contains("42%", cut.Find(".media-uploader-status").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("第 3 / 5 片", cut.Find(".media-uploader-parts").TextContent);
        Assert.Contains("1.4 MB/s", cut.Find(".media-uploader-speed").TextContent);
        Assert.Empty(uploaded);
        // The browser's PUT, as the script sends it:
        await app.Services.GetRequiredService<MediaUploads>().ReceiveAsync(ticket.Token, new MemoryStream(bytes), bytes.Length, default);
        upload.SetResult(new MediaUploader.UploadOutcome(200, "{\"status\":100}"));
        await choosing;

        Assert.Equal("tus", ticket.Mode);
        Assert.Equal(MediaUploads.TusPath, ticket.Url);
        Assert.Equal(8 * 1024 * 1024, ticket.PartSize);
        Assert.StartsWith("private/videos/", ticket.Key);
        Assert.Equal([ticket.Key], uploaded);
        cut.WaitForAssertion(() => Assert.Contains("已上传 第 1 课.webm", cut.Markup), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll(".media-uploader-error"));
    }

    [Fact]
    public async Task With_Qiniu_the_browser_posts_to_Qiniu_and_a_refusal_is_explained_without_reporting_a_key()
    {
        fake = await FakeQiniu.StartAsync();
        UseApp(fake.Settings());
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render(prefix: "covers", isPrivate: false);
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);

        var choosing = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("cover.png", 2000, "image/png")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][0].Arguments[1]);
        upload.SetResult(new MediaUploader.UploadOutcome(403, "{\"error\":\"limited mimeType\"}"));
        await choosing;

        Assert.Equal("qiniu", ticket.Mode);
        Assert.Equal(fake.Url + "/", ticket.Url);
        Assert.Equal([fake.Url + "/"], ticket.Hosts);
        Assert.Equal(FakeQiniu.Bucket, ticket.Bucket);
        Assert.Equal(4 * 1024 * 1024, ticket.PartSize);
        Assert.StartsWith("covers/", ticket.Key);
        Assert.Empty(uploaded);
        Assert.Contains("类型不允许", cut.Find(".media-uploader-error").TextContent);
    }

    [Fact]
    public async Task With_Qiniu_a_finished_upload_is_confirmed_by_stat_before_the_key_is_reported()
    {
        fake = await FakeQiniu.StartAsync();
        UseApp(fake.Settings());
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render(prefix: "covers", isPrivate: false);
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);

        var choosing = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("cover.png", 8, "image/png")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][0].Arguments[1]);
        using (var browser = new HttpClient())
        using (var form = new MultipartFormDataContent { { new StringContent(ticket.Key), "key" }, { new StringContent(ticket.Token), "token" } })
        {
            var file = new ByteArrayContent(TestMedia.Png(3));
            file.Headers.ContentType = new MediaTypeHeaderValue(ticket.ContentType);
            form.Add(file, "file", "cover.png");
            (await browser.PostAsync(ticket.Url, form)).EnsureSuccessStatusCode();
        }

        upload.SetResult(new MediaUploader.UploadOutcome(200, "{}"));
        await choosing;

        Assert.Equal([ticket.Key], uploaded);
        Assert.True(fake.Objects.ContainsKey((FakeQiniu.Bucket, ticket.Key)));
    }

    [Fact]
    public async Task An_upload_the_store_never_received_is_refused_at_confirmation()
    {
        UseApp();
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render();
        module.Setup<MediaUploader.UploadOutcome>("upload", _ => true).SetResult(new MediaUploader.UploadOutcome(200, "{}"));

        await cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("intro.webm", 1000, "video/webm")));

        Assert.Empty(uploaded);
        Assert.Contains("没有找到上传的文件", cut.Find(".media-uploader-error").TextContent);
    }

    [Fact]
    public async Task A_failed_part_shows_its_retry_and_a_cancelled_upload_says_so_without_a_key()
    {
        UseApp();
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render();
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);

        var choosing = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("intro.webm", 50_000_000, "video/webm")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        await cut.InvokeAsync(() => cut.Instance.OnStatus(new(30, 2, 6, 0, "第 3 片上传失败（503），2 秒后第 2 次重试…")));
        var retry = cut.Find(".media-uploader-retry").TextContent;
        cut.Find(".media-uploader-cancel").Click();
        upload.SetResult(new MediaUploader.UploadOutcome(MediaUploader.UploadOutcome.Cancelled, "cancelled"));
        await choosing;

        Assert.Contains("第 3 片上传失败（503），2 秒后第 2 次重试", retry);
        Assert.Contains("已取消上传", cut.Find(".media-uploader-notice").TextContent);
        Assert.Single(module.Invocations["cancel"]);
        Assert.Empty(cut.FindAll(".media-uploader-error"));
        Assert.Empty(uploaded);
    }

    [Fact]
    public async Task After_a_reload_the_unfinished_upload_is_offered_and_the_same_file_continues_it_under_the_same_key()
    {
        var app = UseApp();
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render();
        var first = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);
        var bytes = TestMedia.Webm(5000);
        var started = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("lesson.webm", bytes.Length, "video/webm")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var original = Assert.IsType<UploadTicket>(module.Invocations["upload"][0].Arguments[1]);
        first.SetResult(new MediaUploader.UploadOutcome(0, ""));
        await started;

        // The page is reloaded: a new component, and the script remembers the upload.
        var (again, uploadedAgain, moduleAgain) = Render();
        await again.InvokeAsync(() => again.Instance.OnPendingUpload(new("lesson.webm", bytes.Length, 45)));
        var offer = again.Find(".media-uploader-pending").TextContent;
        var second = moduleAgain.Setup<MediaUploader.UploadOutcome>("upload", _ => true);
        var resumed = again.InvokeAsync(() => again.Instance.OnFileChosen(new("lesson.webm", bytes.Length, "video/webm", original.ConfirmToken)));
        again.WaitForAssertion(() => Assert.Single(moduleAgain.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(moduleAgain.Invocations["upload"][0].Arguments[1]);
        var status = again.Find(".media-uploader-status").TextContent;
        await app.Services.GetRequiredService<MediaUploads>().ReceiveAsync(ticket.Token, new MemoryStream(bytes), bytes.Length, default);
        second.SetResult(new MediaUploader.UploadOutcome(200, ""));
        await resumed;

        Assert.Contains("网络错误", cut.Find(".media-uploader-error").TextContent);
        Assert.Contains("lesson.webm", offer);
        Assert.Contains("已传 45%", offer);
        Assert.Contains("继续上传", status);
        Assert.Equal(original.Key, ticket.Key);
        Assert.Equal(original.ConfirmToken, ticket.ConfirmToken);
        Assert.NotEqual(original.Token, ticket.Token);
        Assert.Equal([original.Key], uploadedAgain);
        Assert.Empty(uploaded);
    }

    [Fact]
    public async Task A_file_over_the_limit_or_of_another_type_is_refused_before_anything_is_sent()
    {
        UseApp();
        await SignInAsAdminAsync();
        var (cut, uploaded, module) = Render(maxBytes: 1000);

        await cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("intro.webm", 1001, "video/webm")));
        var tooBig = cut.Find(".media-uploader-error").TextContent;
        await cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("notes.pdf", 10, "application/pdf")));

        Assert.Contains("文件过大", tooBig);
        Assert.Contains("不支持的文件类型", cut.Find(".media-uploader-error").TextContent);
        Assert.Empty(module.Invocations["upload"]);
        Assert.Empty(uploaded);
    }

    [Fact]
    public async Task A_learner_sees_a_disabled_button_and_cannot_upload()
    {
        UseApp();
        auth.SetAuthorized("learner");
        var (cut, uploaded, module) = Render();

        await cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("intro.webm", 10, "video/webm")));

        Assert.True(cut.Find("input[type=file]").HasAttribute("disabled"));
        Assert.Contains("需要管理员权限", cut.Markup);
        Assert.Empty(module.Invocations["upload"]);
        Assert.Empty(uploaded);
    }

    /// <summary>A learner made admin by the seeded one, signed in on the page: the admin a test then demotes or locks.</summary>
    private async Task<(LuffyAppFactory App, AdminActor Helper, AdminActor Boss)> SignInAsHelperAdminAsync()
    {
        var app = UseApp();
        var (id, name) = await app.CreateLearnerAsync("helper");
        var boss = await app.AdminAsync();
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(id, true, "临时帮忙", boss))).Succeeded);
        var helper = new AdminActor(id, name);
        SignInAs(helper);
        return (app, helper, boss);
    }

    [Fact]
    public async Task An_admin_demoted_after_the_page_opened_gets_no_ticket_and_nothing_is_sent()
    {
        var (app, helper, boss) = await SignInAsHelperAdminAsync();
        var (cut, uploaded, module) = Render();
        Assert.False(cut.Find("input[type=file]").HasAttribute("disabled"));

        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(helper.UserId, false, "帮完了", boss))).Succeeded);
        await cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("intro.webm", 10, "video/webm")));

        Assert.Contains("需要管理员权限才能上传", cut.Find(".media-uploader-error").TextContent);
        Assert.Empty(module.Invocations["upload"]);
        Assert.Empty(uploaded);
    }

    [Fact]
    public async Task An_admin_locked_while_the_file_was_on_its_way_gets_no_confirmation()
    {
        var (app, helper, boss) = await SignInAsHelperAdminAsync();
        var (cut, uploaded, module) = Render(prefix: "covers", isPrivate: false);
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);

        var choosing = cut.InvokeAsync(() => cut.Instance.OnFileChosen(new("cover.png", 8, "image/png")));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][0].Arguments[1]);
        await app.Services.GetRequiredService<MediaUploads>().ReceiveAsync(ticket.Token, new MemoryStream(TestMedia.Png(8)), 8, default);
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetLockedAsync(helper.UserId, true, "离职", boss))).Succeeded);
        upload.SetResult(new MediaUploader.UploadOutcome(200, "{}"));
        await choosing;

        Assert.Contains("需要管理员权限才能上传", cut.Find(".media-uploader-error").TextContent);
        Assert.Empty(uploaded);
    }
}
