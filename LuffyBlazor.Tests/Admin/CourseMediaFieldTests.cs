using Bunit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
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
        field.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["upload"]));
        var ticket = Assert.IsType<UploadTicket>(module.Invocations["upload"][^1].Arguments[1]);
        await App.Services.GetRequiredService<MediaUploads>().ReceiveAsync(ticket.Token, new MemoryStream(bytes), bytes.Length, default);
        upload.SetResult(new MediaUploader.UploadOutcome(200, "{}"));
        await choosing;
        return ticket.Key;
    }

    private (IRenderedComponent<CourseMediaField> Field, BunitJSModuleInterop Module) RenderField(
        bool video, string? value, Action<string?> changed)
    {
        var module = JSInterop.SetupModule("./js/media-uploader.js");
        module.Mode = JSRuntimeMode.Loose;
        var field = Render<CourseMediaField>(p => p
            .Add(f => f.Video, video).Add(f => f.Value, value).Add(f => f.AllowRemove, true).Add(f => f.Label, "封面图")
            .Add(f => f.ValueChanged, EventCallback.Factory.Create<string?>(this, changed)));
        field.WaitForAssertion(() => Assert.NotEmpty(module.Invocations["init"]));
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
    public async Task A_lesson_video_is_private_and_linked_through_a_signed_url()
    {
        await SignInAsAdminAsync();
        string? value = null;
        var (field, module) = RenderField(video: true, value: null, key => value = key);

        var key = await UploadAsync(field, "第一课.webm", TestMedia.Webm(2048), module);
        field.Render(p => p.Add(f => f.Value, value));

        Assert.StartsWith("private/courses/videos/", key);
        Assert.Equal(key, value);
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
