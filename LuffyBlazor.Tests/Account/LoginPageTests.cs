using System.Net;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LuffyBlazor.Tests.Account;

public sealed class LoginPageTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("pageuser1", "pageuser1")]
    [InlineData("pageuser2", "pageuser2@example.com")]
    public async Task Log_in_by_user_name_or_email_sets_the_cookie_and_goes_back_to_the_local_return_url(string username, string login)
    {
        await app.CreateClient().RegisterAsync(username, "secret-pass-1", $"{username}@example.com");
        var browser = NewBrowser();

        var response = await browser.SubmitFormAsync("/Account/Login?ReturnUrl=%2Fcourse%2F3", "login", new Dictionary<string, string>
        {
            ["Input.Login"] = login,
            ["Input.Password"] = "secret-pass-1",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/course/3", response.Headers.Location?.PathAndQuery);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("luffy.auth=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    public async Task An_external_return_url_is_never_followed(string returnUrl)
    {
        var username = "careful" + Math.Abs(returnUrl.GetHashCode() % 10000);
        await app.CreateClient().RegisterAsync(username, "secret-pass-2");
        var browser = NewBrowser();

        var response = await browser.SubmitFormAsync($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login", new Dictionary<string, string>
        {
            ["Input.Login"] = username,
            ["Input.Password"] = "secret-pass-2",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.Equal("localhost", location.Host);
        Assert.Equal("/", location.AbsolutePath);
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_on_the_page_without_signing_in()
    {
        await app.CreateClient().RegisterAsync("typo", "secret-pass-3");
        var browser = NewBrowser();

        var response = await browser.LoginThroughPageAsync("typo", "secret-pass-x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("用户名或密码不正确", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("luffy.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Registering_through_the_page_signs_the_new_learner_in()
    {
        var browser = NewBrowser();

        var response = await browser.SubmitFormAsync("/Account/Register?ReturnUrl=%2F", "register", new Dictionary<string, string>
        {
            ["Input.UserName"] = "newlearner",
            ["Input.Email"] = "",
            ["Input.Password"] = "secret-pass-4",
            ["Input.ConfirmPassword"] = "secret-pass-4",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("luffy.auth=", StringComparison.Ordinal));
        var token = await app.CreateClient().LoginForTokenAsync("newlearner", "secret-pass-4");
        Assert.NotEmpty(token);
    }
}
