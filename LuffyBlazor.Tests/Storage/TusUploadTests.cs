using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.FastDfs;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>
/// The app's resumable upload endpoint (tus 1.0: creation, HEAD, PATCH, termination) spoken by hand, then by an
/// independent tus client (npm tus-js-client 4.3.1, test-support/node/tus-peer.mjs) that stops half-way and resumes
/// in a second run; into the local store and into FastDFS (an appender file grown chunk by chunk).
/// </summary>
public sealed class TusUploadTests
{
    private static async Task<HttpClient> AdminAsync(LuffyAppFactory app, HttpClient? client = null)
    {
        client ??= app.CreateClient();
        return client.WithBearer(await client.LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword));
    }

    private static async Task<JsonElement> TicketAsync(HttpClient admin, string fileName, long size)
    {
        var (_, body) = await admin.PostJsonAsync("/api/v1/storage/uploads/ticket/", new { file_name = fileName, size, key_prefix = "videos", @private = true });
        return body.GetProperty("data");
    }

    private static HttpRequestMessage Tus(HttpMethod method, string url, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static HttpRequestMessage Patch(string url, long offset, byte[] chunk)
    {
        var content = new ByteArrayContent(chunk);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        var request = Tus(HttpMethod.Patch, url, content);
        request.Headers.Add("Upload-Offset", offset.ToString());
        return request;
    }

    private static HttpRequestMessage Create(JsonElement ticket, long length)
    {
        var request = Tus(HttpMethod.Post, ticket.GetProperty("url").GetString()!);
        request.Headers.Add("Upload-Length", length.ToString());
        request.Headers.Add(MediaUploads.TicketHeader, ticket.GetProperty("token").GetString());
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();

    [Fact]
    public async Task A_file_goes_up_in_chunks_resumes_from_the_servers_offset_and_is_confirmed()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var bytes = TestMedia.Webm(250_000);
        var ticket = await TicketAsync(admin, "lesson.webm", bytes.Length);

        var noVersion = await admin.PostAsync(ticket.GetProperty("url").GetString(), null);
        var created = await admin.SendAsync(Create(ticket, bytes.Length));
        var url = created.Headers.Location!.ToString();
        var first = await admin.SendAsync(Patch(url, 0, bytes[..100_000]));
        var wrongOffset = await admin.SendAsync(Patch(url, 50_000, bytes[50_000..150_000]));
        var head = await admin.SendAsync(Tus(HttpMethod.Head, url));
        var second = await admin.SendAsync(Patch(url, 100_000, bytes[100_000..]));
        var again = await admin.SendAsync(Create(ticket, bytes.Length));
        var (confirmCode, confirmed) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/",
            new { key = ticket.GetProperty("key").GetString(), confirm_token = ticket.GetProperty("confirm_token").GetString() });

        Assert.Equal(HttpStatusCode.PreconditionFailed, noVersion.StatusCode);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Matches("^/api/v1/storage/tus/[0-9a-f]{32}$", url);
        Assert.Equal("1.0.0", Header(created, "Tus-Resumable"));
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("100000", Header(first, "Upload-Offset"));
        Assert.Equal(HttpStatusCode.Conflict, wrongOffset.StatusCode);
        Assert.Equal("100000", Header(wrongOffset, "Upload-Offset"));
        Assert.Equal("100000", Header(head, "Upload-Offset"));
        Assert.Equal(bytes.Length.ToString(), Header(head, "Upload-Length"));
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(bytes.Length.ToString(), Header(second, "Upload-Offset"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("只能上传一次", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, confirmCode);
        Assert.Equal(bytes.Length, confirmed.GetProperty("data").GetProperty("size").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(Tus(HttpMethod.Head, url))).StatusCode);
        await using var stored = await app.Services.GetRequiredService<IFileStore>().OpenReadAsync(ticket.GetProperty("key").GetString()!);
        Assert.Equal(bytes, await FakeFastDfs.ReadAllAsync(stored));
    }

    [Fact]
    public async Task A_cancelled_upload_is_removed_and_more_than_announced_is_refused()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var ticket = await TicketAsync(admin, "lesson.webm", 1000);
        var url = (await admin.SendAsync(Create(ticket, 1000))).Headers.Location!.ToString();
        var tooMuch = await admin.SendAsync(Patch(url, 0, TestMedia.Webm(1500)));
        var deleted = await admin.SendAsync(Tus(HttpMethod.Delete, url));
        var anonymous = await app.CreateClient().SendAsync(Tus(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        Assert.Contains("超过了声明的文件大小", await tooMuch.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.SendAsync(Tus(HttpMethod.Head, url))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(app.Root, "uploads"), "*.part"));
    }

    [Theory]
    [InlineData("Local")]
    [InlineData("FastDfs")]
    public async Task The_tus_js_client_uploads_through_the_app_stops_half_way_and_resumes_in_a_second_run(string provider)
    {
        await using var fastDfs = FakeFastDfs.Start();
        await using var app = new LuffyAppFactory(provider == "FastDfs" ? fastDfs.Settings() : new Dictionary<string, string?>());
        var baseUrl = app.StartKestrel();
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var admin = await AdminAsync(app, http);
        var bytes = TestMedia.Mp4(700_000);
        var ticket = await TicketAsync(admin, "lesson.mp4", bytes.Length);
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = admin.DefaultRequestHeaders.Authorization!.ToString(),
            [MediaUploads.TicketHeader] = ticket.GetProperty("token").GetString()!,
        };
        var endpoint = baseUrl + ticket.GetProperty("url").GetString();

        var stopped = await NodePeer.RunAsync("tus-peer.mjs", new { cmd = "upload", endpoint, headers, base64 = Convert.ToBase64String(bytes), chunkSize = 200_000, stopAfterChunks = 2 });
        var resumed = await NodePeer.RunAsync("tus-peer.mjs", new { cmd = "upload", endpoint, headers, base64 = Convert.ToBase64String(bytes), chunkSize = 200_000, uploadUrl = stopped.GetProperty("uploadUrl").GetString() });
        var (confirmCode, _) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/",
            new { key = ticket.GetProperty("key").GetString(), confirm_token = ticket.GetProperty("confirm_token").GetString() });

        Assert.Equal("4.3.1", stopped.GetProperty("client").GetString());
        Assert.False(stopped.GetProperty("completed").GetBoolean());
        Assert.Equal(400_000, stopped.GetProperty("offset").GetInt64());
        Assert.True(resumed.GetProperty("completed").GetBoolean());
        Assert.Equal(2, resumed.GetProperty("chunksSent").GetInt32());
        Assert.Equal(HttpStatusCode.OK, confirmCode);
        await using var stored = await app.Services.GetRequiredService<IFileStore>().OpenReadAsync(ticket.GetProperty("key").GetString()!);
        Assert.Equal(bytes, await FakeFastDfs.ReadAllAsync(stored));
        if (provider == "FastDfs")
        {
            Assert.Single(fastDfs.Requests, r => r == ("storage", (byte)23));
            Assert.Equal(3, fastDfs.Requests.Count(r => r == ("storage", (byte)24)));
            Assert.NotNull(await app.Services.GetRequiredService<IFastDfsFileIndex>().FindAsync(ticket.GetProperty("key").GetString()!));
        }
    }
}
