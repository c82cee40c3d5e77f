using System.Net;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LuffyBlazor.Tests.Storage;

/// <summary>/admin/media is for admins only, and tells them which store is in use.</summary>
public sealed class MediaAdminPageTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private HttpClient NewBrowser() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Visitors_are_sent_to_log_in_and_learners_get_403()
    {
        var (_, learner) = await app.CreateLearnerAsync();
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(learner, AppScenarios.LearnerPassword);

        var anonymous = await NewBrowser().GetAsync("/admin/media");
        var forbidden = await browser.GetAsync("/admin/media");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2Fadmin%2Fmedia", anonymous.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_the_store_in_use_its_limits_and_both_uploaders()
    {
        var browser = NewBrowser();
        await browser.LoginThroughPageAsync(LuffyAppFactory.AdminUserName, LuffyAppFactory.AdminPassword);

        var response = await browser.GetAsync("/admin/media");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("本地磁盘", html);
        Assert.Contains("图片最大 5 MB，视频最大 10 GB", html);
        Assert.Contains("上传图片", html);
        Assert.Contains("上传视频", html);
    }
}
