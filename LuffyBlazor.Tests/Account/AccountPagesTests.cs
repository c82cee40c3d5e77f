using System.Net;
using AngleSharp.Html.Parser;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Account;

/// <summary>The account pages as served: where the focus starts, the way back from a lock-out, what a user name may hold.</summary>
public sealed class AccountPagesTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private readonly HtmlParser parser = new();

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(string url)
    {
        using var response = await app.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_log_in_page_puts_the_focus_on_the_user_name_field()
    {
        var page = await PageAsync("/Account/Login");

        Assert.Equal(["Input.Login"], page.QuerySelectorAll("[autofocus]").Select(e => e.Id));
    }

    [Fact]
    public async Task The_lock_out_page_has_a_title_and_links_back_to_log_in()
    {
        var page = await PageAsync("/Account/Lockout?minutes=3");

        Assert.Equal("暂时无法登录 - 路飞学城", page.Title);
        Assert.Equal("Account/Login", page.QuerySelector("a#back-to-login")?.GetAttribute("href"));
        Assert.Equal("返回登录", page.QuerySelector("a#back-to-login")?.TextContent);
    }

    [Fact]
    public async Task The_registration_page_says_plainly_which_characters_a_user_name_may_have()
    {
        var page = await PageAsync("/Account/Register");

        Assert.Equal("用户名（3–32 个字符，只能用英文字母、数字和 - . _）", page.QuerySelector("label[for='Input.UserName']")?.TextContent.Trim());
    }
}
