using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Users;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Features.Storage.Qiniu;
using LuffyBlazor.Features.Storage.Uploads;
using LuffyBlazor.Tests.Admin;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Storage;

/// <summary>Browser uploads through <c>/api/v1/storage/uploads/</c>: ticket for one key, upload, confirmation by stat.</summary>
public sealed class MediaUploadApiTests : IAsyncLifetime
{
    private FakeQiniu fake = null!;

    public async Task InitializeAsync() => fake = await FakeQiniu.StartAsync();

    public async Task DisposeAsync() => await fake.DisposeAsync();

    private static async Task<HttpClient> AdminAsync(LuffyAppFactory app)
    {
        var client = app.CreateClient();
        return client.WithBearer(await client.LoginForTokenAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword));
    }

    private static Task<(HttpStatusCode Code, JsonElement Body)> TicketAsync(HttpClient client, string fileName, long size, string prefix = "videos", bool isPrivate = true, long? maxBytes = null) =>
        client.PostJsonAsync("/api/v1/storage/uploads/ticket/", new { file_name = fileName, size, key_prefix = prefix, @private = isPrivate, max_bytes = maxBytes });

    /// <summary>Step 3 as a client makes it: the ticket's key and its confirmation token.</summary>
    private static Task<(HttpStatusCode Code, JsonElement Body)> ConfirmAsync(HttpClient client, JsonElement ticket) =>
        client.PostJsonAsync("/api/v1/storage/uploads/confirm/",
            new { key = ticket.GetProperty("key").GetString(), confirm_token = ticket.GetProperty("confirm_token").GetString() });

    private static async Task<(HttpStatusCode Code, JsonElement Body)> PutAsync(HttpClient client, string? ticket, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, MediaUploads.AppUploadPath) { Content = new ByteArrayContent(bytes) };
        if (ticket is not null)
        {
            request.Headers.Add(MediaUploads.TicketHeader, ticket);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await ApiClient.ReadJsonAsync(response));
    }

    [Fact]
    public async Task Only_admins_may_ask_for_tickets_upload_or_confirm()
    {
        await using var app = new LuffyAppFactory();
        var anonymous = app.CreateClient();
        var (_, learnerName) = await app.CreateLearnerAsync();
        var learner = app.CreateClient();
        learner.WithBearer(await learner.LoginForTokenAsync(learnerName, AppScenarios.LearnerPassword));

        var (anonymousCode, anonymousBody) = await TicketAsync(anonymous, "a.webm", 10);
        var (learnerCode, _) = await TicketAsync(learner, "a.webm", 10);
        var (confirmCode, _) = await learner.PostJsonAsync("/api/v1/storage/uploads/confirm/", new { key = "covers/python-basics.svg" });
        var (putCode, _) = await PutAsync(learner, "x", [1]);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousCode);
        Assert.Equal(103, anonymousBody.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, learnerCode);
        Assert.Equal(HttpStatusCode.Forbidden, confirmCode);
        Assert.Equal(HttpStatusCode.Forbidden, putCode);
    }

    [Theory]
    [InlineData("demoted")]
    [InlineData("locked")]
    public async Task A_token_issued_to_an_admin_who_was_then_demoted_or_locked_gets_401_on_every_upload_endpoint(string change)
    {
        await using var app = new LuffyAppFactory();
        var (id, name) = await app.CreateLearnerAsync("helper");
        var boss = await app.AdminAsync();
        Assert.True((await app.WithAsync<UserAdmin, AdminActionOutcome>(u => u.SetAdminAsync(id, true, "临时帮忙", boss))).Succeeded);
        var helper = app.CreateClient();
        helper.WithBearer(await helper.LoginForTokenAsync(name, AppScenarios.LearnerPassword));
        var (before, ticketBody) = await TicketAsync(helper, "a.webm", 10);
        var ticket = ticketBody.GetProperty("data");
        Assert.Equal(HttpStatusCode.OK, before);

        var outcome = await app.WithAsync<UserAdmin, AdminActionOutcome>(u => change == "demoted"
            ? u.SetAdminAsync(id, false, "帮完了", boss)
            : u.SetLockedAsync(id, true, "离职", boss));
        Assert.True(outcome.Succeeded, outcome.Message);

        var (ticketCode, ticketRefusal) = await TicketAsync(helper, "a.webm", 10);
        var (putCode, _) = await PutAsync(helper, ticket.GetProperty("token").GetString(), [1]);
        var (confirmCode, _) = await ConfirmAsync(helper, ticket);

        // Demoting or locking renews the security stamp: the token's session is over (AccountSessions).
        Assert.Equal(HttpStatusCode.Unauthorized, ticketCode);
        Assert.Equal(103, ticketRefusal.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, putCode);
        Assert.Equal(HttpStatusCode.Unauthorized, confirmCode);
        Assert.Null(await app.Services.GetRequiredService<IFileStore>().StatAsync(ticket.GetProperty("key").GetString()!));
    }

    [Fact]
    public async Task Through_the_app_a_ticket_names_one_fresh_private_key_the_bytes_go_there_and_confirmation_gives_a_playable_url()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/linux-distros.webm"));

        var (ticketCode, ticketBody) = await TicketAsync(admin, "第一课 Intro.WEBM", bytes.Length);
        var ticket = ticketBody.GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;
        var (putCode, putBody) = await PutAsync(admin, ticket.GetProperty("token").GetString(), bytes);
        var (confirmCode, confirmBody) = await ConfirmAsync(admin, ticket);
        var url = confirmBody.GetProperty("data").GetProperty("url").GetString()!;
        var played = await app.CreateClient().GetByteArrayAsync(url);

        Assert.Equal(HttpStatusCode.OK, ticketCode);
        Assert.Equal("tus", ticket.GetProperty("mode").GetString());
        Assert.Equal("/api/v1/storage/tus/", ticket.GetProperty("url").GetString());
        Assert.Equal("video/webm", ticket.GetProperty("content_type").GetString());
        Assert.Matches(@"^private/videos/\d{6}/[0-9a-f]{24}\.webm$", key);
        Assert.Equal(HttpStatusCode.OK, putCode);
        Assert.Equal(key, putBody.GetProperty("data").GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, confirmCode);
        Assert.Equal(bytes.Length, confirmBody.GetProperty("data").GetProperty("size").GetInt64());
        Assert.Contains("token=", url);
        Assert.Equal(bytes, played);
    }

    [Fact]
    public async Task Tickets_refuse_unknown_types_and_oversized_files_with_clear_messages()
    {
        await using var app = new LuffyAppFactory(new Dictionary<string, string?> { ["Storage:MaxImageBytes"] = "1000" });
        var admin = await AdminAsync(app);

        var (exeCode, exeBody) = await TicketAsync(admin, "setup.exe", 10, prefix: "covers", isPrivate: false);
        var (bigCode, bigBody) = await TicketAsync(admin, "cover.png", 1001, prefix: "covers", isPrivate: false);
        var (callerCode, callerBody) = await TicketAsync(admin, "cover.png", 600, prefix: "covers", isPrivate: false, maxBytes: 500);
        var (prefixCode, prefixBody) = await TicketAsync(admin, "cover.png", 10, prefix: "../etc", isPrivate: false);

        Assert.Equal(HttpStatusCode.BadRequest, exeCode);
        Assert.Contains("不支持的文件类型", exeBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bigCode);
        Assert.Contains("图片最大 1000 B", bigBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, callerCode);
        Assert.Contains("最大 500 B", callerBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, prefixCode);
        Assert.Contains("存储目录", prefixBody.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task An_upload_without_a_valid_ticket_or_beyond_its_size_stores_nothing()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var (_, ticketBody) = await TicketAsync(admin, "cover.png", 100, prefix: "covers", isPrivate: false, maxBytes: 100);
        var ticket = ticketBody.GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;

        var (missingCode, missingBody) = await PutAsync(admin, null, [1]);
        var (forgedCode, _) = await PutAsync(admin, ticket.GetProperty("token").GetString() + "x", [1]);
        var (bigCode, bigBody) = await PutAsync(admin, ticket.GetProperty("token").GetString(), TestMedia.Png(101));
        var (confirmCode, confirmBody) = await ConfirmAsync(admin, ticket);

        Assert.Equal(HttpStatusCode.BadRequest, missingCode);
        Assert.Contains("上传凭证无效或已过期", missingBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, forgedCode);
        Assert.Equal(HttpStatusCode.BadRequest, bigCode);
        Assert.Contains("文件过大", bigBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, confirmCode);
        Assert.Contains("没有找到上传的文件", confirmBody.GetProperty("msg").GetString());
        Assert.Null(await app.Services.GetRequiredService<IFileStore>().StatAsync(key));
    }

    [Fact]
    public async Task Content_that_is_not_what_its_name_says_is_refused_through_the_app_and_nothing_is_stored()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var page = "<html><script>alert(1)</script></html>"u8.ToArray();
        var (_, ticketBody) = await TicketAsync(admin, "cover.png", page.Length, prefix: "covers", isPrivate: false);
        var ticket = ticketBody.GetProperty("data");

        var (code, body) = await PutAsync(admin, ticket.GetProperty("token").GetString(), page);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("文件内容与类型不符", body.GetProperty("msg").GetString());
        Assert.Null(await app.Services.GetRequiredService<IFileStore>().StatAsync(ticket.GetProperty("key").GetString()!));
    }

    [Fact]
    public async Task A_ticket_allows_one_upload_and_a_second_one_with_it_is_refused()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var first = TestMedia.Png(500);
        var (_, ticketBody) = await TicketAsync(admin, "cover.png", first.Length, prefix: "covers", isPrivate: false);
        var ticket = ticketBody.GetProperty("data");
        var token = ticket.GetProperty("token").GetString();

        var (firstCode, _) = await PutAsync(admin, token, first);
        var (secondCode, secondBody) = await PutAsync(admin, token, TestMedia.Png(400));

        Assert.Equal(HttpStatusCode.OK, firstCode);
        Assert.Equal(HttpStatusCode.BadRequest, secondCode);
        Assert.Contains("只能上传一次", secondBody.GetProperty("msg").GetString());
        Assert.Equal(500, (await app.Services.GetRequiredService<IFileStore>().StatAsync(ticket.GetProperty("key").GetString()!))!.Length);
    }

    [Theory]
    [InlineData("cover.png", "covers", "<html><body>not an image</body></html>")]
    [InlineData("intro.webm", "videos", "#!/bin/sh\nrm -rf /\n")]
    public async Task Confirmation_reads_the_first_bytes_of_what_reached_the_store_and_removes_a_file_that_is_not_what_it_claims(
        string fileName, string prefix, string content)
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var admin = await AdminAsync(app);
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        var (_, ticketBody) = await TicketAsync(admin, fileName, bytes.Length, prefix: prefix, isPrivate: prefix == "videos");
        var ticket = ticketBody.GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;
        var bucket = prefix == "videos" ? FakeQiniu.PrivateBucket : FakeQiniu.Bucket;
        fake.Put(bucket, key, bytes, ticket.GetProperty("content_type").GetString()!);

        var (code, body) = await ConfirmAsync(admin, ticket);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("文件内容与类型不符", body.GetProperty("msg").GetString());
        Assert.False(fake.Objects.ContainsKey((bucket, key)));
    }

    [Fact]
    public async Task With_Qiniu_the_ticket_is_an_upload_token_for_exactly_one_key_with_the_limits_and_confirmation_stats_the_bucket()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var admin = await AdminAsync(app);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm"));

        var (_, ticketBody) = await TicketAsync(admin, "intro.webm", bytes.Length, maxBytes: 100_000);
        var ticket = ticketBody.GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;
        var token = ticket.GetProperty("token").GetString()!;
        var policy = QiniuSignature.ReadUploadToken(token, FakeQiniu.AccessKey, FakeQiniu.SecretKey)!;
        using var browser = new HttpClient();
        var otherKey = await BrowserUploadAsync(browser, ticket, "private/videos/202611/other.webm", bytes, "video/webm");
        var wrongType = await BrowserUploadAsync(browser, ticket, key, bytes, "text/html");
        var tooBig = await BrowserUploadAsync(browser, ticket, key, new byte[100_001], "video/webm");
        var (earlyCode, _) = await ConfirmAsync(admin, ticket);
        var ok = await BrowserUploadAsync(browser, ticket, key, bytes, "video/webm");
        var (confirmCode, confirmBody) = await ConfirmAsync(admin, ticket);

        Assert.Equal("qiniu", ticket.GetProperty("mode").GetString());
        Assert.Equal(fake.Url + "/", ticket.GetProperty("url").GetString());
        Assert.Equal($"{FakeQiniu.PrivateBucket}:{key}", policy.Scope);
        Assert.Equal(100_000, policy.FsizeLimit);
        Assert.Equal("video/webm", policy.MimeLimit);
        Assert.InRange(policy.Deadline - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 14 * 60, 15 * 60);
        Assert.Equal(HttpStatusCode.Forbidden, otherKey);
        Assert.Equal(HttpStatusCode.Forbidden, wrongType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig);
        Assert.Equal(HttpStatusCode.BadRequest, earlyCode);
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(HttpStatusCode.OK, confirmCode);
        Assert.Equal(bytes.Length, confirmBody.GetProperty("data").GetProperty("size").GetInt64());
        Assert.StartsWith(fake.PrivateUrl + "/" + key + "?e=", confirmBody.GetProperty("data").GetProperty("url").GetString());
    }

    /// <summary>
    /// The object at the ticket's key put straight into the fake bucket: a store that let through another type, or more
    /// bytes than the token's <c>fsizeLimit</c> (the ticket allows 100 B, far below the rules' 5 MB for images).
    /// </summary>
    [Theory]
    [InlineData("text/html", 30, "文件类型不符")]
    [InlineData("image/png", 150, "最大 100 B")]
    public async Task Confirmation_refuses_and_removes_an_object_at_the_tickets_key_of_another_type_or_size_than_the_ticket_allowed(
        string storedType, int storedBytes, string refusal)
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var admin = await AdminAsync(app);
        var (_, ticketBody) = await TicketAsync(admin, "cover.png", 30, prefix: "covers", isPrivate: false, maxBytes: 100);
        var ticket = ticketBody.GetProperty("data");
        var key = ticket.GetProperty("key").GetString()!;
        fake.Put(FakeQiniu.Bucket, key, new byte[storedBytes], storedType);

        var (code, body) = await ConfirmAsync(admin, ticket);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains(refusal, body.GetProperty("msg").GetString());
        Assert.False(fake.Objects.ContainsKey((FakeQiniu.Bucket, key)));
    }

    [Fact]
    public async Task Only_a_key_a_ticket_was_issued_for_can_be_confirmed_and_nothing_else_is_ever_deleted()
    {
        await using var app = new LuffyAppFactory(fake.Settings());
        var admin = await AdminAsync(app);
        const string existing = "private/videos/python-setup.webm";
        fake.Put(FakeQiniu.PrivateBucket, existing, "not really a video"u8.ToArray(), "text/plain");
        var (_, ticketBody) = await TicketAsync(admin, "a.webm", 10);
        var token = ticketBody.GetProperty("data").GetProperty("confirm_token").GetString();

        var (bareCode, bareBody) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/", new { key = existing });
        var (otherCode, otherBody) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/", new { key = existing, confirm_token = token });
        var (forgedCode, _) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/", new { key = existing, confirm_token = token + "x" });
        var (uploadTicketCode, _) = await admin.PostJsonAsync("/api/v1/storage/uploads/confirm/",
            new { confirm_token = ticketBody.GetProperty("data").GetProperty("token").GetString() });

        Assert.Equal(HttpStatusCode.BadRequest, bareCode);
        Assert.Contains("上传凭证无效或已过期", bareBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, otherCode);
        Assert.Contains("文件名与上传凭证不符", otherBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, forgedCode);
        Assert.Equal(HttpStatusCode.BadRequest, uploadTicketCode);
        Assert.True(fake.Objects.ContainsKey((FakeQiniu.PrivateBucket, existing)));
    }

    [Fact]
    public async Task A_video_is_always_private_whatever_the_caller_asks_and_its_confirmation_answers_a_signed_url()
    {
        await using var app = new LuffyAppFactory();
        var admin = await AdminAsync(app);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Root, "wwwroot-assets/private/videos/go-intro.webm"));

        var (_, ticketBody) = await TicketAsync(admin, "intro.webm", bytes.Length, isPrivate: false);
        var ticket = ticketBody.GetProperty("data");
        await PutAsync(admin, ticket.GetProperty("token").GetString(), bytes);
        var (confirmCode, confirmBody) = await ConfirmAsync(admin, ticket);

        Assert.StartsWith("private/videos/", ticket.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, confirmCode);
        Assert.Contains("token=", confirmBody.GetProperty("data").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("qiniu", 401, "{\"error\":\"token out of date\"}", "上传凭证无效或已过期")]
    [InlineData("qiniu", 413, "{\"error\":\"request entity too large\"}", "文件超过允许的大小")]
    [InlineData("qiniu", 614, "{\"error\":\"file exists\"}", "同名文件已存在")]
    [InlineData("qiniu", 631, "{\"error\":\"no such bucket\"}", "Storage:Qiniu:Bucket")]
    [InlineData("qiniu", 599, "{\"error\":\"server error\"}", "存储服务暂时不可用")]
    [InlineData("qiniu", 0, "", "网络错误")]
    [InlineData("app", 400, "{\"status\":102,\"msg\":\"文件过大：最大 5 MB。\",\"data\":null}", "文件过大：最大 5 MB。")]
    [InlineData("app", 502, "<html>Bad Gateway</html>", "存储服务暂时不可用")]
    public void A_failed_browser_upload_is_explained_to_the_admin(string mode, int status, string body, string expected) =>
        Assert.Contains(expected, MediaUploads.DescribeFailure(mode, status, body));

    /// <summary>What the uploader's JavaScript sends to Qiniu: key, token, then the file last.</summary>
    private static async Task<HttpStatusCode> BrowserUploadAsync(HttpClient browser, JsonElement ticket, string key, byte[] bytes, string type)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(key), "key" },
            { new StringContent(ticket.GetProperty("token").GetString()!), "token" },
        };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(file, "file", "intro.webm");
        using var response = await browser.PostAsync(ticket.GetProperty("url").GetString(), form);
        return response.StatusCode;
    }
}
