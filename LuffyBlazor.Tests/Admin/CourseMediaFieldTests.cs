using Bunit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

/// <summary>
/// The course media field: the shared uploader with the course folders, and what is stored now. The browser script is
/// played by the test (it sends the bytes where the ticket says); ticket, store and confirmation are the app's own.
/// </summary>
public sealed class CourseMediaFieldTests(LuffyAppFactory app) : AdminComponentTest(app), IClassFixture<LuffyAppFactory>
{
    private async Task<string?> UploadAsync(IRenderedComponent<CourseMediaField> field, string fileName, byte[] bytes, BunitJSModuleInterop module)
    {
        var upload = module.Setup<MediaUploader.UploadOutcome>("upload", _ => true);
        var uploader = field.FindComponent<MediaUploader>();
        var choosing = field.InvokeAsync(() => uploader.Instance.OnFileChosen(new(fileName, bytes.Length, "")));
        field.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["upload"]), TimeSpan.FromSeconds(10));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][^1].Arguments[1]);
        await App.Services.GetRequiredService<MediaUploads>().ReceiveAsync(ticket.Token, new MemoryStream(bytes), bytes.Length, default);
        upload.SetResult(new MediaUploader.UploadOutcome(200, "{}"));
        await choosing;
        return ticket.Key;
    }

    private (IRenderedComponent<CourseMediaField> Field, BunitJSModuleInterop Module) RenderField(
        bool video, string? value, Action<string?> changed, Action<MediaUploader.UploadedFile?>? fileChanged = null)
    {
        var module = JSInterop.SetupModule("./js/media-uploader.js");
        module.Mode = JSRuntimeMode.Loose;
        var field = Render<CourseMediaField>(p => p
            .Add(f => f.Video, video).Add(f => f.Value, value).Add(f => f.AllowRemove, true).Add(f => f.Label, "封面图")
            .Add(f => f.ValueChanged, EventCallback.Factory.Create<string?>(this, changed))
            .Add(f => f.FileChanged, EventCallback.Factory.Create<MediaUploader.UploadedFile?>(this, fileChanged ?? (_ => { }))));
        field.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["init"]), TimeSpan.FromSeconds(10));
        return (field, module);
    }

    [Fact]
    public async Task A_cover_is_uploaded_into_the_public_course_folder_and_its_key_becomes_the_value()
    {
        await SignInAsAdminAsync();
        string? value = null;
        var (field, module) = RenderField(video: false, value: null, key => value = key);
        var png = TestMedia.Png(30_000);

        var key = await UploadAsync(field, "封面.PNG", png, module);

        Assert.Equal(key, value);
        Assert.Matches(@"^courses/covers/\d{6}/[0-9a-f]{24}\.png$", value);
        Assert.Equal(png.Length, (await App.Services.GetRequiredService<IFileStore>().StatAsync(value!))!.Length);
        Assert.True(CourseMedia.IsBackOfficeUpload(value));
        Assert.Contains("未上传", field.Markup);
    }

    [Fact]
    public async Task A_lesson_video_is_private_linked_through_a_signed_url_and_named_after_the_file_uploaded()
    {
        await SignInAsAdminAsync();
        string? value = null;
        MediaUploader.UploadedFile? file = null;
        var (field, module) = RenderField(video: true, value: null, key => value = key, f => file = f);

        var key = await UploadAsync(field, "第一课.webm", TestMedia.Webm(2048), module);
        field.Render(p => p.Add(f => f.Value, value).Add(f => f.FileName, file?.FileName));

        Assert.StartsWith("private/courses/videos/", key);
        Assert.Equal(key, value);
        Assert.Equal(new MediaUploader.UploadedFile(key!, "第一课.webm"), file);
        Assert.Equal(("第一课.webm", key), (field.Find("a.media-link").TextContent, field.Find("a.media-link").GetAttribute("title")));
        var href = field.Find("a.media-link").GetAttribute("href")!;
        Assert.StartsWith("/media/" + key + "?e=", href);
        Assert.Contains("&token=", href);
    }

    [Fact]
    public async Task A_stored_cover_is_previewed_and_can_be_removed()
    {
        await SignInAsAdminAsync();
        string? value = "covers/go-basics.svg";
        var (field, _) = RenderField(video: false, value, key => value = key);

        Assert.Equal("/media/covers/go-basics.svg", field.Find("img.media-preview").GetAttribute("src"));
        Assert.Contains("更换", field.Find(".media-uploader-button").TextContent);
        field.Find(".media-remove").Click();

        Assert.Null(value);
    }

    [Fact]
    public async Task Lesson_rows_name_each_video_by_its_file_not_by_its_key()
    {
        var admin = await SignInAsAdminAsync();
        var vue = await App.QueryAsync(db => db.Courses.Where(c => c.Name == "Vue 3 全家桶实战").Select(c => c.Id).SingleAsync());
        var lessons = await App.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(vue));
        var (seeded, uploaded) = (lessons[0].Lessons[0], lessons[0].Lessons[1]);
        const string key = "private/courses/videos/202611/0a1b2c3d4e5f60718293a4b5.mp4";
        await App.WithAsync<CourseContentAdmin, bool>(async c =>
        {
            await c.SetLessonVideoAsync(uploaded.Id, key, "第2课-组件通信.mp4", admin);
            return true;
        });
        JSInterop.SetupModule("./js/media-uploader.js").Mode = JSRuntimeMode.Loose;

        var editor = Render<CourseContentEditor>(p => p.Add(e => e.CourseId, vue));

        editor.WaitForAssertion(() => Assert.NotEmpty(editor.FindAll("tr.lesson a.media-link")), TimeSpan.FromSeconds(5));
        var links = editor.FindAll("tr.lesson a.media-link").Take(2).Select(a => (a.TextContent, a.GetAttribute("title"))).ToList();
        Assert.Equal([("vue-reactivity.mp4", seeded.VideoKey), ("第2课-组件通信.mp4", key)], links);
    }

    [Theory]
    [InlineData("courses/covers/202611/0a1b.png", true)]
    [InlineData("private/courses/videos/202611/0a1b.webm", true)]
    [InlineData("covers/go-basics.svg", false)]
    [InlineData("private/videos/python-intro.webm", false)]
    [InlineData("courses/../secrets.txt", false)]
    [InlineData(null, false)]
    public void Only_back_office_uploads_are_ever_deleted_when_replaced(string? key, bool deletable) =>
        Assert.Equal(deletable, CourseMedia.IsBackOfficeUpload(key));
}
