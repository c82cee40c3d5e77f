using System.Net.Http.Headers;
using System.Text.Json;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// Chunked uploads a browser abandoned are discarded by the hourly sweep once their resume window has passed, with
/// their partial data; uploads still inside the window are kept, and so are claims of tickets that may still be used.
/// </summary>
public sealed class AbandonedUploadsTests
{
    private static async Task<string> StartUploadAsync(HttpClient admin, byte[] firstChunk, long length)
    {
        var (_, body) = await admin.PostJsonAsync("/api/v1/storage/uploads/ticket/", new { file_name = "lesson.webm", size = length, key_prefix = "videos", @private = true });
        var ticket = body.GetProperty("data");
        var create = new HttpRequestMessage(HttpMethod.Post, ticket.GetProperty("url").GetString());
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", length.ToString());
        create.Headers.Add(MediaUploads.TicketHeader, ticket.GetProperty("token").GetString());
        var url = (await admin.SendAsync(create)).Headers.Location!.ToString();

        var patch = new HttpRequestMessage(HttpMethod.Patch, url) { Content = new ByteArrayContent(firstChunk) };
        patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", "0");
        (await admin.SendAsync(patch)).EnsureSuccessStatusCode();
        return url[(url.LastIndexOf('/') + 1)..];
    }

    /// <summary>
    /// Waits for the sweep to remove <paramref name="part"/>, moving the clock on an hour at a time in case the sweeper
    /// had not yet begun its next wait when the clock last moved (at most 5 hours: the second upload stays young).
    /// </summary>
    private static async Task<bool> SweptAsync(FakeTimeProvider clock, string part)
    {
        for (var hour = 0; hour < 5; hour++)
        {
            for (var wait = 0; wait < 40 && File.Exists(part); wait++)
            {
                await Task.Delay(100);
            }

            if (!File.Exists(part))
            {
                return true;
            }

            clock.Advance(TimeSpan.FromHours(1));
        }

        return !File.Exists(part);
    }

    [Fact]
    public async Task The_hourly_sweep_discards_uploads_past_their_resume_window_and_keeps_the_rest()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new LuffyAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) };
        var client = app.CreateClient();
        var admin = client.WithBearer(await client.LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword));
        var uploads = Path.Combine(app.Root, "uploads");
        var bytes = TestMedia.Webm(300_000);

        var abandoned = await StartUploadAsync(admin, bytes[..100_000], bytes.Length);
        clock.Advance(TimeSpan.FromHours(20));
        var recent = await StartUploadAsync(admin, bytes[..100_000], bytes.Length);
        var orphanPart = Path.Combine(uploads, new string('a', 32) + ".part");
        await File.WriteAllBytesAsync(orphanPart, [1, 2, 3]);
        File.SetLastWriteTimeUtc(orphanPart, DateTime.UtcNow.AddDays(-2));
        var oldClaim = Path.Combine(uploads, "claims", new string('b', 64));
        await File.WriteAllBytesAsync(oldClaim, []);
        File.SetLastWriteTimeUtc(oldClaim, DateTime.UtcNow.AddHours(-1));
        var liveClaims = Directory.GetFiles(Path.Combine(uploads, "claims")).Where(c => c != oldClaim).ToList();

        // 25 hours after the first upload began: past the default one-day window for it, not for the second.
        clock.Advance(TimeSpan.FromHours(5));
        var swept = await SweptAsync(clock, Path.Combine(uploads, abandoned + ".part"));

        Assert.True(swept, "the abandoned upload's partial data is still there");
        Assert.False(File.Exists(Path.Combine(uploads, abandoned + ".json")));
        Assert.True(File.Exists(Path.Combine(uploads, recent + ".json")));
        Assert.Equal(100_000, new FileInfo(Path.Combine(uploads, recent + ".part")).Length);
        Assert.False(File.Exists(orphanPart));
        Assert.False(File.Exists(oldClaim));
        Assert.All(liveClaims, c => Assert.True(File.Exists(c), $"{c} was a claim of a ticket still valid"));
        var sessions = app.Services.GetRequiredService<UploadSessions>();
        Assert.Equal([recent], (await sessions.ListAsync(CancellationToken.None)).Select(s => s.Id));
    }
}
