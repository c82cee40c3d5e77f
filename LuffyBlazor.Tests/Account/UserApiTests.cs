using System.Net;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Account;

public sealed class UserApiTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Register_then_log_in_by_user_name_returns_a_jwt()
    {
        var (code, body) = await client.PostJsonAsync("/api/v1/user/register/", new { username = "zhangsan", password = "secret-pass-1", email = "zhangsan@example.com" });

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(100, body.GetProperty("status").GetInt32());
        Assert.Equal("zhangsan", body.GetProperty("data").GetProperty("username").GetString());

        var token = await client.LoginForTokenAsync("zhangsan", "secret-pass-1");
        Assert.Equal(3, token.Split('.').Length);
    }

    [Fact]
    public async Task Log_in_by_email_returns_the_user_name_and_a_token_that_the_api_accepts()
    {
        await client.RegisterAsync("lisi", "secret-pass-2", "lisi@example.com");

        var (code, body) = await client.PostJsonAsync("/api/v1/user/login/", new { username = "lisi@example.com", password = "secret-pass-2" });

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("lisi", body.GetProperty("data").GetProperty("username").GetString());
        var token = body.GetProperty("data").GetProperty("token").GetString()!;
        var (meCode, me) = await app.CreateClient().WithBearer(token).GetJsonAsync("/api/v1/user/me/");
        Assert.Equal(HttpStatusCode.OK, meCode);
        Assert.Equal("lisi@example.com", me.GetProperty("data").GetProperty("email").GetString());
    }

    [Theory]
    [InlineData(true, "wrong-password-1")]
    [InlineData(false, "secret-pass-3")]
    public async Task Bad_credentials_are_a_400_that_does_not_say_which_part_was_wrong(bool userExists, string password)
    {
        var username = userExists ? "wangwu" : "nobody-here";
        if (userExists)
        {
            await client.RegisterAsync(username, "secret-pass-3");
        }

        var (code, body) = await client.PostJsonAsync("/api/v1/user/login/", new { username, password });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal(101, body.GetProperty("status").GetInt32());
        Assert.Equal("用户名或密码错误", body.GetProperty("msg").GetString());
    }

    [Theory]
    [InlineData("sunqi", "short1", "密码至少需要 8 位")]
    [InlineData("sunqi", "nodigitshere", "密码必须包含数字")]
    [InlineData("bad name!", "secret-pass-5", "用户名只能包含")]
    [InlineData("", "secret-pass-5", "用户名和密码不能为空")]
    public async Task Invalid_registrations_are_a_400_with_a_clear_message(string username, string password, string expected)
    {
        var (code, body) = await client.PostJsonAsync("/api/v1/user/register/", new { username, password });

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains(expected, body.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task A_taken_user_name_or_email_cannot_be_registered_again()
    {
        await client.RegisterAsync("zhouba", "secret-pass-6", "zhouba@example.com");

        var (sameName, nameBody) = await client.PostJsonAsync("/api/v1/user/register/", new { username = "ZhouBa", password = "secret-pass-6" });
        var (sameEmail, emailBody) = await client.PostJsonAsync("/api/v1/user/register/", new { username = "zhouba2", password = "secret-pass-6", email = "zhouba@example.com" });

        Assert.Equal(HttpStatusCode.BadRequest, sameName);
        Assert.Contains("已被注册", nameBody.GetProperty("msg").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, sameEmail);
        Assert.Contains("已被注册", emailBody.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task The_authenticated_api_refuses_no_token_and_a_forged_token_with_a_401_envelope()
    {
        var (anonymous, anonymousBody) = await app.CreateClient().GetJsonAsync("/api/v1/user/me/");
        var forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWZvcmdlZA";
        var (forgedCode, _) = await app.CreateClient().WithBearer(forged).GetJsonAsync("/api/v1/user/me/");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(103, anonymousBody.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, forgedCode);
    }

    [Fact]
    public async Task The_authenticated_api_also_accepts_the_site_cookie()
    {
        await client.RegisterAsync("cookieuser", "secret-pass-7");
        var browser = app.CreateClient();
        await browser.LoginThroughPageAsync("cookieuser", "secret-pass-7");

        var (code, body) = await browser.GetJsonAsync("/api/v1/user/me/");

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("cookieuser", body.GetProperty("data").GetProperty("username").GetString());
    }
}
