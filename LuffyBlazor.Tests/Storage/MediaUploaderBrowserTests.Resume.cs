using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// A lesson video over 100 MB uploaded from Chromium to each store that takes browser uploads — the fake Qiniu
/// (resumable v2 straight to its upload host), the local S3 server (multipart to presigned part URLs) and the local
/// store (tus through the app) — with part 4 failing (the page shows the retry), the page reloaded half-way, the same
/// file chosen again: the upload goes on from the first missing part, and the stored video plays.
/// </summary>
public sealed partial class MediaUploaderBrowserTests
{
    private const long VideoSize = 105L * 1024 * 1024;

    [Theory]
    [InlineData("Local")]
    [InlineData("S3")]
    [InlineData("Qiniu")]
    public async Task A_video_over_100_MB_survives_a_reload_half_way_goes_on_from_where_it_stopped_and_plays(string store)
    {
        await using var qiniu = store == "Qiniu" ? await FakeQiniu.StartAsync() : null;
        await using var s3 = store == "S3" ? await LocalS3Server.StartAsync() : null;
        await using var app = new BrowserApp(qiniu?.Settings() ?? s3?.Settings() ?? new Dictionary<string, string?>());
        var baseUrl = Start(app);
        var folder = Directory.CreateTempSubdirectory("luffy-video-").FullName;
        try
        {
            var video = TestMedia.LargeMp4(folder, VideoSize);
            var page = await AdminPageAsync(baseUrl);
            var sent = new ConcurrentQueue<(int Phase, int Part)>();
            var phase = 1;
            page.Context.Request += (_, request) =>
            {
                if (PartOf(request) is { } part)
                {
                    sent.Enqueue((phase, part));
                }
            };
            // Before the reload, part 4 never gets through: the script retries it and says so.
            await page.RouteAsync(url => url.Contains("/uploads/") || url.Contains("partNumber=") || url.Contains("/api/v1/storage/tus/"),
                route => PartOf(route.Request) >= 4 ? route.AbortAsync("failed") : route.ContinueAsync());

            await page.SetInputFilesAsync("#upload-video input[type=file]", video);
            var retry = await page.WaitForSelectorAsync("#upload-video .media-uploader-retry", new PageWaitForSelectorOptions { Timeout = 60_000 });
            var retryText = await retry!.TextContentAsync();
            await page.UnrouteAllAsync();
            phase = 2;
            await page.ReloadAsync();
            await WaitUntilReadyAsync(page);
            var offer = await page.WaitForSelectorAsync("#upload-video .media-uploader-pending");
            var offerText = await offer!.TextContentAsync();
            await page.SetInputFilesAsync("#upload-video input[type=file]", video);
            await page.WaitForSelectorAsync("#uploaded-key", new PageWaitForSelectorOptions { Timeout = 120_000 });

            var key = await page.TextContentAsync("#uploaded-key");
            var played = await page.EvalOnSelectorAsync<double[]>("#uploaded-preview", """
                async v => {
                  if (v.readyState < 1) await new Promise((ok, fail) => { v.onloadedmetadata = ok; v.onerror = () => fail(new Error('video error ' + (v.error && v.error.code))); });
                  v.muted = true;
                  await v.play();
                  const start = v.currentTime;
                  // Playback may first wait on range requests when the machine is busy: give it up to 10 s to move.
                  const until = Date.now() + 10000;
                  while (v.currentTime <= start && Date.now() < until) await new Promise(r => setTimeout(r, 100));
                  return [v.readyState, v.duration, v.currentTime - start];
                }
                """);
            var stored = await app.Services.GetRequiredService<IFileStore>().StatAsync(key!);

            Assert.Matches("第 4 片上传失败（网络错误），1 秒后第 1 次重试", retryText);
            Assert.Contains("lesson-", offerText);
            Assert.Matches(@"已传 [1-9]\d?%", offerText);
            Assert.Contains(sent, s => s is (1, 3));
            Assert.DoesNotContain(sent, s => s.Phase == 2 && s.Part < 4);
            Assert.Contains(sent, s => s is (2, 4));
            Assert.StartsWith("private/videos/", key);
            Assert.Equal(VideoSize, stored!.Length);
            Assert.True(played[0] >= 1, $"readyState {played[0]}");
            Assert.True(played[1] > 0, $"duration {played[1]}");
            Assert.True(played[2] > 0, "the video did not advance");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Which part of an upload a request sends: Qiniu's <c>…/uploads/{id}/{n}</c>, S3's <c>partNumber=n</c>, a tus PATCH's offset.</summary>
    private static int? PartOf(IRequest request)
    {
        if (request.Method == "PUT" && Regex.Match(request.Url, @"/uploads/[^/?]+/(\d+)$") is { Success: true } qiniu)
        {
            return int.Parse(qiniu.Groups[1].Value);
        }

        if (request.Method == "PUT" && Regex.Match(request.Url, @"[?&]partNumber=(\d+)") is { Success: true } s3)
        {
            return int.Parse(s3.Groups[1].Value);
        }

        if (request.Method == "PATCH" && request.Headers.TryGetValue("upload-offset", out var offset))
        {
            return (int)(long.Parse(offset) / (8 * 1024 * 1024)) + 1;
        }

        return null;
    }
}
