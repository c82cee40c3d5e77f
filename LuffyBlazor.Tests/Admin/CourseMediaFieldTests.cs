using System.Collections.Concurrent;
using Bunit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace LuffyBlazor.Tests.Admin;

/// <summary>The one upload component, over an in-memory file store that can hold an upload back.</summary>
public sealed class CourseMediaFieldTests : BunitTestContext
{
    private readonly MemoryStore store = new();

    public CourseMediaFieldTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IFileStore>(store);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<CourseMedia>();
    }

    [Fact]
    public void An_upload_goes_into_the_file_store_under_a_new_key_and_a_wrong_file_is_refused()
    {
        string? uploaded = null;
        var field = Render<CourseMediaField>(p => p
            .Add(f => f.Kind, MediaKind.CourseCover).Add(f => f.Owner, "77").Add(f => f.Label, "封面图").Add(f => f.Id, "cover")
            .Add(f => f.ValueChanged, key => uploaded = key));
        var input = field.FindComponent<InputFile>();

        input.UploadFiles(InputFileContent.CreateFromText("<svg/>", "cover.svg", contentType: "image/svg+xml"));
        field.WaitForAssertion(() => Assert.Contains("只能上传", field.Find(".media-error").TextContent));
        Assert.Null(uploaded);

        var png = new byte[300_000];
        Random.Shared.NextBytes(png);
        input.UploadFiles(InputFileContent.CreateFromBinary(png, "封面.PNG", contentType: "image/png"));

        field.WaitForAssertion(() => Assert.NotNull(uploaded), TimeSpan.FromSeconds(10));
        Assert.Matches(@"^courses/77/cover-\d{14}-[0-9a-f]{8}\.png$", uploaded);
        Assert.Equal(png, store.Files[uploaded!]);
        Assert.Empty(field.FindAll(".media-error"));
        Assert.Empty(field.FindAll(".media-progress"));
    }

    [Fact]
    public async Task The_progress_bar_shows_while_the_file_is_copied()
    {
        var field = Render<CourseMediaField>(p => p.Add(f => f.Kind, MediaKind.LessonVideo).Add(f => f.Owner, "5").Add(f => f.Id, "video"));
        store.Hold = new TaskCompletionSource();

        var input = field.FindComponent<InputFile>();

        // UploadFiles waits for the upload handler, which the store holds back: run it beside the test.
        var upload = Task.Run(() => input.UploadFiles(InputFileContent.CreateFromBinary(new byte[64 * 1024], "lesson.mp4", contentType: "video/mp4")));

        field.WaitForAssertion(() => Assert.StartsWith("100% · 64 KB / 64 KB", field.Find(".media-progress-text").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.NotNull(field.Find(".media-progress"));
        store.Hold.SetResult();
        await upload;
        field.WaitForAssertion(() => Assert.Empty(field.FindAll(".media-progress")));
        Assert.Single(store.Files);
    }

    [Fact]
    public void A_stored_cover_is_previewed_and_can_be_replaced_or_removed()
    {
        string? value = "courses/1/cover-20261125000000-0a1b2c3d.png";
        var field = Render<CourseMediaField>(p => p
            .Add(f => f.Kind, MediaKind.CourseCover).Add(f => f.Owner, "1").Add(f => f.Value, value).Add(f => f.AllowRemove, true)
            .Add(f => f.ValueChanged, key => value = key));

        Assert.Equal("/media/courses/1/cover-20261125000000-0a1b2c3d.png", field.Find("img.media-preview").GetAttribute("src"));
        Assert.Contains("更换", field.Markup);
        field.Find(".media-remove").Click();

        Assert.Null(value);
    }

    /// <summary>Files in memory; <see cref="Hold"/> keeps a save waiting after its content was read.</summary>
    private sealed class MemoryStore : IFileStore
    {
        public ConcurrentDictionary<string, byte[]> Files { get; } = new();

        public TaskCompletionSource? Hold { get; set; }

        public async Task SaveAsync(string key, Stream content, string contentType, CancellationToken ct = default)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            if (Hold is { } hold)
            {
                await hold.Task;
            }

            Files[StorageKeys.Require(key)] = copy.ToArray();
        }

        public Task<StoredFile?> StatAsync(string key, CancellationToken ct = default) =>
            Task.FromResult(Files.TryGetValue(key, out var bytes) ? new StoredFile(key, bytes.Length, "application/octet-stream", DateTimeOffset.UtcNow) : null);

        public Task<Stream> OpenReadAsync(string key, CancellationToken ct = default) => Task.FromResult<Stream>(new MemoryStream(Files[key]));

        public Task DeleteAsync(string key, CancellationToken ct = default)
        {
            Files.TryRemove(key, out _);
            return Task.CompletedTask;
        }

        public string GetPublicUrl(string key) => "/media/" + key;
    }
}
